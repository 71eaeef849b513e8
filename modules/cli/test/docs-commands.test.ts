import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT, freePort } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli, waitForProcess } from './helpers/cli-process.js';
import { type DocCommand, docCommands } from './helpers/doc-commands.js';

/**
 * Every command line README.md and docs/*.md show, run in order against a stack this test starts:
 * a non-zero exit or a stack trace fails the test, so the documentation stays runnable. Commands
 * written with `&` run in the background until their file's commands are done.
 */
const FILES = [
  'README.md',
  ...readdirSync(join(PROJECT_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Commands not run here, and why (each is covered elsewhere or needs what a test cannot give). */
const EXCLUDED: [pattern: RegExp, reason: string][] = [
  [/^npm (install|ci)\b/, 'installs the tree: the test runs inside an installed one'],
  [/^npm test\b/, 'the whole test suite, this test included'],
  [/^npm run demo\b/, 'the demo: demo.test.ts runs it'],
  [
    /^METERSTREAM_EXTERNAL_STACK=1 npm run demo/,
    'the demo against the docker/ stack: no Docker engine in CI',
  ],
  [/^docker compose\b/, 'the real stack of docker/: no Docker engine in CI'],
  [/^(cp docker\/\.env\.example|set -a && \. docker\/)/, 'points the shell at the docker/ stack'],
  [/^bash scripts\/performance-tracking\.sh/, 'minutes of load: performance-tracking.test.ts runs it small'],
  [
    // also with variables before it (BENCH_WRITER_ENTRY=… node --import tsx bench/…)
    /^(\w+=\S* )*node (--[\w-]+ )*--import tsx bench\//,
    'a benchmark: minutes of load, run on demand and never in CI',
  ],
  [
    // also with variables before it (KSQL_REST_REGISTRIES="embedded memory" bash …)
    /^(\w+=("[^"]*"|\S*) )*bash scripts\/conformance\//,
    "needs a checkout of kafkajs or ksqlDB's tests (PATH_TO); writes its figures into docs/",
  ],
  [/^mkdir -p \/tmp\/kafkajs/, 'needs a clone of kafkajs (PATH_TO)'],
  [/^npx meterstream up\b/, 'the stack itself: this test starts it, on free ports'],
  [
    /^npx meterstream replay --synthetic --gateways 0\.\.4$/,
    'the example of the message without a broker (unreachable-endpoints.test.ts); with one it replays forever',
  ],
  [
    /^npx meterstream ksql-test (path\/to|filter\.json|tests\/|--sql-file statements)/,
    "placeholders for the reader's test files (ksql-test.test.ts runs the command)",
  ],
];

let dir: string;
/** docs/ before the commands ran: file → SHA-256 of its content. */
let docsBefore: Map<string, string>;

/** Every file under docs/ with a digest of its content. */
function docsDigests(): Map<string, string> {
  const docs = join(PROJECT_ROOT, 'docs');
  return new Map(
    readdirSync(docs, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path.slice(docs.length + 1), createHash('sha256').update(readFileSync(path)).digest('hex')];
      }),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'docs-commands-'));
  docsBefore = docsDigests();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Stack {
  up: CliProcess;
  env: Record<string, string>;
  /** The documented standard addresses, and the free ones this stack has instead. */
  addresses: [string, string][];
}

/**
 * A fresh stack for one file, as its reader starts one: the files are independent (each replays
 * the same synthetic days, which a shared stack would count twice in the lake and once in the
 * speed layer, the second copy being late).
 */
async function startStack(name: string): Promise<Stack> {
  const ports = ['kafka', 'schema-registry', 'cassandra', 's3', 'redis', 'ksql'].flatMap((n) => [
    `--${n}-port`,
    '0',
  ]);
  const up = runCli(['up', ...ports], { METERSTREAM_DATA_DIR: join(dir, name, 'data') });
  await waitForProcess(up, 'the stack', () => up.output().includes('Ctrl-C stops everything.'), 180_000);
  const env = Object.fromEntries(
    [...up.output().matchAll(/^ {2}export (METERSTREAM_\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  env.METERSTREAM_DATA_DIR = join(dir, name, 'client-data');
  expect(env.METERSTREAM_REDIS_URL, 'the docs need redis-server on the PATH').toBeDefined();
  const servePort = await freePort();
  return {
    up,
    env,
    addresses: [
      ['127.0.0.1:9092', env.METERSTREAM_KAFKA_BROKERS!],
      ['http://localhost:8088', env.METERSTREAM_KSQLDB_URL!],
      ['127.0.0.1:8080', `127.0.0.1:${servePort}`],
      ['npx meterstream serve', `npx meterstream serve --port ${servePort}`],
    ],
  };
}

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | string>;
}

function run(command: string, env: Record<string, string>): Run {
  const child = spawn('bash', ['-c', command], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // its own process group: stopping a background command stops what bash and npx started
    detached: true,
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
}

/** A Node or Python stack trace in a command's output. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$|^Traceback \(most recent call last\)/m;

function excluded(command: DocCommand): string | undefined {
  return EXCLUDED.find(([pattern]) => pattern.test(command.text))?.[1];
}

describe('the command lines of the documentation', () => {
  it('extracts commands from every documentation file, and every exclusion still matches one', () => {
    const all = FILES.flatMap((file) => docCommands(PROJECT_ROOT, file));
    expect(all.length).toBeGreaterThan(30);
    for (const [pattern] of EXCLUDED)
      expect(
        all.some((c) => pattern.test(c.text)),
        String(pattern),
      ).toBe(true);
  });

  for (const file of FILES) {
    it(`${file}: every command runs without error`, async () => {
      const commands = docCommands(PROJECT_ROOT, file).filter((command) => !excluded(command));
      if (commands.length === 0) return;
      const stack = await startStack(file.replaceAll('/', '-'));
      const background: { command: DocCommand; run: Run }[] = [];
      try {
        for (const command of commands) {
          const text = stack.addresses.reduce((t, [from, to]) => t.replaceAll(from, to), command.text);
          const where = `${command.file}:${command.line}: ${command.text}`;
          const started = run(text, stack.env);
          if (command.background) {
            background.push({ command, run: started });
            continue;
          }
          const timer = setTimeout(() => process.kill(-started.child.pid!, 'SIGKILL'), 300_000);
          const code = await started.exited;
          clearTimeout(timer);
          expect(code, `${where}\n${started.output()}`).toBe(0);
          expect(started.output(), `${where}: a stack trace`).not.toMatch(STACK_TRACE);
        }
        for (const { command, run: started } of background) {
          // still running: a background command that died early failed
          expect(
            started.child.exitCode,
            `${command.file}:${command.line}: ${command.text}\n${started.output()}`,
          ).toBeNull();
        }
      } finally {
        for (const { run: started } of background) {
          if (started.child.exitCode === null) process.kill(-started.child.pid!, 'SIGTERM');
          await started.exited;
        }
        stack.up.kill('SIGTERM');
        await stack.up.exited;
      }
      for (const { command, run: started } of background)
        expect(started.output(), `${command.file}:${command.line}: a stack trace`).not.toMatch(STACK_TRACE);
    }, 900_000);
  }

  // Runs after the files' commands: a documented command that writes a report (the conformance
  // scripts, the benchmarks) must be excluded above or write elsewhere, never rewrite the docs.
  it('leaves docs/ as it was', () => {
    const after = docsDigests();
    const changed = [...new Set([...docsBefore.keys(), ...after.keys()])].filter(
      (file) => docsBefore.get(file) !== after.get(file),
    );
    expect(changed).toEqual([]);
  });
});
