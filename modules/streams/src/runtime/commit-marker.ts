import type { IHeaders } from 'kafkajs';

/**
 * Commit markers make restored state agree with the input position, also under at_least_once.
 *
 * Every commit appends, after a task's changelog records, one marker record to each of the task's
 * changelog partitions, carrying the task's input positions (next offset per input topic). The
 * marker travels in the same produce request as the records before it, so a changelog partition
 * either holds a commit's records and its marker or neither. Restoring applies records one commit
 * at a time (records after the last marker are dropped) and reports the marker's positions; the
 * runtime then resumes the input from there, even when the crash hit between the changelog send and
 * the consumer-offset commit — the state is never folded twice with the same input.
 *
 * The marker has a fixed key so compaction keeps only the latest one, and a header that tells
 * restore it is not store data.
 */
export const COMMIT_MARKER_HEADER = 'meterstream.commit';
export const COMMIT_MARKER_KEY = Buffer.from('__meterstream.commit', 'utf8');

export function commitMarkerValue(positions: Record<string, number>): Buffer {
  return Buffer.from(JSON.stringify(positions), 'utf8');
}

/** The positions of a marker record, or undefined when the record is store data. */
export function readCommitMarker(
  headers: IHeaders | undefined,
  value: Buffer | null,
): Record<string, number> | undefined {
  if (!headers || headers[COMMIT_MARKER_HEADER] === undefined || value === null) return undefined;
  return JSON.parse(value.toString('utf8')) as Record<string, number>;
}
