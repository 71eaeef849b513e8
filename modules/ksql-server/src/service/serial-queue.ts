/**
 * Runs tasks one at a time, in call order: every change of the engine (a request's command, a
 * command read from the topic, a rebuild) holds it, so the engine's state is always exactly a
 * prefix of the command topic.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    // The chain continues whether the task failed or not; the caller sees its own outcome.
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
