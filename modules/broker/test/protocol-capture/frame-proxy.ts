/**
 * A recording TCP proxy for the Kafka protocol: every client connection is relayed unchanged to
 * the broker while each size-prefixed frame is copied out, requests keyed by their correlation id
 * and matched with the response frame that carries the same id on the same connection.
 *
 * Bytes are forwarded as they arrive (the proxy never holds a frame back), so the clients see the
 * broker's timing; the copy is taken on the side. A request without an answer (Produce with
 * acks=0, or a connection closed first) is kept with `response: null`.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface Exchange {
  /** Which client session sent it (set by the caller through `label`). */
  client: string;
  /** Proxy connection number, in accept order. */
  connection: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** The request frame after its 4-byte size prefix. */
  request: Buffer;
  /** The response frame after its 4-byte size prefix, or null when none came. */
  response: Buffer | null;
}

/** Splits a byte stream into frames (without their size prefix). */
class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (frame: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const size = this.buf.readInt32BE(0);
      if (this.buf.length < 4 + size) return;
      // copy: the chunk's memory is handed on to the other socket
      this.onFrame(Buffer.from(this.buf.subarray(4, 4 + size)));
      this.buf = this.buf.subarray(4 + size);
    }
  }
}

export interface FrameProxy {
  port: number;
  /** Label recorded on the exchanges of connections accepted from now on. */
  label: string;
  readonly exchanges: Exchange[];
  close(): Promise<void>;
}

export async function startFrameProxy(upstreamPort: number): Promise<FrameProxy> {
  const exchanges: Exchange[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const proxy: FrameProxy = {
    port: 0,
    label: '',
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const server: Server = createServer((client) => {
    const connection = ++connections;
    const label = proxy.label;
    const pending = new Map<number, Exchange>();
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);

    const fromClient = new FrameSplitter((frame) => {
      const ex: Exchange = {
        client: label,
        connection,
        apiKey: frame.readInt16BE(0),
        apiVersion: frame.readInt16BE(2),
        correlationId: frame.readInt32BE(4),
        request: frame,
        response: null,
      };
      exchanges.push(ex);
      pending.set(ex.correlationId, ex);
    });
    const fromBroker = new FrameSplitter((frame) => {
      const id = frame.readInt32BE(0);
      const ex = pending.get(id);
      if (!ex)
        throw new Error(`proxy: response with unknown correlation id ${id} on connection ${connection}`);
      pending.delete(id);
      ex.response = frame;
    });

    client.on('data', (d: Buffer) => {
      fromClient.push(d);
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      fromBroker.push(d);
      client.write(d);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    // A client dropping its connection is normal at the end of a session: just close both sides.
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy: no TCP address');
  proxy.port = address.port;
  return proxy;
}
