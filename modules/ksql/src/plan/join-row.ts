import type { Change, Processor, ProcessorContext, Record, Windowed } from '@meterstream/streams';
import type { GenericKey, GenericRow } from '../schema/logical-schema.js';

/**
 * The joined row's layout: the left side's owned columns, the right side's, then — as after a
 * source step — the key column(s), ROWTIME, ROWPARTITION, ROWOFFSET (and WINDOWSTART/WINDOWEND
 * when windowed). Built once per join at plan time; the closures below do no lookups per record.
 */
export interface JoinRowLayout {
  readonly leftWidth: number;
  readonly rightWidth: number;
  readonly keyWidth: number;
  readonly windowed: boolean;
}

export function rowWidth(l: JoinRowLayout): number {
  return l.leftWidth + l.rightWidth + l.keyWidth + 3 + (l.windowed ? 2 : 0);
}

/** ksqlDB's KsqlValueJoiner: copies both sides' columns (nulls for a missing side) into a new row. */
export function rowJoiner(
  layout: JoinRowLayout,
): (left: GenericRow | null, right: GenericRow | null) => GenericRow {
  const { leftWidth, rightWidth } = layout;
  const width = rowWidth(layout);
  return (left, right) => {
    const out: unknown[] = new Array(width);
    let i = 0;
    if (left !== null) for (; i < leftWidth; i++) out[i] = left[i];
    else for (; i < leftWidth; i++) out[i] = null;
    if (right !== null) for (let j = 0; j < rightWidth; j++) out[i + j] = right[j];
    else for (let j = 0; j < rightWidth; j++) out[i + j] = null;
    return out;
  };
}

type JoinKey = GenericKey | Windowed<GenericKey>;

/**
 * Fills the trailing key and pseudo-columns of a joined row in place (the row is the joiner's new
 * array): key copies from the record key, ROWTIME from the result's timestamp, ROWPARTITION and
 * ROWOFFSET from the input record that produced it (null when a cache flush emits it).
 */
function completer(layout: JoinRowLayout) {
  const base = layout.leftWidth + layout.rightWidth;
  const { keyWidth, windowed } = layout;
  return (
    row: GenericRow,
    key: JoinKey,
    timestamp: number,
    ctx: ProcessorContext<unknown, unknown>,
  ): void => {
    const k = (windowed ? (key as Windowed<GenericKey>).key : key) as GenericKey;
    for (let i = 0; i < keyWidth; i++) row[base + i] = k[i] ?? null;
    const at = base + keyWidth;
    row[at] = timestamp;
    const meta = ctx.recordMetadata();
    row[at + 1] = meta ? meta.partition : null;
    row[at + 2] = meta ? meta.offset : null;
    if (windowed) {
      const w = (key as Windowed<GenericKey>).window;
      row[at + 3] = w.start;
      row[at + 4] = w.end;
    }
  };
}

export class CompleteJoinedStreamRow implements Processor<JoinKey, GenericRow, JoinKey, GenericRow> {
  private ctx!: ProcessorContext<JoinKey, GenericRow>;
  private readonly complete: ReturnType<typeof completer>;

  constructor(layout: JoinRowLayout) {
    this.complete = completer(layout);
  }

  init(context: ProcessorContext<JoinKey, GenericRow>): void {
    this.ctx = context;
  }

  process(record: Record<JoinKey, GenericRow>): void {
    if (record.value !== null)
      this.complete(
        record.value,
        record.key,
        record.timestamp,
        this.ctx as ProcessorContext<unknown, unknown>,
      );
    this.ctx.forward(record);
  }
}

export class CompleteJoinedTableRow
  implements Processor<JoinKey, Change<GenericRow>, JoinKey, Change<GenericRow>>
{
  private ctx!: ProcessorContext<JoinKey, Change<GenericRow>>;
  private readonly complete: ReturnType<typeof completer>;

  constructor(layout: JoinRowLayout) {
    this.complete = completer(layout);
  }

  init(context: ProcessorContext<JoinKey, Change<GenericRow>>): void {
    this.ctx = context;
  }

  process(record: Record<JoinKey, Change<GenericRow>>): void {
    const { newValue, oldValue } = record.value;
    const ctx = this.ctx as ProcessorContext<unknown, unknown>;
    if (newValue !== null) this.complete(newValue, record.key, record.timestamp, ctx);
    if (oldValue !== null) this.complete(oldValue, record.key, record.timestamp, ctx);
    this.ctx.forward(record);
  }
}
