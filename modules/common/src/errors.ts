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
 * The one error every deserializer raises: says what was wrong with the payload and, when known,
 * where it came from. Consumers route the original bytes plus `toHeaders()` to a dead-letter topic.
 */
export class DeserializationError extends Error {
  override readonly name = 'DeserializationError';
  constructor(
    /** What was wrong, e.g. `missing field "value"`. */
    readonly reason: string,
    /** The serde that failed, e.g. `json:Metric`. */
    readonly format: string,
    readonly source?: PayloadSource,
    options?: { cause?: unknown },
  ) {
    super(`cannot deserialize ${format}: ${reason}${describeSource(source)}`, options);
  }

  /** A copy of this error located at `source` (serdes don't know offsets; their callers do). */
  at(source: PayloadSource): DeserializationError {
    return new DeserializationError(
      this.reason,
      this.format,
      { ...this.source, ...source },
      { cause: this.cause },
    );
  }

  /** Headers for a dead-letter record carrying the original bytes. */
  toHeaders(): Record<string, string> {
    const headers: Record<string, string> = {
      'error.class': this.name,
      'error.format': this.format,
      'error.message': this.message,
    };
    if (this.source?.topic !== undefined) headers['error.topic'] = this.source.topic;
    if (this.source?.partition !== undefined) headers['error.partition'] = String(this.source.partition);
    if (this.source?.offset !== undefined) headers['error.offset'] = String(this.source.offset);
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
