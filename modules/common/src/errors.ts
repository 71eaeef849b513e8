/** Where a payload came from, when the caller knows it (a Kafka record, a file line, ...). */
export interface PayloadSource {
  topic?: string;
  partition?: number;
  offset?: string | number | bigint;
  /** Free-form location for non-Kafka inputs, e.g. `file.csv:42`. */
  location?: string;
}

function describeSource(source: PayloadSource | undefined): string {
  if (!source) return '';
  const parts: string[] = [];
  if (source.topic !== undefined) parts.push(`topic ${source.topic}`);
  if (source.partition !== undefined) parts.push(`partition ${source.partition}`);
  if (source.offset !== undefined) parts.push(`offset ${source.offset}`);
  if (source.location !== undefined) parts.push(source.location);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * Why a record is not a valid metric (or aggregate): the `error.reason` header of its dead letter
 * and the `reason` label of the dead-letter counter. See metric-record-rule.ts for the rule.
 */
export type InvalidRecordReason =
  | 'null-key'
  | 'null-value'
  | 'malformed-key'
  /** Not the expected encoding: bad Avro, bad JSON, not Confluent-framed, a missing or mistyped field. */
  | 'bad-encoding'
  /** A Confluent schema id the registry does not know, or whose schema cannot be read as a Metric. */
  | 'unknown-schema'
  | 'non-finite-value'
  /** A timestamp that is not an ISO-8601 instant with a zone. */
  | 'bad-timestamp'
  /** A timestamp outside METRIC_TIME_RANGE. */
  | 'timestamp-out-of-range'
  /** An aggregate record that does not belong where it was found (key, window length). */
  | 'invalid-aggregate';

/**
 * The one error every deserializer raises: says what was wrong with the payload and, when known,
 * where it came from. Consumers route the original bytes plus `toHeaders()` to a dead-letter topic.
 */
export class DeserializationError extends Error {
  override readonly name = 'DeserializationError';
  /** The class of problem (default `bad-encoding`): what dead letters are counted and labelled by. */
  readonly kind: InvalidRecordReason;
  /** Which part of the record is bad (default `value`). */
  readonly part: 'key' | 'value';
  constructor(
    /** What was wrong, e.g. `missing field "value"`. */
    readonly reason: string,
    /** The serde that failed, e.g. `json:Metric`. */
    readonly format: string,
    readonly source?: PayloadSource,
    options?: { cause?: unknown; kind?: InvalidRecordReason; part?: 'key' | 'value' },
  ) {
    super(`cannot deserialize ${format}: ${reason}${describeSource(source)}`, options);
    this.kind = options?.kind ?? 'bad-encoding';
    this.part =
      options?.part ?? (this.kind === 'null-key' || this.kind === 'malformed-key' ? 'key' : 'value');
  }

  /** A copy of this error located at `source` (serdes don't know offsets; their callers do). */
  at(source: PayloadSource): DeserializationError {
    return new DeserializationError(
      this.reason,
      this.format,
      { ...this.source, ...source },
      { cause: this.cause, kind: this.kind, part: this.part },
    );
  }

  /**
   * Headers for a dead-letter record carrying the original bytes (see dead-letter.ts for the set
   * every consumer writes); `application` names the consumer that refused the record.
   */
  toHeaders(application?: string): Record<string, string> {
    const headers: Record<string, string> = {
      'error.class': this.name,
      'error.reason': this.kind,
      'error.part': this.part,
      'error.format': this.format,
      'error.message': this.message,
    };
    if (this.source?.topic !== undefined) headers['error.topic'] = this.source.topic;
    if (this.source?.partition !== undefined) headers['error.partition'] = String(this.source.partition);
    if (this.source?.offset !== undefined) headers['error.offset'] = String(this.source.offset);
    if (application !== undefined) headers['error.application'] = application;
    return headers;
  }
}

/** An invalid configuration value: names the option, where the value came from, and why it is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly option: string,
    readonly origin: string,
    readonly reason: string,
  ) {
    super(`invalid configuration ${option} (from ${origin}): ${reason}`);
  }
}

/** A metric key that is not `<gateway>.<TYPE>.<ATTRIBUTE>`. */
export class MetricKeyError extends Error {
  override readonly name = 'MetricKeyError';
  constructor(
    readonly key: string,
    readonly reason: string,
  ) {
    super(`malformed metric key ${JSON.stringify(key)}: ${reason}`);
  }
}
