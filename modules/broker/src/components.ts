/**
 * Components started with the broker core after the topics are loaded (group coordinator,
 * transaction coordinator, …). Each start() may return an object that handlers reach through
 * `broker.extensions.get(name)`; it registers its own cleanup with `broker.onClose`.
 */
import { aclsComponent } from './acl/component.js';
import type { Broker } from './broker.js';
import { groupsComponent } from './group/component.js';
import { transactionsComponent } from './txn/component.js';

export interface BrokerComponent {
  readonly name: string;
  start(broker: Broker): unknown | Promise<unknown>;
}

export const COMPONENTS: readonly BrokerComponent[] = [groupsComponent, transactionsComponent, aclsComponent];
