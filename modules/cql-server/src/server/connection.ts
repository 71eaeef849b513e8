import type { Socket } from 'node:net';
import { handleStartup } from '../opcodes/01-startup.js';
import { handleOptions } from '../opcodes/05-options.js';
import { handleQuery } from '../opcodes/07-query.js';
import { handlePrepare } from '../opcodes/09-prepare.js';
import { handleExecute } from '../opcodes/0a-execute.js';
import { handleRegister } from '../opcodes/0b-register.js';
import { handleBatch } from '../opcodes/0d-batch.js';
import { handleAuthResponse } from '../opcodes/0f-auth-response.js';
import type { SchemaChange } from '../engine/result.js';
import { CqlError, ErrorCode, protocolError } from '../protocol/errors.js';
import { FrameFlag, HEADER_LENGTH, Opcode, PROTOCOL_VERSION, encodeFrame } from '../protocol/frame.js';
import { BodyReader } from '../protocol/reader.js';
import { encodeError, writeSchemaChange } from '../protocol/result-encoding.js';
import { BodyWriter } from '../protocol/writer.js';
import { clientAddress } from './connection-limits.js';
import type { ConnectionState, Handler, Response, ServerCore } from './context.js';
import { opcodeName } from './metrics.js';

const HANDLERS: Partial<Record<number, Handler>> = {
  [Opcode.startup]: handleStartup,
  [Opcode.options]: handleOptions,
  [Opcode.query]: handleQuery,
  [Opcode.prepare]: handlePrepare,
  [Opcode.execute]: handleExecute,
  [Opcode.register]: handleRegister,
  [Opcode.batch]: handleBatch,
  [Opcode.authResponse]: handleAuthResponse,
};

/** Message type names as Cassandra's errors spell them. */
const MESSAGE_NAMES: Partial<Record<number, string>> = {
  [Opcode.startup]: 'STARTUP',
  [Opcode.options]: 'OPTIONS',
  [Opcode.query]: 'QUERY',
  [Opcode.prepare]: 'PREPARE',
  [Opcode.execute]: 'EXECUTE',
  [Opcode.register]: 'REGISTER',
  [Opcode.batch]: 'BATCH',
  [Opcode.authResponse]: 'AUTH_RESPONSE',
};

const HIGH_WATER_MARK = 8 * 1024 * 1024;

/** Requests allowed before STARTUP completed. */
const PRE_STARTUP = new Set<number>([Opcode.startup, Opcode.options]);

export interface ConnectionOptions {
  maxFrameBytes: number;
  /** Close after this long without traffic either way; 0 = never. */
  idleTimeoutMs: number;
}

/**
 * One client connection: cuts the byte stream into frames and hands each to its opcode handler.
 * Framing errors (bad version, oversized length) get a protocol error and close only this socket;
 * a malformed body only fails its own request.
 */
export class Connection {
  /** Received bytes not yet consumed, kept as chunks so a large frame is copied once, not per chunk. */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  private closed = false;
  private corked = false;
  private readonly state: ConnectionState;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly socket: Socket,
    private readonly core: ServerCore,
    private readonly options: ConnectionOptions,
    private readonly onClose: (c: Connection) => void,
  ) {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.state = {
      session: {},
      started: false,
      authenticating: false,
      events: new Set(),
      peer,
      address: clientAddress(socket),
    };
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => {
        core.metrics.closedIdle.inc();
        core.log.info({ peer, idleTimeoutMs: options.idleTimeoutMs }, 'closing idle connection');
        this.destroy();
      });
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      core.log.debug({ peer, err: err.message }, 'socket error');
    });
    socket.on('close', () => {
      core.metrics.connections.dec();
      this.closed = true;
      this.unsubscribe();
      this.onClose(this);
    });
    this.unsubscribe = core.db.onSchemaChange((c) => this.pushSchemaEvent(c));
    core.metrics.connections.inc();
  }

  get peer(): string {
    return this.state.peer;
  }

  destroy(): void {
    // Late results of in-flight requests (e.g. waiting for an fsync) are dropped, not written.
    this.closed = true;
    this.socket.destroy();
  }

  /** Bytes needed before the next frame can be parsed: a header, then header + body. */
  private needed(): number {
    if (this.chunkBytes < HEADER_LENGTH) return HEADER_LENGTH;
    const head = this.chunks[0].length >= HEADER_LENGTH ? this.chunks[0] : this.joinChunks();
    const length = head.readInt32BE(5);
    // Bad versions and lengths are diagnosed by parseFrames as soon as the header is there.
    if (head[0] !== PROTOCOL_VERSION || length < 0 || length > this.options.maxFrameBytes)
      return HEADER_LENGTH;
    return HEADER_LENGTH + length;
  }

  private joinChunks(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.chunkBytes)];
    return this.chunks[0];
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.chunkBytes += chunk.length;
    if (this.chunkBytes < this.needed()) return;
    const buf = this.joinChunks();
    const offset = this.parseFrames(buf);
    const rest = buf.subarray(offset);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.chunkBytes = rest.length;
  }

  /** Dispatches every complete frame in `buf`; returns how many bytes were consumed. */
  private parseFrames(buf: Buffer): number {
    let offset = 0;
    while (!this.closed && buf.length - offset >= HEADER_LENGTH) {
      const versionByte = buf[offset];
      const version = versionByte & 0x7f;
      const stream = buf.readInt16BE(offset + 2);
      if (versionByte & 0x80) {
        this.fatal(
          stream,
          `Invalid frame direction: a request must not have the response bit set (0x${versionByte.toString(16)})`,
          'direction',
        );
        return buf.length;
      }
      if (version !== PROTOCOL_VERSION) {
        // cassandra-driver starts with its highest version and downgrades on exactly this message.
        this.fatal(
          version < 3 ? buf[offset + 2] : stream,
          `Invalid or unsupported protocol version (${version}); supported versions are (4/v4)`,
          'version',
          'info',
        );
        return buf.length;
      }
      const length = buf.readInt32BE(offset + 5);
      if (length < 0 || length > this.options.maxFrameBytes) {
        this.fatal(
          stream,
          `Request is too big: length ${length} exceeds maximum allowed length ${this.options.maxFrameBytes}.`,
          'length',
        );
        return buf.length;
      }
      if (buf.length - offset < HEADER_LENGTH + length) break;
      const flags = buf[offset + 1];
      const opcode = buf[offset + 4];
      const body = buf.subarray(offset + HEADER_LENGTH, offset + HEADER_LENGTH + length);
      offset += HEADER_LENGTH + length;
      this.dispatch(stream, flags, opcode, body);
    }
    return offset;
  }

  private dispatch(stream: number, flags: number, opcode: number, body: Buffer): void {
    let result: Response | Promise<Response>;
    this.core.metrics.requests.inc({ opcode: opcodeName(opcode) });
    try {
      if (flags & FrameFlag.compression)
        throw protocolError('Compressed frames are not supported (no compression was negotiated)');
      const handler = HANDLERS[opcode];
      if (!handler)
        throw protocolError(`Unknown or unexpected opcode 0x${opcode.toString(16)} for a request`);
      if (!this.state.started && !PRE_STARTUP.has(opcode)) {
        throw protocolError(`Unexpected message ${opcode}, expecting STARTUP or OPTIONS.`);
      }
      // Cassandra's AUTHENTICATION stage: anything but AUTH_RESPONSE is a (non-fatal) protocol error.
      if (this.state.authenticating && opcode !== Opcode.authResponse) {
        throw protocolError(`Unexpected message ${MESSAGE_NAMES[opcode]}, expecting SASL_RESPONSE`);
      }
      const reader = new BodyReader(body);
      if (flags & FrameFlag.customPayload) reader.bytesMap();
      result = handler(this.core, this.state, reader);
    } catch (err) {
      this.send(stream, this.errorResponse(err, opcode));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => this.send(stream, r),
        (err: unknown) => this.send(stream, this.errorResponse(err, opcode)),
      );
    } else {
      this.send(stream, result);
    }
  }

  private errorResponse(err: unknown, opcode: number): Response {
    const code = err instanceof CqlError ? err.code : ErrorCode.serverError;
    this.core.metrics.errors.inc({ code: `0x${code.toString(16).padStart(4, '0')}` });
    if (err instanceof CqlError) {
      if (err.code === ErrorCode.protocolError) {
        this.core.log.warn({ peer: this.state.peer, opcode, err: err.message }, 'protocol error in request');
      }
      return { opcode: Opcode.error, body: encodeError(err) };
    }
    this.core.log.error({ peer: this.state.peer, opcode, err }, 'server error while handling request');
    const message = err instanceof Error ? err.message : String(err);
    return { opcode: Opcode.error, body: encodeError(new CqlError(ErrorCode.serverError, message)) };
  }

  private send(stream: number, r: Response): void {
    if (this.closed) return;
    // Responses finishing in the same tick (a pipelined burst, a group commit) leave in one writev.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    const flushed = this.socket.write(encodeFrame(stream, r.opcode, r.body));
    // Backpressure: a client that does not read its results stops being read from.
    if (!flushed && this.socket.writableLength > HIGH_WATER_MARK && !this.socket.isPaused()) {
      this.socket.pause();
      this.socket.once('drain', () => this.socket.resume());
    }
  }

  /** Answers a framing error and closes: after it the byte stream cannot be resynchronized. */
  private fatal(stream: number, message: string, reason: string, level: 'info' | 'warn' = 'warn'): void {
    this.core.metrics.closedForBadInput.inc({ reason });
    this.core.log[level]({ peer: this.state.peer, err: message }, 'closing connection after protocol error');
    this.send(stream, { opcode: Opcode.error, body: encodeError(protocolError(message)) });
    this.closed = true;
    this.chunks = [];
    this.chunkBytes = 0;
    this.socket.end();
    // Do not wait forever for a peer that never reads or closes its side.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private pushSchemaEvent(c: SchemaChange): void {
    if (this.closed || !this.state.events.has('SCHEMA_CHANGE')) return;
    const w = new BodyWriter(64).string('SCHEMA_CHANGE');
    writeSchemaChange(w, c);
    this.socket.write(encodeFrame(-1, Opcode.event, w.toBuffer()));
  }
}
