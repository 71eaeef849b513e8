import { EventEmitter } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type KsqlStack, startKsqlStack } from './helpers/ksql-stack.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runShell } from '../src/ksql/ksql-shell.js';

let stack: KsqlStack;

beforeAll(async () => {
  stack = await startKsqlStack('ksql-shell');
});

afterAll(() => stack?.close());

/** A prompt on piped input: type lines, read what it printed. */
function shell(historyFile: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  const interrupts = new EventEmitter();
  let printed = '';
  output.on('data', (d: Buffer) => {
    printed += d.toString();
  });
  const done = runShell({ serverUrl: stack.url, input, output, historyFile, interrupts });
  return {
    type: (text: string) => input.write(text),
    interrupt: () => interrupts.emit('SIGINT'),
    printed: () => printed,
    until: async (pattern: RegExp, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(printed)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in:\n${printed}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    done,
  };
}

describe('meterstream ksql: the prompt on a ksqlDB-compatible server', () => {
  it('runs multi-line statements, SET and RUN SCRIPT, streams a push query that Ctrl-C stops, keeps history', async () => {
    const history = join(stack.dir, 'history');
    const script = join(stack.dir, 'insert.ksql');
    writeFileSync(
      script,
      "INSERT INTO readings (meter, kwh) VALUES ('m1', 2.5);\nINSERT INTO readings (meter, kwh) VALUES ('m2', 7.5);\n",
    );
    const s = shell(history);
    await s.until(/ksql> $/);
    // one statement over two lines: the prompt waits for the semicolon
    s.type('CREATE STREAM readings (meter STRING KEY, kwh DOUBLE)\n');
    s.type("  WITH (KAFKA_TOPIC='readings', PARTITIONS=1, VALUE_FORMAT='JSON');\n");
    await s.until(/Stream created/);
    s.type(`RUN SCRIPT '${script}';\n`);
    s.type("SET 'auto.offset.reset' = 'earliest';\n");
    await s.until(/Successfully changed local property 'auto.offset.reset' to 'earliest'/);
    // a push query without LIMIT streams until Ctrl-C, which stops the query, not the shell
    s.type('SELECT meter, kwh FROM readings EMIT CHANGES;\n');
    await s.until(/\|m2\s+\|7\.5\s+\|/);
    expect(s.printed()).toMatch(/\|METER\s+\|KWH\s+\|/);
    expect(s.printed()).toMatch(/\|m1\s+\|2\.5\s+\|/);
    s.interrupt();
    await s.until(/Query terminated\n/);
    // the shell goes on: an error is printed, and the next statement runs
    s.type('SELECT * FROM nowhere EMIT CHANGES;\n');
    await s.until(/NOWHERE/);
    s.type('SHOW STREAMS;\n');
    await s.until(/READINGS\s+\| readings/);
    s.type('EXIT;\n');
    await s.done;
    const lines = readFileSync(history, 'utf8').split('\n');
    expect(lines).toContain("SET 'auto.offset.reset' = 'earliest';");
    expect(lines).toContain('EXIT;');
  }, 90_000);
});
