import type { Serde } from '../serde/serde.js';
import type { Change } from './change.js';

/**
 * Serializes a table update (new and old value) for a repartition topic, as Kafka Streams'
 * ChangedSerializer does for KTable.groupBy: [flags 1 B: bit 0 = new present, bit 1 = old present]
 * [new length 4 B][new bytes][old bytes].
 */
export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    serialize(c) {
      const n = c.newValue === null ? null : inner.serialize(c.newValue);
      const o = c.oldValue === null ? null : inner.serialize(c.oldValue);
      const out = Buffer.allocUnsafe(5 + (n?.length ?? 0) + (o?.length ?? 0));
      out[0] = (n ? 1 : 0) | (o ? 2 : 0);
      out.writeUInt32BE(n?.length ?? 0, 1);
      if (n) n.copy(out, 5);
      if (o) o.copy(out, 5 + (n?.length ?? 0));
      return out;
    },
    deserialize(data) {
      const flags = data[0]!;
      const len = data.readUInt32BE(1);
      return {
        newValue: flags & 1 ? inner.deserialize(data.subarray(5, 5 + len)) : null,
        oldValue: flags & 2 ? inner.deserialize(data.subarray(5 + len)) : null,
      };
    },
  };
}
