/** Runs `stop` once on SIGINT/SIGTERM; a second signal exits at once. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal}: stopping…\n`);
    stop().catch((error: unknown) => {
      process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
      process.exitCode = 1;
    });
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
