import type { Serde } from '../serde/serde.js';
import type { OutputRecord } from '../task/record-collector.js';
import type { KeyValue, TestRecord } from './test-record.js';

/** Reads (and consumes) what the topology wrote to one topic (Kafka Streams' TestOutputTopic). */
export class TestOutputTopic<K, V> {
  constructor(
    readonly topic: string,
    private readonly queue: OutputRecord[],
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
  ) {}

  readRecord(): TestRecord<K, V> {
    const r = this.queue.shift();
    if (!r) throw new Error(`no more records in output topic ${this.topic}`);
    return this.toTestRecord(r);
  }

  readKeyValue(): KeyValue<K, V> {
    const r = this.readRecord();
    return { key: r.key, value: r.value };
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readRecordsToList(): TestRecord<K, V>[] {
    // One splice, not a shift per record (each shift moves the rest of a long queue).
    return this.queue.splice(0).map((r) => this.toTestRecord(r));
  }

  readKeyValuesToList(): KeyValue<K, V>[] {
    return this.readRecordsToList().map((r) => ({ key: r.key, value: r.value }));
  }

  readValuesToList(): (V | null)[] {
    return this.readRecordsToList().map((r) => r.value);
  }

  /** Latest value per key (as a compacted topic would keep); keys compared as serialized bytes. */
  readKeyValuesToMap(): Map<K | null, V | null> {
    const out = new Map<K | null, V | null>();
    for (const r of this.readRecordsToList()) out.set(r.key, r.value);
    return out;
  }

  getQueueSize(): number {
    return this.queue.length;
  }

  isEmpty(): boolean {
    return this.queue.length === 0;
  }

  private toTestRecord(r: OutputRecord): TestRecord<K, V> {
    return {
      key: this.de(this.keySerde, r.key),
      value: this.de(this.valueSerde, r.value),
      timestamp: r.timestamp,
      headers: r.headers,
    };
  }

  private de<T>(serde: Serde<T> | undefined, data: Buffer | null): T | null {
    if (data === null) return null;
    return serde ? serde.deserialize(data) : (data as unknown as T);
  }
}
