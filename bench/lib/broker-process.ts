import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** SIGTERM, then wait for the exit (so its data directory can be removed safely afterwards). */
export function stopBrokerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => {
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
}

/**
 * Runs the built broker (modules/broker/dist/main.js) in its own process on a free port — without
 * the Schema Registry unless `registry` is set (then on a free port too) — and resolves once it
 * prints its `listening` line. BENCH_BROKER_NODE_ARGS
 * adds node options to the broker process only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, which
 * NODE_OPTIONS does not allow).
 */
export function startBrokerProcess(
  dataDir: string,
  extraArgs: string[] = [],
  options: { readonly registry?: boolean } = {},
): Promise<{ child: ChildProcess; port: number; registryPort?: number }> {
  const main = resolve(import.meta.dirname, '../../modules/broker/dist/main.js');
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs(),
      main,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--schema-registry-port',
      options.registry ? '0' : 'off',
      ...extraArgs,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, LOG_LEVEL: 'warn' },
    },
  );
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"event":"listening"'));
      if (!line) return;
      const event = JSON.parse(line) as { port: number; schemaRegistryPort?: number };
      res({ child, port: event.port, registryPort: event.schemaRegistryPort });
    });
    child.on('exit', (code) => rej(new Error(`broker exited ${code}`)));
  });
}

function nodeArgs(): string[] {
  return (process.env.BENCH_BROKER_NODE_ARGS ?? '').split(' ').filter((a) => a.length > 0);
}
