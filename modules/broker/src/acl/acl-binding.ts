/**
 * ACL bindings as the Kafka protocol carries them (CreateAcls / DescribeAcls / DeleteAcls): the
 * enum codes of Kafka's ResourceType, PatternType, AclOperation and AclPermissionType, the checks
 * Kafka's controller applies to a new binding and to a filter, and filter matching with Kafka's
 * rules (a MATCH filter also finds the wildcard and prefixed bindings that cover a name).
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export const ResourceType = {
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
/** AclOperation: 2 ALL … 14 DESCRIBE_TOKENS; 0 UNKNOWN and 1 ANY are only meaningful in filters. */
export const Operation = { UNKNOWN: 0, ANY: 1, MAX: 14 } as const;
export const Permission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

const RESOURCE_NAMES = [
  'UNKNOWN',
  'ANY',
  'TOPIC',
  'GROUP',
  'CLUSTER',
  'TRANSACTIONAL_ID',
  'DELEGATION_TOKEN',
  'USER',
];
const PATTERN_NAMES = ['UNKNOWN', 'ANY', 'MATCH', 'LITERAL', 'PREFIXED'];
const OPERATION_NAMES = [
  'UNKNOWN',
  'ANY',
  'ALL',
  'READ',
  'WRITE',
  'CREATE',
  'DELETE',
  'ALTER',
  'DESCRIBE',
  'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'IDEMPOTENT_WRITE',
  'CREATE_TOKENS',
  'DESCRIBE_TOKENS',
];
const PERMISSION_NAMES = ['UNKNOWN', 'ANY', 'DENY', 'ALLOW'];
/** Kafka's wildcard resource name: a LITERAL binding on "*" covers every resource of its type. */
export const WILDCARD = '*';

/** One stored ACL: a resource pattern and an access control entry. */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** A DescribeAcls / DeleteAcls filter: null strings and ANY codes match everything. */
export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

/** Codes outside the enums decode as UNKNOWN in Kafka's clients and server. */
const known = (code: number, names: readonly string[]) => (code >= 0 && code < names.length ? code : 0);
const nameOf = (code: number, names: readonly string[]) => names[known(code, names)];

/** The checks of Kafka's controller (AclControlManager.validateNewAcl), with its messages. */
export function validateNewAcl(b: AclBinding): void {
  const resourceType = known(b.resourceType, RESOURCE_NAMES);
  if (resourceType === ResourceType.UNKNOWN || resourceType === ResourceType.ANY) {
    throw new KafkaError(
      ErrorCode.INVALID_REQUEST,
      `Invalid resourceType ${nameOf(resourceType, RESOURCE_NAMES)}`,
    );
  }
  const pattern = known(b.patternType, PATTERN_NAMES);
  if (pattern !== PatternType.LITERAL && pattern !== PatternType.PREFIXED) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Invalid patternType ${nameOf(pattern, PATTERN_NAMES)}`);
  }
  const operation = known(b.operation, OPERATION_NAMES);
  if (operation === Operation.UNKNOWN || operation === Operation.ANY) {
    throw new KafkaError(
      ErrorCode.INVALID_REQUEST,
      `Invalid operation ${nameOf(operation, OPERATION_NAMES)}`,
    );
  }
  const permission = known(b.permissionType, PERMISSION_NAMES);
  if (permission !== Permission.DENY && permission !== Permission.ALLOW) {
    throw new KafkaError(
      ErrorCode.INVALID_REQUEST,
      `Invalid permissionType ${nameOf(permission, PERMISSION_NAMES)}`,
    );
  }
  if (b.resourceName === '')
    throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Resource name should not be empty');
}

/** Kafka refuses filters with an UNKNOWN part (AclControlManager.validateFilter). */
export function validateFilter(f: AclFilter): void {
  if (known(f.resourceType, RESOURCE_NAMES) === 0 || known(f.patternType, PATTERN_NAMES) === 0) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Unknown patternFilter.');
  }
  if (known(f.operation, OPERATION_NAMES) === 0 || known(f.permissionType, PERMISSION_NAMES) === 0) {
    throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Unknown entryFilter.');
  }
}

/** Kafka's ResourcePatternFilter.matches and AccessControlEntryFilter.matches together. */
export function filterMatches(f: AclFilter, b: AclBinding): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== b.resourceType) return false;
  if (
    f.patternType !== PatternType.ANY &&
    f.patternType !== PatternType.MATCH &&
    f.patternType !== b.patternType
  ) {
    return false;
  }
  if (f.resourceName !== null) {
    if (f.patternType === PatternType.ANY || f.patternType === b.patternType) {
      if (f.resourceName !== b.resourceName) return false;
    } else if (b.patternType === PatternType.LITERAL) {
      // MATCH: the literal binding on this name, or the wildcard binding
      if (f.resourceName !== b.resourceName && b.resourceName !== WILDCARD) return false;
    } else if (!f.resourceName.startsWith(b.resourceName)) return false;
  }
  if (f.principal !== null && f.principal !== b.principal) return false;
  if (f.host !== null && f.host !== b.host) return false;
  if (f.operation !== Operation.ANY && f.operation !== b.operation) return false;
  return f.permissionType === Permission.ANY || f.permissionType === b.permissionType;
}

/** Identity of a binding (Kafka stores each distinct binding once). */
export const bindingKey = (b: AclBinding): string =>
  JSON.stringify([
    b.resourceType,
    b.resourceName,
    b.patternType,
    b.principal,
    b.host,
    b.operation,
    b.permissionType,
  ]);
