import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrlWithCredentials } from '../src/ksql/ksql-credentials.js';
import { KsqlSession } from '../src/ksql/ksql-session.js';
import { type KsqlStack, startKsqlStack } from './helpers/ksql-stack.js';

let stack: KsqlStack;
beforeAll(async () => {
  stack = await startKsqlStack('ksql-auth', {}, [
    { username: 'ksql', password: 'ksql-pw', access: 'write' },
    { username: 'serving', password: 'serving-pw', access: 'read' },
  ]);
});
afterAll(() => stack?.close());

const CREATE =
  "CREATE STREAM readings (meter STRING KEY, kwh DOUBLE) WITH (kafka_topic='readings', partitions=1, value_format='JSON');";

/** What `meterstream ksql --user … --execute …` does: the session on the URL the flags build. */
async function run(user: string | undefined, password: string | undefined, script: string) {
  const lines: string[] = [];
  const session = new KsqlSession(await serverUrlWithCredentials(stack.url, user, password), (l) =>
    lines.push(l),
  );
  const error = await session.runScript(script, new AbortController().signal).then(
    () => undefined,
    (e: Error) => e.message,
  );
  return { error, printed: lines.join('\n') };
}

describe('meterstream ksql --user against a server with Basic auth', () => {
  it('is refused without credentials, with a wrong password and as an unknown user (401), creating nothing', async () => {
    for (const [user, password] of [
      [undefined, undefined],
      ['ksql', 'wrong'],
      ['mallory', 'ksql-pw'],
    ] as const) {
      const { error } = await run(user, password, CREATE);
      expect(error, String(user)).toMatch(/401|Unauthorized/);
    }
    expect((await run('ksql', 'ksql-pw', 'SHOW STREAMS;')).printed).not.toMatch(/READINGS/);
  });

  it('refuses a read-only user a CREATE (403); the ksql user, its password from the environment, runs it', async () => {
    expect((await run('serving', 'serving-pw', CREATE)).error).toMatch(/403|not permitted/);
    expect((await run('ksql', 'ksql-pw', 'SHOW STREAMS;')).printed).not.toMatch(/READINGS/);
    process.env.METERSTREAM_KSQL_PASSWORD = 'ksql-pw';
    try {
      const created = await run('ksql', undefined, CREATE);
      expect(created.error).toBeUndefined();
    } finally {
      delete process.env.METERSTREAM_KSQL_PASSWORD;
    }
    expect((await run('ksql', 'ksql-pw', 'SHOW STREAMS;')).printed).toMatch(/READINGS/);
  });
});
