import type { ProcessorContext } from '../processor/context.js';
import type { Processor } from '../processor/processor.js';
import type { Cancellable, PunctuationType, Punctuator } from '../processor/punctuation.js';
import type { Record, RecordMetadata } from '../processor/record.js';
import type { TaskMetrics } from './task-metrics.js';

/** What a node context needs from its task (kept narrow so nodes stay testable). */
export interface TaskServices {
  readonly applicationId: string;
  readonly taskId: string;
  readonly metrics: TaskMetrics;
  recordMetadata(): RecordMetadata | null;
  streamTime(): number;
  systemTime(): number;
  schedule(
    intervalMs: number,
    type: PunctuationType,
    punctuator: Punctuator,
    node: ProcessorNode,
  ): Cancellable;
  requestCommit(): void;
  store(name: string, requester: string, allowed: readonly string[]): unknown;
}

/** A processor instance inside a task, with its children resolved to instances. */
export class ProcessorNode implements ProcessorContext<unknown, unknown> {
  children: ProcessorNode[] = [];
  private readonly childByName = new Map<string, ProcessorNode>();

  constructor(
    readonly name: string,
    readonly processor: Processor<unknown, unknown, unknown, unknown>,
    private readonly stores: readonly string[],
    private readonly task: TaskServices,
  ) {}

  addChild(child: ProcessorNode): void {
    this.children.push(child);
    this.childByName.set(child.name, child);
  }

  init(): void {
    this.processor.init?.(this);
  }

  // --- ProcessorContext, one per node so forward() knows its children without a lookup ---

  get applicationId(): string {
    return this.task.applicationId;
  }

  get taskId(): string {
    return this.task.taskId;
  }

  get metrics(): TaskMetrics {
    return this.task.metrics;
  }

  forward(record: Record<unknown, unknown>, childName?: string): void {
    if (childName === undefined) {
      const children = this.children;
      for (let i = 0; i < children.length; i++) children[i].processor.process(record);
      return;
    }
    const child = this.childByName.get(childName);
    if (!child) throw new Error(`processor ${this.name} has no child named ${childName}`);
    child.processor.process(record);
  }

  getStateStore<S>(name: string): S {
    return this.task.store(name, this.name, this.stores) as S;
  }

  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    return this.task.schedule(intervalMs, type, punctuator, this);
  }

  recordMetadata(): RecordMetadata | null {
    return this.task.recordMetadata();
  }

  currentStreamTimeMs(): number {
    return this.task.streamTime();
  }

  currentSystemTimeMs(): number {
    return this.task.systemTime();
  }

  commit(): void {
    this.task.requestCommit();
  }
}
