import type { CachedRecordContext, StateStoreContext } from '../state-store.js';

/**
 * The context the typed layer passes to the layers below it: the same as the task's, except that
 * while the cache flushes an entry, `recordContext()` returns the context of the record that wrote
 * that entry — so changelog records carry the writer's timestamp, as in Kafka Streams.
 */
export class LayerContext {
  flushing: CachedRecordContext | undefined;
  readonly context: StateStoreContext;

  constructor(parent: StateStoreContext) {
    const logChange = parent.logChange;
    // Explicit delegation (not a prototype overlay), so any context implementation works.
    this.context = {
      applicationId: parent.applicationId,
      taskId: parent.taskId,
      partition: parent.partition,
      register: (store, lifecycle) => parent.register(store, lifecycle),
      logChange:
        logChange && ((store, key, value, timestamp) => logChange.call(parent, store, key, value, timestamp)),
      recordContext: () => this.flushing ?? parent.recordContext(),
      cache: parent.cache,
    };
  }
}
