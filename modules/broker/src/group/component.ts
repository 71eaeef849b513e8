import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { BrokerConfig } from '../config.js';
import { GroupCoordinator } from './coordinator.js';
import { registerGroupLagMetric } from './lag-metric.js';

/**
 * Starts the broker's group coordinator: loads committed offsets from `<dataDir>/groups/` and
 * registers the lag gauge (lag against `highWatermark`). The caller closes it.
 */
export async function startGroupCoordinator(
  config: BrokerConfig,
  logger: Logger,
  registry: Registry,
  highWatermark: (topic: string, partition: number) => number | undefined,
): Promise<GroupCoordinator> {
  const groups = await GroupCoordinator.open({
    dataDir: join(config.dataDir, 'groups'),
    logger,
    minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
  });
  registerGroupLagMetric(registry, groups, highWatermark);
  return groups;
}
