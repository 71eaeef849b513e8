import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type {
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DeleteTopicsResponseDeletableTopicResult,
} from '../protocol/messages.generated.js';
import { errorCodeOf, errorMessageOf } from './errors.js';
import type { ApiHandler } from './handler.js';

/** DeleteTopics: by name (v0-5 `topicNames`, v6 `topics[].name`) or by id (v6). */
export const deleteTopics: ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: 20,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,
  async handle(req, ctx) {
    const { topics } = ctx.broker;
    const wanted =
      ctx.apiVersion >= 6 ? req.topics : req.topicNames.map((name) => ({ name, topicId: Buffer.alloc(16) }));
    const responses: DeleteTopicsResponseDeletableTopicResult[] = [];
    for (const w of wanted) {
      const topic = w.name !== null ? topics.get(w.name) : topics.list().find((t) => t.id.equals(w.topicId));
      const res: DeleteTopicsResponseDeletableTopicResult = {
        name: topic?.name ?? w.name,
        topicId: topic?.id ?? w.topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      };
      try {
        if (!topic) {
          throw new KafkaError(
            w.name === null ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            `topic ${w.name ?? w.topicId.toString('hex')} does not exist`,
          );
        }
        await topics.delete(topic.name);
      } catch (err) {
        res.errorCode = errorCodeOf(err, ctx, w.name ?? '?');
        res.errorMessage = errorMessageOf(err);
      }
      responses.push(res);
    }
    return { throttleTimeMs: 0, responses };
  },
};
