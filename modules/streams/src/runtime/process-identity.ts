import { randomUUID } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DirectoryLock, lockDirectory } from '@meterstream/dir-lock';

/** Kafka Streams' file name for the same purpose (`state.dir/<application.id>/`). */
export const PROCESS_METADATA_FILE = 'kafka-streams-process-metadata';

export interface ProcessIdentity {
  /** Stable across restarts of the instance that owns this state directory. */
  readonly processId: string;
  /** `<stateDir>/<applicationId>`, held exclusively until release(). */
  readonly dir: string;
  release(): Promise<void>;
}

/** The process metadata file exists but cannot be read as ours: refusing beats a silent new identity. */
export class ProcessMetadataError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`cannot read the process id in ${file}: ${reason}; remove the file to start as a new instance`);
    this.name = 'ProcessMetadataError';
  }
}

/**
 * Locks `<stateDir>/<applicationId>` for the life of the instance and returns the process id kept
 * in it, created on first start (Kafka Streams keeps its process id the same way). The id names the
 * exactly-once producer, so a restarted instance fences its crashed incarnation and aborts its open
 * transaction. The lock makes a second instance with the same state directory fail at once
 * (DirectoryLockedError naming the holder) instead of sharing — and fencing — that identity.
 */
export async function acquireProcessIdentity(
  stateDir: string,
  applicationId: string,
): Promise<ProcessIdentity> {
  const dir = join(stateDir, applicationId);
  const lock: DirectoryLock = await lockDirectory(dir, { owner: `streams application ${applicationId}` });
  try {
    const processId = readOrCreateProcessId(join(dir, PROCESS_METADATA_FILE));
    return { processId, dir: lock.dir, release: () => lock.release() };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

function readOrCreateProcessId(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ProcessMetadataError(file, (error as Error).message);
    const processId = randomUUID();
    // Written whole or not at all: a crash mid-write must not leave a half id behind.
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ processId })}\n`);
    renameSync(tmp, file);
    return processId;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ProcessMetadataError(file, 'not JSON');
  }
  const id = (parsed as { processId?: unknown } | null)?.processId;
  if (typeof id !== 'string' || !/^[\w-]{1,100}$/.test(id))
    throw new ProcessMetadataError(file, 'no valid "processId"');
  return id;
}
