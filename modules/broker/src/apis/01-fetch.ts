import type { PartitionLog } from '../log/partition-log.js';
import { ErrorCode } from '../protocol/errors.js';
import type {
  FetchRequest,
  FetchResponse,
  FetchResponseFetchableTopicResponse,
  FetchResponsePartitionData,
} from '../protocol/messages.generated.js';
import type { ApiHandler, RequestContext } from './handler.js';

const READ_COMMITTED = 1;
// librdkafka rejects a null record set; Kafka itself always sends an empty one.
const EMPTY = Buffer.alloc(0);

interface Wanted {
  topic: string;
  partition: number;
  offset: number;
  maxBytes: number;
  log: PartitionLog | undefined;
}

/**
 * Fetch: whole stored batches from each requested partition (zero-copy slices of the tail cache
 * or one read per segment), long-polling up to maxWaitMs until minBytes are available.
 * READ_COMMITTED reads stop at the last stable offset and list the aborted transactions in range.
 * Incremental fetch sessions are declined (sessionId 0 → the client keeps sending full fetches).
 */
export const fetch: ApiHandler<FetchRequest, FetchResponse> = {
  apiKey: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 12,
  async handle(req, ctx) {
    if (req.sessionId !== 0) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
        sessionId: 0,
        responses: [],
      };
    }
    const wanted: Wanted[] = [];
    for (const t of req.topics) {
      const topic = ctx.broker.topics.get(t.topic);
      for (const p of t.partitions) {
        wanted.push({
          topic: t.topic,
          partition: p.partition,
          offset: Number(p.fetchOffset),
          maxBytes: p.partitionMaxBytes,
          log: topic?.partitions[p.partition],
        });
      }
    }
    const deadline = Date.now() + Math.max(0, req.maxWaitMs);
    const logs = wanted.map((w) => w.log).filter((l): l is PartitionLog => l !== undefined);
    for (;;) {
      const { response, bytes, errors } = collect(req, wanted, ctx);
      const left = deadline - Date.now();
      if (
        bytes >= req.minBytes || // minBytes 0: answer at once
        errors ||
        left <= 0 ||
        logs.length === 0 ||
        ctx.broker.isClosed
      ) {
        return response;
      }
      await ctx.broker.topics.waitForData(logs, left);
    }
  },
};

function collect(
  req: FetchRequest,
  wanted: Wanted[],
  ctx: RequestContext,
): { response: FetchResponse; bytes: number; errors: boolean } {
  const committed = req.isolationLevel === READ_COMMITTED;
  const responses: FetchResponseFetchableTopicResponse[] = [];
  const byTopic = new Map<string, FetchResponseFetchableTopicResponse>();
  let budget = req.maxBytes > 0 ? req.maxBytes : 0x7fffffff;
  let bytes = 0;
  let errors = false;
  for (const w of wanted) {
    let tr = byTopic.get(w.topic);
    if (!tr) {
      tr = { topic: w.topic, partitions: [] };
      byTopic.set(w.topic, tr);
      responses.push(tr);
    }
    const pd: FetchResponsePartitionData = {
      partitionIndex: w.partition,
      errorCode: ErrorCode.NONE,
      highWatermark: -1n,
      lastStableOffset: -1n,
      logStartOffset: -1n,
      abortedTransactions: null,
      preferredReadReplica: -1,
      records: EMPTY,
    };
    tr.partitions.push(pd);
    const log = w.log;
    if (!log || log.deleted) {
      pd.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      errors = true;
      continue;
    }
    pd.highWatermark = BigInt(log.highWatermark);
    pd.lastStableOffset = BigInt(log.lastStableOffset);
    pd.logStartOffset = BigInt(log.logStartOffset);
    if (w.offset < log.logStartOffset || w.offset > log.logEndOffset) {
      pd.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      errors = true;
      ctx.broker.logger.debug(
        { peer: ctx.peer, partition: log.where, offset: w.offset },
        'fetch out of range',
      );
      continue;
    }
    const upper = committed ? log.lastStableOffset : log.highWatermark;
    // The first partition with data always gets at least one batch, even above maxBytes.
    const limit = bytes === 0 ? Math.min(w.maxBytes, Math.max(budget, 1)) : Math.min(w.maxBytes, budget);
    if (limit <= 0) continue;
    const read = log.read(w.offset, limit, upper);
    if (read.batches.length > 0) {
      pd.records = read.batches;
      bytes += read.bytes;
      budget -= read.bytes;
    }
    if (committed) {
      pd.abortedTransactions = log
        .abortedTransactions(w.offset, upper)
        .map((a) => ({ producerId: a.producerId, firstOffset: BigInt(a.firstOffset) }));
    }
  }
  return {
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses },
    bytes,
    errors,
  };
}
