import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import cassandra from 'cassandra-driver';
import { closedLoop, sleep } from './lib/load-loops.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

/**
 * Does a brute-force attempt hurt logged-in clients? The embedded CQL server runs with
 * PasswordAuthenticator in its own process; a driver session keeps CONCURRENCY prepared
 * INSERT/SELECT pairs in flight. Phases: baseline, then the same workload while FAILED_LOGINS
 * connections in a row each try a wrong password (STARTUP, AUTH_RESPONSE, Bad credentials), then
 * baseline again. Target: authenticated throughput during the attack ≥ 80 % of the baseline (the
 * "slow down by < 20 %" goal). Each failed login costs one scrypt derivation, run off the event
 * loop and one at a time (src/auth/password-hash.ts).
 *
 * The server's failed-login throttle (login-throttle.ts) delays the attacker after 5 failures; its
 * largest delay is the third argument (the server's default is 2000 ms, which makes 1,000 attempts
 * last half an hour; 0 switches the delay off and shows the cost of the checks alone).
 *
 * Usage: npx tsc -b modules/cql-server && npx tsx bench/cql-auth-failed-logins.ts [failedLogins=1000] [baselineSeconds=10] [maxDelayMs=200]
 * docs/benchmarks.md is written only for a full run (≥ 1000 failed logins).
 */
const FAILED_LOGINS = Number(process.argv[2] ?? 1000);
const BASELINE_SECONDS = Number(process.argv[3] ?? 10);
const MAX_DELAY_MS = Number(process.argv[4] ?? 200);
const CONCURRENCY = 16;
/**
 * Keys cycle over a fixed set so the table's size stays constant: an ever-growing key space made
 * the in-memory server hold millions of rows after a few minutes (GB of heap, snapshot pauses) and
 * measured storage growth instead of the flood.
 */
const KEY_SPACE = 10_000;
const ADMIN = { username: 'bench', password: 'bench-admin-pw' };

function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const main = resolve(import.meta.dirname, '../modules/cql-server/dist/main.js');
  // The superuser comes from the environment: a password never goes on a command line.
  const child = spawn(
    process.execPath,
    [
      main,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      '--authenticator',
      'PasswordAuthenticator',
      '--failed-login-max-delay-ms',
      String(MAX_DELAY_MS),
      '--log-level',
      'warn',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, CQL_SUPERUSER_USERNAME: ADMIN.username, CQL_SUPERUSER_PASSWORD: ADMIN.password },
    },
  );
  return new Promise((res, rej) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"event":"listening"'));
      if (line) res({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.on('exit', (code) => rej(new Error(`cql-server exited ${code}`)));
  });
}

function frame(stream: number, opcode: number, body: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head[0] = 4;
  head.writeInt16BE(stream, 2);
  head[4] = opcode;
  head.writeInt32BE(body.length, 5);
  return Buffer.concat([head, body]);
}

const STARTUP = (() => {
  const s = (t: string) => Buffer.concat([Buffer.from([0, t.length]), Buffer.from(t)]);
  return frame(0, 0x01, Buffer.concat([Buffer.from([0, 1]), s('CQL_VERSION'), s('3.0.0')]));
})();

function wrongPassword(n: number): Buffer {
  const token = Buffer.from(`\0${ADMIN.username}\0guess-${n}`);
  const len = Buffer.alloc(4);
  len.writeInt32BE(token.length);
  return frame(1, 0x0f, Buffer.concat([len, token]));
}

/** One failed login on a fresh connection; resolves with the error code the server answered. */
function failedLogin(port: number, n: number): Promise<number> {
  return new Promise((res, rej) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let buf = Buffer.alloc(0);
    socket.on('connect', () => socket.write(Buffer.concat([STARTUP, wrongPassword(n)])));
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 9 && buf.length >= 9 + buf.readInt32BE(5)) {
        const opcode = buf[4];
        const body = buf.subarray(9, 9 + buf.readInt32BE(5));
        buf = buf.subarray(9 + buf.readInt32BE(5));
        if (opcode === 0x00) {
          socket.destroy();
          res(body.readInt32BE(0));
        }
      }
    });
    socket.on('error', rej);
  });
}

interface Phase {
  name: string;
  ops: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** Runs the workload until `until` resolves (or for `seconds`); ops are INSERT+SELECT pairs. */
async function workload(client: cassandra.Client, name: string, until: Promise<unknown>): Promise<Phase> {
  const result = await closedLoop(
    CONCURRENCY,
    async (i) => {
      const k = i % KEY_SPACE;
      await client.execute('INSERT INTO bench.t (k, v) VALUES (?, ?)', [k, `v${k}`], { prepare: true });
      await client.execute('SELECT v FROM bench.t WHERE k = ?', [k], { prepare: true });
    },
    until,
  );
  return { name, ops: result.calls, seconds: result.seconds, p50: result.p50, p99: result.p99 };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-cql-auth-'));
  const { child, port } = await startServer(dataDir);
  const load0 = loadavg()[0];
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: 'datacenter1',
    authProvider: new cassandra.auth.PlainTextAuthProvider(ADMIN.username, ADMIN.password),
  });
  const phases: Phase[] = [];
  let attackSeconds = 0;
  let refusals = 0;
  try {
    await client.execute(
      "CREATE KEYSPACE bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute('CREATE TABLE bench.t (k int PRIMARY KEY, v text)');
    await workload(client, 'warm-up', sleep(2));
    phases.push(await workload(client, 'baseline', sleep(BASELINE_SECONDS)));
    const attack = (async () => {
      const t0 = performance.now();
      for (let i = 0; i < FAILED_LOGINS; i++) if ((await failedLogin(port, i)) === 0x0100) refusals++;
      attackSeconds = (performance.now() - t0) / 1000;
    })();
    phases.push(await workload(client, `during ${FAILED_LOGINS} failed logins`, attack));
    phases.push(await workload(client, 'baseline again', sleep(BASELINE_SECONDS)));
  } finally {
    await client.shutdown();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
  const rate = (p: Phase) => p.ops / p.seconds;
  const baseline = (rate(phases[0]) + rate(phases[2])) / 2;
  const ratio = rate(phases[1]) / baseline;
  const table = markdownTable(
    ['phase', 'INSERT+SELECT pairs/s', 'p50 ms', 'p99 ms', 'seconds'],
    phases.map((p) => [p.name, rate(p).toFixed(0), p.p50.toFixed(1), p.p99.toFixed(1), p.seconds.toFixed(1)]),
  );
  const summary =
    `${refusals}/${FAILED_LOGINS} logins refused with Bad credentials (0x0100) in ${attackSeconds.toFixed(1)} s ` +
    `(${(FAILED_LOGINS / attackSeconds).toFixed(1)}/s). Authenticated throughput during the attack: ` +
    `${(ratio * 100).toFixed(0)} % of the baseline (target ≥ 80 %: ${ratio >= 0.8 ? 'met' : 'NOT met'}). ` +
    `1-minute load average ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`;
  console.log(`${table}\n\n${summary}`);
  if (FAILED_LOGINS >= 1000) {
    writeBenchmarkSection(
      `cql-auth-failed-logins-${MAX_DELAY_MS}`,
      `CQL server: authenticated queries during 1,000 failed logins (throttle up to ${MAX_DELAY_MS} ms)`,
      `Command: \`npx tsc -b modules/cql-server && npx tsx bench/cql-auth-failed-logins.ts ${FAILED_LOGINS} ${BASELINE_SECONDS} ${MAX_DELAY_MS}\`\n\n` +
        `The server (PasswordAuthenticator, scrypt N=32768) runs in its own process; one cassandra-driver session keeps ${CONCURRENCY} prepared ` +
        'INSERT+SELECT pairs in flight; the attacker opens a new connection per attempt, one after the other.\n\n' +
        `${table}\n\n${summary}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
