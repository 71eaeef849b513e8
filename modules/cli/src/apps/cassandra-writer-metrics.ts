import { createServer } from 'node:http';
import { DEAD_LETTER_COUNTER } from '@meterstream/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of a sink loop (Cassandra writer, Redis view sink); one set per registry. */
export interface SinkLoopMetrics {
  registry: Registry;
  recordsWritten: Counter<'topic'>;
  deadLetters: Counter<'topic'>;
  /** The pipeline-wide dead-letter counter (common's DEAD_LETTER_COUNTER), by consumer and reason. */
  deadLettersByReason: Counter<'application' | 'reason'>;
  chunkSeconds: Histogram<'topic'>;
}

export function sinkLoopMetrics(prefix: string, registry = new Registry()): SinkLoopMetrics {
  const registers = [registry];
  return {
    registry,
    recordsWritten: new Counter({
      name: `${prefix}_records_written_total`,
      help: 'Records made durable (re-deliveries after a crash count again)',
      labelNames: ['topic'],
      registers,
    }),
    deadLetters: new Counter({
      name: `${prefix}_dead_letters_total`,
      help: 'Records sent to the dead-letter topic',
      labelNames: ['topic'],
      registers,
    }),
    deadLettersByReason: new Counter({
      ...DEAD_LETTER_COUNTER,
      labelNames: [...DEAD_LETTER_COUNTER.labelNames],
      registers,
    }),
    chunkSeconds: new Histogram({
      name: `${prefix}_chunk_seconds`,
      help: 'Time to decode, write and commit one chunk of records',
      labelNames: ['topic'],
      registers,
    }),
  };
}

/** Serves `GET /metrics` on 127.0.0.1:`port` (0: a free port); resolves with the port and a closer. */
export async function serveMetrics(
  registry: Registry,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  const bound = await new Promise<number>((resolve) =>
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return { port: bound, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
