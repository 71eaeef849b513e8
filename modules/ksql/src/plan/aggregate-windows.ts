import { SessionWindows, TimeWindows, WindowDefinitionError } from '@meterstream/streams';
import { KsqlError } from '../errors.js';
import { durationMs, type WindowExpression } from '../parser/ast.js';
import type { WindowInfo } from './planned-stream.js';

/** ksqlDB's grace when a window has no GRACE PERIOD: 24 hours less the window size (never negative). */
export const DEFAULT_GRACE_MS = 24 * 3_600_000;

export interface PlannedWindow {
  readonly info: WindowInfo;
  readonly windows: TimeWindows | SessionWindows;
  readonly graceMs: number;
  /** RETENTION, when written (the store keeps windows this long; default size + grace). */
  readonly retentionMs?: number;
}

/**
 * The streams windows of a WINDOW clause, with ksqlDB's default grace — except under EMIT FINAL,
 * where ksqlDB makes a missing grace zero (RewrittenAnalysis), so final results come at window end.
 */
export function planWindow(w: WindowExpression, emitFinal = false): PlannedWindow {
  const size = w.kind === 'SESSION' ? durationMs(w.gap) : durationMs(w.size);
  const defaultGrace = emitFinal ? 0 : Math.max(DEFAULT_GRACE_MS - size, 0);
  const graceMs = w.grace ? durationMs(w.grace) : defaultGrace;
  const retentionMs = w.retention ? durationMs(w.retention) : undefined;
  try {
    let windows: TimeWindows | SessionWindows;
    if (w.kind === 'SESSION') windows = SessionWindows.ofInactivityGapAndGrace(size, graceMs);
    else if (w.kind === 'TUMBLING') windows = TimeWindows.ofSizeAndGrace(size, graceMs);
    else windows = TimeWindows.ofSizeAndGrace(size, graceMs).advanceBy(durationMs(w.advance));
    if (retentionMs !== undefined && w.kind !== 'SESSION' && retentionMs < size + graceMs) {
      throw new KsqlError(
        `The retention period of the window store must be no smaller than its window size plus the grace period. Got size=[${size}], grace=[${graceMs}], retention=[${retentionMs}]`,
        w.pos,
      );
    }
    const info: WindowInfo = w.kind === 'SESSION' ? { type: 'SESSION' } : { type: w.kind, sizeMs: size };
    return { info, windows, graceMs, retentionMs };
  } catch (err) {
    if (err instanceof WindowDefinitionError) throw new KsqlError(err.message, w.pos);
    throw err;
  }
}
