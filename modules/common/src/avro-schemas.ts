import { readFileSync } from 'node:fs';

// The .avsc files live in modules/common/schemas, beside both src/ and dist/, so this relative URL
// resolves the same from the TypeScript sources and from the built output.
function loadSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../schemas/${file}`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** The Avro schema of Metric, as kept in schemas/metric.avsc. */
export const METRIC_AVRO_SCHEMA = loadSchema('metric.avsc');
/**
 * The writer schema of metrics-clean (the quality stage): Metric evolved with optional quality and
 * estimated fields, as kept in schemas/metric-clean.avsc (its doc says why not a record of its own).
 */
export const METRIC_CLEAN_AVRO_SCHEMA = loadSchema('metric-clean.avsc');
/** A reader's projection of Metric (timestamp, value, quality, estimated), as kept in schemas/metric-reading.avsc. */
export const METRIC_READING_AVRO_SCHEMA = loadSchema('metric-reading.avsc');
/** The Avro schema of AggregateMetric, as kept in schemas/aggregate-metric.avsc. */
export const AGGREGATE_METRIC_AVRO_SCHEMA = loadSchema('aggregate-metric.avsc');
