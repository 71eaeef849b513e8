import type { Observable } from 'rxjs';
import { type Headers, NO_HEADERS } from '../processor/record.js';
import type { Serde } from '../serde/serde.js';

/** What an input topic needs from the driver. */
export interface InputSink {
  pipeSerialized(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    timestamp: number,
    headers: Headers,
  ): void;
  pipeObjects(topic: string, key: unknown, value: unknown, timestamp: number, headers: Headers): void;
}

export interface TestInputTopicOptions {
  /** Timestamp of records piped without one; default: the driver's wall clock at creation. */
  readonly startTimestampMs?: number;
  /** Added to the auto timestamp after each record piped without a timestamp. */
  readonly autoAdvanceMs?: number;
  /**
   * Hand keys and values to the source as objects, skipping the serialize/deserialize round trip
   * (in-process feeds and the benchmark). The Kafka runtime always deserializes bytes.
   */
  readonly passObjects?: boolean;
}

/** Pipes records into one topic of a TopologyTestDriver (Kafka Streams' TestInputTopic). */
export class TestInputTopic<K, V> {
  private nextTimestamp: number;

  constructor(
    readonly topic: string,
    private readonly sink: InputSink,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly options: TestInputTopicOptions & { startTimestampMs: number },
  ) {
    this.nextTimestamp = options.startTimestampMs;
  }

  pipeInput(key: K | null, value: V | null, timestamp?: number, headers: Headers = NO_HEADERS): void {
    let ts = timestamp;
    if (ts === undefined) {
      ts = this.nextTimestamp;
      this.nextTimestamp += this.options.autoAdvanceMs ?? 0;
    }
    if (this.options.passObjects) {
      this.sink.pipeObjects(this.topic, key, value, ts, headers);
      return;
    }
    this.sink.pipeSerialized(
      this.topic,
      this.ser(this.keySerde, key, 'key'),
      this.ser(this.valueSerde, value, 'value'),
      ts,
      headers,
    );
  }

  /** Pipes a value with a null key. */
  pipeValue(value: V | null, timestamp?: number): void {
    this.pipeInput(null, value, timestamp);
  }

  pipeKeyValueList(list: Iterable<{ key: K | null; value: V | null; timestamp?: number }>): void {
    for (const r of list) this.pipeInput(r.key, r.value, r.timestamp);
  }

  /** Pipes every emission of `source`; resolves when it completes, rejects on its error. */
  pipeObservable(source: Observable<{ key: K | null; value: V | null; timestamp?: number }>): Promise<void> {
    return new Promise((resolve, reject) => {
      source.subscribe({
        next: (r) => {
          try {
            this.pipeInput(r.key, r.value, r.timestamp);
          } catch (err) {
            reject(err);
          }
        },
        error: reject,
        complete: resolve,
      });
    });
  }

  private ser<T>(serde: Serde<T> | undefined, v: T | null, part: string): Buffer | null {
    if (v === null || v === undefined) return null;
    if (serde) return serde.serialize(v);
    if (Buffer.isBuffer(v)) return v;
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    throw new Error(`input topic ${this.topic}: no ${part} serde and the ${part} is not a Buffer or string`);
  }
}
