import type { StoreBackend } from '@meterstream/streams';

/** The Redis state-store backend (ioredis) for the aggregator; see @meterstream/streams' state/redis. */
export async function createRedisStoreBackend(_url: string, _applicationId?: string): Promise<StoreBackend> {
  throw new Error('the Redis state store backend is not available yet');
}
