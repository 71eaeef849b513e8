import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BrokerConfig } from '../config.js';
import type { GroupCoordinator } from '../group/coordinator.js';
import type { TopicManager } from '../log/topic-manager.js';
import { TransactionCoordinator } from './coordinator.js';

/**
 * Starts the transaction coordinator after the group coordinator (transactions commit group
 * offsets): loads `<dataDir>/txn/` and completes transactions a crash interrupted, writing their
 * markers into the partitions of `topics`. The caller installs its Produce check and closes it.
 */
export function startTransactionCoordinator(
  config: BrokerConfig,
  logger: Logger,
  topics: TopicManager,
  groups: GroupCoordinator,
): Promise<TransactionCoordinator> {
  return TransactionCoordinator.open({
    dataDir: join(config.dataDir, 'txn'),
    logger,
    participants: {
      partitionExists: (topic, partition) => topics.partition(topic, partition) !== undefined,
      async writeMarker(topic, partition, producerId, producerEpoch, commit) {
        const p = topics.partition(topic, partition);
        if (!p) return;
        await p.appendTxnMarker(producerId, producerEpoch, commit, 0);
      },
      endGroupOffsets: (producerId, groupIds, commit) => groups.endTransaction(producerId, groupIds, commit),
    },
  });
}
