/**
 * Polls `check` every `everyMs` until it returns something other than `false` or `undefined`, and
 * resolves to that value (so a wait can hand back what it waited for: a committed offset, a
 * connection); throws naming `what` after `timeoutMs`. `what` may be a function, read only on
 * timeout, to name the last state seen. A wait for asynchronous work, not a timing assertion.
 */
export async function waitFor<T>(
  what: string | (() => string),
  check: () => T | Promise<T>,
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
