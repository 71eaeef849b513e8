import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRunning, runScript } from './helpers/scripts.js';

/** `npm run demo -- --secure`: the whole pipeline on `up --secure`, each app logging in as its role. */
describe('npm run demo -- --secure (scripts/demo.sh on the secured stack)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meterstream-demo-secure-'));
  const pidFile = join(dir, 'pids');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs end to end with 0 differences, prints no secret and leaves no process behind', async () => {
    const { code, output } = await runScript(
      'demo.sh',
      {
        METERSTREAM_DEMO_DIR: dir,
        METERSTREAM_DEMO_PID_FILE: pidFile,
        METERSTREAM_EXTERNAL_STACK: '0',
        METERSTREAM_DEMO_DATASETS: join(dir, 'no-datasets'),
        // two gateways keep it short; the open demo test covers the full fleet
        METERSTREAM_DEMO_GATEWAYS: '0..1',
      },
      ['--secure'],
    );
    expect(code, output).toBe(0);
    expect(output).toContain('starting the secured embedded stack');
    const up = readFileSync(join(dir, 'logs', 'up.out'), 'utf8');
    expect(up).toContain('Secured (Kafka SASL_SSL');
    // every HTTP endpoint of the secured stack is HTTPS, and the apps and the ksql CLI trust its CA
    for (const name of ['SCHEMA_REGISTRY_URL', 'S3_ENDPOINT', 'KSQLDB_URL'])
      expect(up).toMatch(new RegExp(`export METERSTREAM_${name}=https://`));
    expect(output).toMatch(/\b[1-9]\d* streams and tables created/);
    const report = output.split('\n').filter((l) => /^window \d+ s,/.test(l));
    expect(report, output.slice(-3000)).toHaveLength(4);
    for (const line of report)
      expect(line).toMatch(/ 16 series, [1-9]\d* closed windows compared, 0 differences$/);
    const { users } = JSON.parse(readFileSync(join(dir, 'data', 'security', 'credentials.json'), 'utf8')) as {
      users: { password: string }[];
    };
    for (const { password } of users) expect(output).not.toContain(password);
    for (const line of readFileSync(pidFile, 'utf8').trim().split('\n')) {
      const pid = Number(line.split(' ')[0]);
      expect(isRunning(pid), line).toBe(false);
    }
  }, 900_000);
});
