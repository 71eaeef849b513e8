import { testLogger, waitFor } from '@meterstream/test-support';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CqlServer, type CqlServerOptions, startCqlServer } from '../src/index.js';
import { cassandra, failure } from './helpers/fixture.js';

const OPCODE = { error: 0x00, startup: 0x01, ready: 0x02, options: 0x05, supported: 0x06, query: 0x07 };

function frame(stream: number, opcode: number, body: Buffer = Buffer.alloc(0), length = body.length): Buffer {
  const head = Buffer.alloc(9);
  head[0] = 4;
  head.writeInt16BE(stream, 2);
  head[4] = opcode;
  head.writeInt32BE(length, 5);
  return Buffer.concat([head, body]);
}

const STARTUP_BODY = (() => {
  const k = Buffer.from('CQL_VERSION');
  const v = Buffer.from('3.0.0');
  const b = Buffer.alloc(2 + 2 + k.length + 2 + v.length);
  b.writeUInt16BE(1, 0);
  b.writeUInt16BE(k.length, 2);
  k.copy(b, 4);
  b.writeUInt16BE(v.length, 4 + k.length);
  v.copy(b, 6 + k.length);
  return b;
})();

interface Frame {
  stream: number;
  opcode: number;
  body: Buffer;
}

/** A raw client socket that collects response frames and notices when the server closes it. */
class RawClient {
  readonly frames: Frame[] = [];
  closed = false;
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 9 && this.buf.length >= 9 + this.buf.readInt32BE(5)) {
        const len = this.buf.readInt32BE(5);
        this.frames.push({
          stream: this.buf.readInt16BE(2),
          opcode: this.buf[4],
          body: this.buf.subarray(9, 9 + len),
        });
        this.buf = this.buf.subarray(9 + len);
      }
      this.wake();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number, localAddress = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits (event-driven, with a generous deadline) until `done()` holds. */
  async until(what: string, done: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Sends a request and returns its response frame. */
  async request(stream: number, opcode: number, body?: Buffer): Promise<Frame> {
    this.socket.write(frame(stream, opcode, body));
    await this.until(`the answer to stream ${stream}`, () => this.frames.some((f) => f.stream === stream));
    return this.frames.find((f) => f.stream === stream)!;
  }

  close(): void {
    this.socket.destroy();
  }
}

function errorOf(f: Frame): { code: number; message: string } {
  expect(f.opcode).toBe(OPCODE.error);
  const len = f.body.readUInt16BE(4);
  return { code: f.body.readInt32BE(0), message: f.body.toString('utf8', 6, 6 + len) };
}

async function metric(server: CqlServer, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await server.metrics.getSingleMetric(name)?.get();
  const v = m?.values.find((x) => Object.entries(labels).every(([k, val]) => x.labels[k] === val));
  return v?.value ?? 0;
}

describe('connection and request limits', () => {
  let server: CqlServer | undefined;
  const clients: RawClient[] = [];
  const drivers: cassandra.Client[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const d of drivers.splice(0)) await d.shutdown();
    await server?.close();
    server = undefined;
  });

  async function start(options: Partial<CqlServerOptions>): Promise<CqlServer> {
    server = await startCqlServer({ port: 0, logger: testLogger(), ...options });
    return server;
  }
  async function open(localAddress?: string): Promise<RawClient> {
    const c = await RawClient.open(server!.port, localAddress);
    clients.push(c);
    return c;
  }
  function driver(options: Partial<cassandra.ClientOptions> = {}): cassandra.Client {
    const d = new cassandra.Client({
      contactPoints: [`127.0.0.1:${server!.port}`],
      localDataCenter: 'datacenter1',
      ...options,
    });
    drivers.push(d);
    return d;
  }

  it('maxConnections: one connection over the total limit gets an Overloaded error and is closed', async () => {
    await start({ maxConnections: 3 });
    const held = [await open(), await open(), await open()];
    for (const c of held) expect((await c.request(1, OPCODE.options)).opcode).toBe(OPCODE.supported);

    const over = await open();
    const answer = await over.request(7, OPCODE.options);
    expect(errorOf(answer)).toEqual({
      code: 0x1001,
      message: 'Too many connections: the server allows 3 (maxConnections); try again later',
    });
    await over.until('the refused connection to close', () => over.closed);
    expect(await metric(server!, 'cql_connections_refused_total', { reason: 'max_connections' })).toBe(1);

    // cassandra-driver reports the reason.
    const refusedDriver = driver();
    const err = (await failure(refusedDriver.connect())) as unknown as { innerErrors: Record<string, Error> };
    expect(Object.values(err.innerErrors).map((e) => e.message)).toEqual([
      'Too many connections: the server allows 3 (maxConnections); try again later',
    ]);

    // A freed slot can be used again.
    held[0].close();
    await waitFor(
      'the server to count the close',
      async () => (await metric(server!, 'cql_connections')) === 2,
    );
    const again = await open();
    expect((await again.request(2, OPCODE.options)).opcode).toBe(OPCODE.supported);
  });

  it('maxConnectionsPerAddress: a third connection from one address is refused, another address is not', async () => {
    await start({ maxConnections: 100, maxConnectionsPerAddress: 2 });
    const a1 = await open('127.0.0.1');
    const a2 = await open('127.0.0.1');
    for (const c of [a1, a2]) expect((await c.request(1, OPCODE.options)).opcode).toBe(OPCODE.supported);
    const a3 = await open('127.0.0.1');
    expect(errorOf(await a3.request(3, OPCODE.startup, STARTUP_BODY))).toEqual({
      code: 0x1001,
      message:
        'Too many connections from 127.0.0.1: the server allows 2 per client address (maxConnectionsPerAddress)',
    });
    await a3.until('the refused connection to close', () => a3.closed);
    const b1 = await open('127.0.0.2');
    expect((await b1.request(4, OPCODE.startup, STARTUP_BODY)).opcode).toBe(OPCODE.ready);
    expect(
      await metric(server!, 'cql_connections_refused_total', { reason: 'max_connections_per_address' }),
    ).toBe(1);
  });

  it('idleTimeoutMs: a connection without traffic is closed; driver heartbeats keep theirs open', async () => {
    await start({ idleTimeoutMs: 1500 });
    const idle = await open();
    expect((await idle.request(0, OPCODE.startup, STARTUP_BODY)).opcode).toBe(OPCODE.ready);
    await idle.until('the idle connection to be closed by the server', () => idle.closed);
    expect(await metric(server!, 'cql_connections_closed_idle_total')).toBe(1);

    // The driver sends OPTIONS on a connection idle for heartBeatInterval: 15 of them span 3 s or
    // more, twice the idle timeout.
    const client = driver({ pooling: { heartBeatInterval: 200 } });
    await client.connect();
    const before = await metric(server!, 'cql_requests_total', { opcode: 'options' });
    await waitFor(
      '15 heartbeats',
      async () => (await metric(server!, 'cql_requests_total', { opcode: 'options' })) >= before + 15,
    );
    expect(await metric(server!, 'cql_connections_closed_idle_total')).toBe(1);
    const rs = await client.execute('SELECT release_version FROM system.local');
    expect(rs.rows).toHaveLength(1);
  });

  it('maxFrameBytes: a larger request gets a protocol error without its body being read or buffered', async () => {
    await start({ maxFrameBytes: 64 * 1024 });
    const raw = await open();
    expect((await raw.request(0, OPCODE.startup, STARTUP_BODY)).opcode).toBe(OPCODE.ready);
    // Only the header is sent: the answer cannot wait for (or buffer) the announced body.
    raw.socket.write(frame(9, OPCODE.query, Buffer.alloc(0), 64 * 1024 + 1));
    await raw.until('the answer', () => raw.frames.some((f) => f.stream === 9));
    expect(errorOf(raw.frames.find((f) => f.stream === 9)!)).toEqual({
      code: 0x000a,
      message: 'Request is too big: length 65537 exceeds maximum allowed length 65536.',
    });
    await raw.until('the connection to close', () => raw.closed);

    // Through the driver: the oversized statement fails, the next one works (the driver reconnects).
    const client = driver();
    await client.connect();
    await client.execute(
      "CREATE KEYSPACE l WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
    );
    await client.execute('CREATE TABLE l.t (k int PRIMARY KEY, v text)');
    const err = await failure(
      client.execute('INSERT INTO l.t (k, v) VALUES (?, ?)', [1, 'x'.repeat(100_000)], { prepare: true }),
    );
    expect(err.message).toContain('Request is too big');
    await waitFor('the driver to reconnect', async () => {
      try {
        await client.execute('INSERT INTO l.t (k, v) VALUES (?, ?)', [2, 'small'], { prepare: true });
        return true;
      } catch {
        return false;
      }
    });
    const rs = await client.execute('SELECT k FROM l.t');
    expect(rs.rows.map((r) => r.k)).toEqual([2]);
  });
});
