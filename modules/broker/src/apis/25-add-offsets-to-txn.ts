import type { AddOffsetsToTxnRequest, AddOffsetsToTxnResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/** AddOffsetsToTxn: the transaction will commit offsets of this consumer group (sendOffsets). */
export const addOffsetsToTxn: ApiHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse> = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const txns = ctx.broker.transactions;
    const errorCode = await txns.addOffsets(
      req.transactionalId,
      req.producerId,
      req.producerEpoch,
      req.groupId,
    );
    return { throttleTimeMs: 0, errorCode };
  },
};
