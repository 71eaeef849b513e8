import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  ProduceRequest,
  ProduceResponse,
  ProduceResponsePartitionProduceResponse,
  ProduceResponseTopicProduceResponse,
} from '../protocol/messages.generated.js';
import { ATTR_TRANSACTIONAL, validateBatches } from '../log/record-batch.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../log/topic-config.js';
import { applyTimestampPolicy, InvalidTimestampError } from '../log/timestamp-policy.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import { mayCreateTopic } from '../security/may.js';
import type { ApiHandler } from './handler.js';

/**
 * Produce: validate each partition's batches (header, lengths, CRC), append them as sent with
 * broker-assigned offsets, then answer per `acks`: 0 → no response, 1 → once written to the OS,
 * -1 → once durable (fsync'ed under the default policy, written under `write`). Written records
 * are readable by consumers whatever the acks, so everything acknowledged is visible. Magic v2
 * only (v3+); Produce v0–2 get UNSUPPORTED_VERSION from the connection.
 */
export const produce: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 9,
  async handle(req, ctx) {
    const { topics } = ctx.broker;
    const acks = req.acks;
    const waits: { res: ProduceResponsePartitionProduceResponse; done: boolean; promise: Promise<void> }[] =
      [];
    const responses: ProduceResponseTopicProduceResponse[] = [];
    for (const td of req.topicData) {
      const partitionResponses: ProduceResponsePartitionProduceResponse[] = [];
      responses.push({ name: td.name, partitionResponses });
      let topic: ReturnType<typeof topics.getOrCreate>;
      let topicError = ErrorCode.NONE as number;
      try {
        // With the authorizer on, auto-creation needs CREATE (Kafka creates only via Metadata).
        topic =
          topics.get(td.name) ?? (mayCreateTopic(ctx, td.name) ? topics.getOrCreate(td.name) : undefined);
        if (!topic) topicError = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      } catch (err) {
        topicError = errorCodeOf(err, ctx, td.name);
      }
      for (const pd of td.partitionData) {
        const res: ProduceResponsePartitionProduceResponse = {
          index: pd.index,
          errorCode: ErrorCode.NONE,
          baseOffset: -1n,
          logAppendTimeMs: -1n,
          logStartOffset: -1n,
          recordErrors: [],
          errorMessage: null,
        };
        partitionResponses.push(res);
        const where = `${td.name}-${pd.index}`;
        try {
          if (topicError !== ErrorCode.NONE) throw new KafkaError(topicError, `${where}: unavailable`);
          if (acks !== 0 && acks !== 1 && acks !== -1) {
            throw new KafkaError(ErrorCode.INVALID_REQUIRED_ACKS, `${where}: acks=${acks}`);
          }
          const p = topic!.partitions[pd.index];
          if (!p) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${where}: no such partition`);
          if (!pd.records || pd.records.length === 0) {
            throw new KafkaError(ErrorCode.CORRUPT_MESSAGE, `${where}: no record data`);
          }
          const infos = validateBatches(pd.records, where);
          // Kafka's max.message.bytes bounds each record batch (the largest one a consumer must fetch).
          const maxBatchBytes = Number(topic!.configs['max.message.bytes'] ?? DEFAULT_MAX_MESSAGE_BYTES);
          for (const info of infos) {
            if (info.size > maxBatchBytes)
              throw new KafkaError(
                ErrorCode.MESSAGE_TOO_LARGE,
                `${where}: record batch of ${info.size} bytes is larger than max.message.bytes=${maxBatchBytes}`,
              );
          }
          res.logAppendTimeMs = BigInt(applyTimestampPolicy(topic!.effective, pd.records, infos, Date.now()));
          const check = ctx.broker.transactionalProduceCheck;
          if (check) {
            for (const info of infos) {
              if (!(info.attributes & ATTR_TRANSACTIONAL)) continue;
              const code = check(req.transactionalId, info.producerId, info.producerEpoch, td.name, pd.index);
              if (code !== ErrorCode.NONE)
                throw new KafkaError(code, `${where}: transactional batch refused`);
            }
          }
          const result = p.append(pd.records, infos);
          res.baseOffset = BigInt(result.baseOffset);
          res.logStartOffset = BigInt(p.logStartOffset);
          if (acks !== 0) {
            const w = { res, done: false, promise: Promise.resolve() };
            const durable = acks === -1 ? p.whenDurable(result.lastOffset) : p.whenWritten(result.lastOffset);
            w.promise = durable.then(() => {
              w.done = true;
            });
            waits.push(w);
          }
        } catch (err) {
          res.errorCode = errorCodeOf(err, ctx, where);
          res.errorMessage = errorMessageOf(err);
          res.logAppendTimeMs = -1n;
          if (err instanceof InvalidTimestampError) res.recordErrors = err.recordErrors;
          if (res.errorCode === ErrorCode.CORRUPT_MESSAGE || res.errorCode === ErrorCode.INVALID_RECORD) {
            ctx.broker.logger.warn(
              { peer: ctx.peer, where, err: res.errorMessage },
              'rejected produce batch',
            );
          }
        }
      }
    }
    if (acks === 0) return null;
    // Kafka answers REQUEST_TIMED_OUT for partitions not durable within the request's timeout (a
    // stalled disk); the records may still be stored, exactly as with Kafka. A timeout of 0 or
    // less is taken as "no limit" (a lone leader would have answered at once).
    const all = Promise.all(waits.map((w) => w.promise));
    if (req.timeoutMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, req.timeoutMs);
      });
      await Promise.race([all, timeout]);
      clearTimeout(timer);
    } else {
      await all;
    }
    for (const w of waits) {
      if (!w.done) {
        w.res.errorCode = ErrorCode.REQUEST_TIMED_OUT;
        w.res.errorMessage = `not durable within ${req.timeoutMs} ms`;
      }
    }
    return { responses, throttleTimeMs: 0 };
  },
};
