import { type MetricIdentity, formatInstant, identityOfKey } from '@meterstream/common';
import {
  type Processor,
  type ProcessorContext,
  Record,
  type KeyValueStore,
  type WindowStore,
} from '@meterstream/streams';
import type { CleanReading, MeterAlert, QuarantinedReading } from './outputs.js';
import { QualityBit } from './quality-bits.js';
import type { RawReading } from './raw-reading.js';
import { type SeriesRules, rulesFor } from './rules-config.js';
import type { RulesHolder } from './rules-holder.js';
import { type SeriesState, initialSeriesState, judge, observe } from './series-state.js';
import { validateReading } from './validate.js';

export const CLEAN_NODE = 'clean-sink';
export const QUARANTINE_NODE = 'quarantine-sink';
export const ALERTS_NODE = 'alerts-sink';
export const SERIES_STORE = 'quality-series';
export const DEDUP_STORE = 'quality-dedup';
/** Key of the stage's stream time in the series store: no metric key starts with a space. */
export const STREAM_TIME_KEY = ' stream-time';

/** Every count the stage keeps: (rule, outcome) pairs, exported as Prometheus counters by the app. */
export type QualityCounter = (
  rule: string,
  outcome: 'quarantined' | 'dropped' | 'flagged' | 'estimated' | 'alert' | 'passed',
) => void;

type Out = CleanReading | QuarantinedReading | MeterAlert;

/** Each bit with its counter label (`VOLTAGE_OUT_OF_RANGE` → `voltage-out-of-range`). */
const BIT_LABELS: readonly (readonly [string, number])[] = Object.entries(QualityBit).map(
  ([name, bit]) => [name.toLowerCase().replaceAll('_', '-'), bit] as const,
);

/**
 * The quality stage for one partition: validates each reading (quarantine), drops duplicates (the
 * dedup window store), fills short gaps, raises alerts and sets the quality bits. Series state
 * lives in the change-logged `quality-series` store.
 */
export class QualityProcessor implements Processor<string, RawReading, string, Out> {
  private context!: ProcessorContext<string, Out>;
  private series!: KeyValueStore<string, SeriesState | number>;
  private dedup!: WindowStore<string, number>;
  private rulesVersion = -1;
  private readonly rulesCache = new Map<string, SeriesRules>();

  constructor(
    private readonly rules: RulesHolder,
    private readonly count: QualityCounter,
  ) {}

  init(context: ProcessorContext<string, Out>): void {
    this.context = context;
    this.series = context.getStateStore(SERIES_STORE);
    this.dedup = context.getStateStore(DEDUP_STORE);
  }

  private seriesRules(key: string, identity: MetricIdentity): SeriesRules {
    if (this.rulesVersion !== this.rules.version) {
      this.rulesCache.clear();
      this.rulesVersion = this.rules.version;
    }
    let rules = this.rulesCache.get(key);
    if (!rules) {
      rules = rulesFor(this.rules.current, identity.metricType, identity.metricAttribute);
      this.rulesCache.set(key, rules);
    }
    return rules;
  }

  process(record: Record<string, RawReading>): void {
    const key = record.key;
    const raw = record.value;
    const identity = identityOfKey(key);
    const rules = this.seriesRules(key, identity);
    const streamTime = (this.series.get(STREAM_TIME_KEY) as number | undefined) ?? -1;
    const verdict = validateReading(
      raw,
      rules,
      this.rules.current,
      this.context.currentSystemTimeMs(),
      streamTime,
    );
    const state = (this.series.get(key) as SeriesState | undefined) ?? initialSeriesState();

    if (!verdict.ok) {
      this.count(verdict.rule, 'quarantined');
      const meta = this.context.recordMetadata();
      const quarantined: QuarantinedReading = {
        rule: verdict.rule,
        reason: verdict.reason,
        source: meta && { topic: meta.topic, partition: meta.partition, offset: meta.offset },
        reading: {
          timestamp: raw.timestamp,
          value: Number.isFinite(raw.value) ? raw.value : String(raw.value),
          unit: raw.unit,
        },
      };
      this.context.forward(record.withValue<Out>(quarantined), QUARANTINE_NODE);
      if (verdict.rule.startsWith('unit-') && state.unitAlerted !== raw.unit) {
        state.unitAlerted = raw.unit;
        this.series.put(key, state);
        this.alert(key, identity, record.timestamp, 'unit-error', verdict.rule, {
          unit: raw.unit,
          reason: verdict.reason,
        });
      }
      return;
    }

    const reading = verdict.reading;
    if (this.dedup.fetchWindow(key, reading.timestamp) !== undefined) {
      this.count('duplicate', 'dropped');
      return;
    }
    this.dedup.put(key, 1, reading.timestamp);
    if (reading.timestamp > streamTime) this.series.put(STREAM_TIME_KEY, reading.timestamp);

    let quality = reading.converted ? QualityBit.UNIT_CONVERTED : 0;
    let gapFrom: number | undefined;
    state.unitAlerted = null;
    if (state.lastTs !== null && reading.timestamp <= state.lastTs) {
      // Late within retention: judged against the current statistics, but the series' timeline
      // (gaps, runs, statistics) is not rewound. It supersedes an estimate at the same timestamp.
      quality |= QualityBit.OUT_OF_ORDER | judge(state, reading.value, reading.timestamp, rules);
    } else {
      const seen = observe(state, reading.timestamp, reading.value, rules);
      quality |= seen.quality;
      gapFrom = seen.gapFrom;
      for (const estimate of seen.estimated) {
        this.count('gap-fill', 'estimated');
        this.emitClean(key, identity, estimate.timestamp, estimate.value, reading.unit, 0, true, undefined);
      }
      for (const alert of seen.alerts) {
        this.count(
          alert.type === 'long-gap' ? 'long-gap' : alert.reason,
          alert.type === 'meter-flagged' ? 'flagged' : 'alert',
        );
        this.alert(key, identity, reading.timestamp, alert.type, alert.reason, alert.details);
      }
    }
    this.series.put(key, state);
    this.countBits(quality);
    this.emitClean(key, identity, reading.timestamp, reading.value, reading.unit, quality, false, gapFrom);
  }

  private countBits(quality: number): void {
    if (quality === 0) {
      this.count('none', 'passed');
      return;
    }
    for (const [label, bit] of BIT_LABELS) if ((quality & bit) !== 0) this.count(label, 'passed');
  }

  private emitClean(
    key: string,
    identity: MetricIdentity,
    timestamp: number,
    value: number,
    unit: string | null,
    quality: number,
    estimated: boolean,
    gapFrom: number | undefined,
  ): void {
    const clean: CleanReading = {
      ...identity,
      timestamp: formatInstant(timestamp),
      value,
      unit,
      quality,
      estimated,
      // Only on a LONG_GAP reading: the JSON of every other reading stays as it was (Avro: null).
      ...(gapFrom !== undefined && { gapFrom: formatInstant(gapFrom) }),
    };
    this.context.forward(new Record<string, Out>(key, clean, timestamp), CLEAN_NODE);
  }

  private alert(
    key: string,
    identity: MetricIdentity,
    timestamp: number,
    type: MeterAlert['type'],
    reason: string,
    details: MeterAlert['details'],
  ): void {
    const alert: MeterAlert = { type, ...identity, timestamp: formatInstant(timestamp), reason, details };
    this.context.forward(new Record<string, Out>(key, alert, timestamp), ALERTS_NODE);
  }
}
