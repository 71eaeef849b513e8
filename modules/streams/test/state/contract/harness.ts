import { RecordCache } from '../../../src/state/cache/record-cache.js';
import type {
  CachedRecordContext,
  StateStore,
  StateStoreContext,
  StoreBackend,
  StoreLifecycle,
} from '../../../src/state/index.js';

/** A changelog record as the test context received it. */
export interface LoggedChange {
  store: string;
  key: Buffer;
  value: Buffer | null;
  timestamp: number;
}

/** A StateStoreContext for tests: records changelog writes and registrations; settable timestamp. */
export class TestStoreContext implements StateStoreContext {
  readonly applicationId = 'contract-app';
  readonly taskId: string;
  readonly partition: number;
  readonly changes: LoggedChange[] = [];
  readonly lifecycles = new Map<string, StoreLifecycle>();
  readonly cache: RecordCache | undefined;
  timestamp = 0;

  constructor(options: { cacheBytes?: number; partition?: number } = {}) {
    this.partition = options.partition ?? 0;
    this.taskId = `0_${this.partition}`;
    this.cache = options.cacheBytes === undefined ? undefined : new RecordCache(options.cacheBytes);
  }

  register(store: StateStore, lifecycle: StoreLifecycle): void {
    this.lifecycles.set(store.name, lifecycle);
  }

  readonly logChange = (store: string, key: Buffer, value: Buffer | null, timestamp: number): void => {
    this.changes.push({ store, key, value, timestamp });
  };

  recordContext(): CachedRecordContext {
    return { timestamp: this.timestamp };
  }
}

/**
 * One backend under test. `open` builds, initialises and loads a store. `reopen` makes the data
 * take the backend's durable path: for Redis it flushes, persists, closes and opens a fresh
 * instance that loads from Redis, so every later assertion reads data that went through Redis;
 * for in-memory it returns the same store.
 */
export interface BackendFixture {
  readonly name: string;
  /** A backend whose suppliers the suites use; names must be unique per test (use `storeName`). */
  backend(): StoreBackend;
  readonly durable: boolean;
}

let counter = 0;
/** A store name unique within the test run (Redis namespaces must not collide across tests). */
export function storeName(base: string): string {
  counter++;
  return `${base}-${process.pid}-${counter}`;
}

export async function openStore<T extends StateStore>(build: () => T, context: TestStoreContext): Promise<T> {
  const store = build();
  store.init(context, store);
  await context.lifecycles.get(store.name)?.load?.();
  return store;
}

/** For durable backends: flush, persist, close, and open a new instance that loads what was persisted. */
export async function reopen<T extends StateStore>(
  fixture: BackendFixture,
  store: T,
  build: () => T,
  context: TestStoreContext,
): Promise<T> {
  if (!fixture.durable) return store;
  store.flush();
  await context.lifecycles.get(store.name)?.persist?.(undefined);
  store.close();
  return openStore(build, context);
}
