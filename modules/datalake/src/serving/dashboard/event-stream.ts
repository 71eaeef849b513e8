import type { Logger } from '@meterstream/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** An event of a stream: `type` is the SSE event name, the rest its JSON data. */
export interface StreamEvent {
  type: string;
}

export interface EventStreamOptions<E extends StreamEvent = StreamEvent> {
  pollMs: number;
  poll(): Promise<E[]>;
  logger?: Logger;
}

export type OpenEventStream = <E extends StreamEvent>(
  request: FastifyRequest,
  reply: FastifyReply,
  options: EventStreamOptions<E>,
) => void;

/**
 * Returns the function that turns a request into a Server-Sent Events stream fed by `poll()` every
 * `pollMs` (the next poll is scheduled when the previous one finished, so slow reads never pile
 * up). A failed poll is sent as a `problem` event and polling goes on: the page shows the outage
 * and recovers with the views. Streams end when the client goes away or the server closes (a
 * preClose hook, registered here because hooks cannot be added once the server listens: otherwise
 * `close()` would wait for these never-idle connections).
 */
export function eventStreams(app: FastifyInstance): OpenEventStream {
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  return (request, reply, options) => openEventStream(streams, request, reply, options);
}

function openEventStream<E extends StreamEvent>(
  streams: Set<() => void>,
  request: FastifyRequest,
  reply: FastifyReply,
  options: EventStreamOptions<E>,
): void {
  reply.hijack();
  const response = reply.raw;
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  response.write('retry: 2000\n\n');
  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    streams.delete(end);
    response.end();
  };
  streams.add(end);
  request.raw.on('close', end);
  const send = (event: StreamEvent) => {
    const { type, ...data } = event;
    response.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  let failing = false;
  const tick = async () => {
    try {
      for (const event of await options.poll()) if (!ended) send(event);
      failing = false;
    } catch (error) {
      // Logged once per outage, not once a second; the page is told at every failed poll.
      if (!failing) options.logger?.warn({ err: error }, 'live poll failed (the stream keeps polling)');
      failing = true;
      const problem: StreamEvent & { message: string } = {
        type: 'problem',
        message: (error as Error).message,
      };
      if (!ended) send(problem);
    }
    if (!ended) timer = setTimeout(tick, options.pollMs);
  };
  void tick();
}
