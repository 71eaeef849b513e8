/**
 * CPU seconds and peak RSS of a child process from /proc (Linux): utime+stime of
 * /proc/<pid>/stat in clock ticks, VmHWM of /proc/<pid>/status. Read just before the process is
 * stopped, so the figures cover its whole life.
 */
import { readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ProcessStats {
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

export function processStats(pid: number): ProcessStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS, peakRssMiB: hwm ? Number(hwm[1]) / 1024 : Number.NaN };
}
