/**
 * Where a query reports the records it skips, for its host's processing log (ksqlDB's
 * ProcessingLogger). The topology is planned before any host runs it, so each query carries a
 * channel its host attaches a listener to; without one, skipped records are only skipped.
 */

/** A source record a query could not deserialize (ksqlDB's DESERIALIZATION_ERROR). */
export interface DeserializationFailure {
  /** ksqlDB's logger name: `processing.<queryId>.<step context>.Deserializer`. */
  readonly logger: string;
  readonly topic: string;
  readonly target: 'key' | 'value';
  readonly error: unknown;
  /** The bytes that did not deserialize (the key's or the value's). */
  readonly bytes: Buffer | null;
}

export type ProcessingLogListener = (failure: DeserializationFailure) => void;

/** What a host sees of a query's processing log (an interface: hosts may load another copy of this module). */
export interface ProcessingLog {
  /** Sets (or with undefined, removes) where this query's entries go. */
  attach(listener: ProcessingLogListener | undefined): void;
}

/** One query's processing-log channel: the plan reports into it, the host listens. */
export class ProcessingLogChannel implements ProcessingLog {
  private listener: ProcessingLogListener | undefined;

  /** Sets (or with undefined, removes) where this query's entries go. */
  attach(listener: ProcessingLogListener | undefined): void {
    this.listener = listener;
  }

  report(failure: DeserializationFailure): void {
    this.listener?.(failure);
  }
}
