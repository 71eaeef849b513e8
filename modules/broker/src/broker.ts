/**
 * The broker core: the one object that owns all broker state (topics and their partition logs,
 * registered API handlers, metrics, configuration). Connections only frame and decode requests
 * and hand them to `dispatch`; all state changes happen on the Node event loop, so handlers never
 * need locks — but they must not await between reading and mutating shared state.
 */
import { join } from 'node:path';
import { type DirectoryLock, lockDirectory } from '@meterstream/dir-lock';
import type { Logger } from 'pino';
import { AclStore } from './acl/acl-store.js';
import type { BrokerContext, TransactionalProduceCheck } from './apis/broker-context.js';
import type { ApiHandler, RequestContext } from './apis/handler.js';
import { HANDLERS, SECURITY_HANDLERS } from './apis/index.js';
import { type BrokerConfig, resolveConfig, type BrokerOptions } from './config.js';
import { startGroupCoordinator } from './group/component.js';
import type { GroupCoordinator } from './group/coordinator.js';
import { TopicManager } from './log/topic-manager.js';
import { BrokerMetrics } from './metrics.js';
import { ErrorCode, KafkaError } from './protocol/errors.js';
import { Authorizer } from './security/authorizer.js';
import { authorizedHandle } from './security/request-authorization.js';
import { CredentialStore } from './security/credential-store.js';
import { bootstrapUsers, readUsersFile } from './security/users-file.js';
import { startTransactionCoordinator } from './txn/component.js';
import type { TransactionCoordinator } from './txn/coordinator.js';

export class Broker implements BrokerContext {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  readonly metrics: BrokerMetrics;
  readonly topics: TopicManager;
  /** Registered handlers by API key (ApiVersions advertises exactly these). */
  readonly handlers = new Map<number, ApiHandler>();
  /** Host and port clients are told to connect to (Metadata, FindCoordinator). */
  advertisedHost: string;
  advertisedPort = 0;
  /**
   * Check run by Produce for every transactional batch before it is appended (see
   * TransactionalProduceCheck). The transaction coordinator's refuses batches for partitions not
   * added with AddPartitionsToTxn, or from fenced producers.
   */
  transactionalProduceCheck: TransactionalProduceCheck | undefined;
  // Started by open() after the topics are loaded; undefined only while it runs (or if it failed).
  private groupCoordinator: GroupCoordinator | undefined;
  private transactionCoordinator: TransactionCoordinator | undefined;
  private aclStore: AclStore | undefined;
  private credentialStore: CredentialStore | undefined;
  /** Set when the ACL authorizer is on (`authorizer: 'acl'`); undefined costs nothing per request. */
  authorizer: Authorizer | undefined;
  private readonly closeHooks: (() => void | Promise<void>)[] = [];
  private closed = false;
  private lock: DirectoryLock | undefined;

  private constructor(config: BrokerConfig) {
    this.config = config;
    this.logger = config.logger;
    this.advertisedHost = config.advertisedHost ?? config.host;
    this.topics = new TopicManager(config, this.logger, () => this.metrics.fsyncs.inc());
    this.metrics = new BrokerMetrics(this.topics);
    for (const h of HANDLERS) this.register(h);
    if (config.security.enabled) for (const h of SECURITY_HANDLERS) this.register(h);
  }

  /** Creates the core and loads (and recovers) every topic in the data directory. */
  static async open(options: BrokerOptions): Promise<Broker> {
    const config = resolveConfig(options);
    // One process per data directory, taken before anything in it is read: a second broker on a
    // live directory would recover (and write) partitions under the running one.
    const lock = await lockDirectory(config.dataDir, { owner: 'meterstream broker' });
    const broker = new Broker(config);
    broker.lock = lock;
    try {
      await broker.topics.load();
      await broker.startCoordinators();
    } catch (err) {
      await broker.close();
      throw err;
    }
    return broker;
  }

  /**
   * The group coordinator, then the transaction coordinator (transactions commit group offsets),
   * then the ACL store; each is closed when the broker closes, in the reverse order.
   */
  private async startCoordinators(): Promise<void> {
    const { config, logger } = this;
    const groups = await startGroupCoordinator(
      config,
      logger,
      this.metrics.registry,
      (topic, partition) => this.topics.partition(topic, partition)?.highWatermark,
    );
    this.onClose(() => groups.close());
    this.groupCoordinator = groups;

    const txns = await startTransactionCoordinator(config, logger, this.topics, groups);
    this.transactionalProduceCheck = (transactionalId, producerId, producerEpoch, topic, partition) =>
      txns.produceCheck(transactionalId, producerId, producerEpoch, topic, partition);
    this.onClose(() => txns.close());
    this.transactionCoordinator = txns;

    const acls = await AclStore.open(join(config.dataDir, 'acls'), logger);
    this.onClose(() => acls.close());
    this.aclStore = acls;
    const { security } = config;
    if (security.authorizer) {
      this.authorizer = new Authorizer(acls, security.superUsers, security.allowEveryoneIfNoAclFound);
    }

    this.credentialStore = await CredentialStore.open(join(config.dataDir, 'security'));
    const users = [
      ...security.saslUsers,
      ...(security.saslUsersFile ? await readUsersFile(security.saslUsersFile) : []),
    ];
    if (users.length > 0) {
      await bootstrapUsers(users, this.credentialStore);
      logger.info({ users: users.map((u) => u.user) }, 'SCRAM credentials created for the configured users');
    }
  }

  get credentials(): CredentialStore {
    if (!this.credentialStore)
      throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'credential store not opened');
    return this.credentialStore;
  }

  get groups(): GroupCoordinator {
    if (!this.groupCoordinator) {
      throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'group coordinator not started');
    }
    return this.groupCoordinator;
  }

  get transactions(): TransactionCoordinator {
    if (!this.transactionCoordinator) {
      throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, 'transaction coordinator not started');
    }
    return this.transactionCoordinator;
  }

  get acls(): AclStore {
    if (!this.aclStore) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, 'ACL store not started');
    return this.aclStore;
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  get clusterId(): string {
    return this.config.clusterId;
  }

  register(handler: ApiHandler): void {
    if (this.handlers.has(handler.apiKey)) {
      throw new Error(`two handlers registered for API key ${handler.apiKey} (${handler.name})`);
    }
    this.handlers.set(handler.apiKey, handler);
  }

  /** Registers work to do on close (timers, files) — components created lazily use this. */
  onClose(hook: () => void | Promise<void>): void {
    this.closeHooks.push(hook);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Runs a decoded request through its handler. */
  dispatch(handler: ApiHandler, request: object, ctx: RequestContext): ReturnType<ApiHandler['handle']> {
    this.metrics.requests.inc({ api: handler.name });
    // Security off (the default): one property read, nothing else on the hot path.
    if (this.authorizer !== undefined) return authorizedHandle(this.authorizer, handler, request, ctx);
    return handler.handle(request, ctx);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const hook of this.closeHooks.reverse()) {
      try {
        await hook();
      } catch (err) {
        this.logger.error({ err }, 'close hook failed');
      }
    }
    await this.topics.close();
    await this.lock?.release();
  }
}
