/** Error codes of the CQL native protocol v4 (spec section 9). */
export const ErrorCode = {
  serverError: 0x0000,
  protocolError: 0x000a,
  badCredentials: 0x0100,
  unavailable: 0x1000,
  overloaded: 0x1001,
  isBootstrapping: 0x1002,
  truncateError: 0x1003,
  writeTimeout: 0x1100,
  readTimeout: 0x1200,
  syntaxError: 0x2000,
  unauthorized: 0x2100,
  invalid: 0x2200,
  configError: 0x2300,
  alreadyExists: 0x2400,
  unprepared: 0x2500,
} as const;

/**
 * A failure that is answered to the client as an ERROR message. `extra` carries the code-specific
 * trailing fields (keyspace/table for "already exists", the id for "unprepared", ...).
 */
export class CqlError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra?:
      | { kind: 'alreadyExists'; keyspace: string; table: string }
      | { kind: 'unprepared'; id: Buffer }
      | { kind: 'unavailable'; consistency: number; required: number; alive: number },
  ) {
    super(message);
    this.name = 'CqlError';
  }
}

export const syntaxError = (message: string) => new CqlError(ErrorCode.syntaxError, message);
export const invalidRequest = (message: string) => new CqlError(ErrorCode.invalid, message);
export const protocolError = (message: string) => new CqlError(ErrorCode.protocolError, message);
