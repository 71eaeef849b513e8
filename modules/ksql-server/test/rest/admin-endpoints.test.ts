import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  h1Request,
  h2Close,
  h2Connect,
  h2Request,
  json,
  type Started,
  startTestServer,
} from './rest-test-helpers.js';

describe('admin endpoints', () => {
  let t: Started;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    await t.server.close();
  });

  it('GET /info answers KsqlServerInfo in the requested media type, over HTTP/1.1 and HTTP/2', async () => {
    const res = await fetch(`${t.server.url}/info`, { headers: { accept: 'application/vnd.ksql.v1+json' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.ksql.v1+json');
    expect(await res.json()).toEqual({
      KsqlServerInfo: {
        version: '7.9.0',
        kafkaClusterId: 'test-cluster',
        ksqlServiceId: 'default_',
        serverStatus: 'RUNNING',
      },
    });
    const session = await h2Connect(t.server);
    try {
      const h2 = await h2Request(session, 'GET', '/info', undefined, { accept: 'application/json' });
      expect(h2.status).toBe(200);
      expect(h2.headers['content-type']).toBe('application/json');
      expect(JSON.parse(h2.text).KsqlServerInfo.ksqlServiceId).toBe('default_');
    } finally {
      await h2Close(session);
    }
    const redirect = await fetch(`${t.server.url}/`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe('/info');
  });

  it('GET /healthcheck is 200 when healthy and 503 when not', async () => {
    const ok = await fetch(`${t.server.url}/healthcheck`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({
      isHealthy: true,
      details: { metastore: { isHealthy: true }, kafka: { isHealthy: true } },
    });
    t.service.healthy = false;
    const bad = await fetch(`${t.server.url}/healthcheck`);
    expect(bad.status).toBe(503);
    expect(((await bad.json()) as { isHealthy: boolean }).isHealthy).toBe(false);
  });

  it('GET /status/{type}/{entity}/{action} answers a command status, or 404 "Command not found"', async () => {
    await h1Request(
      t.server,
      'POST',
      '/ksql',
      json({
        ksql: "CREATE TABLE TT (K STRING PRIMARY KEY, V INT) WITH (kafka_topic='tt', partitions=1, value_format='JSON');",
      }),
    );
    const res = await fetch(`${t.server.url}/status/table/TT/create`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'SUCCESS', message: expect.any(String) });
    const missing = await fetch(`${t.server.url}/status/stream/NOPE/create`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      '@type': 'generic_error',
      error_code: 40400,
      message: 'Command not found',
    });
  });

  it('GET /clusterStatus names this one host, alive', async () => {
    const res = await fetch(`${t.server.url}/clusterStatus`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { clusterStatus: Record<string, unknown> };
    expect(Object.keys(body.clusterStatus)).toEqual([`127.0.0.1:${t.server.port}`]);
    expect(body.clusterStatus[`127.0.0.1:${t.server.port}`]).toMatchObject({
      hostAlive: true,
      lastStatusUpdateMs: expect.any(Number),
      activeStandbyPerQuery: {},
      hostStoreLags: { stateStoreLags: {} },
    });
  });

  it('refuses an Accept it cannot produce with 406', async () => {
    const res = await fetch(`${t.server.url}/info`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(406);
    expect(((await res.json()) as { error_code: number }).error_code).toBe(40600);
  });
});
