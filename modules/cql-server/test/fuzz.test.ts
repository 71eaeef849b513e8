import { type Socket, connect } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, createKeyspace, newClient, startFixture } from './helpers/fixture.js';

/** Small deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frame(
  version: number,
  flags: number,
  stream: number,
  opcode: number,
  body: Buffer,
  declared = body.length,
) {
  const h = Buffer.alloc(9);
  h[0] = version;
  h[1] = flags;
  h.writeInt16BE(stream, 2);
  h[4] = opcode;
  h.writeInt32BE(declared, 5);
  return Buffer.concat([h, body]);
}

const STARTUP = (() => {
  const body = Buffer.from([0, 1, 0, 11, ...Buffer.from('CQL_VERSION'), 0, 5, ...Buffer.from('3.0.0')]);
  return frame(4, 0, 0, 1, body);
})();

/** Sends bytes on a raw socket and collects what comes back until the server closes or a timeout. */
/** Number of complete response frames in `buf`. */
function frameCount(buf: Buffer): number {
  let n = 0;
  for (let pos = 0; pos + 9 <= buf.length && pos + 9 + buf.readInt32BE(pos + 5) <= buf.length; n++) {
    pos += 9 + buf.readInt32BE(pos + 5);
  }
  return n;
}

/**
 * Sends bytes on a raw socket and collects the answer until `frames` response frames arrived, the
 * server closed the connection, or (for fire-and-forget attacks) `hangUpMs` passed.
 */
function exchange(
  port: number,
  chunks: Buffer[],
  opts: { frames?: number; hangUpMs?: number } = {},
): Promise<Buffer> {
  return new Promise((resolve) => {
    const sock: Socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      sock.destroy();
      resolve(Buffer.concat(received));
    };
    sock.on('data', (d) => {
      received.push(d);
      if (opts.frames !== undefined && frameCount(Buffer.concat(received)) >= opts.frames) finish();
    });
    sock.on('error', finish);
    sock.on('close', finish);
    sock.on('connect', () => {
      for (const c of chunks) sock.write(c);
      if (opts.hangUpMs !== undefined) setTimeout(finish, opts.hangUpMs);
    });
    // Safety net only; the expected outcome normally arrives in milliseconds.
    setTimeout(finish, 20_000).unref();
  });
}

describe('fuzzing the frame parser', () => {
  let f: Fixture;
  // Server log lines, captured to check that rejected input is logged with the peer address.
  const logLines: { level: number; peer?: string; msg: string }[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')));
        done();
      },
    }),
  );
  beforeAll(async () => {
    f = await startFixture('fuzz', { logger });
    await createKeyspace(f.client, 'fz');
    await f.client.execute('CREATE TABLE fz.kv (k int PRIMARY KEY, v text)');
  });
  afterAll(async () => f?.stop());

  it('answers a bad version with the downgrade protocol error, and an oversized frame with a protocol error', async () => {
    const v5 = await exchange(f.server.port, [frame(5, 0, 3, 1, Buffer.alloc(0))], { frames: 1 });
    expect(v5[0]).toBe(0x84);
    expect(v5[4]).toBe(0x00);
    expect(v5.readInt32BE(9)).toBe(0x000a);
    expect(v5.toString('utf8')).toContain('Invalid or unsupported protocol version (5)');
    const big = await exchange(f.server.port, [frame(4, 0, 1, 7, Buffer.alloc(0), 0x7fffffff)], {
      frames: 1,
    });
    expect(big.readInt32BE(9)).toBe(0x000a);
    expect(big.toString('utf8')).toContain('Request is too big');
  });

  it('answers a garbage body with a protocol error and keeps the connection usable', async () => {
    const garbage = frame(4, 0, 5, 7, Buffer.from([0xff, 0xff, 0xff, 0x00, 1, 2]));
    const options = frame(4, 0, 6, 5, Buffer.alloc(0));
    const out = await exchange(f.server.port, [STARTUP, garbage, options], { frames: 3 });
    // READY for stream 0, ERROR 0x000A for stream 5, SUPPORTED for stream 6.
    const frames: { stream: number; opcode: number; body: Buffer }[] = [];
    for (let pos = 0; pos + 9 <= out.length; ) {
      const len = out.readInt32BE(pos + 5);
      frames.push({
        stream: out.readInt16BE(pos + 2),
        opcode: out[pos + 4],
        body: out.subarray(pos + 9, pos + 9 + len),
      });
      pos += 9 + len;
    }
    expect(frames.map((x) => [x.stream, x.opcode])).toEqual([
      [0, 0x02],
      [5, 0x00],
      [6, 0x06],
    ]);
    expect(frames[1].body.readInt32BE(0)).toBe(0x000a);
  });

  it('survives random and truncated frames while a driver session keeps working', async () => {
    const rand = prng(0xc0ffee);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    let stop = false;
    let driverOps = 0;
    const driverWork = (async () => {
      for (let i = 0; !stop; i++) {
        await f.client.execute('INSERT INTO fz.kv (k, v) VALUES (?, ?)', [i, `v${i}`], { prepare: true });
        const rs = await f.client.execute('SELECT v FROM fz.kv WHERE k = ?', [i], { prepare: true });
        expect(rs.rows[0].v).toBe(`v${i}`);
        driverOps++;
      }
    })();

    const attacks: Promise<Buffer>[] = [];
    for (let round = 0; round < 240; round++) {
      const kind = round % 6;
      let chunks: Buffer[];
      if (kind === 0) {
        chunks = [bytes(1 + Math.floor(rand() * 200))]; // pure noise
      } else if (kind === 1) {
        // A valid header announcing more body than is ever sent, then the client closes.
        chunks = [STARTUP, frame(4, 0, 1, 7, bytes(20), 500)];
      } else if (kind === 2) {
        // Random bodies on every opcode after a proper STARTUP.
        const opcode = Math.floor(rand() * 20);
        chunks = [
          STARTUP,
          frame(4, Math.floor(rand() * 16), Math.floor(rand() * 100), opcode, bytes(Math.floor(rand() * 64))),
        ];
      } else if (kind === 3) {
        // A frame cut in the middle of its header.
        chunks = [STARTUP.subarray(0, 1 + Math.floor(rand() * 7))];
      } else if (kind === 4) {
        // QUERY with a lying [long string] length.
        const body = Buffer.concat([Buffer.from([0x7f, 0xff, 0xff, 0xff]), bytes(10)]);
        chunks = [STARTUP, frame(4, 0, 2, 7, body)];
      } else {
        // Several valid frames split at random byte boundaries, with noise appended.
        const all = Buffer.concat([STARTUP, frame(4, 0, 1, 5, Buffer.alloc(0)), bytes(30)]);
        const cut = 1 + Math.floor(rand() * (all.length - 1));
        chunks = [all.subarray(0, cut), all.subarray(cut)];
      }
      attacks.push(exchange(f.server.port, chunks, { hangUpMs: 30 }));
      if (attacks.length >= 12) await Promise.all(attacks.splice(0));
    }
    await Promise.all(attacks);
    stop = true;
    await driverWork;
    expect(driverOps).toBeGreaterThan(0);
    const warnings = logLines.filter((l) => l.level === 40);
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w.peer).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(logLines.filter((l) => l.level >= 50)).toEqual([]);
    const metrics = await f.server.metrics.metrics();
    expect(metrics).toMatch(/cql_connections_closed_bad_input_total\{reason="version"\} [1-9]/);
    expect(metrics).toMatch(/cql_error_responses_total\{code="0x000a"\} [1-9]/);
    expect(metrics).not.toMatch(/cql_error_responses_total\{code="0x0000"\}/);
    console.log(`fuzz: 240 hostile connections, ${driverOps} driver insert+select pairs meanwhile`);

    // The server still accepts new sessions.
    const fresh = newClient(f.server.port);
    await fresh.connect();
    const rs = await fresh.execute('SELECT count(*) FROM fz.kv');
    expect(Number(rs.rows[0].count)).toBe(driverOps);
    await fresh.shutdown();
  });
});
