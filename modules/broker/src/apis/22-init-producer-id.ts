import type { InitProducerIdRequest, InitProducerIdResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/**
 * InitProducerId: a new producer id for idempotent producers; for transactional ids the id they
 * keep, with the epoch bumped (fencing older instances, aborting their open transaction).
 * v3+ may name the producer's current id/epoch (KIP-360), which must match.
 */
export const initProducerId: ApiHandler<InitProducerIdRequest, InitProducerIdResponse> = {
  apiKey: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    const txns = ctx.broker.transactions;
    const r = await txns.initProducerId(req.transactionalId, req.transactionTimeoutMs, {
      producerId: ctx.apiVersion >= 3 ? req.producerId : -1n,
      producerEpoch: ctx.apiVersion >= 3 ? req.producerEpoch : -1,
    });
    return {
      throttleTimeMs: 0,
      errorCode: r.errorCode,
      producerId: r.producerId,
      producerEpoch: r.producerEpoch,
    };
  },
};
