import { InsecureBindError } from './errors.js';

/** Whether `host` only reaches this machine (a loopback address or `localhost`). */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/**
 * Throws InsecureBindError when a server would listen beyond loopback with no authentication,
 * unless the operator said `--insecure`.
 */
export function assertSafeBind(
  server: string,
  host: string,
  opts: { secured: boolean; insecure?: boolean },
): void {
  if (!opts.secured && !opts.insecure && !isLoopback(host)) throw new InsecureBindError(server, host);
}
