import { randomUUID } from 'node:crypto';
import type { Logger } from '@meterstream/common';
import type { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { type AlertFilter, matchesAlert } from './alert-filter.js';
import { type AlertHeatmap, HourlyAlertCounts } from './alert-counts.js';
import {
  type AlertRecordPosition,
  type AlertSource,
  type DashboardAlert,
  type DecodedAlert,
  decodeAlarm,
  decodeMeterAlert,
} from './alert-record.js';

export interface AlertsFeedOptions {
  kafka: Kafka;
  /** Lists the broker's topics (the feed never creates one: it waits for them to exist). */
  admin: () => Promise<Admin>;
  /** Topic names (defaults: `alarms`, the ksql stream's; `meter-alerts`, the quality stage's). */
  topics?: { alarms?: string; meterAlerts?: string };
  /** Recent alerts kept for the feed (default 5,000); the heat map's counts are kept apart. */
  capacity?: number;
  /** How often topics that do not exist yet are looked for (default 5 s). */
  refreshMs?: number;
  logger?: Logger;
}

export interface AlertTopicStatus {
  topic: string;
  source: AlertSource;
  /** missing: the topic does not exist (yet); reading: a consumer reads it; failed: see message. */
  state: 'missing' | 'reading' | 'failed';
  message?: string;
  /** Alerts read from the topic. */
  read: number;
  /** Records that were not alerts of the expected shape (counted, shown, not fed). */
  unreadable: number;
  lastUnreadable?: string;
}

export interface AlertsStatus {
  configured: boolean;
  /** The broker did not answer the topic listing; null when it did. */
  brokerError: string | null;
  /** Times the broker's topic list was read (until every topic is being read). */
  lookups: number;
  topics: AlertTopicStatus[];
}

interface TopicReader extends AlertTopicStatus {
  consumer?: Consumer;
  /** Next offset to feed per partition: a consumer started again after a failure re-reads from the beginning. */
  next?: Map<number, bigint>;
}

/**
 * The alert topics as a feed, for the dashboard's Alerts view: one kafkajs consumer per topic, from
 * its beginning, with a group of its own (a random id: every dashboard process sees every alert; no
 * offsets are committed — the feed is rebuilt from the topics at each start). Consumers are created
 * only for topics that exist (`allowAutoTopicCreation: false`, and the topic list is checked first):
 * a dashboard must never create a topic the pipeline has not. Missing topics are looked for again
 * every `refreshMs`, so the feed starts reading when the ksql queries or the quality stage create them.
 *
 * Alerts are kept in arrival order (the live stream's cursor is `seq`), the newest `capacity`; the
 * heat map's hourly counts (HourlyAlertCounts) keep every alert read.
 */
export class AlertsFeed {
  private readonly readers: TopicReader[];
  private readonly alerts: DashboardAlert[] = [];
  private readonly counts = new HourlyAlertCounts();
  private seq = 0;
  private brokerError: string | null = null;
  private lookups = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: AlertsFeedOptions) {
    this.readers = [
      {
        topic: options.topics?.alarms ?? 'alarms',
        source: 'alarms',
        state: 'missing',
        read: 0,
        unreadable: 0,
      },
      {
        topic: options.topics?.meterAlerts ?? 'meter-alerts',
        source: 'meter-alerts',
        state: 'missing',
        read: 0,
        unreadable: 0,
      },
    ];
  }

  /** Starts looking for the topics (and reading those that exist). */
  start(): void {
    this.refreshing = this.refresh();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.refreshing;
    await Promise.all(this.readers.map((reader) => reader.consumer?.disconnect()));
  }

  /** The newest alert's seq (0: none yet); a subscriber's cursor. */
  get version(): number {
    return this.seq;
  }

  status(): AlertsStatus {
    return {
      configured: true,
      brokerError: this.brokerError,
      lookups: this.lookups,
      topics: this.readers.map(({ consumer: _consumer, next: _next, ...status }) => ({ ...status })),
    };
  }

  /** Matching alerts after `seq`, oldest first. */
  since(seq: number, filter: AlertFilter): DashboardAlert[] {
    return this.alerts.filter((alert) => alert.seq > seq && matchesAlert(alert, filter));
  }

  /** The newest `limit` matching alerts, newest first. */
  latest(filter: AlertFilter, limit: number): DashboardAlert[] {
    const found: DashboardAlert[] = [];
    for (let i = this.alerts.length - 1; i >= 0 && found.length < limit; i--) {
      if (matchesAlert(this.alerts[i]!, filter)) found.push(this.alerts[i]!);
    }
    return found;
  }

  heatmap(filter: AlertFilter): AlertHeatmap {
    return this.counts.heatmap(filter);
  }

  private async refresh(): Promise<void> {
    const missing = this.readers.filter((reader) => reader.state !== 'reading');
    if (missing.length === 0 || this.stopped) return;
    try {
      const topics = new Set(await (await this.options.admin()).listTopics());
      this.lookups++;
      this.brokerError = null;
      for (const reader of missing) {
        if (!topics.has(reader.topic) || this.stopped) continue;
        await this.read(reader);
      }
    } catch (error) {
      // Shown on the page (status); the next refresh tries again.
      this.brokerError = (error as Error).message;
    }
    if (!this.stopped && this.readers.some((reader) => reader.state !== 'reading')) {
      this.timer = setTimeout(() => {
        this.refreshing = this.refresh();
      }, this.options.refreshMs ?? 5000);
    }
  }

  private async read(reader: TopicReader): Promise<void> {
    // A consumer that stopped for good (crash without restart) is replaced, not left connected.
    await reader.consumer
      ?.disconnect()
      .catch((error: Error) =>
        this.options.logger?.debug({ err: error }, 'stopped alerts consumer did not disconnect cleanly'),
      );
    const consumer = this.options.kafka.consumer({
      groupId: `meterstream-dashboard-${reader.source}-${randomUUID()}`,
      allowAutoTopicCreation: false,
    });
    reader.consumer = consumer;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [reader.topic], fromBeginning: true });
      consumer.on(consumer.events.CRASH, (event) => {
        // kafkajs restarts the consumer itself when it can (restart: true); otherwise it is shown.
        if (event.payload.restart) return;
        reader.state = 'failed';
        reader.message = event.payload.error.message;
        this.options.logger?.warn(
          { err: event.payload.error, topic: reader.topic },
          'alerts consumer stopped',
        );
      });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) =>
          this.ingest(reader, { topic, partition, offset: message.offset }, message),
      });
      reader.state = 'reading';
      reader.message = undefined;
    } catch (error) {
      reader.state = 'failed';
      reader.message = (error as Error).message;
      reader.consumer = undefined;
      await consumer
        .disconnect()
        .catch((disconnectError: Error) =>
          this.options.logger?.debug(
            { err: disconnectError },
            'alerts consumer disconnect after a failed start',
          ),
        );
    }
  }

  private ingest(reader: TopicReader, position: AlertRecordPosition, message: KafkaMessage): void {
    reader.next ??= new Map();
    const offset = BigInt(position.offset);
    if (offset < (reader.next.get(position.partition) ?? 0n)) return; // fed before a restart
    reader.next.set(position.partition, offset + 1n);
    let decoded: DecodedAlert;
    const timestamp = Number(message.timestamp);
    try {
      decoded =
        reader.source === 'alarms'
          ? decodeAlarm(message.key, message.value, timestamp, position)
          : decodeMeterAlert(message.value, timestamp, position);
    } catch (error) {
      if (reader.unreadable === 0) {
        this.options.logger?.warn(
          { err: error },
          'a record on an alerts topic is not an alert; counted and skipped',
        );
      }
      reader.unreadable++;
      reader.lastUnreadable = (error as Error).message;
      return;
    }
    const alert: DashboardAlert = { seq: ++this.seq, ...decoded };
    reader.read++;
    this.alerts.push(alert);
    this.counts.add(alert);
    const capacity = this.options.capacity ?? 5000;
    // Trimmed in steps, not one shift per alert.
    if (this.alerts.length > capacity + Math.ceil(capacity / 4))
      this.alerts.splice(0, this.alerts.length - capacity);
  }
}
