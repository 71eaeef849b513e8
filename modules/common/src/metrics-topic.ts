/**
 * Which topic of readings the pipeline's consumers read (aggregators, S3 sink, Redis view, batch,
 * ksql queries): `meterstream up` exports it as `metrics-clean` when the quality stage runs in front
 * of them (`up --input clean`), and leaves it unset for the raw topic.
 */
export const METRICS_TOPIC_ENV = 'METERSTREAM_METRICS_TOPIC';
export const RAW_METRICS_TOPIC = 'metrics';

/** The consumers' default input topic: $METERSTREAM_METRICS_TOPIC, else the raw `metrics`. */
export function pipelineMetricsTopic(env: NodeJS.ProcessEnv = process.env): string {
  return env[METRICS_TOPIC_ENV] || RAW_METRICS_TOPIC;
}
