import type { PersistentQuery } from '@meterstream/ksql';
import type { KafkaStreamsConfig } from '@meterstream/streams';

/** The streams runtime's beforeBatch: a batch's key and value writer schemas fetched before it is read. */
export function prefetching(
  prefetch: NonNullable<PersistentQuery['prefetch']>,
): NonNullable<KafkaStreamsConfig['beforeBatch']> {
  return async (values, batch) => {
    await prefetch(
      batch.topic,
      'key',
      batch.messages.map((m) => m.key),
    );
    await prefetch(batch.topic, 'value', values);
  };
}
