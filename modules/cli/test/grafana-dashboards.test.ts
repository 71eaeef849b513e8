import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEAD_LETTER_COUNTER } from '@meterstream/common';
import { buildServingApi, sinkMetrics } from '@meterstream/datalake';
import { AggregateDao, HighWaterMarkDao } from '@meterstream/persistence';
import { PROJECT_ROOT } from '@meterstream/test-support';
import { Client } from 'cassandra-driver';
import { Redis } from 'ioredis';
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RuntimeMetrics } from '../../streams/src/runtime/runtime-metrics.js';
import { SINK_LOOP_PREFIXES, sinkLoopMetrics } from '../src/apps/cassandra-writer-metrics.js';
import { QUALITY_COUNTER } from '../src/apps/quality.js';

// docker/'s Prometheus and Grafana, checked without Docker: the compose services and their mounts,
// the scrape targets, the provisioned datasources, and every dashboard query — each Prometheus metric
// name must be one the apps' registries (built here from the code) expose, each serving-API URL a
// route the API registers. Dashboards therefore cannot drift from the code unnoticed.

const docker = join(PROJECT_ROOT, 'docker');
const compose = parse(readFileSync(join(docker, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, { image?: string; network_mode?: string; volumes?: string[]; command?: string[] }>;
};
const datasources = (
  parse(readFileSync(join(docker, 'grafana/provisioning/datasources/datasources.yml'), 'utf8')) as {
    datasources: { uid: string; type: string; url: string }[];
  }
).datasources;
const provider = (
  parse(readFileSync(join(docker, 'grafana/provisioning/dashboards/dashboards.yml'), 'utf8')) as {
    providers: { options: { path: string } }[];
  }
).providers[0]!;
const prometheus = parse(readFileSync(join(docker, 'prometheus/prometheus.yml'), 'utf8')) as {
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
};

interface Target {
  datasource: { uid: string; type: string };
  expr?: string;
  url?: string;
}
interface Panel {
  title: string;
  datasource: { uid: string; type: string };
  targets: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
}
const dashboardFiles = readdirSync(join(docker, 'grafana/dashboards')).filter((f) => f.endsWith('.json'));
const dashboards = dashboardFiles.map((file) => ({
  file,
  dashboard: JSON.parse(readFileSync(join(docker, 'grafana/dashboards', file), 'utf8')) as Dashboard,
}));

/** Metrics Prometheus makes itself for every scrape, not any app's. */
const PROMETHEUS_OWN = new Set(['up']);
const PROMQL_FUNCTIONS_OR_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset']);

/** The metric names a PromQL expression reads (functions, label names and strings left out). */
function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice(match.index + match[0].length).trimStart();
    if (rest.startsWith('(') || PROMQL_FUNCTIONS_OR_WORDS.has(match[0])) continue;
    names.push(match[0]);
  }
  return names;
}

/** Every metric name the apps' registries expose (histograms with their series suffixes). */
async function registryMetricNames(): Promise<Set<string>> {
  const registries: Registry[] = [];
  const app = new Registry(); // aggregator / quality: default metrics, runtime metrics, their counters
  collectDefaultMetrics({ register: app });
  new RuntimeMetrics('app', app);
  new Counter({ ...QUALITY_COUNTER, labelNames: [...QUALITY_COUNTER.labelNames], registers: [app] });
  new Counter({ ...DEAD_LETTER_COUNTER, labelNames: [...DEAD_LETTER_COUNTER.labelNames], registers: [app] });
  registries.push(app);
  for (const prefix of Object.values(SINK_LOOP_PREFIXES)) registries.push(sinkLoopMetrics(prefix).registry);
  const s3Sink = new Registry();
  sinkMetrics(s3Sink);
  registries.push(s3Sink);
  const names = new Set<string>();
  for (const registry of registries) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    }
  }
  return names;
}

describe('docker/ Prometheus and Grafana', () => {
  it('compose runs both with host networking (the apps serve /metrics on 127.0.0.1) and mounts files that exist', () => {
    for (const name of ['prometheus', 'grafana']) {
      const service = compose.services[name];
      expect(service, name).toBeDefined();
      expect(service!.network_mode, name).toBe('host');
      for (const volume of service!.volumes ?? []) {
        const [host] = volume.split(':');
        if (host!.startsWith('./')) expect(existsSync(join(docker, host!)), volume).toBe(true);
      }
    }
    const grafanaMounts = compose.services.grafana!.volumes!.map((v) => v.split(':'));
    expect(grafanaMounts).toContainEqual(['./grafana/dashboards', provider.options.path, 'ro']);
    expect(compose.services.prometheus!.volumes).toContain(
      './prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro',
    );
  });

  it('Prometheus scrapes one loopback port per app, each port once', () => {
    const targets = prometheus.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets));
    expect(prometheus.scrape_configs.map((job) => job.job_name).sort()).toEqual([
      'meterstream-aggregator',
      'meterstream-quality',
      'meterstream-sink-cassandra',
      'meterstream-sink-redis',
    ]);
    for (const target of targets) expect(target).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(new Set(targets).size).toBe(targets.length);
  });

  it('every panel and query uses a provisioned datasource', () => {
    const uids = new Map(datasources.map((d) => [d.uid, d.type]));
    expect(dashboards.map((d) => d.file).sort()).toEqual([
      'anomalies.json',
      'pipeline-health.json',
      'series.json',
    ]);
    for (const { file, dashboard } of dashboards) {
      expect(dashboard.panels.length, file).toBeGreaterThan(0);
      for (const panel of dashboard.panels) {
        for (const ref of [panel.datasource, ...panel.targets.map((t) => t.datasource)]) {
          expect(uids.get(ref.uid), `${file}: ${panel.title}`).toBe(ref.type);
        }
      }
    }
  });

  it("every Prometheus metric a dashboard queries is one the code's registries expose", async () => {
    const known = await registryMetricNames();
    const queried = dashboards.flatMap(({ file, dashboard }) =>
      dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap((t) =>
          t.expr ? promqlMetricNames(t.expr).map((name) => ({ file, name })) : [],
        ),
      ),
    );
    expect(queried.length).toBeGreaterThan(5);
    const unknown = queried.filter(({ name }) => !known.has(name) && !PROMETHEUS_OWN.has(name));
    expect(unknown).toEqual([]);
  });

  it('the extractor finds metric names and only them', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.99, sum by (le, application) (rate(meterstream_streams_commit_seconds_bucket{job=~"a|b"}[5m])))',
      ),
    ).toEqual(['meterstream_streams_commit_seconds_bucket']);
    expect(promqlMetricNames('up{job="x"} and on (app) process_resident_memory_bytes')).toEqual([
      'up',
      'process_resident_memory_bytes',
    ]);
  });

  it("every serving-API URL a dashboard reads is a GET route of `meterstream serve`'s API", async () => {
    // Never connected: building the API registers its routes and touches neither client.
    const cassandra = new Client({ contactPoints: ['127.0.0.1:1'], localDataCenter: 'datacenter1' });
    const redis = new Redis({ lazyConnect: true });
    const api = buildServingApi({
      stores: {
        speed: new AggregateDao(cassandra),
        batch: new AggregateDao(cassandra, { family: 'batch_aggregates' }),
        marks: new HighWaterMarkDao(cassandra),
      },
      cassandra,
      dashboard: { redis },
    });
    await api.ready();
    const urls = dashboards.flatMap(({ dashboard }) =>
      dashboard.panels.flatMap((panel) => panel.targets.flatMap((t) => (t.url ? [t.url] : []))),
    );
    expect(urls.length).toBeGreaterThan(2);
    for (const url of urls) {
      expect(api.hasRoute({ method: 'GET', url: url.split('?')[0]! }), url).toBe(true);
    }
    await api.close();
    redis.disconnect();
    await cassandra.shutdown();
  });
});
