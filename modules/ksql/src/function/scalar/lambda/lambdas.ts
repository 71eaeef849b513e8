import { type SqlType, SqlTypes } from '../../../types/sql-type.js';
import { CATEGORY, fixed, scalar } from '../define.js';
import { type BoundCall, P, type ParamType } from '../scalar-function.js';

/**
 * TRANSFORM, FILTER and REDUCE over arrays and maps. The compiler types each lambda's
 * parameters from the collection (T, or K and V) and binds its result type (U, or A and B).
 */
type Fn1 = (a: unknown) => unknown;
type Fn2 = (a: unknown, b: unknown) => unknown;
type Fn3 = (a: unknown, b: unknown, c: unknown) => unknown;

const A: ParamType = { kind: 'generic', name: 'A' };
const B: ParamType = { kind: 'generic', name: 'B' };
const S: ParamType = { kind: 'generic', name: 'S' };
const generic =
  (name: string) =>
  (call: BoundCall): SqlType =>
    call.generics.get(name) as SqlType;

export const TRANSFORM = scalar(
  'TRANSFORM',
  CATEGORY.LAMBDA,
  'Apply a function to each element in an array or each pair of key-values in a map.',
  [
    fixed(
      [P.array(P.T), P.lambda([P.T], P.U)],
      (call: BoundCall) => SqlTypes.array(generic('U')(call)),
      (a: unknown[], f: Fn1) => a.map((x) => f(x)),
    ),
    fixed(
      [P.map(P.K, P.V), P.lambda([P.K, P.V], A), P.lambda([P.K, P.V], B)],
      (call: BoundCall) => SqlTypes.map(generic('A')(call), generic('B')(call)),
      (m: Map<unknown, unknown>, fk: Fn2, fv: Fn2) => {
        const out = new Map<unknown, unknown>();
        for (const [k, v] of m) {
          const key = fk(k, v);
          // two entries mapping to one key fail the call (ksqlDB: the result is NULL)
          if (out.has(key)) throw new RangeError(`TRANSFORM produced the duplicate map key ${String(key)}`);
          out.set(key, fv(k, v));
        }
        return out;
      },
    ),
  ],
);

export const FILTER = scalar(
  'FILTER',
  CATEGORY.LAMBDA,
  'Filter the input array or map using a lambda function.',
  [
    fixed(
      [P.array(P.T), P.lambda([P.T], P.BOOLEAN)],
      (call: BoundCall) => call.argTypes[0] as SqlType,
      (a: unknown[], f: Fn1) => a.filter((x) => f(x) === true),
    ),
    fixed(
      [P.map(P.K, P.V), P.lambda([P.K, P.V], P.BOOLEAN)],
      (call: BoundCall) => call.argTypes[0] as SqlType,
      (m: Map<unknown, unknown>, f: Fn2) => {
        const out = new Map<unknown, unknown>();
        for (const [k, v] of m) if (f(k, v) === true) out.set(k, v);
        return out;
      },
    ),
  ],
);

/** REDUCE(collection, initial, lambda): NULL when the initial state is NULL; the initial state for a NULL collection. */
export const REDUCE = scalar(
  'REDUCE',
  CATEGORY.LAMBDA,
  'Reduce the input array or map down to a single value using an initial state and a lambda function.',
  [
    fixed(
      [P.array(P.T), S, P.lambda([S, P.T], S)],
      generic('S'),
      (a: unknown[] | null, init: unknown, f: Fn2) => {
        if (init === null) return null;
        if (a === null) return init;
        let s: unknown = init;
        for (const x of a) s = f(s, x);
        return s;
      },
      { nulls: 'pass' },
    ),
    fixed(
      [P.map(P.K, P.V), S, P.lambda([S, P.K, P.V], S)],
      generic('S'),
      (m: Map<unknown, unknown> | null, init: unknown, f: Fn3) => {
        if (init === null) return null;
        if (m === null) return init;
        let s: unknown = init;
        for (const [k, v] of m) s = f(s, k, v);
        return s;
      },
      { nulls: 'pass' },
    ),
  ],
);
