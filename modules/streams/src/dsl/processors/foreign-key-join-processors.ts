import { createHash } from 'node:crypto';
import type { ProcessorContext } from '../../processor/context.js';
import type { Processor } from '../../processor/processor.js';
import { Record } from '../../processor/record.js';
import type { Serde } from '../../serde/serde.js';
import type { KeyValueStore } from '../../state/state-store.js';
import { type Change, change, type ValueAndTimestamp } from '../change.js';

/**
 * Kafka Streams' foreign-key KTable–KTable join (KIP-213), in four processors:
 *
 *   left table ──SubscriptionSend──▶ subscription topic (keyed by FK) ──SubscriptionReceive──┐
 *                                                                        (subscription store)│
 *   right table ──ForeignTableJoin (prefix scan of the subscriptions of the FK) ─────────────┤
 *                                                                                             ▼
 *   left table store ◀── ResponseJoin (drops stale responses by hash) ◀── response topic (keyed by PK)
 *
 * A subscription carries a hash of the left value it was sent for; a response is applied only if
 * the left row still hashes the same, so results of superseded left values never appear.
 */
export enum Instruction {
  /** The left row moved away from this FK (its new FK is elsewhere): forget it, answer nothing. */
  DELETE_KEY_NO_PROPAGATE = 0,
  /** The left row was deleted (or, left join, moved away): forget it and answer so the result is unset. */
  DELETE_KEY_AND_PROPAGATE = 1,
  /** Left join / FK changed: answer even when the right row is absent (null joins / unsets). */
  PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE = 2,
  /** Inner join, new left row: answer only when the right row exists. */
  PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE = 3,
}

export interface Subscription {
  readonly instruction: Instruction;
  /** Hash of the left value the subscription was sent for; null for a deleted left row. */
  readonly hash: Buffer | null;
  readonly pk: Buffer;
}

export interface Response {
  readonly hash: Buffer | null;
  /** The right row's value bytes, null when absent. */
  readonly value: Buffer | null;
}

export function valueHash(bytes: Buffer): Buffer {
  return createHash('md5').update(bytes).digest();
}

/** [instruction][hash length 0|16][hash][pk bytes] */
export const subscriptionSerde: Serde<Subscription> = {
  serialize(s) {
    const h = s.hash ?? Buffer.alloc(0);
    const out = Buffer.allocUnsafe(2 + h.length + s.pk.length);
    out[0] = s.instruction;
    out[1] = h.length;
    h.copy(out, 2);
    s.pk.copy(out, 2 + h.length);
    return out;
  },
  deserialize(data) {
    const hl = data[1];
    return {
      instruction: data[0] as Instruction,
      hash: hl === 0 ? null : Buffer.from(data.subarray(2, 2 + hl)),
      pk: Buffer.from(data.subarray(2 + hl)),
    };
  },
};

/** [hash length 0|16][hash][1: value present][value bytes] */
export const responseSerde: Serde<Response> = {
  serialize(r) {
    const h = r.hash ?? Buffer.alloc(0);
    const v = r.value ?? Buffer.alloc(0);
    const out = Buffer.allocUnsafe(2 + h.length + v.length);
    out[0] = h.length;
    h.copy(out, 1);
    out[1 + h.length] = r.value === null ? 0 : 1;
    v.copy(out, 2 + h.length);
    return out;
  },
  deserialize(data) {
    const hl = data[0];
    const present = data[1 + hl] === 1;
    return {
      hash: hl === 0 ? null : Buffer.from(data.subarray(1, 1 + hl)),
      value: present ? Buffer.from(data.subarray(2 + hl)) : null,
    };
  },
};

/** Subscription store key: [FK length][FK bytes][PK bytes] — all subscriptions of an FK share a prefix. */
export function fkPrefix(fk: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + fk.length);
  out.writeUInt32BE(fk.length, 0);
  fk.copy(out, 4);
  return out;
}

function combinedKey(fk: Buffer, pk: Buffer): Buffer {
  return Buffer.concat([fkPrefix(fk), pk]);
}

/** Left side: turns each left-table change into subscriptions (Kafka's SubscriptionSendProcessorSupplier). */
export class SubscriptionSendProcessor<K, V, KO, VR> implements Processor<K, Change<V>, unknown, unknown> {
  private ctx!: ProcessorContext<unknown, unknown>;

  constructor(
    private readonly fk: (value: V) => KO | null,
    private readonly leftJoin: boolean,
    private readonly pkSerde: Serde<K>,
    private readonly fkSerde: Serde<KO>,
    private readonly valueSerde: Serde<V>,
    private readonly joiner: (left: V, right: null) => VR,
    /** Child names: the subscription topic's sink, and the join output (results decided locally). */
    private readonly sinkName: string,
    private readonly outputName: string,
  ) {}

  init(context: ProcessorContext<unknown, unknown>): void {
    this.ctx = context;
  }

  process(record: Record<K, Change<V>>): void {
    const { newValue, oldValue } = record.value;
    const newFk = newValue === null ? null : this.fkOf(newValue);
    const oldFk = oldValue === null ? null : this.fkOf(oldValue);
    const hash = newValue === null ? null : valueHash(this.valueSerde.serialize(newValue));
    const changed = oldFk !== null && (newFk === null || !oldFk.equals(newFk));
    if (this.leftJoin) {
      if (oldValue === null && newValue === null) return;
      if (changed) {
        // No new FK (row deleted, or FK now null): the result is decided here, the old FK need not answer.
        const instruction =
          newFk === null ? Instruction.DELETE_KEY_NO_PROPAGATE : Instruction.DELETE_KEY_AND_PROPAGATE;
        this.send(record, oldFk!, instruction, hash);
      }
      if (newValue === null) this.output(record, null);
      else if (newFk === null) this.output(record, this.joiner(newValue, null));
      else this.send(record, newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, hash);
      return;
    }
    if (oldValue !== null) {
      if (oldFk === null) return; // Kafka skips (and counts) records with a null foreign key
      if (newValue !== null) {
        if (newFk === null) {
          this.ctx.metrics.nullKeyOrValueSkips++;
          return;
        }
        if (changed) this.send(record, oldFk, Instruction.DELETE_KEY_NO_PROPAGATE, hash);
        // Propagate null when the new FK has no row: the previous FK's result must be unset.
        this.send(record, newFk, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, hash);
      } else {
        this.send(record, oldFk, Instruction.DELETE_KEY_AND_PROPAGATE, hash);
      }
    } else if (newValue !== null) {
      if (newFk === null) this.ctx.metrics.nullKeyOrValueSkips++;
      else this.send(record, newFk, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE, hash);
    }
  }

  private fkOf(value: V): Buffer | null {
    const k = this.fk(value);
    return k === null || k === undefined ? null : this.fkSerde.serialize(k);
  }

  private send(
    record: Record<K, Change<V>>,
    fk: Buffer,
    instruction: Instruction,
    hash: Buffer | null,
  ): void {
    const s: Subscription = { instruction, hash, pk: this.pkSerde.serialize(record.key) };
    this.ctx.forward(new Record<unknown, unknown>(fk, s, record.timestamp, record.headers), this.sinkName);
  }

  private output(record: Record<K, Change<V>>, result: VR | null): void {
    this.ctx.forward(record.withValue(change(result, null)), this.outputName);
  }
}

/**
 * Right side, subscription topic: records the subscription, then answers it with the right row's
 * current value (Kafka's SubscriptionReceiveProcessorSupplier + SubscriptionJoinProcessorSupplier).
 */
export class SubscriptionReceiveProcessor<KO, VO>
  implements Processor<Buffer, Subscription, Buffer, Response>
{
  private ctx!: ProcessorContext<Buffer, Response>;
  private subscriptions!: KeyValueStore<Buffer, Buffer>;
  private right!: KeyValueStore<KO, ValueAndTimestamp<VO>>;

  constructor(
    private readonly subscriptionStoreName: string,
    private readonly rightStoreName: string,
    private readonly fkSerde: Serde<KO>,
    private readonly rightValueSerde: Serde<VO>,
  ) {}

  init(context: ProcessorContext<Buffer, Response>): void {
    this.ctx = context;
    this.subscriptions = context.getStateStore(this.subscriptionStoreName);
    this.right = context.getStateStore(this.rightStoreName);
  }

  process(record: Record<Buffer, Subscription>): void {
    const fk = record.key;
    const s = record.value;
    if (fk === null || s === null) return;
    const key = combinedKey(fk, s.pk);
    const instruction = s.instruction;
    if (
      instruction === Instruction.DELETE_KEY_AND_PROPAGATE ||
      instruction === Instruction.DELETE_KEY_NO_PROPAGATE
    ) {
      this.subscriptions.delete(key);
    } else {
      this.subscriptions.put(
        key,
        subscriptionSerde.serialize({ instruction, hash: s.hash, pk: Buffer.alloc(0) }),
      );
    }
    if (instruction === Instruction.DELETE_KEY_NO_PROPAGATE) return;
    const current =
      instruction === Instruction.DELETE_KEY_AND_PROPAGATE
        ? undefined
        : this.right.get(this.fkSerde.deserialize(fk));
    if (!current && instruction === Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE) return;
    const value = current ? this.rightValueSerde.serialize(current.value) : null;
    this.ctx.forward(new Record(s.pk, { hash: s.hash, value }, record.timestamp, record.headers));
  }
}

/** Right side, right-table changes: answers every subscription of the FK (Kafka's ForeignTableJoinProcessorSupplier). */
export class ForeignTableChangeProcessor<KO, VO> implements Processor<KO, Change<VO>, Buffer, Response> {
  private ctx!: ProcessorContext<Buffer, Response>;
  private subscriptions!: KeyValueStore<Buffer, Buffer>;
  private readonly bytes: Serde<Buffer> = { serialize: (b) => b, deserialize: (b) => b };

  constructor(
    private readonly subscriptionStoreName: string,
    private readonly fkSerde: Serde<KO>,
    private readonly rightValueSerde: Serde<VO>,
  ) {}

  init(context: ProcessorContext<Buffer, Response>): void {
    this.ctx = context;
    this.subscriptions = context.getStateStore(this.subscriptionStoreName);
  }

  process(record: Record<KO, Change<VO>>): void {
    if (record.key === null || record.key === undefined) return;
    const prefix = fkPrefix(this.fkSerde.serialize(record.key));
    const newValue = record.value.newValue;
    const value = newValue === null ? null : this.rightValueSerde.serialize(newValue);
    const it = this.subscriptions.prefixScan(prefix, this.bytes);
    try {
      for (const { key, value: stored } of it) {
        const s = subscriptionSerde.deserialize(stored);
        const pk = Buffer.from(key.subarray(prefix.length));
        this.ctx.forward(new Record(pk, { hash: s.hash, value }, record.timestamp, record.headers));
      }
    } finally {
      it.close();
    }
  }
}

/**
 * Left side, response topic: applies a response only if the left row still hashes as the
 * subscription did (Kafka's ResponseJoinProcessorSupplier), joining it with the left row's value.
 */
export class ResponseJoinProcessor<K, V, VO, VR> implements Processor<K, Response, K, Change<VR>> {
  private ctx!: ProcessorContext<K, Change<VR>>;
  private left!: KeyValueStore<K, ValueAndTimestamp<V>>;

  constructor(
    private readonly leftStoreName: string,
    private readonly leftValueSerde: Serde<V>,
    private readonly rightValueSerde: Serde<VO>,
    private readonly joiner: (left: V, right: VO | null) => VR,
    private readonly leftJoin: boolean,
  ) {}

  init(context: ProcessorContext<K, Change<VR>>): void {
    this.ctx = context;
    this.left = context.getStateStore(this.leftStoreName);
  }

  process(record: Record<K, Response>): void {
    const current = this.left.get(record.key);
    const currentHash = current ? valueHash(this.leftValueSerde.serialize(current.value)) : null;
    const { hash, value } = record.value;
    const same = hash === null ? currentHash === null : currentHash !== null && hash.equals(currentHash);
    if (!same) return; // stale: the left row changed since the subscription was sent
    let result: VR | null;
    if (!current || (value === null && !this.leftJoin)) result = null;
    else result = this.joiner(current.value, value === null ? null : this.rightValueSerde.deserialize(value));
    this.ctx.forward(record.withValue(change(result, null)));
  }
}
