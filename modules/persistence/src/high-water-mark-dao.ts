import type { Client, types } from 'cassandra-driver';
import { CassandraStatementError } from './errors.js';
import { HIGH_WATER_MARK_TABLE } from './schema.js';

export interface HighWaterMark {
  window: number;
  /**
   * Event time (epoch ms) from which the batch view of this window is complete (inclusive): the
   * batch view covers exactly [lowWaterMark, highWaterMark). A mark stored before the low mark
   * existed reads as 0 (it then meant "complete from the start").
   */
  lowWaterMark: number;
  /** Event time (epoch ms) up to which the batch view of this window is complete (exclusive). */
  highWaterMark: number;
  updatedAt: number;
}

/** The batch layer's water marks: table `batch_high_water_marks`, one row per window. */
export class HighWaterMarkDao {
  private readonly table: string;

  constructor(
    private readonly client: Client,
    options: { keyspace?: string } = {},
  ) {
    this.table = `${options.keyspace ?? 'metrics'}.${HIGH_WATER_MARK_TABLE}`;
  }

  private async run(cql: string, params: unknown[]): Promise<types.ResultSet> {
    try {
      return await this.client.execute(cql, params, { prepare: true, isIdempotent: true });
    } catch (error) {
      throw new CassandraStatementError(cql, error);
    }
  }

  /**
   * Records that the batch view of `window` is complete over [lowWaterMark, highWaterMark) (epoch
   * ms; lowWaterMark defaults to 0).
   */
  async set(window: number, highWaterMark: number, lowWaterMark = 0): Promise<void> {
    await this.run(
      `INSERT INTO ${this.table} (windowSeconds, lowWaterMark, highWaterMark, updatedAt) VALUES (?, ?, ?, ?)`,
      [window, new Date(lowWaterMark), new Date(highWaterMark), new Date()],
    );
  }

  async get(window: number): Promise<HighWaterMark | undefined> {
    const result = await this.run(
      `SELECT windowSeconds, lowWaterMark, highWaterMark, updatedAt FROM ${this.table} WHERE windowSeconds = ?`,
      [window],
    );
    const row = result.first();
    return row ? toMark(row) : undefined;
  }

  async getAll(): Promise<HighWaterMark[]> {
    const result = await this.run(
      `SELECT windowSeconds, lowWaterMark, highWaterMark, updatedAt FROM ${this.table}`,
      [],
    );
    return result.rows.map(toMark).sort((a, b) => a.window - b.window);
  }
}

function toMark(row: types.Row): HighWaterMark {
  const low = row.lowwatermark as Date | null;
  return {
    window: Number(row.windowseconds),
    lowWaterMark: low ? low.getTime() : 0,
    highWaterMark: (row.highwatermark as Date).getTime(),
    updatedAt: (row.updatedat as Date).getTime(),
  };
}
