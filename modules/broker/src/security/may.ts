/**
 * Authorization questions handlers ask themselves (where a decision changes what they do rather
 * than what they answer). Each is true when the authorizer is off, after one property read.
 */
import type { RequestContext } from '../apis/handler.js';
import { CLUSTER_NAME, Op, Res } from './authorizer.js';

/** May the request's principal do `op` on the cluster? */
export function mayOnCluster(ctx: RequestContext, op: number): boolean {
  const a = ctx.broker.authorizer;
  return (
    a === undefined || a.authorize(ctx.session.principal, ctx.session.host, Res.CLUSTER, CLUSTER_NAME, op)
  );
}

/** May the request's principal do `op` on the topic? */
export function mayOnTopic(ctx: RequestContext, topic: string, op: number): boolean {
  const a = ctx.broker.authorizer;
  return a === undefined || a.authorize(ctx.session.principal, ctx.session.host, Res.TOPIC, topic, op);
}

/** May a request of this principal create the topic (auto-creation): CREATE on it or the cluster. */
export function mayCreateTopic(ctx: RequestContext, topic: string): boolean {
  return (
    ctx.broker.authorizer === undefined || mayOnTopic(ctx, topic, Op.CREATE) || mayOnCluster(ctx, Op.CREATE)
  );
}
