import type { StoreBuilder } from '../state/supplier.js';
import type { StateStore } from '../state/state-store.js';

/** What the topology keeps per store: the state module's builder (name, logging, build per task). */
export type TopologyStoreBuilder = StoreBuilder<StateStore>;
