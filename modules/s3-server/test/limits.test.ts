import { type Socket, connect } from 'node:net';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { waitFor } from '@meterstream/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { BUCKET, type Fixture, s3Failure, startFixture } from './helpers/fixture.js';

/** A keep-alive connection that has had one request answered (so the server has counted it). */
interface Conn {
  socket: Socket;
  closed: Promise<void>;
  /** Everything received so far. */
  received(): string;
}

async function open(port: number, localAddress = '127.0.0.1'): Promise<Conn> {
  const socket = connect({ port, host: '127.0.0.1', localAddress });
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, closed, received: () => data };
}

/** Sends an (unsigned) GET and waits for the status line of its answer. */
async function request(conn: Conn): Promise<string> {
  const before = conn.received().length;
  conn.socket.write(`GET /${BUCKET}/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return waitFor(
    'an HTTP answer',
    () => {
      const text = conn.received().slice(before);
      return /^HTTP\/1\.1 \d+/.test(text) ? text.slice(0, 12) : undefined;
    },
    30_000,
  );
}

describe('connection and request limits', () => {
  let f: Fixture | undefined;
  const conns: Conn[] = [];
  afterEach(async () => {
    for (const c of conns.splice(0)) c.socket.destroy();
    await f?.stop();
    f = undefined;
  });

  it('maxConnections: the connection over the total gets 503 SlowDown and is closed; a freed slot is reusable', async () => {
    f = await startFixture('limit-total', { fsync: false, maxConnections: 3, maxConnectionsPerAddress: 100 });
    for (let i = 0; i < 3; i++) {
      const c = await open(f.server.port, `127.0.0.${i + 1}`);
      conns.push(c);
      expect(await request(c)).toBe('HTTP/1.1 403');
    }
    const over = await open(f.server.port, '127.0.0.4');
    conns.push(over);
    await over.closed;
    expect(over.received()).toMatch(/^HTTP\/1\.1 503/);
    expect(over.received()).toContain('<Code>SlowDown</Code>');
    conns[0].socket.destroy();
    await conns[0].closed;
    const again = await waitFor(
      'a free slot',
      async () => {
        const c = await open(f!.server.port, '127.0.0.5');
        conns.push(c);
        const status = await Promise.race([request(c), c.closed.then(() => 'closed')]);
        return status === 'HTTP/1.1 403' ? c : undefined;
      },
      30_000,
    );
    expect(again.socket.destroyed).toBe(false);
  });

  it('maxConnectionsPerAddress: one address is capped while another still connects', async () => {
    f = await startFixture('limit-address', {
      fsync: false,
      maxConnections: 100,
      maxConnectionsPerAddress: 2,
    });
    for (let i = 0; i < 2; i++) {
      const c = await open(f.server.port, '127.0.0.1');
      conns.push(c);
      expect(await request(c)).toBe('HTTP/1.1 403');
    }
    const third = await open(f.server.port, '127.0.0.1');
    conns.push(third);
    await third.closed;
    expect(third.received()).toMatch(/^HTTP\/1\.1 503/);
    const other = await open(f.server.port, '127.0.0.2');
    conns.push(other);
    expect(await request(other)).toBe('HTTP/1.1 403');
  });

  it('idleTimeoutMs: a connection without traffic is closed, before and between requests', async () => {
    f = await startFixture('limit-idle', { fsync: false, idleTimeoutMs: 500 });
    const silent = await open(f.server.port);
    const used = await open(f.server.port);
    conns.push(silent, used);
    expect(await request(used)).toBe('HTTP/1.1 403');
    await Promise.all([silent.closed, used.closed]);
    expect(silent.received()).toBe('');
  });

  it('maxRequestBytes: a larger PUT is refused 400 EntityTooLarge (declared or streamed) and not stored', async () => {
    f = await startFixture('limit-size', { fsync: false, maxRequestBytes: 1000 });
    await f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'fits', Body: Buffer.alloc(1000) }));
    expect(
      await s3Failure(
        f.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big', Body: Buffer.alloc(1001) })),
      ),
    ).toEqual({
      code: 'EntityTooLarge',
      status: 400,
    });
    // Without a Content-Length (HTTP chunked transfer), the limit applies while the body streams in.
    const url = await getSignedUrl(f.s3, new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed' }), {
      expiresIn: 60,
    });
    const { Readable } = await import('node:stream');
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 10; i++) yield Buffer.alloc(500);
      })(),
    );
    const res = await fetch(url, {
      method: 'PUT',
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>EntityTooLarge</Code>');
    for (const key of ['big', 'streamed']) {
      expect(await s3Failure(f.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })))).toMatchObject({
        status: 404,
      });
    }
  });
});
