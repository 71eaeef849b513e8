/**
 * One client connection: splits the byte stream into size-prefixed frames, decodes each request
 * with the generated schema of its API version, hands it to the broker core, and writes the
 * responses back strictly in request order (a later request may finish first — e.g. a Produce
 * behind a long-polling Fetch — and then waits its turn).
 *
 * Bad input never reaches the core: an oversized or undecodable frame, an unknown API key or a
 * version no schema describes closes this connection (logged with the peer address), as Kafka
 * does; an ApiVersions request with a too-new version gets the UNSUPPORTED_VERSION answer the
 * protocol defines so the client can retry with an older one, and a known but unserved version
 * of another API gets an UNSUPPORTED_VERSION answer in that version's response shape.
 *
 * A connection with no request in flight and no traffic for connections.max.idle.ms is closed (a
 * Fetch long-polling inside the broker keeps its connection open).
 *
 * Group-coordinator requests of one connection are handled one after the other, as Kafka handles
 * every request of a connection: clients pipeline them and rely on their order (librdkafka commits
 * the offsets of revoked partitions, then rejoins; an OffsetFetch must see the commits sent before
 * it). Other requests keep running side by side — a Produce is not held behind a long-polling Fetch.
 */
import type { Socket } from 'node:net';
import type { ApiHandler, RequestContext } from '../apis/handler.js';
import type { Broker } from '../broker.js';
import { decodeMessage, encodeMessage, isFlexible } from '../protocol/codec.js';
import { errorResponseFor } from '../protocol/error-response.js';
import { ErrorCode } from '../protocol/errors.js';
import {
  API_VERSIONS_KEY,
  finishRequestHeader,
  readRequestHeader,
  writeResponseHeader,
} from '../protocol/header.js';
import { API_SCHEMAS } from '../protocol/messages.generated.js';
import { ProtocolError, Reader, Writer } from '../protocol/primitives.js';
import { SaslAuthenticationError } from '../security/sasl-server.js';
import { newSession, type Session } from '../security/session.js';

const PRODUCE_KEY = 0;
/** Requests in flight per connection before we stop reading from the socket. */
const MAX_IN_FLIGHT = 256;
/** Pending response bytes before we stop reading from the socket. */
const MAX_PENDING_OUT = 64 * 1024 * 1024;

/**
 * OffsetCommit, OffsetFetch, JoinGroup, Heartbeat, LeaveGroup, SyncGroup, DescribeGroups,
 * TxnOffsetCommit, DeleteGroups: handled in the order a connection sent them.
 */
const ORDERED_GROUP_APIS = new Set([8, 9, 11, 12, 13, 14, 15, 28, 42]);

/** ApiVersions, SaslHandshake, SaslAuthenticate: all a SASL listener serves before authentication. */
const BEFORE_AUTH_APIS = new Set([18, 17, 36]);

interface Slot {
  ready: boolean;
  chunks: Buffer[] | null;
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly peer: string;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: Slot[] = [];
  private closed = false;
  private paused = false;
  /** Settles when the last group-coordinator request of this connection has been handled. */
  private groupTail: Promise<unknown> = Promise.resolve();
  readonly session: Session;
  /** A raw SASL token (handshake v0) being evaluated: later frames wait for it. */
  private rawTokenBusy = false;

  constructor(
    private readonly broker: Broker,
    private readonly socket: Socket,
  ) {
    this.peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.session = newSession(socket.remoteAddress ?? '', broker.config.security.sasl);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (err) => broker.logger.debug({ err, peer: this.peer }, 'connection error'));
    socket.setTimeout(broker.config.connectionsMaxIdleMs);
    socket.on('timeout', () => this.onIdle());
    socket.on('close', () => {
      this.closed = true;
      broker.metrics.connections.dec();
    });
    broker.metrics.connections.inc();
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onIdle(): void {
    if (this.queue.length > 0) {
      // requests in flight (e.g. a long-polling Fetch): not idle; look again after another period
      this.socket.setTimeout(this.broker.config.connectionsMaxIdleMs);
      return;
    }
    this.broker.metrics.connectionsIdleClosed.inc();
    this.broker.logger.debug({ peer: this.peer }, 'closing idle connection (connections.max.idle.ms)');
    this.close();
  }

  private reject(reason: string, detail: object): void {
    this.broker.metrics.protocolErrors.inc({ reason });
    this.broker.logger.warn({ peer: this.peer, reason, ...detail }, 'closing connection after bad request');
    this.close();
  }

  private onData(chunk: Buffer): void {
    try {
      this.receive(chunk);
    } catch (err) {
      // A bug in framing must cost this connection only, never the broker.
      this.broker.logger.error({ err, peer: this.peer }, 'connection failed while reading');
      this.close();
    }
  }

  private receive(chunk: Buffer): void {
    this.broker.metrics.bytesIn.inc(chunk.length);
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.closed && this.buffered >= 4) {
      const head = this.chunks[0].length >= 4 ? this.chunks[0] : this.coalesce(4);
      const size = head.readInt32BE(0);
      if (size < 0 || size > this.broker.config.maxFrameBytes) {
        this.reject('frame-size', { size, max: this.broker.config.maxFrameBytes });
        return;
      }
      if (this.buffered < 4 + size) return;
      if (this.rawTokenBusy) return;
      const frame = this.take(4 + size).subarray(4);
      if (this.session.rawTokens && !this.session.authenticated) this.onRawToken(frame);
      else this.onFrame(frame);
    }
    this.maybePause();
  }

  /** Joins buffered chunks until the first holds at least n bytes. */
  private coalesce(n: number): Buffer {
    let len = 0;
    let i = 0;
    while (len < n) len += this.chunks[i++].length;
    const joined = Buffer.concat(this.chunks.slice(0, i), len);
    this.chunks.splice(0, i, joined);
    return joined;
  }

  /** Removes and returns the next n bytes (a slice when they lie in one chunk). */
  private take(n: number): Buffer {
    const first = this.chunks[0].length >= n ? this.chunks[0] : this.coalesce(n);
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }

  private onFrame(frame: Buffer): void {
    const r = new Reader(frame);
    let header: ReturnType<typeof readRequestHeader>;
    try {
      header = readRequestHeader(r);
    } catch (err) {
      this.reject('bad-header', { err: String(err), frameBytes: frame.length });
      return;
    }
    const handler = this.broker.handlers.get(header.apiKey);
    const schemas = API_SCHEMAS[header.apiKey];
    if (!handler || !schemas) {
      this.reject('unknown-api', { apiKey: header.apiKey, apiVersion: header.apiVersion });
      return;
    }
    if (!this.session.authenticated && !BEFORE_AUTH_APIS.has(header.apiKey)) {
      // Kafka's SaslServerAuthenticator closes the connection on any other request before
      // authentication (a SASL_SSL or SASL_PLAINTEXT listener).
      this.reject('unauthenticated-request', { api: handler.name, apiKey: header.apiKey });
      return;
    }
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      if (header.apiKey === API_VERSIONS_KEY) {
        this.unsupportedApiVersions(header.correlationId);
        return;
      }
      this.unsupportedVersion(r, header, handler.name, schemas);
      return;
    }
    let request: object;
    try {
      finishRequestHeader(r, isFlexible(schemas.request, header.apiVersion));
      request = decodeMessage(schemas.request, header.apiVersion, r);
    } catch (err) {
      // ProtocolError is the expected case; anything else from the decoder is still bad input
      // from this client and must not take the broker down.
      const message = err instanceof ProtocolError ? err.message : String(err);
      this.reject('malformed-request', { api: handler.name, apiVersion: header.apiVersion, err: message });
      return;
    }
    const ctx: RequestContext = {
      broker: this.broker,
      apiKey: header.apiKey,
      apiVersion: header.apiVersion,
      correlationId: header.correlationId,
      clientId: header.clientId,
      peer: this.peer,
      connectionId: this.id,
      session: this.session,
    };
    const slot: Slot = { ready: false, chunks: null };
    this.queue.push(slot);
    if (ORDERED_GROUP_APIS.has(header.apiKey)) {
      const result = this.groupTail.then(() => this.broker.dispatch(handler, request, ctx));
      this.groupTail = result.then(
        (res) => this.complete(slot, handler, ctx, res),
        (err: unknown) => this.failed(handler, ctx, err),
      );
      return;
    }
    try {
      const result = this.broker.dispatch(handler, request, ctx);
      if (result instanceof Promise) {
        result.then(
          (res) => this.complete(slot, handler, ctx, res),
          (err: unknown) => this.failed(handler, ctx, err),
        );
      } else {
        this.complete(slot, handler, ctx, result);
      }
    } catch (err) {
      this.failed(handler, ctx, err);
    }
  }

  /** A handler bug: log it and drop the connection (the client reconnects and retries). */
  private failed(handler: ApiHandler, ctx: RequestContext, err: unknown): void {
    this.broker.metrics.requestErrors.inc({ api: handler.name });
    this.broker.logger.error(
      { err, peer: this.peer, api: handler.name, apiVersion: ctx.apiVersion },
      'request handler failed',
    );
    this.close();
  }

  private complete(slot: Slot, handler: ApiHandler, ctx: RequestContext, res: object | null): void {
    if (this.closed) return;
    if (res !== null) {
      try {
        slot.chunks = this.encode(ctx.apiKey, ctx.apiVersion, ctx.correlationId, res);
      } catch (err) {
        this.failed(handler, ctx, err);
        return;
      }
    }
    slot.ready = true;
    this.flushQueue();
  }

  private encode(apiKey: number, version: number, correlationId: number, res: object): Buffer[] {
    const schema = API_SCHEMAS[apiKey].response;
    const w = new Writer(256);
    const setSize = w.reserveInt32();
    const flexibleHeader = apiKey !== API_VERSIONS_KEY && isFlexible(schema, version);
    writeResponseHeader(w, correlationId, flexibleHeader);
    encodeMessage(schema, version, res, w);
    setSize(w.length - 4);
    return w.finish();
  }

  private flushQueue(): void {
    let wrote = false;
    while (this.queue.length > 0 && this.queue[0].ready) {
      const slot = this.queue.shift()!;
      if (!slot.chunks) continue;
      if (!wrote) this.socket.cork();
      wrote = true;
      for (const c of slot.chunks) {
        this.socket.write(c);
        this.broker.metrics.bytesOut.inc(c.length);
      }
    }
    if (wrote) this.socket.uncork();
    if (this.session.closeAfterResponse && this.queue.length === 0) {
      // the answer just written (a failed authentication) is the connection's last
      this.closed = true;
      this.socket.end();
      return;
    }
    this.maybeResume();
  }

  /**
   * After SaslHandshake v0 the client sends its SASL tokens as bare size-prefixed frames and
   * expects the server's tokens framed the same way; a failure closes the connection (the v0
   * exchange has no way to carry an error). Later frames wait until the token is evaluated.
   */
  private onRawToken(token: Buffer): void {
    const sasl = this.session.sasl!;
    this.rawTokenBusy = true;
    sasl.evaluate(token).then(
      (answer) => {
        this.rawTokenBusy = false;
        if (this.closed) return;
        if (sasl.user !== undefined) {
          this.session.principal = `User:${sasl.user}`;
          this.session.authenticated = true;
        }
        const size = Buffer.alloc(4);
        size.writeInt32BE(answer.length, 0);
        this.socket.write(Buffer.concat([size, answer]));
        this.receive(Buffer.alloc(0));
      },
      (err: unknown) => {
        this.rawTokenBusy = false;
        if (!(err instanceof SaslAuthenticationError)) {
          this.broker.logger.error({ err, peer: this.peer }, 'SASL token evaluation failed');
        } else {
          this.broker.metrics.authFailures.inc({ mechanism: sasl.mechanism });
          this.broker.logger.info(
            { peer: this.peer, mechanism: sasl.mechanism, err: err.message },
            'SASL authentication failed',
          );
        }
        this.close();
      },
    );
  }

  /**
   * A version outside the handler's range: answered with UNSUPPORTED_VERSION when the schema knows
   * that version (the request decodes and the client can parse the answer), else the connection
   * is closed as Kafka does (see protocol/error-response.ts).
   */
  private unsupportedVersion(
    r: Reader,
    header: ReturnType<typeof readRequestHeader>,
    api: string,
    schemas: (typeof API_SCHEMAS)[number],
  ): void {
    const detail = { api, apiKey: header.apiKey, apiVersion: header.apiVersion };
    const [lo, hi] = schemas.request.valid;
    if (header.apiVersion < lo || header.apiVersion > hi || header.apiVersion > schemas.response.valid[1]) {
      this.reject('unsupported-version', detail);
      return;
    }
    let answer: object | null;
    try {
      finishRequestHeader(r, isFlexible(schemas.request, header.apiVersion));
      const request = decodeMessage(schemas.request, header.apiVersion, r);
      // A Produce with acks=0 expects no answer at all: closing is the only signal it can get.
      if (header.apiKey === PRODUCE_KEY && (request as { acks?: number }).acks === 0) {
        this.reject('unsupported-version', detail);
        return;
      }
      answer = errorResponseFor(
        schemas.request,
        schemas.response,
        header.apiVersion,
        request,
        ErrorCode.UNSUPPORTED_VERSION,
      );
    } catch (err) {
      const message = err instanceof ProtocolError ? err.message : String(err);
      this.reject('malformed-request', { ...detail, err: message });
      return;
    }
    if (!answer) {
      this.reject('unsupported-version', detail);
      return;
    }
    this.broker.metrics.protocolErrors.inc({ reason: 'unsupported-version' });
    this.broker.logger.warn({ peer: this.peer, ...detail }, 'answered UNSUPPORTED_VERSION');
    this.queue.push({
      ready: true,
      chunks: this.encode(header.apiKey, header.apiVersion, header.correlationId, answer),
    });
    this.flushQueue();
  }

  private unsupportedApiVersions(correlationId: number): void {
    const res = {
      errorCode: ErrorCode.UNSUPPORTED_VERSION,
      apiKeys: [...this.broker.handlers.values()].map((h) => ({
        apiKey: h.apiKey,
        minVersion: h.minVersion,
        maxVersion: h.maxVersion,
      })),
    };
    this.queue.push({ ready: true, chunks: this.encode(API_VERSIONS_KEY, 0, correlationId, res) });
    this.flushQueue();
  }

  private maybePause(): void {
    if (
      !this.paused &&
      (this.queue.length >= MAX_IN_FLIGHT || this.socket.writableLength > MAX_PENDING_OUT)
    ) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (
      this.paused &&
      this.queue.length < MAX_IN_FLIGHT / 2 &&
      this.socket.writableLength <= MAX_PENDING_OUT
    ) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
