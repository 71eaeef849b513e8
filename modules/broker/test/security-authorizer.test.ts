import { describe, expect, it } from 'vitest';
import { type AclBinding, PatternType, Permission } from '../src/acl/acl-binding.js';
import { type AclSource, Authorizer, CLUSTER_NAME, Op, Res } from '../src/security/authorizer.js';

/** An in-memory ACL source whose version the test bumps, as AclStore does on every change. */
class Acls implements AclSource {
  version = 0;
  readonly list: AclBinding[] = [];
  all() {
    return this.list;
  }
  add(b: Partial<AclBinding> & Pick<AclBinding, 'resourceName' | 'operation' | 'permissionType'>) {
    this.list.push({
      resourceType: Res.TOPIC,
      patternType: PatternType.LITERAL,
      principal: 'User:alice',
      host: '*',
      ...b,
    });
    this.version++;
  }
}

const HOST = '127.0.0.1';
const ALLOW = Permission.ALLOW;
const DENY = Permission.DENY;

describe('ACL authorizer (Kafka semantics)', () => {
  it('a LITERAL binding covers its name only, a PREFIXED one every name starting with it', () => {
    const acls = new Acls();
    acls.add({ resourceName: 'orders', operation: Op.READ, permissionType: ALLOW });
    acls.add({
      resourceName: 'metrics-',
      patternType: PatternType.PREFIXED,
      operation: Op.WRITE,
      permissionType: ALLOW,
    });
    const a = new Authorizer(acls, new Set(), false);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'orders', Op.READ)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'orders-eu', Op.READ)).toBe(false);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'metrics-60', Op.WRITE)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'metrics', Op.WRITE)).toBe(false);
    // another principal gets nothing from alice's bindings
    expect(a.authorize('User:bob', HOST, Res.TOPIC, 'orders', Op.READ)).toBe(false);
  });

  it('DENY wins over ALLOW, also over a wildcard or prefixed ALLOW', () => {
    const acls = new Acls();
    acls.add({ resourceName: '*', operation: Op.ALL, permissionType: ALLOW });
    acls.add({
      resourceName: 'secret',
      patternType: PatternType.PREFIXED,
      operation: Op.READ,
      permissionType: DENY,
    });
    const a = new Authorizer(acls, new Set(), false);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'public', Op.READ)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'secret-plans', Op.READ)).toBe(false);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'secret-plans', Op.WRITE)).toBe(true);
  });

  it('READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS; a DENY READ does not deny DESCRIBE', () => {
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER]) {
      const acls = new Acls();
      acls.add({ resourceName: 't', operation: op, permissionType: ALLOW });
      const a = new Authorizer(acls, new Set(), false);
      expect(a.authorize('User:alice', HOST, Res.TOPIC, 't', Op.DESCRIBE), `op ${op}`).toBe(true);
      expect(a.authorize('User:alice', HOST, Res.TOPIC, 't', Op.CREATE), `op ${op}`).toBe(false);
    }
    const acls = new Acls();
    acls.add({ resourceName: 't', operation: Op.ALTER_CONFIGS, permissionType: ALLOW });
    acls.add({ resourceName: 'u', operation: Op.DESCRIBE, permissionType: ALLOW });
    acls.add({ resourceName: 'u', operation: Op.READ, permissionType: DENY });
    const a = new Authorizer(acls, new Set(), false);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 't', Op.DESCRIBE_CONFIGS)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 't', Op.DESCRIBE)).toBe(false);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'u', Op.DESCRIBE)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'u', Op.READ)).toBe(false);
    // DESCRIBE alone does not imply READ
    acls.add({ resourceName: 'v', operation: Op.DESCRIBE, permissionType: ALLOW });
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'v', Op.READ)).toBe(false);
  });

  it('super users pass every check, DENY bindings included', () => {
    const acls = new Acls();
    acls.add({ principal: 'User:admin', resourceName: '*', operation: Op.ALL, permissionType: DENY });
    const a = new Authorizer(acls, new Set(['User:admin']), false);
    expect(a.authorize('User:admin', HOST, Res.TOPIC, 'anything', Op.DELETE)).toBe(true);
    expect(a.authorize('User:admin', HOST, Res.CLUSTER, CLUSTER_NAME, Op.ALTER)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.CLUSTER, CLUSTER_NAME, Op.ALTER)).toBe(false);
  });

  it('no binding for the resource: denied, unless allow.everyone.if.no.acl.found', () => {
    const acls = new Acls();
    acls.add({ resourceName: 'guarded', operation: Op.READ, permissionType: ALLOW });
    const strict = new Authorizer(acls, new Set(), false);
    const open = new Authorizer(acls, new Set(), true);
    expect(strict.authorize('User:bob', HOST, Res.TOPIC, 'free', Op.READ)).toBe(false);
    expect(open.authorize('User:bob', HOST, Res.TOPIC, 'free', Op.READ)).toBe(true);
    // a resource some binding names stays closed to others, whatever the flag
    expect(open.authorize('User:bob', HOST, Res.TOPIC, 'guarded', Op.READ)).toBe(false);
  });

  it('User:* and host bindings match as Kafka matches them; resource types do not mix', () => {
    const acls = new Acls();
    acls.add({ principal: 'User:*', resourceName: 'shared', operation: Op.READ, permissionType: ALLOW });
    acls.add({ resourceName: 'local', operation: Op.READ, permissionType: ALLOW, host: '10.0.0.1' });
    acls.add({ resourceType: Res.GROUP, resourceName: 'g', operation: Op.READ, permissionType: ALLOW });
    const a = new Authorizer(acls, new Set(), false);
    expect(a.authorize('User:bob', HOST, Res.TOPIC, 'shared', Op.READ)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'local', Op.READ)).toBe(false);
    expect(a.authorize('User:alice', '10.0.0.1', Res.TOPIC, 'local', Op.READ)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.GROUP, 'g', Op.READ)).toBe(true);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 'g', Op.READ)).toBe(false);
  });

  it('a cached decision is dropped when the ACLs change', () => {
    const acls = new Acls();
    acls.add({ resourceName: 'other', operation: Op.READ, permissionType: ALLOW });
    const a = new Authorizer(acls, new Set(), false);
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 't', Op.READ)).toBe(false);
    acls.add({ resourceName: 't', operation: Op.READ, permissionType: ALLOW });
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 't', Op.READ)).toBe(true);
    acls.add({ resourceName: 't', operation: Op.READ, permissionType: DENY });
    expect(a.authorize('User:alice', HOST, Res.TOPIC, 't', Op.READ)).toBe(false);
  });
});
