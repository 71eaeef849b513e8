import http from 'node:http';
import http2 from 'node:http2';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { UserCredential } from '@meterstream/security';
import { type Logger, pino } from 'pino';
import type { KsqlService } from '../service/ksql-service.js';
import { ActiveQueries } from './active-queries.js';
import { exchangeOf, type RawResponse } from './http-exchange.js';
import { sniffProtocol } from './protocol-sniffer.js';
import { ksqlAuthGuard, ksqlRequiredAccess } from './rest-auth.js';
import type { RestContext } from './rest-context.js';
import { routeRequest } from './rest-router.js';

export interface KsqlRestServerOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 8088 (ksqlDB's); 0 picks a free port. */
  readonly port?: number;
  /** Largest request body (and /inserts-stream line) accepted; larger → 413. Default 4 MiB. */
  readonly maxRequestBytes?: number;
  readonly logger?: Logger;
  /** HTTP Basic auth against these users (`rest-auth.ts` says who may do what); off when absent. */
  readonly users?: UserCredential[];
  /**
   * Serve HTTPS only, HTTP/2 and HTTP/1.1 chosen by ALPN (ksqlDB's `ssl.*` listener); the key and
   * certificate chain as `tlsServerOptions(bundle)` gives them. Cleartext when absent.
   */
  readonly tls?: { readonly key: string | Buffer; readonly cert: string | Buffer };
}

export interface KsqlRestServer {
  /** `http://host:port`, or `https://…` with TLS. */
  readonly url: string;
  readonly port: number;
  /** Stops listening, closes the push queries it streams and every connection. */
  close(): Promise<void>;
}

/**
 * Starts ksqlDB's REST API over `service` on one port that speaks both HTTP/1.1 and HTTP/2
 * cleartext with prior knowledge (the ksqlDB clients' /query-stream and /inserts-stream).
 *
 * Built on Node's http and http2 modules rather than fastify: the port has to route raw sockets
 * to one of two protocol servers by their first bytes, and push queries need the response's own
 * write()/'drain' backpressure and 'close' — which a framework would only wrap.
 */
export async function startKsqlRestServer(
  service: KsqlService,
  options: KsqlRestServerOptions = {},
): Promise<KsqlRestServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.logger ?? pino({ name: 'ksql-rest', level: process.env.LOG_LEVEL ?? 'warn' });
  const active = new ActiveQueries();
  let address = `${host}:${options.port ?? 8088}`;
  const ctx: RestContext = {
    service,
    log,
    maxRequestBytes: options.maxRequestBytes ?? 4 * 1024 * 1024,
    active,
    hostId: () => address,
  };
  const inFlight = new Set<Promise<void>>();
  const guard = options.users ? ksqlAuthGuard(options.users) : undefined;
  const serve = (request: Parameters<typeof exchangeOf>[0], response: RawResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (guard && !guard(request, response, ksqlRequiredAccess(request.method ?? 'GET', path))) return;
    const done = routeRequest(ctx, exchangeOf(request, response)).finally(() => inFlight.delete(done));
    inFlight.add(done);
  };

  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (err) => log.debug({ err }, 'connection error'));
  };
  const tcp = options.tls
    ? tlsListener(options.tls, serve, track, log)
    : cleartextListener(serve, track, log);
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port ?? 8088, host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  tcp.on('error', (err) => log.error({ err }, 'REST server listener error'));
  const port = (tcp.address() as AddressInfo).port;
  address = `${host}:${port}`;
  log.info({ host, port }, 'ksqlDB REST API listening');

  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => tcp.close(() => resolve()));
        await active.closeAll();
        for (const s of sockets) s.destroy();
        await Promise.allSettled([...inFlight]);
        await stopped;
      })();
      return closing;
    },
  };
}

type Serve = (request: Parameters<typeof exchangeOf>[0], response: RawResponse) => void;

/**
 * Cleartext: one port for HTTP/1.1 and HTTP/2 with prior knowledge (the ksqlDB clients' streams),
 * told apart by their first bytes.
 */
function cleartextListener(serve: Serve, track: (s: Socket) => void, log: Logger): net.Server {
  // No request timeout: push queries and insert streams are long-lived requests.
  const h1 = http.createServer({ requestTimeout: 0 }, (req, res) => serve(req, res));
  h1.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    log.debug({ err }, 'HTTP/1.1 client error');
    if (socket.writable && !socket.destroyed)
      socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  const h2 = http2.createServer({}, (req, res) => serve(req, res));
  h2.on('sessionError', (err) => log.debug({ err }, 'HTTP/2 session error'));
  h2.on('error', (err) => log.debug({ err }, 'HTTP/2 server error'));
  return net.createServer((socket) => {
    track(socket);
    sniffProtocol(socket, (s, isHttp2) => {
      (isHttp2 ? h2 : h1).emit('connection', s);
      // The HTTP/1.1 server reads the sniffed bytes back through 'data' events: let them flow.
      // (The HTTP/2 session takes them from the socket's buffer itself.)
      if (!isHttp2) s.resume();
    });
  });
}

/** TLS: ALPN picks h2 or http/1.1, so no sniffing; a failed handshake closes only that socket. */
function tlsListener(
  tls: NonNullable<KsqlRestServerOptions['tls']>,
  serve: Serve,
  track: (s: Socket) => void,
  log: Logger,
): net.Server {
  const server = http2.createSecureServer(
    { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2', allowHTTP1: true },
    (req, res) => serve(req, res),
  );
  server.on('connection', track);
  server.on('tlsClientError', (err) => log.debug({ err }, 'TLS handshake failed'));
  server.on('sessionError', (err) => log.debug({ err }, 'HTTP/2 session error'));
  return server;
}
