import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
} from '../protocol/messages.generated.js';
import type { ApiHandler } from './handler.js';

/**
 * AddPartitionsToTxn (client versions 0–3): registers the partitions the producer is about to
 * write in its transaction, so EndTxn knows where to write markers. If any partition is unknown,
 * none is added (the others answer OPERATION_NOT_ATTEMPTED).
 */
export const addPartitionsToTxn: ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 3,
  async handle(req, ctx) {
    const txns = ctx.broker.transactions;
    const partitions = req.v3AndBelowTopics.flatMap((t) =>
      t.partitions.map((partition) => ({ topic: t.name, partition })),
    );
    const results = await txns.addPartitions(
      req.v3AndBelowTransactionalId,
      req.v3AndBelowProducerId,
      req.v3AndBelowProducerEpoch,
      partitions,
    );
    const byTopic = new Map<string, AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult>();
    for (const r of results) {
      let topic = byTopic.get(r.topic);
      if (!topic) {
        topic = { name: r.topic, resultsByPartition: [] };
        byTopic.set(r.topic, topic);
      }
      topic.resultsByPartition.push({ partitionIndex: r.partition, partitionErrorCode: r.errorCode });
    }
    return { throttleTimeMs: 0, resultsByTopicV3AndBelow: [...byTopic.values()] };
  },
};
