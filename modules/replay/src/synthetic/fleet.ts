import { ATTRIBUTES_BY_TYPE, type Metric, type MetricAttribute, type MetricType } from '@meterstream/common';
import type { GatewayRange } from '../publisher/gateways.js';
import { electricityProfile, gasProfile, waterUseProbability } from './profiles.js';
import { gaussian, uniform } from './random.js';

/** Probability per reading (per gateway and meter, per tick) of each anomaly. */
export interface AnomalyRates {
  /** A demand/power value multiplied by 5–10. */
  spike: number;
  /** The meter sends nothing this tick (its counter keeps counting). */
  dropout: number;
  /** Per 30-tick block: the meter repeats the block's first reading and its counter stops. */
  stuck: number;
}

export interface FleetOptions {
  seed: number;
  gateways: GatewayRange;
  /** Default all three. */
  types?: readonly MetricType[];
  /**
   * Only these attributes (default all of the types'): `['ACTIVE_POWER']` makes each gateway one
   * meter sending one reading a tick — the shape of a large fleet (a million meters every 15 min).
   */
  attributes?: readonly MetricAttribute[];
  /** Epoch ms of the first tick. Default 2024-01-01T00:00:00Z. */
  start?: number;
  /** Default 60 000 (one reading a minute, like the datasets). */
  stepMs?: number;
  /** Stop after this many ticks (default: never). */
  ticks?: number;
  anomalies?: Partial<AnomalyRates>;
}

export const DEFAULT_ANOMALIES: AnomalyRates = { spike: 0.001, dropout: 0.002, stuck: 0.0005 };
export const DEFAULT_SYNTHETIC_START = Date.UTC(2024, 0, 1);
const STUCK_BLOCK_TICKS = 30;

// independent random streams
const S_DROP = 1;
const S_SPIKE = 2;
const S_SPIKE_SIZE = 3;
const S_STUCK = 4;
const S_NOISE = 10;
const S_CONST = 20;
const S_WATER_USE = 30;
const S_WATER_FLOW = 31;

const round = (value: number, decimals: number) => {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
};

/**
 * A deterministic synthetic fleet: gateways `from..to`, each with an electricity, a water and a gas
 * meter, one reading a minute. Values follow daily profiles with per-gateway constants and noise,
 * plus occasional spikes, drop-outs and stuck readings. Everything random is a pure function of
 * (seed, gateway, tick), so the same options always yield the same messages; the only state is the
 * water and gas counters (one Float64Array entry per gateway and meter, allocated once).
 *
 * Messages come tick by tick, then gateway by gateway, then meter by meter; nothing fleet-sized is
 * built per tick.
 */
export function* syntheticFleet(options: FleetOptions): Generator<Metric> {
  const { seed } = options;
  const { from, to } = options.gateways;
  const attributes = new Set<MetricAttribute>(
    options.attributes ?? (['ELECTRICITY', 'WATER', 'GAS'] as const).flatMap((t) => ATTRIBUTES_BY_TYPE[t]),
  );
  const types = (options.types ?? ['ELECTRICITY', 'WATER', 'GAS']).filter((t) =>
    ATTRIBUTES_BY_TYPE[t].some((a) => attributes.has(a)),
  );
  const start = options.start ?? DEFAULT_SYNTHETIC_START;
  const step = options.stepMs ?? 60_000;
  const anomalies = { ...DEFAULT_ANOMALIES, ...options.anomalies };
  const size = to - from + 1;
  const wantWater = types.includes('WATER');
  const wantGas = types.includes('GAS');
  const wantElectricity = types.includes('ELECTRICITY');
  const waterCounter = new Float64Array(wantWater ? size : 0);
  const gasCounter = new Float64Array(wantGas ? size : 0);
  for (let i = 0; i < size; i++) {
    if (wantWater) waterCounter[i] = round(10_000 + 90_000 * uniform(seed, from + i, 0, S_CONST + 5), 3);
    if (wantGas) gasCounter[i] = round(100_000 + 900_000 * uniform(seed, from + i, 0, S_CONST + 6), 3);
  }
  const lastTick = options.ticks ?? Number.POSITIVE_INFINITY;

  for (let tick = 0; tick < lastTick; tick++) {
    const timestamp = start + tick * step;
    const block = Math.floor(tick / STUCK_BLOCK_TICKS);
    const blockTick = block * STUCK_BLOCK_TICKS;
    for (let g = from; g <= to; g++) {
      const gateway = String(g);
      for (let m = 0; m < 3; m++) {
        const type: MetricType = m === 0 ? 'ELECTRICITY' : m === 1 ? 'WATER' : 'GAS';
        if ((m === 0 && !wantElectricity) || (m === 1 && !wantWater) || (m === 2 && !wantGas)) continue;
        const stuck = uniform(seed, g, block, S_STUCK + m * 100) < anomalies.stuck;
        const readTick = stuck ? blockTick : tick;
        const readTime = start + readTick * step;
        const hour = (readTime / 3_600_000) % 24;
        const spike =
          uniform(seed, g, readTick, S_SPIKE + m * 100) < anomalies.spike
            ? 5 + 5 * uniform(seed, g, readTick, S_SPIKE_SIZE + m * 100)
            : 1;
        const dropped = uniform(seed, g, tick, S_DROP + m * 100) < anomalies.dropout;
        if (m === 0) {
          if (dropped) continue;
          const base = 0.3 + 1.2 * uniform(seed, g, 0, S_CONST);
          const tanPhi = Math.tan(Math.acos(0.85 + 0.13 * uniform(seed, g, 0, S_CONST + 1)));
          const noise = 1 + 0.08 * gaussian(seed, g, readTick, S_NOISE);
          const active = round(Math.max(0.01, base * electricityProfile(hour) * noise * spike), 3);
          const reactive = round(active * tanPhi * (1 + 0.05 * gaussian(seed, g, readTick, S_NOISE + 1)), 3);
          const voltage = round(
            230 +
              4 * (uniform(seed, g, 0, S_CONST + 2) - 0.5) +
              1.5 * gaussian(seed, g, readTick, S_NOISE + 2),
            2,
          );
          const intensity = round((Math.hypot(active, reactive) * 1000) / voltage, 2);
          if (attributes.has('ACTIVE_POWER'))
            yield { gateway, metricType: type, metricAttribute: 'ACTIVE_POWER', timestamp, value: active };
          if (attributes.has('REACTIVE_POWER'))
            yield {
              gateway,
              metricType: type,
              metricAttribute: 'REACTIVE_POWER',
              timestamp,
              value: reactive,
            };
          if (attributes.has('VOLTAGE'))
            yield { gateway, metricType: type, metricAttribute: 'VOLTAGE', timestamp, value: voltage };
          if (attributes.has('INTENSITY'))
            yield { gateway, metricType: type, metricAttribute: 'INTENSITY', timestamp, value: intensity };
        } else if (m === 1) {
          const running = uniform(seed, g, readTick, S_WATER_USE) < waterUseProbability(hour);
          const flow = running
            ? round((2 + 10 * uniform(seed, g, readTick, S_WATER_FLOW)) * Math.min(spike, 3), 3)
            : 0;
          const i = g - from;
          if (!stuck) waterCounter[i] = round(waterCounter[i]! + flow, 3);
          if (dropped) continue;
          if (attributes.has('WATER_SUMMATION'))
            yield {
              gateway,
              metricType: type,
              metricAttribute: 'WATER_SUMMATION',
              timestamp,
              value: waterCounter[i]!,
            };
          if (attributes.has('WATER_IDD'))
            yield { gateway, metricType: type, metricAttribute: 'WATER_IDD', timestamp, value: flow };
        } else {
          const furnace = 5 + 20 * uniform(seed, g, 0, S_CONST + 3);
          const noise = 1 + 0.15 * gaussian(seed, g, readTick, S_NOISE + 3);
          const demand = round(Math.max(0, furnace * gasProfile(hour) * noise * spike), 3);
          const i = g - from;
          if (!stuck) gasCounter[i] = round(gasCounter[i]! + demand, 3);
          if (dropped) continue;
          if (attributes.has('GAS_SUMMATION'))
            yield {
              gateway,
              metricType: type,
              metricAttribute: 'GAS_SUMMATION',
              timestamp,
              value: gasCounter[i]!,
            };
          if (attributes.has('GAS_IDD'))
            yield { gateway, metricType: type, metricAttribute: 'GAS_IDD', timestamp, value: demand };
        }
      }
    }
  }
}
