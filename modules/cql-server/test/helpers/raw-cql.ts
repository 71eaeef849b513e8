import { type Socket, connect } from 'node:net';

export interface RawFrame {
  stream: number;
  opcode: number;
  body: Buffer;
}

export const OP = {
  error: 0x00,
  startup: 0x01,
  ready: 0x02,
  authenticate: 0x03,
  query: 0x07,
  result: 0x08,
  authResponse: 0x0f,
  authSuccess: 0x10,
};

function frame(stream: number, opcode: number, body: Buffer): Buffer {
  const head = Buffer.alloc(9);
  head[0] = 4;
  head.writeInt16BE(stream, 2);
  head[4] = opcode;
  head.writeInt32BE(body.length, 5);
  return Buffer.concat([head, body]);
}

const str = (s: string) => {
  const b = Buffer.from(s);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(b.length);
  return Buffer.concat([len, b]);
};

export const startupBody = () => Buffer.concat([Buffer.from([0, 1]), str('CQL_VERSION'), str('3.0.0')]);

/** QUERY body: long string, consistency ONE, no flags. */
export function queryBody(cql: string): Buffer {
  const q = Buffer.from(cql);
  const len = Buffer.alloc(4);
  len.writeInt32BE(q.length);
  return Buffer.concat([len, q, Buffer.from([0, 1, 0])]);
}

/** AUTH_RESPONSE body: [bytes] holding the SASL PLAIN token NUL user NUL password. */
export function plainAuthBody(username: string, password: string): Buffer {
  const token = Buffer.concat([
    Buffer.from([0]),
    Buffer.from(username),
    Buffer.from([0]),
    Buffer.from(password),
  ]);
  const len = Buffer.alloc(4);
  len.writeInt32BE(token.length);
  return Buffer.concat([len, token]);
}

/** ERROR body: code and message. */
export function readError(body: Buffer): { code: number; message: string } {
  const code = body.readInt32BE(0);
  const len = body.readUInt16BE(4);
  return { code, message: body.subarray(6, 6 + len).toString('utf8') };
}

/** A raw protocol client: one request at a time per stream id, answers matched by stream. */
export class RawCql {
  private buf = Buffer.alloc(0);
  private readonly pending = new Map<number, (f: RawFrame) => void>();
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 9 && this.buf.length >= 9 + this.buf.readInt32BE(5)) {
        const len = this.buf.readInt32BE(5);
        const f = {
          stream: this.buf.readInt16BE(2),
          opcode: this.buf[4],
          body: this.buf.subarray(9, 9 + len),
        };
        this.buf = this.buf.subarray(9 + len);
        this.pending.get(f.stream)?.(f);
        this.pending.delete(f.stream);
      }
    });
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static open(port: number): Promise<RawCql> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new RawCql(socket)));
      socket.once('error', reject);
    });
  }

  request(stream: number, opcode: number, body: Buffer): Promise<RawFrame> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer on stream ${stream} within 30 s`)), 30_000);
      this.pending.set(stream, (f) => {
        clearTimeout(timer);
        resolve(f);
      });
      this.socket.write(frame(stream, opcode, body));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
