/**
 * Runs a request through the authorizer before (and, for ListGroups, after) its handler, as
 * Kafka's KafkaApis does: a whole-request check that fails answers the request with its error
 * (every error code of the response set, built from the request like error-response.ts does);
 * items of a list (topics, config resources) that are denied are answered with their error and
 * taken out of the request the handler sees, the others are served as usual. Only used when the
 * authorizer is on (Broker.dispatch).
 */
import type { ApiHandler, HandlerResult, RequestContext } from '../apis/handler.js';
import { errorResponseFor } from '../protocol/error-response.js';
import { ErrorCode } from '../protocol/errors.js';
import { API_SCHEMAS } from '../protocol/messages.generated.js';
import { API_ACL_RULES, type Check } from './api-acl-rules.js';
import { allowedOnSomeResource, type Authorizer, CLUSTER_NAME, Op, Res } from './authorizer.js';

type Obj = Record<string, unknown>;

const LIST_GROUPS = 16;
const OFFSET_FETCH = 9;
const DELETE_TOPICS = 20;
const DESCRIBE_GROUPS = 15;
const DELETE_GROUPS = 42;
const FETCH = 1;
const PRODUCE = 0;

function allowed(a: Authorizer, ctx: RequestContext, c: Check): boolean {
  const { principal, host } = ctx.session;
  if (a.authorize(principal, host, c.type, c.name, c.op)) return true;
  if (c.orCluster !== undefined && a.authorize(principal, host, Res.CLUSTER, CLUSTER_NAME, c.orCluster))
    return true;
  if (c.orAnyTopic !== undefined) {
    return allowedOnSomeResource(a.acls, a.superUsers, principal, host, Res.TOPIC, c.orAnyTopic);
  }
  return false;
}

function denied(ctx: RequestContext, handler: ApiHandler, what: Check): void {
  ctx.broker.metrics.authorizationDenied.inc({ api: handler.name });
  ctx.broker.logger.debug(
    { peer: ctx.peer, principal: ctx.session.principal, api: handler.name, resource: what.name, op: what.op },
    'request denied by the authorizer',
  );
}

/** The request answered with `code` everywhere (null for a Produce with acks=0). */
function errorAnswer(ctx: RequestContext, request: object, code: number): object | null {
  if (ctx.apiKey === PRODUCE && (request as { acks?: number }).acks === 0) return null;
  const s = API_SCHEMAS[ctx.apiKey];
  const answer = errorResponseFor(s.request, s.response, ctx.apiVersion, request, code);
  if (!answer) throw new Error(`${ctx.apiKey}: no error code to place in the response`);
  return answer;
}

export function authorizedHandle(
  a: Authorizer,
  handler: ApiHandler,
  request: object,
  ctx: RequestContext,
): HandlerResult<object> {
  if (ctx.apiKey === LIST_GROUPS) return filterListGroups(a, handler, request, ctx);
  const nameList = NAME_LISTS[ctx.apiKey];
  if (nameList && (ctx.apiKey !== DELETE_TOPICS || ctx.apiVersion < 6)) {
    return byNameList(a, nameList, handler, request, ctx);
  }
  if (ctx.apiKey === OFFSET_FETCH) {
    const served = checkedHandle(a, handler, request, ctx);
    const filter = (res: object | null) => hideUndescribedOffsets(a, ctx, request as Obj, res);
    return served instanceof Promise ? served.then(filter) : filter(served);
  }
  return checkedHandle(a, handler, request, ctx);
}

/** The whole-request checks, then the per-item ones, of the API's rule. */
function checkedHandle(
  a: Authorizer,
  handler: ApiHandler,
  request: object,
  ctx: RequestContext,
): HandlerResult<object> {
  const rule = API_ACL_RULES[ctx.apiKey];
  if (!rule) return handler.handle(request, ctx);
  const req = request as Obj;
  for (const c of rule.whole?.(req, ctx.apiVersion) ?? []) {
    if (!allowed(a, ctx, c)) {
      denied(ctx, handler, c);
      return errorAnswer(ctx, request, c.code);
    }
  }
  if (!rule.items) return handler.handle(request, ctx);
  const items = (req[rule.items.list] as Obj[] | null | undefined) ?? [];
  const kept: Obj[] = [];
  const refused = new Map<number, Obj[]>();
  for (const item of items) {
    const c = rule.items.check(ctx.apiKey === FETCH ? withTopicName(ctx, item) : item, ctx.apiVersion);
    if (c === null || allowed(a, ctx, c)) {
      kept.push(item);
    } else {
      denied(ctx, handler, c);
      refused.set(c.code, [...(refused.get(c.code) ?? []), item]);
    }
  }
  if (refused.size === 0) return handler.handle(request, ctx);
  const answers = [...refused].map(([code, list]) =>
    ctx.apiKey === OFFSET_FETCH && ctx.apiVersion < 8
      ? { topics: list.map((t) => deniedOffsetFetchTopic(t, code)) }
      : errorAnswer(ctx, { ...req, [rule.items!.list]: list }, code),
  );
  if (kept.length === 0) return merge(ctx, null, answers);
  const served = handler.handle({ ...req, [rule.items.list]: kept }, ctx);
  return served instanceof Promise
    ? served.then((res) => merge(ctx, res, answers))
    : merge(ctx, served, answers);
}

/** Fetch v13+ names topics by id: the name is what ACLs speak of. */
function withTopicName(ctx: RequestContext, item: Obj): Obj {
  if (ctx.apiVersion < 13) return item;
  const id = item.topicId as Buffer;
  const t = ctx.broker.topics.list().find((x) => x.id.equals(id));
  return { ...item, topic: t?.name ?? null };
}

/**
 * Adds the denied items' answers to the handler's: each list of the response gets the error
 * entries appended; top-level error codes stay the handler's (NONE when nothing was served).
 */
function merge(ctx: RequestContext, served: object | null, answers: (object | null)[]): object | null {
  if (answers.some((x) => x === null)) return served;
  const schema = API_SCHEMAS[ctx.apiKey].response;
  const out: Obj = served ? { ...(served as Obj) } : { ...(answers[0] as Obj) };
  if (!served && 'errorCode' in out) out.errorCode = ErrorCode.NONE;
  for (const f of schema.fields) {
    if (f.t !== '[]struct') continue;
    const base = served ? ((out[f.n] as Obj[] | undefined) ?? []) : [];
    out[f.n] = [...base, ...answers.flatMap((x) => ((x as Obj)[f.n] as Obj[] | undefined) ?? [])];
  }
  return out;
}

/** OffsetFetch names partitions by index (not a list of structs to mirror): each gets the error. */
function deniedOffsetFetchTopic(t: Obj, code: number): Obj {
  return {
    name: t.name,
    partitions: ((t.partitionIndexes as number[]) ?? []).map((partitionIndex) => ({
      partitionIndex,
      committedOffset: -1n,
      committedLeaderEpoch: -1,
      metadata: null,
      errorCode: code,
    })),
  };
}

/**
 * OffsetFetch of all topics (a null topic list, per group from v8): the answer leaves out the
 * topics the principal may not DESCRIBE, as Kafka's does.
 */
function hideUndescribedOffsets(
  a: Authorizer,
  ctx: RequestContext,
  req: Obj,
  res: object | null,
): object | null {
  if (!res) return res;
  const { principal, host } = ctx.session;
  const visible = (topics: { name?: string }[] | undefined) =>
    (topics ?? []).filter((t) => a.authorize(principal, host, Res.TOPIC, t.name ?? '', Op.DESCRIBE));
  const r = res as {
    topics?: { name?: string }[];
    groups?: { groupId?: string; topics?: { name?: string }[] }[];
  };
  if (ctx.apiVersion < 8) return req.topics === null ? { ...r, topics: visible(r.topics) } : r;
  const asked = new Map(
    ((req.groups as { groupId: string; topics: unknown }[]) ?? []).map((g) => [g.groupId, g.topics]),
  );
  return {
    ...r,
    groups: (r.groups ?? []).map((g) =>
      asked.get(g.groupId ?? '') === null ? { ...g, topics: visible(g.topics) } : g,
    ),
  };
}

/** ListGroups: all groups with DESCRIBE on the cluster, else those the principal may describe. */
function filterListGroups(a: Authorizer, handler: ApiHandler, request: object, ctx: RequestContext) {
  const { principal, host } = ctx.session;
  if (a.authorize(principal, host, Res.CLUSTER, CLUSTER_NAME, Op.DESCRIBE))
    return handler.handle(request, ctx);
  const filter = (res: object | null) => {
    if (!res) return res;
    const r = res as { groups: { groupId: string }[] };
    return {
      ...r,
      groups: r.groups.filter((g) => a.authorize(principal, host, Res.GROUP, g.groupId, Op.DESCRIBE)),
    };
  };
  const served = handler.handle(request, ctx);
  return served instanceof Promise ? served.then(filter) : filter(served);
}

/**
 * Requests that list resources by plain name (DeleteTopics v0–5, DescribeGroups, DeleteGroups):
 * the handler sees the names allowed; each denied one gets its own entry in the answer's list.
 */
interface NameListRule {
  names: string;
  results: string;
  type: number;
  op: number;
  code: number;
  entry: (name: string, code: number) => Obj;
}

const NAME_LISTS: Readonly<Record<number, NameListRule>> = {
  [DELETE_TOPICS]: {
    names: 'topicNames',
    results: 'responses',
    type: Res.TOPIC,
    op: Op.DELETE,
    code: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    entry: (name, errorCode) => ({ name, errorCode, errorMessage: null }),
  },
  [DESCRIBE_GROUPS]: {
    names: 'groups',
    results: 'groups',
    type: Res.GROUP,
    op: Op.DESCRIBE,
    code: ErrorCode.GROUP_AUTHORIZATION_FAILED,
    entry: (groupId, errorCode) => ({
      errorCode,
      groupId,
      groupState: '',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: -2147483648,
    }),
  },
  [DELETE_GROUPS]: {
    names: 'groupsNames',
    results: 'results',
    type: Res.GROUP,
    op: Op.DELETE,
    code: ErrorCode.GROUP_AUTHORIZATION_FAILED,
    entry: (groupId, errorCode) => ({ groupId, errorCode }),
  },
};

function byNameList(
  a: Authorizer,
  rule: NameListRule,
  handler: ApiHandler,
  request: object,
  ctx: RequestContext,
) {
  const req = request as Obj;
  const names = (req[rule.names] as string[]) ?? [];
  const { principal, host } = ctx.session;
  const ok = names.filter((n) => a.authorize(principal, host, rule.type, n, rule.op));
  if (ok.length === names.length) return handler.handle(request, ctx);
  const refused = names.filter((n) => !ok.includes(n));
  for (const name of refused) denied(ctx, handler, { type: rule.type, name, op: rule.op, code: rule.code });
  const add = (res: object | null) => {
    const r = (res ?? { throttleTimeMs: 0, [rule.results]: [] }) as Obj;
    return {
      ...r,
      [rule.results]: [...(r[rule.results] as Obj[]), ...refused.map((n) => rule.entry(n, rule.code))],
    };
  };
  if (ok.length === 0) return add(null);
  const served = handler.handle({ ...req, [rule.names]: ok }, ctx);
  return served instanceof Promise ? served.then(add) : add(served);
}
