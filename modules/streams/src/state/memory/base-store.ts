import { InvalidStateStoreError } from '../errors.js';
import { OpenIterators } from '../iterator.js';
import type { StateStore, StateStoreContext, StoreLifecycle } from '../state-store.js';

/** Lifecycle shared by the innermost stores: open flag, registration, iterator tracking. */
export abstract class BaseBytesStore implements StateStore {
  readonly persistent: boolean = false;
  protected readonly iterators = new OpenIterators();
  private opened = false;

  constructor(readonly name: string) {}

  init(context: StateStoreContext, root: StateStore): void {
    context.register(root, this.lifecycle());
    this.opened = true;
  }

  protected abstract lifecycle(): StoreLifecycle;

  flush(): void {}

  close(): void {
    this.iterators.closeAll();
    this.opened = false;
  }

  isOpen(): boolean {
    return this.opened;
  }

  protected assertOpen(): void {
    if (!this.opened) throw new InvalidStateStoreError(this.name, 'store is not open');
  }
}
