import { closeSync, fsyncSync, openSync } from 'node:fs';

/** Makes a directory's entries (files created, renamed or removed in it) durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
