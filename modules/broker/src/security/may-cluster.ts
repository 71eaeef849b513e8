import type { RequestContext } from '../apis/handler.js';
import { CLUSTER_NAME, Res } from './authorizer.js';

/** May the request's principal do `op` on the cluster? Always, when the authorizer is off. */
export function mayOnCluster(ctx: RequestContext, op: number): boolean {
  const a = ctx.broker.authorizer;
  return (
    a === undefined || a.authorize(ctx.session.principal, ctx.session.host, Res.CLUSTER, CLUSTER_NAME, op)
  );
}
