import { connect } from 'node:net';

/** What the holder of a lock says about itself when another process asks. */
export interface LockHolder {
  pid: number;
  owner: string;
  command: string;
  /** ISO-8601 instant the lock was taken. */
  since: string;
}

const ASK_TIMEOUT_MS = 2_000;

/** Raised when another process (or another server in this process) holds the directory. */
export class DirectoryLockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder | undefined,
  ) {
    super(
      holder
        ? `data directory ${dir} is in use by process ${holder.pid} (${holder.owner}, since ${holder.since}: ${holder.command}); stop it or choose another data directory`
        : `data directory ${dir} is in use by another process that did not say which; stop it or choose another data directory`,
    );
    this.name = 'DirectoryLockedError';
  }
}

/**
 * Asks the process listening on a lock address who it is: its answer, `gone` when nobody listens
 * (a socket file left by a dead process), `silent` when it does not answer in time.
 */
export function askHolder(address: string): Promise<LockHolder | 'gone' | 'silent'> {
  return new Promise((resolve) => {
    const socket = connect(address);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('silent');
    }, ASK_TIMEOUT_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      clearTimeout(timer);
      resolve(parseHolder(Buffer.concat(chunks).toString('utf8')));
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ECONNREFUSED' || error.code === 'ENOENT' ? 'gone' : 'silent');
    });
  });
}

function parseHolder(text: string): LockHolder | 'silent' {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number') return 'silent';
    return {
      pid: value.pid,
      owner: String(value.owner ?? 'unknown'),
      command: String(value.command ?? ''),
      since: String(value.since ?? ''),
    };
  } catch {
    // Something else answered on the address: treat it as a holder that did not say who it is.
    return 'silent';
  }
}
