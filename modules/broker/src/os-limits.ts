/**
 * Defaults of the broker's resource limits, derived from the process's open-files limit
 * (RLIMIT_NOFILE): segment files, Kafka connections and Schema Registry connections together stay
 * well below it, so that no burst of partitions or clients can exhaust the file descriptors the
 * other servers of the process (the Schema Registry, the metrics endpoint) need.
 */
import { readFileSync } from 'node:fs';

/** File descriptors left to Node itself, log files and short-lived opens (topic.json, dirs). */
const RESERVED_FDS = 64;
/** Assumed open-files limit where /proc/self/limits cannot be read (not Linux). */
const FALLBACK_NOFILE = 1024;

/** The soft RLIMIT_NOFILE of this process (Node raises it to the hard limit at startup). */
export function openFilesLimit(limitsText?: string): number {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      // no /proc (not Linux): assume the common default
      return FALLBACK_NOFILE;
    }
  }
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
  if (soft === 'unlimited') return Number.MAX_SAFE_INTEGER;
  const n = Number(soft);
  return Number.isInteger(n) && n > 0 ? n : FALLBACK_NOFILE;
}

export interface FdBudget {
  /** Segment files (.log and .index) the broker keeps open at once. */
  maxOpenSegmentFiles: number;
  /** Client connections per listener (Kafka; the Schema Registry counts its own). */
  maxConnections: number;
}

/**
 * Half of what is left after the reserve for segment files (at most 1024), an eighth for each
 * listener's connections (at most 1000): with a soft limit of 1024 that is 480 files and 120
 * connections each, with the usual 20000+ it is 1024 and 1000.
 */
export function fdBudget(nofile = openFilesLimit()): FdBudget {
  const usable = Math.max(0, nofile - RESERVED_FDS);
  return {
    maxOpenSegmentFiles: Math.max(4, Math.min(1024, Math.floor(usable / 2))),
    maxConnections: Math.max(1, Math.min(1000, Math.floor(usable / 8))),
  };
}
