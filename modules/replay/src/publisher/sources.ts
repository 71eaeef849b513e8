import type { Metric, MetricType } from '@meterstream/common';
import type { DatasetRow } from '../readers/dataset-row.js';
import { type FleetOptions, syntheticFleet } from '../synthetic/fleet.js';
import type { GatewayRange } from './gateways.js';

/** How much each gateway's value differs from the next one's, so gateways replaying one file differ. */
export const GATEWAY_VALUE_STEP = 0.001;

/** One row for every gateway: gateway g gets each reading + 0.001 × g. Lazy, even for 1M gateways. */
export function* fanOutRow(
  row: DatasetRow,
  metricType: MetricType,
  gateways: GatewayRange,
): Generator<Metric> {
  const { timestamp, readings } = row;
  for (let g = gateways.from; g <= gateways.to; g++) {
    const gateway = String(g);
    const shift = GATEWAY_VALUE_STEP * g;
    for (const reading of readings) {
      yield {
        gateway,
        metricType,
        metricAttribute: reading.attribute,
        timestamp,
        value: reading.value + shift,
      };
    }
  }
}

/** A dataset's rows fanned out to gateways: one chunk per batch of rows read. */
export async function* datasetSource(
  reader: { batches(): AsyncIterable<readonly DatasetRow[]> },
  metricType: MetricType,
  gateways: GatewayRange,
): AsyncGenerator<Iterable<Metric>> {
  for await (const rows of reader.batches()) {
    yield (function* () {
      for (const row of rows) yield* fanOutRow(row, metricType, gateways);
    })();
  }
}

/** The synthetic fleet as a source: one (possibly endless) chunk. */
export function syntheticSource(options: FleetOptions): Iterable<Iterable<Metric>> {
  return [syntheticFleet(options)];
}
