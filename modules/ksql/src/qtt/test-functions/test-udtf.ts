import { fixed, scalar } from '../../function/scalar/define.js';
import { P, type ParamType, ScalarFunctionError } from '../../function/scalar/scalar-function.js';
import { type SqlType, SqlTypes } from '../../types/sql-type.js';
import { javaDoubleToString } from '../../values/java-number.js';

/**
 * TEST_UDTF and THROWING_UDTF: the table functions ksqlDB's conformance tests call (test-only UDTFs
 * on ksqlDB's test classpath). Registered by the QTT runner only, never in production registries.
 * TEST_UDTF's variants: seven scalars → their texts as Java's String.valueOf writes them; seven
 * arrays / maps → the texts of their first elements / values; one argument → itself.
 */
const STRUCT_A = SqlTypes.struct([{ name: 'A', type: SqlTypes.STRING }]);
const exact = (type: SqlType): ParamType => ({ kind: 'exact', type });
const SCALARS: readonly ParamType[] = [
  P.INT,
  P.BIGINT,
  P.DOUBLE,
  P.BOOLEAN,
  P.STRING,
  P.DECIMAL,
  exact(STRUCT_A),
];
const STRINGS = SqlTypes.array(SqlTypes.STRING);

/** Java's String.valueOf of the value a column of `param` holds (Kafka Connect's Struct text for a STRUCT). */
function javaText(v: unknown, param: ParamType): string {
  if (param === P.DOUBLE) return javaDoubleToString(v as number);
  if (v !== null && typeof v === 'object' && param.kind === 'exact' && param.type.base === 'STRUCT') {
    const fields = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== null);
    return `Struct{${fields.map(([k, x]) => `${k}=${String(x)}`).join(',')}}`;
  }
  return String(v);
}

function textsOf(params: readonly ParamType[], pick: (arg: unknown) => unknown) {
  return {
    params,
    returns: STRINGS,
    implement: () => (args: unknown[]) => args.map((a, i) => javaText(pick(a), SCALARS[i] as ParamType)),
  };
}

const firstValue = (m: unknown): unknown =>
  m instanceof Map ? m.values().next().value : Object.values(m as Record<string, unknown>)[0];

export const testUdtf = scalar('TEST_UDTF', 'TABLE', 'test', [
  textsOf(SCALARS, (a) => a),
  textsOf(
    SCALARS.map((p) => P.array(p)),
    (a) => (a as unknown[])[0],
  ),
  textsOf(
    SCALARS.map((p) => P.map(P.STRING, p)),
    firstValue,
  ),
  textsOf(
    SCALARS.map((p, i) => P.map(i === 0 ? P.BIGINT : P.STRING, p)),
    firstValue,
  ),
  fixed([P.INT], SqlTypes.array(SqlTypes.INTEGER), (i: number) => [i]),
  fixed([P.BIGINT], SqlTypes.array(SqlTypes.BIGINT), (l: number) => [l]),
  fixed([P.DOUBLE], SqlTypes.array(SqlTypes.DOUBLE), (d: number) => [d]),
  fixed([P.BOOLEAN], SqlTypes.array(SqlTypes.BOOLEAN), (b: boolean) => [b]),
  fixed([P.STRING], STRINGS, (s: string) => [s]),
  fixed([P.DECIMAL], SqlTypes.array(SqlTypes.decimal(30, 10)), (d: unknown) => [d]),
  fixed([exact(STRUCT_A)], SqlTypes.array(STRUCT_A), (s: unknown) => [s]),
]);

export const throwingUdtf = scalar('THROWING_UDTF', 'TABLE', 'test UDTF that throws if param is true', [
  fixed([P.BOOLEAN], SqlTypes.array(SqlTypes.BOOLEAN), (shouldThrow: boolean) => {
    if (shouldThrow) throw new ScalarFunctionError('You asked me to throw...');
    return [shouldThrow];
  }),
]);
