/**
 * The broker core: the one object that owns all broker state (topics and their partition logs,
 * registered API handlers, metrics, configuration). Connections only frame and decode requests
 * and hand them to `dispatch`; all state changes happen on the Node event loop, so handlers never
 * need locks — but they must not await between reading and mutating shared state.
 */
import { type DirectoryLock, lockDirectory } from '@meterstream/dir-lock';
import type { Logger } from 'pino';
import { HANDLERS } from './apis/index.js';
import { COMPONENTS } from './components.js';
import type { ApiHandler, RequestContext } from './apis/handler.js';
import { type BrokerConfig, resolveConfig, type BrokerOptions } from './config.js';
import { BrokerMetrics } from './metrics.js';
import { TopicManager } from './log/topic-manager.js';

export class Broker {
  readonly config: BrokerConfig;
  readonly logger: Logger;
  readonly metrics: BrokerMetrics;
  readonly topics: TopicManager;
  /** Registered handlers by API key (ApiVersions advertises exactly these). */
  readonly handlers = new Map<number, ApiHandler>();
  /** Host and port clients are told to connect to (Metadata, FindCoordinator). */
  advertisedHost: string;
  advertisedPort = 0;
  /** Objects returned by the components' start() (see components.ts), by component name. */
  readonly extensions = new Map<string, unknown>();
  /**
   * Optional check run by Produce for every transactional batch before it is appended; returns a
   * protocol error code (0 = fine). The transaction coordinator installs it to refuse batches for
   * partitions not added with AddPartitionsToTxn, or from fenced producers.
   */
  transactionalProduceCheck:
    | ((
        transactionalId: string | null,
        producerId: bigint,
        producerEpoch: number,
        topic: string,
        partition: number,
      ) => number)
    | undefined;
  private readonly closeHooks: (() => void | Promise<void>)[] = [];
  private closed = false;
  private lock: DirectoryLock | undefined;

  private constructor(config: BrokerConfig) {
    this.config = config;
    this.logger = config.logger;
    this.advertisedHost = config.advertisedHost ?? config.host;
    this.metrics = new BrokerMetrics(this);
    this.topics = new TopicManager(this);
    for (const h of HANDLERS) this.register(h);
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
      for (const c of COMPONENTS) broker.extensions.set(c.name, await c.start(broker));
    } catch (err) {
      await broker.close();
      throw err;
    }
    return broker;
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
