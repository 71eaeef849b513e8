import { join } from 'node:path';
import type { Broker } from '../broker.js';
import type { BrokerComponent } from '../components.js';
import { groupCoordinatorOf } from '../group/component.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { TransactionCoordinator } from './coordinator.js';

const NAME = 'transactions';

/**
 * Starts the transaction coordinator after the group coordinator (transactions commit group
 * offsets): loads `<dataDir>/txn/`, completes transactions a crash interrupted, and installs the
 * Produce hook that refuses transactional batches for partitions not added to the transaction.
 */
export const transactionsComponent: BrokerComponent = {
  name: NAME,
  async start(broker: Broker) {
    const groups = groupCoordinatorOf(broker);
    const txns = await TransactionCoordinator.open({
      dataDir: join(broker.config.dataDir, 'txn'),
      logger: broker.logger,
      participants: {
        partitionExists: (topic, partition) => broker.topics.partition(topic, partition) !== undefined,
        async writeMarker(topic, partition, producerId, producerEpoch, commit) {
          const p = broker.topics.partition(topic, partition);
          if (!p) return;
          await p.appendTxnMarker(producerId, producerEpoch, commit, 0);
        },
        endGroupOffsets: (producerId, groupIds, commit) =>
          groups.endTransaction(producerId, groupIds, commit),
      },
    });
    broker.transactionalProduceCheck = (transactionalId, producerId, producerEpoch, topic, partition) =>
      txns.produceCheck(transactionalId, producerId, producerEpoch, topic, partition);
    broker.onClose(() => txns.close());
    return txns;
  },
};

export function transactionCoordinatorOf(broker: Broker): TransactionCoordinator {
  const txns = broker.extensions.get(NAME);
  if (!(txns instanceof TransactionCoordinator)) {
    throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'transaction coordinator not started');
  }
  return txns;
}
