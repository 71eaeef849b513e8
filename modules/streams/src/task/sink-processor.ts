import type { Processor } from '../processor/processor.js';
import type { Record } from '../processor/record.js';
import type { Serde } from '../serde/serde.js';
import type { RecordContext, SinkNodeDef } from '../topology/nodes.js';
import type { RecordCollector } from './record-collector.js';

export class SerializationError extends Error {
  constructor(
    readonly sink: string,
    readonly topic: string,
    readonly part: 'key' | 'value',
    options?: { cause?: unknown },
  ) {
    const why = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`sink ${sink} cannot serialize ${part} for topic ${topic}${why}`, options);
    this.name = 'SerializationError';
  }
}

/** Serializes records and hands them to the collector; topic fixed or chosen per record. */
export class SinkProcessor implements Processor<unknown, unknown, never, never> {
  constructor(
    private readonly def: SinkNodeDef,
    private readonly keySerde: Serde<unknown> | undefined,
    private readonly valueSerde: Serde<unknown> | undefined,
    private readonly collector: RecordCollector,
    /** Maps a topology topic name to its Kafka name (internal topics get the application id). */
    private readonly resolveTopic: (topic: string) => string,
    private readonly recordContext: () => RecordContext,
  ) {}

  process(record: Record<unknown, unknown>): void {
    const def = this.def;
    const topic = this.resolveTopic(
      typeof def.topic === 'string' ? def.topic : def.topic(record.key, record.value, this.recordContext()),
    );
    const key = this.serialize(this.keySerde, record.key, topic, 'key');
    const value = this.serialize(this.valueSerde, record.value, topic, 'value');
    let partition: number | undefined;
    if (def.partitioner) {
      const n = this.collector.partitionsFor?.(topic) ?? 1;
      partition = def.partitioner(topic, record.key, record.value, n);
    }
    this.collector.send({
      topic,
      partition,
      key,
      value,
      timestamp: record.timestamp,
      headers: record.headers,
    });
  }

  private serialize(serde: Serde<unknown> | undefined, v: unknown, topic: string, part: 'key' | 'value') {
    if (v === null || v === undefined) return null;
    if (serde) {
      try {
        return serde.serialize(v);
      } catch (err) {
        throw new SerializationError(this.def.name, topic, part, { cause: err });
      }
    }
    if (Buffer.isBuffer(v)) return v;
    if (typeof v === 'string') return Buffer.from(v, 'utf8');
    throw new SerializationError(this.def.name, topic, part, {
      cause: new Error(`no ${part} serde configured and the ${part} is not a Buffer or string`),
    });
  }
}
