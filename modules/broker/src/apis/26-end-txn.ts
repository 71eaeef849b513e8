import type { EndTxnRequest, EndTxnResponse } from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/**
 * EndTxn: commit or abort. Answered after the COMMIT/ABORT markers are durable in every partition
 * of the transaction and its group offsets are applied (commit) or dropped (abort).
 */
export const endTxn: ApiHandler<EndTxnRequest, EndTxnResponse> = {
  apiKey: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const txns = ctx.broker.transactions;
    const errorCode = await txns.endTxn(
      req.transactionalId,
      req.producerId,
      req.producerEpoch,
      req.committed,
    );
    return { throttleTimeMs: 0, errorCode };
  },
};
