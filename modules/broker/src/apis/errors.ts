import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { RequestContext } from './handler.js';

/** The protocol error code for an error caught while handling one topic/partition/resource. */
export function errorCodeOf(err: unknown, ctx: RequestContext, where: string): number {
  if (err instanceof KafkaError) {
    ctx.broker.logger.debug({ peer: ctx.peer, where, code: err.code, msg: err.message }, 'request error');
    return err.code;
  }
  ctx.broker.logger.error({ err, peer: ctx.peer, where }, 'unexpected error in handler');
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

export const errorMessageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
