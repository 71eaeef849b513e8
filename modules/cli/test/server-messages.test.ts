import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestCassandra, startTestCassandra } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, runUp, waitForProcess } from './helpers/cli-process.js';

/**
 * What the servers say when they start, and when they cannot: the port they picked, what is not
 * running and why, and which flag moves a server off a busy port.
 */
let dir: string;
/** A port held by another listener for the whole file. */
let busy: { server: Server; port: number };
const running: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'server-messages-'));
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  busy = { server, port: (server.address() as { port: number }).port };
});

afterAll(async () => {
  for (const proc of running) {
    proc.kill('SIGTERM');
    await proc.exited;
  }
  await new Promise((resolve) => busy.server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}): CliProcess {
  const proc = runCli(args, env);
  running.push(proc);
  return proc;
}

/** Runs a command expected to fail at start; kills it if it hangs instead. */
async function failing(args: string[]): Promise<{ code: number | string; output: string }> {
  const proc = start(args);
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, output: proc.output() };
}

describe('a busy port, said once', () => {
  it.each([
    ['broker', 'Kafka', ['--schema-registry-port', '0']],
    ['cql-server', 'Cassandra (CQL)', []],
  ])(
    '%s on a busy --port prints one line naming the flag — no logged stack before it — and exits 1',
    async (command, name, extra) => {
      const { code, output } = await failing([
        command,
        '--port',
        String(busy.port),
        ...extra,
        '--data-dir',
        join(dir, `${command}-busy-port`),
      ]);
      expect(code, output).toBe(1);
      expect(output.trim()).toBe(
        `error: ${name} cannot listen on 127.0.0.1:${busy.port}: the port is in use by another process; choose another with --port (0: any free port)`,
      );
    },
  );
});

describe('meterstream broker', () => {
  it('--port 0 puts the Schema Registry on a free port too, and says where', async () => {
    const proc = start(['broker', '--port', '0', '--data-dir', join(dir, 'broker-0')]);
    await waitForProcess(proc, 'the listening line', () => proc.output().includes('broker listening'));
    const match = /Schema Registry on (http:\/\/127\.0\.0\.1:(\d+))/.exec(proc.output());
    expect(match, proc.output()).not.toBeNull();
    expect(Number(match![2])).not.toBe(8081);
    const subjects = await fetch(`${match![1]}/subjects`);
    expect(subjects.status).toBe(200);
    expect(await subjects.json()).toEqual([]);
    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 60_000);

  it.each(['off', '-1'])(
    '--schema-registry-port %s runs the broker alone',
    async (value) => {
      const proc = start([
        'broker',
        '--port',
        '0',
        '--schema-registry-port',
        value,
        '--data-dir',
        join(dir, `broker-${value}`),
      ]);
      await waitForProcess(proc, 'the listening line', () => proc.output().includes('broker listening'));
      expect(proc.output()).toMatch(/broker listening on 127\.0\.0\.1:\d+ \(data in /);
      expect(proc.output()).not.toContain('Schema Registry');
      proc.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    },
    60_000,
  );

  it('a busy Schema Registry port names --schema-registry-port and exits 1', async () => {
    const { code, output } = await failing([
      ...['broker', '--port', '0', '--schema-registry-port', String(busy.port)],
      ...['--data-dir', join(dir, 'broker-busy')],
    ]);
    expect(code, output).toBe(1);
    expect(output).toContain(
      `error: Schema Registry cannot listen on 127.0.0.1:${busy.port}: the port is in use by another process; choose another with --schema-registry-port (0: any free port)`,
    );
  }, 60_000);

  it('an invalid --schema-registry-port is a usage error', async () => {
    const { code, output } = await failing(['broker', '--schema-registry-port', 'eighty']);
    expect(code, output).toBe(1);
    expect(output).toContain(
      'error: --schema-registry-port must be a port (0: any free one) or off, got "eighty"',
    );
  }, 60_000);
});

describe('meterstream up', () => {
  it('--no-redis says Redis was left out on request', async () => {
    const proc = runUp(join(dir, 'up'));
    running.push(proc);
    await waitForProcess(
      proc,
      'the stack',
      () => proc.output().includes('Ctrl-C stops everything.'),
      120_000,
    );
    expect(proc.output()).toMatch(/^ {2}Redis {12}not started \(--no-redis\)$/m);
    expect(proc.output()).not.toContain('not on the PATH');
    proc.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
  }, 150_000);

  it('a busy port names the flag of the server that could not start, and exits 1', async () => {
    const { code, output } = await failing([
      ...['up', '--kafka-port', '0', '--schema-registry-port', String(busy.port)],
      ...[
        '--cassandra-port',
        '0',
        '--s3-port',
        '0',
        '--no-redis',
        '--no-ksql',
        '--data-dir',
        join(dir, 'up-busy'),
      ],
    ]);
    expect(code, output).toBe(1);
    expect(output).toContain(
      `error: Schema Registry cannot listen on 127.0.0.1:${busy.port}: the port is in use by another process; choose another with --schema-registry-port`,
    );
  }, 60_000);

  it('a busy ksqlDB port names --ksql-port (the server runs as a child process)', async () => {
    const { code, output } = await failing([
      ...[
        'up',
        '--kafka-port',
        '0',
        '--schema-registry-port',
        '0',
        '--cassandra-port',
        '0',
        '--s3-port',
        '0',
      ],
      ...['--ksql-port', String(busy.port), '--no-redis', '--data-dir', join(dir, 'up-busy-ksql')],
    ]);
    expect(code, output).toBe(1);
    expect(output).toContain(`cannot listen on 127.0.0.1:${busy.port}`);
    expect(output).toContain('choose another with --ksql-port');
  }, 60_000);
});

describe('meterstream serve', () => {
  let cassandra: TestCassandra;
  beforeAll(async () => {
    cassandra = await startTestCassandra();
  }, 60_000);
  afterAll(async () => {
    await cassandra?.close();
  });

  it('--port 0 prints the address it listens on, also at log level warn', async () => {
    const proc = start(['serve', '--port', '0'], {
      METERSTREAM_LOG_LEVEL: 'warn',
      METERSTREAM_CASSANDRA_CONTACT_POINTS: cassandra.contactPoints.join(','),
    });
    await waitForProcess(
      proc,
      'the listening line',
      () => /serving layer listening on/.test(proc.output()),
      60_000,
    );
    const match = /serving layer listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output());
    expect(match, proc.output()).not.toBeNull();
    const health = await fetch(`${match![1]}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', cassandra: 'up' });
    proc.kill('SIGTERM');
    await proc.exited;
  }, 90_000);

  it('a busy port names --port and exits 1', async () => {
    const proc = start(['serve', '--port', String(busy.port)], {
      METERSTREAM_CASSANDRA_CONTACT_POINTS: cassandra.contactPoints.join(','),
    });
    const code = await proc.exited;
    expect(code, proc.output()).toBe(1);
    expect(proc.output()).toContain(
      `error: the serving layer cannot listen on 127.0.0.1:${busy.port}: the port is in use by another process; choose another with --port (0: any free port)`,
    );
  }, 90_000);

  it('stops on SIGTERM with exit code 0 after its Cassandra went away, and says once that Redis is not there', async () => {
    const own = await startTestCassandra();
    const proc = start(['serve', '--port', '0', '--redis-url', `redis://127.0.0.1:${busy.port + 1}`], {
      METERSTREAM_CASSANDRA_CONTACT_POINTS: own.contactPoints.join(','),
    });
    await waitForProcess(
      proc,
      'the listening line',
      () => /serving layer listening on/.test(proc.output()),
      60_000,
    );
    await own.close();
    proc.kill('SIGTERM');
    expect(await proc.exited, proc.output()).toBe(0);
    // The dashboard's Redis: one warning line, no stack trace.
    expect(proc.output()).not.toContain('"stack"');
  }, 90_000);
});
