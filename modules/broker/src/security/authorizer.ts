/**
 * Kafka's ACL authorizer semantics (StandardAuthorizer): a request by `principal` from `host` may
 * perform `operation` on a resource when
 * - the principal is a super user, or
 * - no DENY binding matching it covers the operation (DENY wins), and an ALLOW binding does —
 *   where ALL covers every operation, and DESCRIBE is implied by READ, WRITE, DELETE and ALTER,
 *   DESCRIBE_CONFIGS by ALTER_CONFIGS (allow side only: a DENY READ does not deny DESCRIBE), or
 * - no binding at all names the resource and `allow.everyone.if.no.acl.found` is set.
 * A binding matches the resource when it is LITERAL with the same name or the wildcard "*", or
 * PREFIXED with a prefix of the name; the principal when equal or "User:*"; the host when equal
 * or "*".
 * Decisions are cached per (principal, host, resource, operation) and dropped whenever the ACLs
 * change, so a steady producer pays one map lookup per topic per request.
 */
import { type AclBinding, Permission, PatternType, WILDCARD } from '../acl/acl-binding.js';

export const Op = {
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
} as const;

export const Res = { TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5 } as const;
/** Kafka's name of the one cluster resource. */
export const CLUSTER_NAME = 'kafka-cluster';

/** Operations whose ALLOW also allows the key. */
const IMPLIED_BY: Readonly<Record<number, readonly number[]>> = {
  [Op.DESCRIBE]: [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER],
  [Op.DESCRIBE_CONFIGS]: [Op.ALTER_CONFIGS],
};

export interface AclSource {
  /** Every binding, and a number that changes whenever they do. */
  all(): Iterable<AclBinding>;
  readonly version: number;
}

const CACHE_LIMIT = 100_000;

export class Authorizer {
  private readonly cache = new Map<string, boolean>();
  private cachedVersion = -1;

  constructor(
    readonly acls: AclSource,
    readonly superUsers: ReadonlySet<string>,
    private readonly allowEveryoneIfNoAclFound: boolean,
  ) {}

  authorize(principal: string, host: string, resourceType: number, name: string, operation: number): boolean {
    if (this.superUsers.has(principal)) return true;
    if (this.cachedVersion !== this.acls.version) {
      this.cache.clear();
      this.cachedVersion = this.acls.version;
    }
    const key = `${principal}\0${host}\0${resourceType}\0${operation}\0${name}`;
    let decision = this.cache.get(key);
    if (decision === undefined) {
      decision = this.decide(principal, host, resourceType, name, operation);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(key, decision);
    }
    return decision;
  }

  private decide(
    principal: string,
    host: string,
    resourceType: number,
    name: string,
    operation: number,
  ): boolean {
    let anyForResource = false;
    let allowed = false;
    const implied = IMPLIED_BY[operation];
    for (const b of this.acls.all()) {
      if (b.resourceType !== resourceType || !resourceMatches(b, name)) continue;
      anyForResource = true;
      if (b.principal !== principal && b.principal !== 'User:*') continue;
      if (b.host !== host && b.host !== '*') continue;
      if (b.permissionType === Permission.DENY) {
        if (b.operation === operation || b.operation === Op.ALL) return false;
      } else if (b.permissionType === Permission.ALLOW) {
        if (b.operation === operation || b.operation === Op.ALL || implied?.includes(b.operation))
          allowed = true;
      }
    }
    return anyForResource ? allowed : this.allowEveryoneIfNoAclFound;
  }
}

function resourceMatches(b: AclBinding, name: string): boolean {
  if (b.patternType === PatternType.LITERAL) return b.resourceName === name || b.resourceName === WILDCARD;
  if (b.patternType === PatternType.PREFIXED) return name.startsWith(b.resourceName);
  return false;
}

/**
 * Kafka's authorizeByResourceType: may the principal do `operation` on at least one resource of
 * the type (InitProducerId without a transactional id accepts WRITE on any topic in place of
 * IDEMPOTENT_WRITE on the cluster)? True when an ALLOW binding for it exists that no DENY with
 * the same pattern cancels.
 */
export function allowedOnSomeResource(
  acls: AclSource,
  superUsers: ReadonlySet<string>,
  principal: string,
  host: string,
  resourceType: number,
  operation: number,
): boolean {
  if (superUsers.has(principal)) return true;
  const applies = (b: AclBinding) =>
    b.resourceType === resourceType &&
    (b.principal === principal || b.principal === 'User:*') &&
    (b.host === host || b.host === '*') &&
    (b.operation === operation || b.operation === Op.ALL);
  const bindings = [...acls.all()].filter(applies);
  const denied = bindings.filter((b) => b.permissionType === Permission.DENY);
  return bindings.some(
    (b) =>
      b.permissionType === Permission.ALLOW &&
      !denied.some(
        (d) =>
          (d.patternType === PatternType.LITERAL && d.resourceName === WILDCARD) ||
          (d.patternType === PatternType.PREFIXED && b.resourceName.startsWith(d.resourceName)) ||
          (d.patternType === b.patternType && d.resourceName === b.resourceName),
      ),
  );
}
