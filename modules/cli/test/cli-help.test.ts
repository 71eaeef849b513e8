import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-process.js';

/** Runs the built binary to completion; no test here touches a server. */
async function cli(args: string[]): Promise<{ code: number | string; output: string }> {
  const run = runCli(args);
  const timer = setTimeout(() => run.kill('SIGKILL'), 30_000);
  const code = await run.exited;
  clearTimeout(timer);
  return { code, output: run.output() };
}

/** Every command path and an option its help must show (one the command owns, not a shared endpoint). */
const COMMANDS: [path: string, option: string][] = [
  ['up', '--kafka-port'],
  ['broker', '--port'],
  ['cql-server', '--port'],
  ['s3-server', '--max-request-bytes'],
  ['topics', 'create'],
  ['topics create', '--partitions'],
  ['replay', '--synthetic'],
  ['consume', '--from-beginning'],
  ['aggregate', '--window'],
  ['quality', '--rules'],
  ['sink', 'cassandra'],
  ['sink cassandra', '--session-timeout-ms'],
  ['sink s3', '--max-age-ms'],
  ['sink redis', '--windows'],
  ['batch', '--window'],
  ['serve', '--port'],
  ['verify', '--tolerance'],
  ['query', '--gateway'],
  ['perf', 'track'],
  ['perf track', '--count'],
  ['ksql', '--file'],
  ['ksql-server', '--service-id'],
];

/**
 * The shared flags a command's help shows (those of the servers it uses) and some it does not (the
 * others, still accepted). Every command that takes them shows --log-level and --log-format.
 */
const ENDPOINT_FLAGS: Record<string, { shown: string[]; hidden: string[] }> = {
  up: {
    shown: ['--data-dir', '--s3-access-key-id'],
    hidden: ['--kafka-brokers', '--cassandra-contact-points'],
  },
  broker: { shown: ['--data-dir'], hidden: ['--kafka-brokers', '--s3-endpoint'] },
  'topics create': { shown: ['--kafka-brokers'], hidden: ['--cassandra-contact-points', '--data-dir'] },
  replay: { shown: ['--kafka-brokers', '--schema-registry-url'], hidden: ['--cassandra-contact-points'] },
  consume: { shown: ['--kafka-brokers', '--schema-registry-url'], hidden: ['--s3-endpoint'] },
  aggregate: { shown: ['--kafka-brokers', '--redis-url', '--data-dir'], hidden: ['--cassandra-keyspace'] },
  quality: { shown: ['--kafka-brokers', '--schema-registry-url', '--redis-url'], hidden: ['--s3-endpoint'] },
  'sink cassandra': {
    shown: ['--kafka-brokers', '--cassandra-keyspace'],
    hidden: ['--s3-endpoint', '--redis-url'],
  },
  'sink s3': { shown: ['--kafka-brokers', '--s3-endpoint'], hidden: ['--redis-url'] },
  'sink redis': { shown: ['--kafka-brokers', '--redis-url'], hidden: ['--cassandra-contact-points'] },
  batch: {
    shown: ['--kafka-brokers', '--s3-endpoint', '--cassandra-contact-points'],
    hidden: ['--redis-url'],
  },
  serve: {
    shown: ['--cassandra-contact-points', '--redis-url', '--kafka-brokers', '--s3-endpoint'],
    hidden: ['--schema-registry-url'],
  },
  verify: { shown: ['--cassandra-contact-points', '--s3-endpoint'], hidden: ['--kafka-brokers'] },
  query: { shown: ['--cassandra-contact-points'], hidden: ['--kafka-brokers', '--redis-url'] },
  'perf track': { shown: ['--kafka-brokers'], hidden: ['--cassandra-contact-points'] },
  'ksql-server': { shown: ['--kafka-brokers', '--schema-registry-url'], hidden: ['--s3-endpoint'] },
};

describe('meterstream --help', () => {
  it('lists every top-level command and exits 0', async () => {
    const { code, output } = await cli(['--help']);
    expect(code, output).toBe(0);
    expect(output).toContain('meterstream <command> [options]');
    const topLevel = new Set(COMMANDS.map(([path]) => path.split(' ')[0]!));
    for (const command of topLevel) expect(output).toMatch(new RegExp(`^\\s+meterstream ${command}\\s`, 'm'));
  });

  it('-h is --help', async () => {
    const [long, short] = await Promise.all([cli(['--help']), cli(['-h'])]);
    expect(short.code).toBe(0);
    expect(short.output).toBe(long.output);
  });

  // Helps run in a few parallel batches: each is a Node start-up on a shared 2-core machine.
  it('every command and subcommand has a help page with its usage, description and options', async () => {
    const results = new Map<string, { code: number | string; output: string }>();
    for (let i = 0; i < COMMANDS.length; i += 4) {
      const batch = COMMANDS.slice(i, i + 4);
      const outputs = await Promise.all(batch.map(([path]) => cli([...path.split(' '), '--help'])));
      batch.forEach(([path], j) => {
        results.set(path, outputs[j]!);
      });
    }
    for (const [path, option] of COMMANDS) {
      const { code, output } = results.get(path)!;
      expect(code, `${path} --help:\n${output}`).toBe(0);
      const lines = output.split('\n');
      expect(lines[0], `${path} --help`).toMatch(new RegExp(`^meterstream ${path}( |$)`));
      // a description line follows the usage line
      expect(
        lines.slice(1).some((line) => /^[A-Z][a-z]/.test(line)),
        `${path} --help has no description`,
      ).toBe(true);
      expect(output, `${path} --help`).toContain(option);
      expect(output, `${path} --help`).toContain('--help');
      const flags = ENDPOINT_FLAGS[path];
      if (flags) {
        for (const flag of [...flags.shown, '--log-level', '--log-format'])
          expect(output, `${path} --help shows ${flag}`).toMatch(new RegExp(`^ +${flag} `, 'm'));
        for (const flag of flags.hidden)
          expect(output, `${path} --help hides ${flag}`).not.toMatch(new RegExp(`^ +${flag} `, 'm'));
      }
      // Descriptions wrap between words: no line ends inside an environment variable's name.
      expect(output, `${path} --help`).not.toMatch(/METERSTREAM_[A-Z_]*\n/);
    }
  }, 120_000);
});

describe('meterstream usage errors', () => {
  const cases: [what: string, args: string[], message: RegExp][] = [
    ['no command', [], /error: choose a command/],
    ['an unknown command', ['frobnicate'], /^error: unknown command "frobnicate" \(meterstream --help lists/],
    [
      'an unknown command with --help',
      ['nosuch', '--help'],
      /^error: unknown command "nosuch" \(meterstream --help lists the commands\)\n$/,
    ],
    [
      'a misspelt command with --help',
      ['s3server', '--help'],
      /^error: unknown command "s3server"; did you mean s3-server\?/,
    ],
    [
      'an unknown subcommand',
      ['sink', 'nosuch'],
      /^error: unknown command "sink nosuch" \(meterstream sink --help lists its commands: cassandra, s3, redis\)/,
    ],
    [
      'an unknown subcommand with --help',
      ['topics', 'delete', '--help'],
      /^error: unknown command "topics delete"/,
    ],
    ['a group without its subcommand', ['sink'], /error: choose a sink: cassandra, s3 or redis/],
    ['an unknown flag', ['aggregate', '--bogus-flag', '1'], /error: Unknown arguments?: bogus-flag/],
    [
      'an unknown flag on a nested command',
      ['perf', 'track', '--topic', 't', '--count', '1', '--bogus'],
      /error: Unknown argument: bogus/,
    ],
    ['a missing required flag', ['sink', 'cassandra'], /error: Missing required argument: window/],
    [
      'missing required flags',
      ['query', '--gateway', '1'],
      /error: Missing required arguments: type, attribute, from, to/,
    ],
    [
      'a value outside the choices',
      ['replay', '--synthetic', '--format', 'xml'],
      /Invalid values:[\s\S]*format[\s\S]*"xml"/,
    ],
    ['replay without a source', ['replay'], /error: give --dataset <file> or --synthetic/],
    [
      'a shared flag the help does not show is still accepted',
      [
        'query',
        '--kafka-brokers',
        '127.0.0.1:9',
        '--gateway',
        '0',
        '--type',
        'GAS',
        '--attribute',
        'VOLTAGE',
      ].concat(['--from', '2024-01-01', '--to', '2024-01-02']),
      /^error: --attribute VOLTAGE is not an attribute of GAS/,
    ],
    [
      'a window that is not a number',
      ['aggregate', '--window', 'abc'],
      /error: --window must be a positive number/,
    ],
  ];

  it('each gives a clear error on stderr and a non-zero exit code, without touching a server', async () => {
    const results: { code: number | string; output: string }[] = [];
    for (let i = 0; i < cases.length; i += 4) {
      results.push(...(await Promise.all(cases.slice(i, i + 4).map(([, args]) => cli(args)))));
    }
    cases.forEach(([what, args, message], i) => {
      const { code, output } = results[i]!;
      expect(code, `${what} (meterstream ${args.join(' ')}):\n${output}`).toBe(1);
      expect(output, what).toMatch(message);
      // nothing tried to connect anywhere
      expect(output, what).not.toMatch(/ECONNREFUSED/);
    });
  }, 120_000);
});
