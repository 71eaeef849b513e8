import type { FindCoordinatorRequest, FindCoordinatorResponse } from '../protocol/messages.generated.js';
import { ErrorCode } from '../protocol/errors.js';
import type { ApiHandler } from './handler.js';

const KEY_TYPES = new Set([0, 1]); // 0 = consumer group, 1 = transactional id

/**
 * FindCoordinator: this single broker coordinates every group and every transactional id.
 * v0–v3 ask for one key; v4 asks for several at once (coordinatorKeys).
 */
export const findCoordinator: ApiHandler<FindCoordinatorRequest, FindCoordinatorResponse> = {
  apiKey: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const { broker } = ctx;
    const answer = (key: string) => {
      const ok = KEY_TYPES.has(req.keyType) && key.length > 0;
      return {
        key,
        errorCode: ok ? ErrorCode.NONE : ErrorCode.INVALID_REQUEST,
        errorMessage: ok ? null : `invalid coordinator key ${JSON.stringify(key)} of type ${req.keyType}`,
        nodeId: ok ? broker.nodeId : -1,
        host: ok ? broker.advertisedHost : '',
        port: ok ? broker.advertisedPort : -1,
      };
    };
    if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, coordinators: req.coordinatorKeys.map(answer) };
    const one = answer(req.key);
    return {
      throttleTimeMs: 0,
      errorCode: one.errorCode,
      errorMessage: one.errorMessage,
      nodeId: one.nodeId,
      host: one.host,
      port: one.port,
    };
  },
};
