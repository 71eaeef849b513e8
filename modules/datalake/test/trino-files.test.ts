import { readFileSync } from 'node:fs';
import { FLAGGED_QUALITY_MASK } from '@meterstream/common';
import { RAW_PREFIX } from '@meterstream/datalake';
import { MART_TABLES } from '@meterstream/persistence';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * The docker stack's Trino files (no Docker engine here to run them): they must point at the lake
 * meterstream writes — the bucket of docker/.env.example, the raw layout's prefix and hive
 * partition names, each mart's prefix and columns.
 */
const root = new URL('../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const env = Object.fromEntries(
  read('docker/.env.example')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
const bucket = env.METERSTREAM_S3_BUCKET!;
const lakeSql = read('docker/trino/sql/lake.sql');

describe('docker/trino', () => {
  it('is a service of the compose file with the catalog and the SQL mounted, next to MinIO', () => {
    const compose = parse(read('docker/docker-compose.yml')) as {
      services: Record<string, { volumes?: string[]; depends_on?: Record<string, unknown> }>;
    };
    const trino = compose.services.trino!;
    expect(trino.volumes).toEqual(['./trino/catalog:/etc/trino/catalog:ro', './trino/sql:/sql:ro']);
    expect(Object.keys(trino.depends_on ?? {})).toContain('minio-init');
  });

  it("reads the lake's bucket through MinIO", () => {
    const catalog = read('docker/trino/catalog/lake.properties');
    expect(catalog).toContain(`hive.metastore.catalog.dir=s3://${bucket}/`);
    expect(catalog).toContain(`s3.endpoint=http://minio:${new URL(env.METERSTREAM_S3_ENDPOINT!).port}`);
  });

  it('reads the quality columns of clean objects and serves metrics_clean with the flagged mask of the quality bits', () => {
    expect(lakeSql).toMatch(/quality integer,\s*estimated boolean,/);
    expect(lakeSql).toContain('CREATE OR REPLACE VIEW lake.meterstream.metrics_clean AS');
    expect(lakeSql).toContain(`bitwise_and(quality, ${FLAGGED_QUALITY_MASK}) <> 0 AS flagged`);
  });

  it('declares the raw layout and every mart with the columns meterstream writes', () => {
    expect(lakeSql).toContain(`external_location = 's3://${bucket}/${RAW_PREFIX}'`);
    expect(lakeSql).toContain("partitioned_by = ARRAY['metrictype', 'date']");
    for (const table of Object.values(MART_TABLES)) {
      const declaration = new RegExp(
        `CREATE TABLE IF NOT EXISTS lake\\.meterstream\\.${table.name} \\(([^;]*?)\\)\\s*WITH \\(external_location = 's3://${bucket}/marts/${table.name}/'`,
      ).exec(lakeSql);
      expect(declaration, table.name).not.toBeNull();
      const declared = [
        ...declaration![1]!.matchAll(/"?([a-z]+)"? (?:varchar|integer|double|timestamp)/g),
      ].map((m) => m[1]);
      expect(declared.sort(), table.name).toEqual(table.columns.map((c) => c.name.toLowerCase()).sort());
    }
  });
});
