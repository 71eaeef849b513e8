import { connect } from 'node:net';

/** A host and port to open a TCP connection to. */
export interface TcpAddress {
  host: string;
  port: number;
}

/** Words for the errors a connect attempt ends with; anything else keeps its own message. */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
};

/**
 * Opens and closes one TCP connection: resolves null when the address accepts connections, else
 * the reason in a few words. Gives up after `timeoutMs` (a silently dropped SYN would otherwise wait
 * for the kernel's own timeout, minutes).
 */
export function probeTcp(address: TcpAddress, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: address.host, port: address.port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(`no answer within ${timeoutMs} ms`);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(REASONS[error.code ?? ''] ?? error.message);
    });
  });
}

/** `host:port` or `[v6]:port`, else `host` with `defaultPort`. */
export function parseHostPort(text: string, defaultPort: number): TcpAddress {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(text);
  if (!match) return { host: text, port: defaultPort };
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: match[2] ? Number(match[2]) : defaultPort };
}

/** The address of an http(s)/redis(s) URL, with the scheme's default port. */
export function urlAddress(text: string): TcpAddress {
  const url = new URL(text);
  const defaults: Record<string, number> = { 'http:': 80, 'https:': 443, 'redis:': 6379, 'rediss:': 6379 };
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : (defaults[url.protocol] ?? 80),
  };
}
