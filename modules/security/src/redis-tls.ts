/** PEM files of a TLS redis-server: its certificate and key, and the CA clients check it with. */
export interface RedisTlsFiles {
  certFile: string;
  keyFile: string;
  caFile: string;
}

/**
 * redis-server arguments serving TLS only on `port`: the plain-text port is closed (`--port 0`),
 * clients are not asked for a certificate (they log in with an ACL user; `--tls-auth-clients no`).
 * Redis 6+ built with TLS (Debian's redis-server is) takes them; see redisTlsFailure otherwise.
 */
export function redisTlsArgs(port: number, tls: RedisTlsFiles): string[] {
  return [
    '--port',
    '0',
    '--tls-port',
    String(port),
    '--tls-cert-file',
    tls.certFile,
    '--tls-key-file',
    tls.keyFile,
    '--tls-ca-cert-file',
    tls.caFile,
    '--tls-auth-clients',
    'no',
  ];
}

/**
 * Why a redis-server asked for TLS exited, from the end of its output: a build without TLS says
 * "Bad directive" on `tls-port`; anything else is quoted as redis-server said it.
 */
export function redisTlsFailure(output: string): string {
  if (/Bad directive|wrong number of arguments/i.test(output) && /tls/i.test(output))
    return 'this redis-server was built without TLS support (BUILD_TLS=no): it does not know --tls-port; install a build with TLS (Debian: redis-server 6 or later)';
  const lines = output.trim().split('\n').slice(-3).join(' | ');
  return lines ? `redis-server said: ${lines}` : 'redis-server printed nothing';
}
