import { connect, type Socket } from 'node:net';
import { decodeResponse, requestFrame } from './raw-client.js';

/**
 * A bare Kafka connection for SASL tests and the auth-flood bench: frames are written and read
 * one at a time, so a test sees exactly what the broker answers and when it closes.
 */
export class RawConnection {
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => resolve(new RawConnection(sock)));
      sock.once('error', reject);
    });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next size-prefixed frame's body, or 'closed' when the broker closed first. */
  async next(): Promise<Buffer | 'closed'> {
    for (;;) {
      if (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const size = this.buf.readInt32BE(0);
        const body = this.buf.subarray(4, 4 + size);
        this.buf = this.buf.subarray(4 + size);
        return body;
      }
      if (this.closed) return 'closed';
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  /** Sends a request (header v1) and decodes its answer. */
  async request<T>(apiKey: number, version: number, body: object): Promise<T | 'closed'> {
    this.sock.write(requestFrame(apiKey, version, 1, body));
    const frame = await this.next();
    return frame === 'closed' ? frame : decodeResponse<T>(apiKey, version, frame);
  }

  /** Sends a bare size-prefixed token (the SaslHandshake v0 framing). */
  async rawToken(token: Buffer): Promise<Buffer | 'closed'> {
    const size = Buffer.alloc(4);
    size.writeInt32BE(token.length, 0);
    this.sock.write(Buffer.concat([size, token]));
    return this.next();
  }

  /** Resolves once the broker has closed the connection. */
  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
  }

  close(): void {
    this.sock.destroy();
  }
}

export interface SaslAuthenticateAnswer {
  errorCode: number;
  errorMessage: string | null;
  authBytes: Buffer;
}

/** SaslHandshake v1 + SaslAuthenticate v0 with a PLAIN token; the answer and whether it closed. */
export async function plainLogin(
  port: number,
  user: string,
  password: string,
): Promise<{ answer: SaslAuthenticateAnswer | 'closed'; conn: RawConnection }> {
  const conn = await RawConnection.open(port);
  const hs = await conn.request<{ errorCode: number }>(17, 1, { mechanism: 'PLAIN' });
  if (hs === 'closed' || hs.errorCode !== 0) return { answer: 'closed', conn };
  const answer = await conn.request<SaslAuthenticateAnswer>(36, 0, {
    authBytes: Buffer.from(`\0${user}\0${password}`, 'utf8'),
  });
  return { answer, conn };
}
