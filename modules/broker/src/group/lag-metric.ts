import { Gauge, type Registry } from 'prom-client';
import type { GroupCoordinator } from './coordinator.js';

/**
 * `kafka_consumer_group_lag{group,topic,partition}`: high watermark minus the committed offset,
 * computed when Prometheus scrapes (no bookkeeping on the commit path).
 */
export function registerGroupLagMetric(
  registry: Registry,
  groups: GroupCoordinator,
  highWatermark: (topic: string, partition: number) => number | undefined,
): void {
  if (registry.getSingleMetric('kafka_consumer_group_lag')) return;
  new Gauge({
    name: 'kafka_consumer_group_lag',
    help: 'Records between the committed offset of a consumer group and the partition high watermark',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of groups.committedOffsets()) {
        const hw = highWatermark(c.topic, c.partition);
        if (hw === undefined) continue;
        this.set(
          { group: c.groupId, topic: c.topic, partition: String(c.partition) },
          Math.max(0, hw - Number(c.offset)),
        );
      }
    },
  });
}
