import { join } from 'node:path';
import type { Broker } from '../broker.js';
import type { BrokerComponent } from '../components.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { GroupCoordinator } from './coordinator.js';
import { registerGroupLagMetric } from './lag-metric.js';

const NAME = 'groups';

/**
 * Starts the group coordinator with the broker: loads committed offsets from
 * `<dataDir>/groups/`, registers the lag gauge, and closes the journal when the broker closes.
 */
export const groupsComponent: BrokerComponent = {
  name: NAME,
  async start(broker: Broker) {
    const { config } = broker;
    const groups = await GroupCoordinator.open({
      dataDir: join(broker.config.dataDir, 'groups'),
      logger: broker.logger,
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    });
    broker.onClose(() => groups.close());
    registerGroupLagMetric(broker.metrics.registry, groups, (topic, partition) => {
      return broker.topics.partition(topic, partition)?.highWatermark;
    });
    return groups;
  },
};

/** The broker's group coordinator (started by groupsComponent). */
export function groupCoordinatorOf(broker: Broker): GroupCoordinator {
  const groups = broker.extensions.get(NAME);
  if (!(groups instanceof GroupCoordinator)) {
    throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'group coordinator not started');
  }
  return groups;
}
