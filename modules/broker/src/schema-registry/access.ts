import type { AccessLevel } from '@meterstream/security';

/**
 * The access a Schema Registry request needs when Basic auth is on: reads and read-only POSTs
 * (a schema lookup, a compatibility check) need `read`; registering a version and setting a
 * subject's own compatibility need `write` (@kafkajs/confluent-schema-registry's `register` sets it
 * on a subject's first registration); deleting, the global config and mode need `admin` — the split
 * of Confluent's RBAC between a subject's readers, its writers and the cluster's operators.
 */
export function requiredAccess(method: string, segments: string[]): AccessLevel {
  if (method === 'GET' || method === 'HEAD') return 'read';
  if (method === 'POST' && segments[0] === 'compatibility') return 'read';
  if (method === 'POST' && segments[0] === 'subjects' && segments.length === 2) return 'read';
  if (method === 'POST' && segments[0] === 'subjects' && segments[2] === 'versions') return 'write';
  if (method === 'PUT' && segments[0] === 'config' && segments.length === 2) return 'write';
  return 'admin';
}

/** Confluent's error bodies for a refused request (40101 unauthenticated, 40301 forbidden). */
export function registryDenial(denied: { status: 401 | 403; username?: string }): {
  contentType: string;
  body: string;
} {
  const body =
    denied.status === 401
      ? { error_code: 40101, message: 'Unauthorized' }
      : { error_code: 40301, message: `User ${denied.username} is denied operations on this resource` };
  return { contentType: 'application/vnd.schemaregistry.v1+json', body: JSON.stringify(body) };
}
