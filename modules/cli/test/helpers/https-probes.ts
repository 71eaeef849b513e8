import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Probes of an HTTPS endpoint of a secured stack, each with a client that is not meterstream's:
 * Node's https with the stack CA, Node's http (plain text to the TLS port), Debian's python3 urllib.
 */
export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET `url` over HTTPS verifying the server against `ca`, with Basic auth when `login` is given. */
export function httpsGet(url: string, ca: string, login?: [string, string]): Promise<HttpsAnswer> {
  const headers = login
    ? { authorization: `Basic ${Buffer.from(`${login[0]}:${login[1]}`).toString('base64')}` }
    : {};
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { ca, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** What a plain-HTTP request to `url`'s port gets: an HTTP status, or the socket error. */
export function plainHttpTo(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const req = httpRequest({ host: hostname, port, path: '/' }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('error', (error) => resolve(error.message));
    req.end();
  });
}

/** The status Debian's python3 urllib gets for GET `url` with an SSL context on `caFile` (stderr on failure). */
export function pythonHttpsStatus(url: string, caFile: string): string {
  const python = spawnSync(
    '/usr/bin/python3',
    [
      '-c',
      [
        'import ssl, sys, urllib.request, urllib.error',
        'ctx = ssl.create_default_context(cafile=sys.argv[2])',
        'try: print(urllib.request.urlopen(sys.argv[1], context=ctx).status)',
        'except urllib.error.HTTPError as e: print(e.code)',
      ].join('\n'),
      url,
      caFile,
    ],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return python.stderr ? python.stderr.trim() : python.stdout.trim();
}
