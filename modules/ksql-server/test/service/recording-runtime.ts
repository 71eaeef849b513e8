import type { PersistentQuery, PullQueryPlan, TransientQueryPlan } from '@meterstream/ksql';
import type { PushQuery, QueryRuntime, QueryStatus } from '../../src/runtime/query-runtime.js';

/**
 * Not a runtime: records what the service asks of its QueryRuntime (which queries it starts and
 * stops, which plans it hands over) so tests can assert on those requests. It runs nothing; push
 * queries it returns yield no rows, pull queries answer no rows.
 */
export class RuntimeRecorder implements QueryRuntime {
  readonly started: string[] = [];
  readonly stopped: { queryId: string; cleanup: boolean }[] = [];
  readonly pushed: { plan: TransientQueryPlan; properties: Readonly<Record<string, string>> }[] = [];
  readonly pulled: PullQueryPlan[] = [];
  readonly closedPushQueries: string[] = [];
  closed = false;

  async start(query: PersistentQuery): Promise<void> {
    this.started.push(query.id);
  }

  async stop(queryId: string, options: { readonly cleanup: boolean }): Promise<void> {
    this.stopped.push({ queryId, cleanup: options.cleanup });
  }

  status(queryId: string): QueryStatus | undefined {
    return this.started.includes(queryId) && !this.stopped.some((s) => s.queryId === queryId)
      ? { state: 'RUNNING', streamsState: 'RUNNING', errors: [] }
      : undefined;
  }

  async pull(plan: PullQueryPlan): Promise<unknown[][]> {
    this.pulled.push(plan);
    return [];
  }

  async push(plan: TransientQueryPlan, properties: Readonly<Record<string, string>>): Promise<PushQuery> {
    this.pushed.push({ plan, properties });
    const closed = this.closedPushQueries;
    return {
      id: plan.id,
      rows: (async function* () {})(),
      async close() {
        if (!closed.includes(plan.id)) closed.push(plan.id);
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
