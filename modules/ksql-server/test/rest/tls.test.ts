import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SecurityBundle, ensureSecurityBundle, tlsServerOptions } from '@meterstream/security';
import { testLogger } from '@meterstream/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KsqlRestServer, startKsqlRestServer } from '../../src/index.js';
import { EngineBackedTestService } from './engine-backed-test-service.js';

const dir = mkdtempSync(join(tmpdir(), 'ksql-tls-'));
let bundle: SecurityBundle;
let server: KsqlRestServer;

beforeAll(async () => {
  bundle = await ensureSecurityBundle(dir);
  server = await startKsqlRestServer(new EngineBackedTestService(), {
    port: 0,
    logger: testLogger(),
    tls: tlsServerOptions(bundle),
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function httpsGet(
  path: string,
  ca: string | undefined,
): Promise<{ status: number; body: string; alpn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port: server.port,
        path,
        servername: 'localhost',
        // An agent of its own carries the TLS options (the CA, ALPN offering http/1.1 only).
        agent: new https.Agent({ ca, ALPNProtocols: ['http/1.1'] }),
      },
      (res) => {
        // Read while the socket is attached: it is released once the response ends.
        const alpn = String((res.socket as { alpnProtocol?: unknown }).alpnProtocol);
        let body = '';
        res.on('data', (d: Buffer) => {
          body += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, alpn }));
      },
    );
    req.on('error', reject);
  });
}

describe('ksqlDB REST over TLS', () => {
  it('answers HTTP/1.1 over TLS to a client trusting the bundle CA, and names https in its URL', async () => {
    expect(server.url).toBe(`https://127.0.0.1:${server.port}`);
    const res = await httpsGet('/info', bundle.caCert);
    expect(res.status).toBe(200);
    expect(res.alpn).toBe('http/1.1');
    expect(JSON.parse(res.body)).toHaveProperty('KsqlServerInfo');
  });

  it('runs a statement over HTTP/2 negotiated by ALPN (the push/insert streams path)', async () => {
    const session = http2.connect(`https://localhost:${server.port}`, { ca: bundle.caCert });
    try {
      const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/ksql',
          'content-type': 'application/vnd.ksql.v1+json',
        });
        let status = 0;
        let body = '';
        stream.on('response', (h) => {
          status = Number(h[':status']);
        });
        stream.on('data', (d: Buffer) => {
          body += d.toString();
        });
        stream.on('end', () => resolve({ status, body }));
        stream.on('error', reject);
        stream.end(JSON.stringify({ ksql: 'LIST STREAMS;' }));
      });
      expect(session.alpnProtocol).toBe('h2');
      expect(status).toBe(200);
      expect(JSON.parse(body)).toEqual([expect.objectContaining({ '@type': 'streams' })]);
    } finally {
      session.close();
    }
  });

  it('refuses a client that does not trust the certificate, and cleartext HTTP, and keeps serving', async () => {
    await expect(httpsGet('/info', undefined)).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
    const cleartext = await new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: server.port, path: '/info' }, (res) =>
        resolve(`status ${res.statusCode}`),
      );
      req.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    });
    expect(cleartext).toMatch(/^error /);
    expect((await httpsGet('/healthcheck', bundle.caCert)).status).toBe(200);
  });
});
