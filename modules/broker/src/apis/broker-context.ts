/**
 * What a request handler may use of the broker: its configuration and identity, the topics, and
 * the coordinators through the narrow interfaces they serve requests with. The Broker implements
 * it; handlers never import the Broker class, which imports every handler (apis/index.ts) — so the
 * handlers, the coordinators and the broker core do not form one import cycle.
 */
import type { Logger } from 'pino';
import type { AclStore } from '../acl/acl-store.js';
import type { BrokerConfig } from '../config.js';
import type { GroupCoordinatorApi } from '../group/coordinator-api.js';
import type { TopicManager } from '../log/topic-manager.js';
import type { Authorizer } from '../security/authorizer.js';
import type { CredentialStore } from '../security/credential-store.js';
import type { TransactionCoordinatorApi } from '../txn/coordinator-api.js';
import type { BrokerMetrics } from '../metrics.js';

/** An API key and the versions served (what ApiVersions advertises). */
export interface ApiVersionRange {
  readonly apiKey: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
}

/** What CreateAcls, DescribeAcls and DeleteAcls use of the ACL store. */
export type AclStoreApi = Pick<AclStore, 'create' | 'describe' | 'delete'>;

/**
 * Check run by Produce for every transactional batch before it is appended; returns a protocol
 * error code (0 = fine).
 */
export type TransactionalProduceCheck = (
  transactionalId: string | null,
  producerId: bigint,
  producerEpoch: number,
  topic: string,
  partition: number,
) => number;

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  readonly nodeId: number;
  readonly clusterId: string;
  /** Host and port clients are told to connect to (Metadata, FindCoordinator). */
  readonly advertisedHost: string;
  readonly advertisedPort: number;
  readonly isClosed: boolean;
  readonly topics: TopicManager;
  /** The APIs served, by key. */
  readonly handlers: ReadonlyMap<number, ApiVersionRange>;
  /** Throws COORDINATOR_NOT_AVAILABLE until the group coordinator has started. */
  readonly groups: GroupCoordinatorApi;
  /** Throws COORDINATOR_NOT_AVAILABLE until the transaction coordinator has started. */
  readonly transactions: TransactionCoordinatorApi;
  /** Throws UNKNOWN_SERVER_ERROR until the ACL store is loaded. */
  readonly acls: AclStoreApi;
  readonly metrics: BrokerMetrics;
  /** The users' SCRAM credentials (SASL, Describe/AlterUserScramCredentials). */
  readonly credentials: CredentialStore;
  /** Set when `authorizer: 'acl'`: every request is checked against the ACLs. */
  readonly authorizer: Authorizer | undefined;
  /** Installed by the transaction coordinator; undefined lets every transactional batch in. */
  readonly transactionalProduceCheck: TransactionalProduceCheck | undefined;
}
