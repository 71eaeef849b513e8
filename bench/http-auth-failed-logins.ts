import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { basicAuthHeader, ensureSecurityBundle } from '@meterstream/security';
import { closedLoop, openLoop, sleep } from './lib/load-loops.js';
import { markdownTable, writeBenchmarkSection } from './lib/report.js';

/**
 * Do failed logins on the secured stack's HTTP endpoints hurt logged-in clients (issue #20: 1,000
 * failed logins in a row slow authenticated traffic by at most 20 %)? Each server — the Schema
 * Registry (Basic auth), the S3 server (SigV4 key pairs) and an app's /metrics endpoint (Basic
 * auth) — runs over HTTPS with a security bundle in a process of its own (bench/lib/http-auth-server.ts).
 * One client keeps CONCURRENCY authenticated requests in flight over keep-alive connections;
 * phases: baseline, the same while ATTACKERS parallel attackers (a worker thread) send
 * FAILED_LOGINS wrong logins in all, each one after the other on a fresh TLS connection (or, with
 * --keep-alive, all of an attacker's on one keep-alive connection), then baseline again. The
 * servers answer a failed login after FAILED_LOGIN_DELAY_MS (100 ms).
 *
 * Scenarios: the default (10 attackers, fresh connections) is connection churn; `1000 1 10
 * --keep-alive` is the "1,000 failed logins in a row": one attacker, one attempt after the
 * other on one connection; `1000 1 10` the same attacker opening a fresh connection per attempt.
 *
 * Usage: npx tsx bench/http-auth-failed-logins.ts [failedLogins=1000] [attackers=10] [baselineSeconds=10] [--keep-alive]
 * docs/benchmarks.md is written only for a full run (≥ 1000 failed logins); a scenario other than
 * the default writes a subsection of its own under the default's.
 */
const ARGS = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const KEEP_ALIVE = process.argv.includes('--keep-alive');
const FAILED_LOGINS = Number(ARGS[0] ?? 1000);
const ATTACKERS = Number(ARGS[1] ?? 10);
const BASELINE_SECONDS = Number(ARGS[2] ?? 10);
const CONCURRENCY = 16;
/** The open workload's share of the closed baseline's rate: a busy but not saturated server. */
const OPEN_SHARE = 0.5;
const MAX_IN_FLIGHT = 512;
const KINDS = ['registry', 's3', 'metrics'] as const;
type Kind = (typeof KINDS)[number];
const S3_KEY = { accessKeyId: 'bench-key', secretAccessKey: 'bench-secret-of-forty-characters-000000' };

/**
 * The attackers, in a worker thread so their TLS handshakes do not stall the measured client's
 * event loop (on this 2-core machine they still take CPU, as a local attacker would). Each attempt
 * sends wrong credentials — Basic auth with a guessed password, or a SigV4 request with the right
 * key id and a wrong signature — on a fresh TLS connection, or with keepAlive on the attacker's one
 * keep-alive connection (an agent of one socket per attacker). Counts the refusals (401 / 403) and
 * the TLS connections opened: with keepAlive more than one per attacker would mean the server
 * closed the connection after a refusal and the attacker had to reconnect.
 */
const ATTACKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { Agent, request } = require('node:https');
const { url, ca, user, kind, count, attackers, keyId, keepAlive } = workerData;
let connections = 0;
const path = kind === 'registry' ? '/subjects' : kind === 'metrics' ? '/metrics' : '/bench/object';
function headers(n) {
  if (kind !== 's3') return { authorization: 'Basic ' + Buffer.from(user + ':guess-' + n).toString('base64') };
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\\.\\d+/, '');
  return {
    'x-amz-date': date,
    'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    authorization: 'AWS4-HMAC-SHA256 Credential=' + keyId + '/' + date.slice(0, 8) + '/us-east-1/s3/aws4_request, ' +
      'SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=' + n.toString(16).padStart(64, '0'),
  };
}
const attempt = (n, agent) => new Promise((resolve, reject) => {
  const req = request(new URL(path, url), { agent, ca, headers: headers(n) }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode === 401 || res.statusCode === 403));
  });
  req.on('socket', () => { if (!req.reusedSocket) connections++; });
  req.on('error', reject);
  req.end();
});
(async () => {
  let refused = 0;
  const per = Math.ceil(count / attackers);
  await Promise.all(Array.from({ length: attackers }, async (_, a) => {
    const agent = keepAlive ? new Agent({ ca, keepAlive: true, maxSockets: 1 }) : false;
    for (let i = a * per; i < Math.min(count, (a + 1) * per); i++) if (await attempt(i, agent)) refused++;
    if (agent) agent.destroy();
  }));
  parentPort.postMessage({ refused, connections });
})();
`;

interface Server {
  url: string;
  pid: number;
  stop(): void;
}

async function startServer(kind: Kind, dataDir: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'lib/http-auth-server.ts'), kind, dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, BENCH_S3_KEY: JSON.stringify(S3_KEY) },
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** CPU seconds (user + system) a process has used, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Phase {
  name: string;
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  serverCpu: number;
}

type Call = () => Promise<void>;

function basicGet(url: string, path: string, ca: string, auth: string, agent: Agent): Call {
  const target = new URL(path, url);
  return () =>
    new Promise((resolve, reject) => {
      const req = request(target, { agent, ca, headers: { authorization: auth } }, (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      });
      req.on('error', reject);
      req.end();
    });
}

async function s3Get(url: string, ca: string): Promise<Call> {
  const s3 = new S3Client({
    endpoint: url,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: S3_KEY,
    requestHandler: { httpsAgent: new Agent({ ca, keepAlive: true, maxSockets: CONCURRENCY }) },
  });
  await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'object', Body: 'x'.repeat(1024) }));
  return async () => {
    const object = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'object' }));
    await object.Body!.transformToByteArray();
  };
}

/**
 * Runs `call` until `until` settles: closed (`rate` undefined: CONCURRENCY callers back to back, as
 * fast as the machine allows) or open (`rate` requests/s offered, paced per 1 ms tick whatever the
 * answers, latency counted from when a request was due, so queueing shows).
 */
async function workload(
  call: Call,
  name: string,
  serverPid: number,
  until: Promise<unknown>,
  rate?: number,
): Promise<Phase> {
  const cpu0 = cpuSeconds(serverPid);
  const result =
    rate === undefined
      ? await closedLoop(CONCURRENCY, call, until)
      : await openLoop(rate, call, until, MAX_IN_FLIGHT);
  const serverCpu = (cpuSeconds(serverPid) - cpu0) / result.seconds;
  return {
    name,
    requests: result.calls,
    seconds: result.seconds,
    p50: result.p50,
    p99: result.p99,
    serverCpu,
  };
}

interface Attack {
  refused: number;
  /** TLS connections the attackers opened. */
  connections: number;
}

function attack(url: string, ca: string, user: string, kind: Kind): Promise<Attack> {
  const worker = new Worker(ATTACKER, {
    eval: true,
    workerData: {
      url,
      ca,
      user,
      kind,
      count: FAILED_LOGINS,
      attackers: ATTACKERS,
      keyId: S3_KEY.accessKeyId,
      keepAlive: KEEP_ALIVE,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: Attack) => {
      void worker.terminate();
      resolve(result);
    });
    worker.once('error', reject);
  });
}

interface Result {
  kind: Kind;
  phases: Phase[];
  refused: number;
  connections: number;
  attackSeconds: number;
  ratio: number;
  openRatio: number;
  /** At the fixed load: the attack phase's p50 / p99 over the baselines' mean. */
  p50Ratio: number;
  p99Ratio: number;
  /** At the fixed load: the server's CPU s/s during the attack minus the baselines' mean. */
  extraCpu: number;
}

async function measure(kind: Kind, dir: string): Promise<Result> {
  const bundle = await ensureSecurityBundle(dir);
  const user = bundle.users.find((u) => u.access === 'admin')!;
  const server = await startServer(kind, dir);
  const agent = new Agent({ ca: bundle.caCert, keepAlive: true, maxSockets: CONCURRENCY });
  const auth = basicAuthHeader(user.username, user.password);
  try {
    const call =
      kind === 's3'
        ? await s3Get(server.url, bundle.caCert)
        : basicGet(server.url, kind === 'registry' ? '/subjects' : '/metrics', bundle.caCert, auth, agent);
    await workload(call, 'warm-up', server.pid, sleep(2));
    const phases = [await workload(call, 'baseline', server.pid, sleep(BASELINE_SECONDS))];
    let first: Attack = { refused: 0, connections: 0 };
    let attackSeconds = 0;
    const attacking = (async () => {
      const t0 = performance.now();
      first = await attack(server.url, bundle.caCert, user.username, kind);
      attackSeconds = (performance.now() - t0) / 1000;
    })();
    phases.push(await workload(call, `during ${FAILED_LOGINS} failed logins`, server.pid, attacking));
    phases.push(await workload(call, 'baseline again', server.pid, sleep(BASELINE_SECONDS)));
    const rate = (p: Phase) => p.requests / p.seconds;
    const ratio = rate(phases[1]!) / ((rate(phases[0]!) + rate(phases[2]!)) / 2);
    // The same at a fixed offered load, half the closed baseline's rate.
    const offered = Math.round((OPEN_SHARE * (rate(phases[0]!) + rate(phases[2]!))) / 2);
    const label = `${offered}/s offered:`;
    phases.push(await workload(call, `${label} baseline`, server.pid, sleep(BASELINE_SECONDS), offered));
    let second: Attack = { refused: 0, connections: 0 };
    const openAttack = attack(server.url, bundle.caCert, user.username, kind).then((a) => {
      second = a;
    });
    phases.push(
      await workload(call, `${label} during ${FAILED_LOGINS} failed logins`, server.pid, openAttack, offered),
    );
    phases.push(
      await workload(call, `${label} baseline again`, server.pid, sleep(BASELINE_SECONDS), offered),
    );
    const openRatio = rate(phases[4]!) / ((rate(phases[3]!) + rate(phases[5]!)) / 2);
    const p50Ratio = phases[4]!.p50 / ((phases[3]!.p50 + phases[5]!.p50) / 2);
    const p99Ratio = phases[4]!.p99 / ((phases[3]!.p99 + phases[5]!.p99) / 2);
    const extraCpu = phases[4]!.serverCpu - (phases[3]!.serverCpu + phases[5]!.serverCpu) / 2;
    return {
      kind,
      phases,
      refused: first.refused + second.refused,
      connections: first.connections + second.connections,
      attackSeconds,
      ratio,
      openRatio,
      p50Ratio,
      p99Ratio,
      extraCpu,
    };
  } finally {
    agent.destroy();
    server.stop();
  }
}

const TITLES: Record<Kind, string> = {
  registry: 'Schema Registry (Basic auth), GET /subjects',
  s3: 'S3 server (SigV4), GetObject of 1 KiB',
  metrics: 'app /metrics endpoint (Basic auth), GET /metrics',
};

async function main(): Promise<void> {
  const load0 = loadavg()[0]!;
  const results: Result[] = [];
  for (const kind of KINDS) {
    const dir = mkdtempSync(join(tmpdir(), `bench-http-auth-${kind}-`));
    try {
      results.push(await measure(kind, dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const rows = results.flatMap((r) =>
    r.phases.map((p) => [
      TITLES[r.kind],
      p.name,
      (p.requests / p.seconds).toFixed(0),
      p.p50.toFixed(2),
      p.p99.toFixed(2),
      p.serverCpu.toFixed(2),
      p.seconds.toFixed(1),
    ]),
  );
  const table = markdownTable(
    ['server', 'phase', 'requests/s', 'p50 ms', 'p99 ms', 'server CPU s/s', 'seconds'],
    rows,
  );
  const connections = KEEP_ALIVE
    ? (r: Result) => `, over ${r.connections} TLS connection(s) for ${2 * ATTACKERS} attacker runs`
    : () => '';
  const summary = results
    .map(
      (r) =>
        `${TITLES[r.kind]}: ${r.refused}/${2 * FAILED_LOGINS} refused (two attacks${connections(r)}; the first in ` +
        `${r.attackSeconds.toFixed(1)} s, ${(FAILED_LOGINS / r.attackSeconds).toFixed(0)}/s). Saturated (closed ` +
        `loop): throughput during the attack ${(r.ratio * 100).toFixed(0)} % of the baseline. At a fixed offered ` +
        `load: ${(r.openRatio * 100).toFixed(0)} % of it served, p50 ×${r.p50Ratio.toFixed(2)}, p99 ` +
        `×${r.p99Ratio.toFixed(2)}, server CPU ${r.extraCpu >= 0 ? '+' : ''}${r.extraCpu.toFixed(2)} s/s ` +
        `(target ≥ 80 %: ${r.openRatio >= 0.8 ? 'met' : 'NOT met'}).`,
    )
    .join('\n');
  const load = `1-minute load average ${load0.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after.`;
  console.log(`${table}\n\n${summary}\n${load}`);
  if (FAILED_LOGINS < 1000) return;
  const command =
    `Command: \`npx tsx bench/http-auth-failed-logins.ts ${FAILED_LOGINS} ${ATTACKERS} ${BASELINE_SECONDS}` +
    `${KEEP_ALIVE ? ' --keep-alive' : ''}\`\n\n`;
  const figures = `${table}\n\n${summary.replaceAll('\n', '\n\n')}\n\n${load}`;
  if (!KEEP_ALIVE && ATTACKERS === 10) {
    writeBenchmarkSection(
      'http-auth-failed-logins',
      'HTTPS endpoints: authenticated requests during 1,000 failed logins',
      command +
        'Each server over HTTPS (security bundle, as `up --secure` serves it) in its own process; one client keeps ' +
        `${CONCURRENCY} authenticated requests in flight over keep-alive connections; ${ATTACKERS} attackers in a ` +
        'worker thread send the failed logins, each one after the other on a fresh TLS connection. The servers ' +
        'answer a failed login after 100 ms (`FAILED_LOGIN_DELAY_MS`). First closed loop (the client as fast as it ' +
        "can: with the server it saturates the 2 cores, so the attacker's own TLS work on the same machine takes " +
        "CPU from the client — the server's CPU per second shows whether the server itself worked harder), then " +
        "at a fixed offered load of half the closed baseline's rate (paced per 1 ms, latency from when each " +
        'request was due): the share of it served during the attack is the figure against the target. Ratios ' +
        'against the mean of the two baselines of the same run. The subsections below repeat it with other ' +
        'attackers.\n\n' +
        figures,
    );
    return;
  }
  // Another scenario: a subsection of its own under the default's, so each can be re-run alone.
  const who = ATTACKERS === 1 ? 'one attacker' : `${ATTACKERS} attackers`;
  const how = KEEP_ALIVE ? 'on one keep-alive TLS connection' : 'a fresh TLS connection per attempt';
  writeBenchmarkSection(
    `http-auth-failed-logins/${ATTACKERS}-${KEEP_ALIVE ? 'keep-alive' : 'fresh'}`,
    `${FAILED_LOGINS} failed logins from ${who}, ${how}` +
      (ATTACKERS === 1 && KEEP_ALIVE ? ' (in a row)' : ''),
    command +
      `As above, but ${who} ${ATTACKERS === 1 ? 'sends' : 'send'} the failed logins one after the other ` +
      (KEEP_ALIVE
        ? `on ${ATTACKERS === 1 ? 'one' : 'its own'} HTTP/1.1 keep-alive TLS connection (the servers keep it ` +
          'open after a 401 / 403; the connections opened are counted below).\n\n'
        : `each on a fresh TLS connection.\n\n`) +
      figures,
    { level: 3, after: 'http-auth-failed-logins' },
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
