import type { Logger } from 'pino';
import type { KsqlService } from '../service/ksql-service.js';
import type { ActiveQueries } from './active-queries.js';

/** What every endpoint handler gets. */
export interface RestContext {
  readonly service: KsqlService;
  readonly log: Logger;
  readonly maxRequestBytes: number;
  readonly active: ActiveQueries;
  /** This server's `host:port`, as /clusterStatus names it. */
  hostId(): string;
}
