import type { KafkaStreams } from '@meterstream/streams';

/** A streams instance that neither ran nor failed within the time allowed. */
export class StartTimeoutError extends Error {
  constructor(applicationId: string, ms: number, state: string) {
    super(`${applicationId} did not reach RUNNING within ${ms} ms (state ${state})`);
    this.name = 'StartTimeoutError';
  }
}

/**
 * Starts `streams` and resolves once it is RUNNING (its first assignment processed, so its tasks
 * exist and its stores are restored); rejects with the error when it fails, or a StartTimeoutError.
 */
export async function untilStarted(
  streams: KafkaStreams,
  timeoutMs: number,
  applicationId = '',
): Promise<void> {
  let settle: ((error?: unknown) => void) | undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error));
  });
  streams.setStateListener((next) => {
    if (next === 'RUNNING') settle?.();
    if (next === 'ERROR') settle?.(streams.error() ?? new Error(`${applicationId} failed`));
  });
  const timer = setTimeout(
    () => settle?.(new StartTimeoutError(applicationId, timeoutMs, streams.state())),
    timeoutMs,
  );
  // A start() that throws also moves the instance to ERROR, settling `done`: that rejection is the
  // same error start() rethrows to the caller, so it needs no second handler.
  done.catch(() => undefined);
  try {
    await streams.start();
    if (streams.state() === 'RUNNING') return;
    await done;
  } finally {
    clearTimeout(timer);
    settle = undefined;
  }
}
