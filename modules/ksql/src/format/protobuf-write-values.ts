import protobuf from 'protobufjs';
import type { SqlType } from '../types/sql-type.js';
import type { Decimal } from '../values/decimal.js';
import { MS_PER_DAY } from '../values/temporal.js';
import { decimalToBytes, rescaleExact } from './decimal-codec.js';
import { javaDoubleToString } from './java-text.js';
import {
  type Convert,
  connectFields,
  hasExplicitPresence,
  isDefault,
  isMapEntryField,
  isWrapperType,
  nameOf,
  ProtobufWriteError,
  scalarKind,
  type Target,
  targetIndex,
} from './protobuf-fields.js';

/** Runtime values → the plain objects protobufjs encodes; the rules are described in protobuf-fields.ts. */

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

function scalarWriter(protoType: string, type: SqlType): Convert {
  const kind = scalarKind(protoType);
  switch (kind) {
    case 'string':
      if (type.base === 'STRING') return (v) => v;
      if (type.base === 'DOUBLE') return (v) => javaDoubleToString(v as number);
      return (v) => String(v);
    case 'bytes':
      return (v) => v;
    case 'boolean':
      return (v) => v;
    case 'float32':
    case 'float64':
    case 'int32':
    case 'int64':
    case 'uint64':
      if (type.base === 'DECIMAL') return (v) => (v as Decimal).toNumber();
      if (kind === 'int32') return (v) => (v as number) | 0;
      return (v) => v;
    default:
      throw new ProtobufWriteError(`cannot write ${type.base} as protobuf ${protoType}`);
  }
}

function messageValueWriter(t: protobuf.Type, type: SqlType): Convert {
  switch (nameOf(t)) {
    case 'confluent.type.Decimal': {
      const scale = type.base === 'DECIMAL' ? type.scale : undefined;
      return (v) => {
        let d = v as Decimal;
        if (scale !== undefined && d.scale !== scale) d = rescaleExact(d, scale) ?? d;
        // DecimalUtils.fromBigDecimal: unscaled bytes, BigDecimal.precision(), scale (0 left unset)
        const out: Record<string, unknown> = { value: decimalToBytes(d.unscaled), precision: d.precision() };
        if (d.scale !== 0) out.scale = d.scale;
        return out;
      };
    }
    case 'google.type.Date':
      return (v) => {
        const date = new Date((v as number) * MS_PER_DAY);
        return nonDefaults({
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
        });
      };
    case 'google.type.TimeOfDay':
      return (v) => {
        const ms = v as number;
        return nonDefaults({
          hours: Math.floor(ms / 3_600_000),
          minutes: Math.floor(ms / 60_000) % 60,
          seconds: Math.floor(ms / 1000) % 60,
          nanos: (ms % 1000) * 1_000_000,
        });
      };
    case 'google.protobuf.Timestamp':
      return (v) => {
        const ms = v as number;
        const seconds = Math.floor(ms / 1000);
        return nonDefaults({ seconds, nanos: (ms - seconds * 1000) * 1_000_000 });
      };
    default:
      break;
  }
  if (isWrapperType(t)) {
    const inner = scalarWriter(t.fields.value.type, type);
    return (v) => {
      const value = inner(v);
      return isDefault(value) ? {} : { value };
    };
  }
  if (type.base !== 'STRUCT')
    throw new ProtobufWriteError(`cannot write ${type.base} as protobuf message ${nameOf(t)}`);
  return structWriter(t, type.fields);
}

function nonDefaults(obj: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(obj)) if (obj[k] !== 0) out[k] = obj[k];
  return out;
}

function singleWriter(field: protobuf.Field, type: SqlType): Convert {
  const t = field.resolvedType;
  if (t instanceof protobuf.Enum) {
    const values = t.values;
    return (v) => {
      const n = values[String(v)];
      if (n === undefined) throw new ProtobufWriteError(`'${String(v)}' is not a value of enum ${t.name}`);
      return n;
    };
  }
  if (t instanceof protobuf.Type) return messageValueWriter(t, type);
  return scalarWriter(field.type, type);
}

/** Writes a runtime value of a field; `undefined` means "leave the field unset". */
export function compileFieldWriter(field: protobuf.Field, type: SqlType): Convert {
  if (field.map) {
    const value = type.base === 'MAP' ? singleWriter(field, type.value) : () => undefined;
    return (v) => {
      const out: Record<string, unknown> = {};
      let any = false;
      for (const [k, mv] of v as Map<unknown, unknown>) {
        if (mv === null || mv === undefined) continue;
        out[String(k)] = value(mv);
        any = true;
      }
      return any ? out : undefined;
    };
  }
  if (type.base === 'MAP' && isMapEntryField(field, true)) {
    const entry = field.resolvedType as protobuf.Type;
    const [kf, vf] = entry.fieldsArray;
    const key = entryWriter(kf, type.key);
    const value = entryWriter(vf, type.value);
    return (v) => {
      const m = v as Map<unknown, unknown>;
      if (m.size === 0) return undefined;
      const out: Record<string, unknown>[] = [];
      for (const [k, mv] of m) {
        const e: Record<string, unknown> = {};
        key(e, k);
        value(e, mv);
        out.push(e);
      }
      return out;
    };
  }
  if (field.repeated) {
    if (type.base !== 'ARRAY')
      throw new ProtobufWriteError(`cannot write ${type.base} as repeated ${field.name}`);
    const element = singleWriter(field, type.element);
    return (v) => {
      const list = v as unknown[];
      if (list.length === 0) return undefined;
      return list.map((e) => {
        if (e === null || e === undefined) {
          throw new ProtobufWriteError(
            `null elements cannot be written to repeated protobuf field ${field.name}`,
          );
        }
        return element(e);
      });
    };
  }
  return singleWriter(field, type);
}

function entryWriter(f: protobuf.Field, type: SqlType): (entry: Record<string, unknown>, v: unknown) => void {
  const write = compileFieldWriter(f, type);
  const implicit = !hasExplicitPresence(f) && !f.repeated && !f.map;
  const name = f.name;
  return (e, v) => {
    if (v === null || v === undefined) return;
    const out = write(v);
    if (out === undefined || (implicit && isDefault(out))) return;
    e[name] = out;
  };
}

interface WritePlan {
  readonly from: number;
  /** Sets the field(s) from a non-null value. */
  readonly put: (out: Record<string, unknown>, value: unknown) => void;
}

function fieldPutter(f: protobuf.Field, type: SqlType): WritePlan['put'] {
  const write = compileFieldWriter(f, type);
  const implicit = !hasExplicitPresence(f) && !f.repeated && !f.map;
  const name = f.name;
  return (out, v) => {
    const value = write(v);
    if (value === undefined || (implicit && isDefault(value))) return;
    out[name] = value;
  };
}

/** Connect's union STRUCT → its first non-null field's oneof member (fromConnectData). */
function unionPutter(members: readonly protobuf.Field[], type: SqlType): WritePlan['put'] {
  if (type.base !== 'STRUCT') throw new ProtobufWriteError(`cannot write ${type.base} as a protobuf oneof`);
  const byName = new Map(members.map((f) => [f.name, f]));
  const puts = type.fields.flatMap((tf) => {
    const f = byName.get(tf.name) ?? members.find((m) => m.name.toUpperCase() === tf.name);
    if (!f) return [];
    const write = compileFieldWriter(f, tf.type);
    return [{ from: tf.name, name: f.name, write }];
  });
  return (out, v) => {
    const obj = v as Record<string, unknown>;
    for (const p of puts) {
      const x = obj[p.from];
      if (x === null || x === undefined) continue;
      const value = p.write(x);
      // a oneof member is always written when set, even at its default
      if (value !== undefined) out[p.name] = value;
      return;
    }
  };
}

function writePlans(t: protobuf.Type, sources: readonly Target[]): WritePlan[] {
  const index = targetIndex(sources);
  const plans: WritePlan[] = [];
  for (const cf of connectFields(t)) {
    const from = index(cf.name);
    if (from === undefined) continue;
    plans.push({
      from,
      put:
        cf.kind === 'field'
          ? fieldPutter(cf.field, sources[from].type)
          : unionPutter(cf.members, sources[from].type),
    });
  }
  return plans;
}

function structWriter(t: protobuf.Type, fields: readonly Target[]): Convert {
  const plans = writePlans(t, fields);
  const names = fields.map((f) => f.name);
  return (v) => {
    const obj = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const p of plans) {
      const x = obj[names[p.from]];
      if (x !== null && x !== undefined) p.put(out, x);
    }
    return out;
  };
}

/** A row → the plain object protobufjs encodes as the root message. */
export function compileRowWriter(
  t: protobuf.Type,
  columns: readonly Target[],
): (row: readonly unknown[]) => Record<string, unknown> {
  const plans = writePlans(t, columns);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const p of plans) {
      const x = row[p.from];
      if (x !== null && x !== undefined) p.put(out, x);
    }
    return out;
  };
}

/** An unwrapped single value → the root message object (wrapper or STRUCT message). */
export function compileUnwrappedWriter(t: protobuf.Type, type: SqlType): Convert {
  return messageValueWriter(t, type);
}
