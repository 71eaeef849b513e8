import type { KStream, KTable, Windowed } from '@meterstream/streams';
import { EvaluationError } from '../expr/compiled.js';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';
import { processStreamValues, processTableValues } from './dsl-steps.js';
import type { PlannedStream } from './planned-stream.js';
import type { Projection } from './projection.js';

type AnyKey = GenericKey | Windowed<GenericKey>;

/**
 * SELECT (ksqlDB's StreamSelect / TableSelect, node `Project`): each row becomes the output's
 * value columns. A null row stays null (a tombstone for tables, a null value for streams, as
 * ksqlDB forwards them); a column whose expression fails on the row is NULL (ksqlDB logs it).
 */
export function planProject(
  input: PlannedStream,
  projection: Pick<Projection, 'schema' | 'values'>,
): PlannedStream {
  const fns = projection.values.map((v) => v.evaluate.bind(v));
  const n = fns.length;
  const project = (row: GenericRow): GenericRow => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      try {
        out[i] = fns[i](row);
      } catch (err) {
        if (!(err instanceof EvaluationError)) throw err;
        out[i] = null;
      }
    }
    return out;
  };
  const schema = projection.schema;
  if (input.kind === 'STREAM') {
    const stream = processStreamValues<AnyKey, GenericRow | null, GenericRow | null>(
      input.stream as KStream<AnyKey, GenericRow | null>,
      'Project',
      (row) => (row === null ? null : project(row)),
      'Project',
    );
    return {
      kind: 'STREAM',
      schema,
      window: input.window,
      withPseudoColumns: false,
      stream: stream as KStream<AnyKey, GenericRow>,
    };
  }
  const table = processTableValues<AnyKey, GenericRow, GenericRow>(
    input.table as KTable<AnyKey, GenericRow>,
    'Project',
    (row) => project(row),
    'Project',
  );
  return { kind: 'TABLE', schema, window: input.window, withPseudoColumns: false, table };
}
