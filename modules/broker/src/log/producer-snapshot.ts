/**
 * The snapshot of a partition's producer and transaction state (`state.json` in the partition's
 * directory), written at segment roll, DeleteRecords, retention and clean close — without fsync —
 * and the replay of batch headers that rebuilds the state from the log after it.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { ProducerSnapshot, ProducerState } from './producer-state.js';
import {
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_BYTES,
  controlType,
  readBatchInfo,
} from './record-batch.js';

export interface ProducerStateFile extends ProducerSnapshot {
  /** The snapshot describes the log up to (excluding) this offset. */
  offset: number;
  logStartOffset: number;
}

interface WarnLogger {
  warn(obj: object, msg: string): void;
}

/** The snapshot at `path`; undefined if there is none, or if a crash tore it (logged). */
export function readProducerStateFile(
  path: string,
  partition: string,
  logger?: WarnLogger,
): ProducerStateFile | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as ProducerStateFile;
  } catch (err) {
    logger?.warn(
      { partition, file: path, bytes: text.length, err: String(err) },
      'unreadable producer state snapshot (torn by a crash): rebuilding it from the log',
    );
    return undefined;
  }
}

/** Replaces the snapshot at `path` (through a temporary file, so a reader never sees half). */
export function writeProducerStateFile(path: string, state: ProducerStateFile): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

/** Applies one stored batch, at base offset `base`, to the producer state. */
export function replayBatch(producers: ProducerState, batch: Buffer, base: number): void {
  const info = readBatchInfo(batch, 0);
  const last = base + info.lastOffsetDelta;
  if (info.attributes & ATTR_CONTROL) {
    // a control batch holds one record whose key says COMMIT (1) or ABORT (0)
    if (batch.length >= BATCH_HEADER_BYTES + 8) {
      producers.onMarker(info.producerId, info.producerEpoch, controlType(batch) === 1, base);
    }
    return;
  }
  producers.onAppend(
    info.producerId,
    info.producerEpoch,
    info.baseSequence,
    info.recordCount,
    base,
    last,
    (info.attributes & ATTR_TRANSACTIONAL) !== 0,
  );
}
