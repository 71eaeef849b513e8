import type { StateStore, StateStoreContext } from './state-store.js';

/**
 * A store layer over another (the change-logging layers, the buffer store over a key-value
 * store): name, persistence and lifecycle are the inner store's. A layer that needs the context
 * overrides `init` and calls `super.init`.
 */
export abstract class WrappedStore<S extends StateStore> implements StateStore {
  constructor(protected readonly inner: S) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StateStoreContext, root: StateStore): void {
    this.inner.init(context, root);
  }

  flush(): void {
    this.inner.flush();
  }

  close(): void {
    this.inner.close();
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }
}
