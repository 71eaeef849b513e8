import type { Kafka } from 'kafkajs';

// Alert records as the pipeline writes them: the ksql `alarms` stream (JSON value with upper-case
// column names, the series in the key) and the quality stage's `meter-alerts` (MeterAlert JSON).

export const HOUR = 3_600_000;

export interface ProducedAlert {
  topic: 'alarms' | 'meter-alerts';
  kind: 'over' | 'under' | 'meter-flagged' | 'meter-recovered' | 'long-gap' | 'unit-error';
  gateway: string;
  series: string;
  at: number;
  key: string | null;
  value: string;
}

export function alarm(gateway: string, at: number, kind: 'over' | 'under', value: number): ProducedAlert {
  const series = 'ELECTRICITY.ACTIVE_POWER';
  return {
    topic: 'alarms',
    kind,
    gateway,
    series,
    at,
    key: series,
    value: JSON.stringify({
      GATEWAY: gateway,
      EVENT_TIME: new Date(at).toISOString(),
      VALUE: value,
      MIN_VALUE: 0,
      MAX_VALUE: 8,
      ALARM: kind === 'over' ? 'OVER' : 'UNDER',
    }),
  };
}

export function meterAlert(
  gateway: string,
  at: number,
  kind: 'meter-flagged' | 'meter-recovered' | 'long-gap' | 'unit-error',
): ProducedAlert {
  const [metricType, metricAttribute] = ['WATER', 'WATER_IDD'];
  return {
    topic: 'meter-alerts',
    kind,
    gateway,
    series: `${metricType}.${metricAttribute}`,
    at,
    key: `${gateway}.${metricType}.${metricAttribute}`,
    value: JSON.stringify({
      type: kind,
      gateway,
      metricType,
      metricAttribute,
      timestamp: new Date(at).toISOString(),
      reason: kind === 'long-gap' ? 'long-gap' : kind === 'unit-error' ? 'unit-mismatch' : 'zero-run',
      details: kind === 'long-gap' ? { missing: 12 } : {},
    }),
  };
}

/** Sends the alerts over TCP with a kafkajs producer (record timestamps: the alerts' event times). */
export async function produceAlerts(kafka: Kafka, alerts: ProducedAlert[]): Promise<void> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (const topic of ['alarms', 'meter-alerts'] as const) {
      const mine = alerts.filter((a) => a.topic === topic);
      if (mine.length === 0) continue;
      await producer.send({
        topic,
        acks: -1,
        messages: mine.map((a) => ({ key: a.key, value: a.value, timestamp: String(a.at) })),
      });
    }
  } finally {
    await producer.disconnect();
  }
}

/** Expected heat-map counts: anomalies (every kind but meter-recovered) per `gateway|hour`. */
export function expectedCounts(alerts: ProducedAlert[], kinds?: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of alerts) {
    if (kinds ? !kinds.includes(a.kind) : a.kind === 'meter-recovered') continue;
    const cell = `${a.gateway}|${new Date(Math.floor(a.at / HOUR) * HOUR).toISOString()}`;
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  return counts;
}
