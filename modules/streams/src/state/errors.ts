/** A store was used in a state that does not allow the call (closed, not initialised, ...). */
export class InvalidStateStoreError extends Error {
  constructor(
    readonly storeName: string,
    message: string,
  ) {
    super(`state store "${storeName}": ${message}`);
    this.name = 'InvalidStateStoreError';
  }
}

/** A Redis command or pipeline failed; names the store, namespace and what was attempted. */
export class RedisStoreError extends Error {
  constructor(
    readonly storeName: string,
    readonly namespace: string,
    operation: string,
    options?: { cause?: unknown },
  ) {
    const cause = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super(`redis store "${storeName}" (${namespace}) ${operation} failed${cause}`, options);
    this.name = 'RedisStoreError';
  }
}

/**
 * Another instance loaded this store (task moved) after this one did: this instance no longer
 * owns it, so its persist was refused and nothing was written.
 */
export class RedisStoreFencedError extends RedisStoreError {
  constructor(storeName: string, namespace: string) {
    super(storeName, namespace, 'persist (fenced: another instance loaded the store since this one did)');
    this.name = 'RedisStoreFencedError';
  }
}
