import type { Statement } from '@meterstream/ksql';

/**
 * One record of the command topic (ksqlDB's Command): a statement that changed the server's
 * state, with what it ran with, so a fresh server re-executing the topic in order rebuilds the
 * same metastore and the same query ids.
 */
export interface Command {
  /** The statement's text as it ran, one statement (the parser has substituted `${variables}`). */
  readonly statement: string;
  /** The request's property overrides in force for it (streamsProperties and the request's SETs). */
  readonly streamsProperties: Readonly<Record<string, string>>;
  /**
   * The variables in force for it (sessionVariables and the request's DEFINEs); replay passes them
   * again, though the recorded text no longer refers to them.
   */
  readonly variables: Readonly<Record<string, string>>;
  /** The writing server's configured properties (informational; replay uses the replaying server's). */
  readonly originalProperties: Readonly<Record<string, string>>;
  /** Layout of this record, for readers of older topics. */
  readonly version: number;
}

export const COMMAND_VERSION = 1;

/** A command read back from the topic; `sequenceNumber` is its offset. */
export interface SequencedCommand {
  readonly commandId: string;
  readonly sequenceNumber: number;
  readonly command: Command;
}

/** `_confluent-ksql-<service.id>_command_topic`, ksqlDB's name. */
export function commandTopicName(serviceId: string): string {
  return `_confluent-ksql-${serviceId}_command_topic`;
}

/**
 * The command id of a statement that goes through the command topic (ksqlDB's CommandIdAssigner),
 * undefined for statements that are not commands (SET, DEFINE, SHOW, DESCRIBE, LIST, EXPLAIN,
 * INSERT VALUES, SELECT).
 */
export function commandIdOf(stmt: Statement): string | undefined {
  switch (stmt.kind) {
    case 'CreateSource':
    case 'CreateAsSelect':
      return `${stmt.sourceType.toLowerCase()}/${stmt.name}/create`;
    case 'InsertInto':
      // ksqlDB names INSERT INTO … SELECT after its target stream, action create.
      return `stream/${stmt.target}/create`;
    case 'DropSource':
      return `${stmt.sourceType.toLowerCase()}/${stmt.name}/drop`;
    case 'AlterSource':
      return `${stmt.sourceType.toLowerCase()}/${stmt.name}/alter`;
    case 'CreateType':
      return `type/${stmt.name}/create`;
    case 'DropType':
      return `type/${stmt.name}/drop`;
    case 'TerminateQuery':
      return `terminate/${stmt.all ? 'ALL' : (stmt.queryId ?? '')}/execute`;
    default:
      return undefined;
  }
}

export function encodeCommand(command: Command): Buffer {
  return Buffer.from(JSON.stringify(command));
}

/** A command record that cannot be read (foreign or corrupt): replay logs and skips it. */
export class CommandDecodeError extends Error {
  constructor(
    readonly sequenceNumber: number,
    reason: string,
  ) {
    super(`command topic record at offset ${sequenceNumber} is not a command: ${reason}`);
    this.name = 'CommandDecodeError';
  }
}

export function decodeCommand(key: Buffer | null, value: Buffer | null, offset: number): SequencedCommand {
  if (key === null || value === null) throw new CommandDecodeError(offset, 'null key or value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (err) {
    throw new CommandDecodeError(offset, (err as Error).message);
  }
  const c = parsed as Partial<Command>;
  if (typeof c.statement !== 'string') throw new CommandDecodeError(offset, 'no statement');
  return {
    commandId: key.toString('utf8'),
    sequenceNumber: offset,
    command: {
      statement: c.statement,
      streamsProperties: c.streamsProperties ?? {},
      variables: c.variables ?? {},
      originalProperties: c.originalProperties ?? {},
      version: c.version ?? COMMAND_VERSION,
    },
  };
}
