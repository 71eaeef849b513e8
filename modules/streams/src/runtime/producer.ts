import type { StreamsProducer } from './kafka-client.js';
import type { RuntimeContext } from './runtime-context.js';

/** The instance's producer; with exactly_once_v2 a transactional one, its InitProducerId done. */
export async function connectProducer(context: RuntimeContext): Promise<StreamsProducer> {
  const { config, exactlyOnce } = context;
  // One request in flight keeps changelog and output order even when a send is retried.
  const producer = context.settings.kafka.producer({
    idempotent: exactlyOnce,
    maxInFlightRequests: 1,
    ...(exactlyOnce
      ? {
          transactionalId: `${config.applicationId}-${context.instanceId}`,
          transactionTimeout: config.transactionTimeoutMs,
        }
      : {}),
  });
  // Changelog records go out as pre-encoded record sets (output-buffer.ts), which only the patched
  // kafkajs understands: unpatched, each set would be sent as one empty record.
  if ((producer as { encodedRecordSets?: unknown }).encodedRecordSets !== true)
    throw new Error(
      'kafkajs lacks pre-encoded record sets: the streams runtime needs kafkajs 2.2.4 with ' +
        "meterstream's patch (patches/kafkajs+2.2.4.patch, applied by npm's postinstall)",
    );
  await producer.connect();
  if (exactlyOnce) {
    // kafkajs runs the transactional InitProducerId only in its first transaction() (connect()
    // initialises a plain idempotent id). Run it now: it fences the crashed incarnation with this
    // transactional id and makes the broker abort that incarnation's open transaction, before any
    // restore reads the changelogs. (Aborting the empty transaction sends nothing.)
    await (await producer.transaction()).abort();
  }
  return producer;
}
