import { ADMIN_USER, type UserCredential } from '@meterstream/security';
import cassandra from 'cassandra-driver';
import kafkajs, {
  type AclEntry,
  type AclOperationTypes,
  type AclResourceTypes,
  Kafka,
  logLevel,
} from 'kafkajs';

// kafkajs is CommonJS and its spread of error classes hides these from Node's named-export scan.
const { AclOperationTypes: Op, AclPermissionTypes, AclResourceTypes: Res, ResourcePatternTypes } = kafkajs;

/**
 * What each application role may do on the secured local stack (`meterstream up --secure`). The
 * admin user is the broker's super user and the CQL superuser; every other role gets only what its
 * commands need (README "Security"): no role but admin may alter ACLs, SCRAM users, cluster
 * configs or CQL roles.
 */
type Grant = [resource: AclResourceTypes, name: string, operations: AclOperationTypes[]];

const ALL_TOPICS_READ: Grant[] = [
  [Res.TOPIC, '*', [Op.READ, Op.DESCRIBE, Op.DESCRIBE_CONFIGS]],
  [Res.GROUP, '*', [Op.READ, Op.DESCRIBE]],
  [Res.CLUSTER, 'kafka-cluster', [Op.DESCRIBE]],
];

/** Stream processors: read, write and create topics, consumer groups, transactions (exactly-once). */
const PROCESSOR: Grant[] = [
  [Res.TOPIC, '*', [Op.READ, Op.WRITE, Op.CREATE, Op.DESCRIBE, Op.DESCRIBE_CONFIGS, Op.DELETE]],
  [Res.GROUP, '*', [Op.READ, Op.DESCRIBE, Op.DELETE]],
  [Res.TRANSACTIONAL_ID, '*', [Op.WRITE, Op.DESCRIBE]],
  [Res.CLUSTER, 'kafka-cluster', [Op.IDEMPOTENT_WRITE, Op.CREATE, Op.DESCRIBE, Op.DESCRIBE_CONFIGS]],
];

/** Kafka ACLs per role (literal `*`: every topic/group, Kafka's wildcard). */
export const KAFKA_GRANTS: Record<string, Grant[]> = {
  // the publisher writes and creates topics, reads nothing
  replay: [
    [Res.TOPIC, '*', [Op.WRITE, Op.CREATE, Op.DESCRIBE]],
    [Res.CLUSTER, 'kafka-cluster', [Op.IDEMPOTENT_WRITE, Op.DESCRIBE]],
  ],
  aggregator: PROCESSOR,
  writer: PROCESSOR,
  sink: PROCESSOR,
  batch: PROCESSOR,
  ksql: PROCESSOR,
  // the serving layer and verify only read
  serving: ALL_TOPICS_READ,
};

/** CQL permissions per role on ALL KEYSPACES (CREATE/ALTER: the apps run the IF NOT EXISTS migrations). */
export const CQL_GRANTS: Record<string, string[]> = {
  writer: ['CREATE', 'ALTER', 'SELECT', 'MODIFY'],
  batch: ['CREATE', 'ALTER', 'SELECT', 'MODIFY'],
  serving: ['CREATE', 'ALTER', 'SELECT'],
};

/** Creates the ACLs of every role, as admin over the secured listener (Kafka deduplicates bindings). */
export async function applyKafkaAcls(
  bootstrap: string,
  users: readonly UserCredential[],
  caCert: string,
): Promise<void> {
  const admin = users.find((u) => u.username === ADMIN_USER);
  if (!admin) throw new Error('the security bundle has no admin user');
  const acl: AclEntry[] = [];
  for (const user of users) {
    for (const [resourceType, resourceName, operations] of KAFKA_GRANTS[user.username] ?? []) {
      for (const operation of operations) {
        acl.push({
          resourceType,
          resourceName,
          resourcePatternType: ResourcePatternTypes.LITERAL,
          principal: `User:${user.username}`,
          host: '*',
          operation,
          permissionType: AclPermissionTypes.ALLOW,
        });
      }
    }
  }
  const kafka = new Kafka({
    brokers: [bootstrap],
    clientId: 'meterstream-up',
    logLevel: logLevel.NOTHING,
    ssl: { ca: [caCert], rejectUnauthorized: true },
    sasl: { mechanism: 'scram-sha-512', username: admin.username, password: admin.password },
  });
  const client = kafka.admin();
  await client.connect();
  try {
    await client.createAcls({ acl });
  } finally {
    await client.disconnect();
  }
}

/**
 * Creates (or sets the password of, after a rotation) every application role as the CQL superuser
 * and grants each what CQL_GRANTS lists. Passwords are base64url (no quote to escape); role
 * names are double-quoted (`batch` is a CQL keyword). Statements are not logged.
 */
export async function applyCqlRoles(
  contactPoint: string,
  users: readonly UserCredential[],
  caCert: string,
): Promise<void> {
  const admin = users.find((u) => u.username === ADMIN_USER);
  if (!admin) throw new Error('the security bundle has no admin user');
  const client = new cassandra.Client({
    contactPoints: [contactPoint],
    localDataCenter: 'datacenter1',
    authProvider: new cassandra.auth.PlainTextAuthProvider(admin.username, admin.password),
    sslOptions: { ca: [caCert], rejectUnauthorized: true },
  });
  try {
    for (const user of users) {
      if (user.username === ADMIN_USER) continue;
      const role = `"${user.username}"`;
      await client.execute(
        `CREATE ROLE IF NOT EXISTS ${role} WITH PASSWORD = '${user.password}' AND LOGIN = true`,
      );
      await client.execute(`ALTER ROLE ${role} WITH PASSWORD = '${user.password}'`);
      for (const permission of CQL_GRANTS[user.username] ?? []) {
        await client.execute(`GRANT ${permission} ON ALL KEYSPACES TO ${role}`);
      }
    }
  } finally {
    await client.shutdown();
  }
}
