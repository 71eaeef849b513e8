import { formatSqlType, type Column, type Statement, type StatementResult } from '@meterstream/ksql';
import type { CommandStatus, ResultColumn } from './ksql-service.js';
import type { QueryEffects } from './query-effects.js';

/** SET / UNSET / DEFINE / UNDEFINE: request-scoped, never commands. */
export function requestLocal(
  stmt: Statement,
  properties: Record<string, string>,
  variables: Record<string, string>,
): StatementResult | undefined {
  const statementText = stmt.text;
  switch (stmt.kind) {
    case 'SetProperty':
      properties[stmt.name] = stmt.value;
      return { kind: 'PropertySet', statementText, name: stmt.name, value: stmt.value };
    case 'UnsetProperty':
      delete properties[stmt.name];
      return { kind: 'PropertyUnset', statementText, name: stmt.name };
    case 'DefineVariable':
      variables[stmt.name] = stmt.value;
      return { kind: 'VariableDefined', statementText, name: stmt.name };
    case 'UndefineVariable':
      delete variables[stmt.name];
      return { kind: 'VariableUndefined', statementText, name: stmt.name };
    default:
      return undefined;
  }
}

/** ksqlDB's CommandStatus message for a statement that ran. */
export function successStatus(result: StatementResult | undefined, effects: QueryEffects): CommandStatus {
  const queryId = effects.created[0]?.id;
  let message = 'Success';
  if (result && 'message' in result && typeof result.message === 'string') message = result.message;
  else if (result?.kind === 'QueryTerminated') message = 'Query terminated.';
  else if (result?.kind === 'TypeCreated') message = 'Registered custom type with name ' + result.name;
  else if (result?.kind === 'TypeDropped') message = 'Dropped type ' + result.name;
  return queryId ? { status: 'SUCCESS', message, queryId } : { status: 'SUCCESS', message };
}

/** Result columns as ksqlDB prints them: each row is one value per column, in this order. */
export function resultColumns(columns: readonly Column[], keyNames?: ReadonlySet<string>): ResultColumn[] {
  return columns.map((c) => ({
    name: c.name,
    type: formatSqlType(c.type),
    ...(keyNames?.has(c.name) ? { key: true } : {}),
  }));
}
