import type { QueryHandle } from '../service/ksql-service.js';

type PushHandle = Extract<QueryHandle, { kind: 'push' }>;

interface Active {
  readonly handle: PushHandle;
  /** Set when /close-query or the server's shutdown stopped it (not LIMIT). */
  stoppedByRequest: boolean;
}

/**
 * The push queries this server is streaming: /close-query finds them here, shutdown closes them,
 * and a stream that ends tells whether it ran out (LIMIT) or was stopped.
 */
export class ActiveQueries {
  private readonly queries = new Map<string, Active>();

  add(handle: PushHandle): void {
    this.queries.set(handle.queryId, { handle, stoppedByRequest: false });
  }

  remove(queryId: string): void {
    this.queries.delete(queryId);
  }

  get size(): number {
    return this.queries.size;
  }

  /** Marks a query stopped on request; returns its handle when this server streams it. */
  markStopped(queryId: string): PushHandle | undefined {
    const active = this.queries.get(queryId);
    if (active) active.stoppedByRequest = true;
    return active?.handle;
  }

  wasStopped(queryId: string): boolean {
    return this.queries.get(queryId)?.stoppedByRequest ?? false;
  }

  async closeAll(): Promise<void> {
    const all = [...this.queries.values()];
    for (const a of all) a.stoppedByRequest = true;
    await Promise.allSettled(all.map((a) => a.handle.close()));
  }
}
