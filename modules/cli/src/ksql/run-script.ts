import { KsqlClient, type KsqlResult } from './ksql-client.js';
import { isQueryStatement, parsePropertyStatement, splitStatements } from './split-statements.js';

export interface RunKsqlOptions {
  script: string;
  serverUrl: string;
  /** Where results go (stdout in the CLI). */
  print: (line: string) => void;
}

export interface RunKsqlSummary {
  executed: number;
  total: number;
}

/**
 * Submits a script statement by statement, in order. SET/UNSET change the properties sent with the
 * statements after them (as in the ksql CLI). The first failing statement stops the run: its
 * KsqlError (the server's message) propagates with the statement's line.
 */
export async function runKsqlScript(options: RunKsqlOptions): Promise<RunKsqlSummary> {
  const statements = splitStatements(options.script);
  const client = new KsqlClient(options.serverUrl);
  const properties: Record<string, string> = {};
  let executed = 0;
  for (const statement of statements) {
    const property = parsePropertyStatement(statement.text);
    if (property) {
      if ('set' in property) properties[property.set] = property.value;
      else delete properties[property.unset];
      options.print(`-- line ${statement.line}: ${statement.text}`);
      executed++;
      continue;
    }
    options.print(`-- line ${statement.line}: ${firstLine(statement.text)}`);
    try {
      const result = isQueryStatement(statement.text)
        ? await client.query(statement.text, properties)
        : await client.execute(statement.text, properties);
      printResult(result, options.print);
    } catch (error) {
      (error as Error).message = `statement on line ${statement.line} failed: ${(error as Error).message}`;
      throw error;
    }
    executed++;
  }
  return { executed, total: statements.length };
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length < text.trim().length ? `${line} …` : line;
}

function printResult(result: KsqlResult, print: (line: string) => void): void {
  if (result.endpoint === '/query') {
    if (result.schema) print(`   columns: ${result.schema}`);
    for (const row of result.rows ?? []) print(`   ${JSON.stringify(row)}`);
    print(`   (${result.rows?.length ?? 0} rows${result.finalMessage ? `, ${result.finalMessage}` : ''})`);
    return;
  }
  for (const entity of result.entities ?? []) {
    const status = entity.commandStatus as { status?: string; message?: string } | undefined;
    print(`   ${status ? `${status.status}: ${status.message}` : JSON.stringify(entity)}`);
  }
}
