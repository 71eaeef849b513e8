import { readFileSync } from 'node:fs';
import { KsqlClient, KsqlError } from './ksql-client.js';
import { renderEntity } from './render-entities.js';
import { QueryTable, renderTable } from './render-table.js';
import {
  type KsqlStatement,
  isQueryStatement,
  parsePropertyStatement,
  splitStatements,
} from './split-statements.js';

export type StatementOutcome = 'continue' | 'exit';

const HELP = [
  'Statements end with a semicolon and may span lines. Client-side commands:',
  "  SET 'property' = 'value';     a property sent with later statements (e.g. auto.offset.reset)",
  "  UNSET 'property';             drops it",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: it documents ksqlDB's literal ${name} syntax
  "  DEFINE name = 'value';        a variable substituted as ${name} in later statements",
  '  UNDEFINE name;                drops it; SHOW VARIABLES; lists them',
  "  RUN SCRIPT 'path/file.ksql';  runs a file's statements in order",
  '  EXIT; or QUIT; (or Ctrl-D)   leaves the shell; Ctrl-C stops a running query',
  'Everything else is sent to the server: https://docs.ksqldb.io/en/latest/developer-guide/ksqldb-reference/',
];

/**
 * One ksql CLI session against a ksqlDB-compatible server: the client-side state ksqlDB's CLI keeps
 * (properties from SET, variables from DEFINE) and the execution of each statement — queries on
 * /query-stream with their rows printed as they arrive, everything else on /ksql, rendered as the
 * CLI renders it.
 */
export class KsqlSession {
  readonly properties: Record<string, string> = {};
  readonly variables: Record<string, string> = {};
  private readonly client: KsqlClient;

  constructor(
    readonly serverUrl: string,
    private readonly print: (line: string) => void,
  ) {
    this.client = new KsqlClient(serverUrl);
  }

  /** Runs a script's statements in order; the first failing one throws (a KsqlError or SyntaxError). */
  async runScript(text: string, signal?: AbortSignal): Promise<StatementOutcome> {
    for (const statement of splitStatements(text)) {
      if (signal?.aborted) break;
      try {
        if ((await this.run(statement.text, signal)) === 'exit') return 'exit';
      } catch (error) {
        throw atLine(error, statement);
      }
    }
    return 'continue';
  }

  /** Runs one statement (its text ends with `;`). */
  async run(text: string, signal?: AbortSignal): Promise<StatementOutcome> {
    const client = this.clientSide(text);
    if (client) return client();
    if (/^\s*PRINT\b/i.test(text)) {
      // PRINT is served on /query as text lines, printed as they arrive (Ctrl-C stops it).
      for await (const line of this.client.printTopic(text, this.properties, signal)) this.print(line);
      return 'continue';
    }
    if (isQueryStatement(text)) {
      await this.query(text, signal);
      return 'continue';
    }
    const result = await this.client.execute(text, this.properties, this.variables);
    for (const entity of result.entities ?? []) {
      this.print('');
      for (const line of renderEntity(entity)) this.print(line);
    }
    return 'continue';
  }

  private async query(text: string, signal?: AbortSignal): Promise<void> {
    let table: QueryTable | undefined;
    let rows = 0;
    for await (const item of this.client.streamQuery(
      text,
      { properties: this.properties, variables: this.variables },
      signal,
    )) {
      if ('header' in item) {
        table = new QueryTable(item.header.columnNames);
        for (const line of table.header()) this.print(line);
      } else if (table) {
        this.print(table.row(item.row));
        rows++;
      }
    }
    if (table) this.print(table.footer());
    const limit = /\bLIMIT\s+(\d+)\s*;\s*$/i.exec(text);
    if (limit && rows >= Number(limit[1])) this.print('Limit Reached');
    this.print('Query terminated');
  }

  /** The client-side commands of ksqlDB's CLI; undefined for statements the server runs. */
  private clientSide(text: string): (() => StatementOutcome | Promise<StatementOutcome>) | undefined {
    const property = parsePropertyStatement(text);
    if (property) {
      return () => {
        if ('set' in property) {
          const old = this.properties[property.set];
          this.properties[property.set] = property.value;
          this.print(
            old === undefined
              ? `Successfully changed local property '${property.set}' to '${property.value}'.`
              : `Successfully changed local property '${property.set}' from '${old}' to '${property.value}'.`,
          );
        } else {
          const old = this.properties[property.unset];
          delete this.properties[property.unset];
          this.print(
            old === undefined
              ? `Local property '${property.unset}' was not set.`
              : `Successfully unset local property '${property.unset}' (value was '${old}').`,
          );
        }
        return 'continue';
      };
    }
    const define = /^\s*DEFINE\s+(\w+)\s*=\s*'((?:[^']|'')*)'\s*;\s*$/i.exec(text);
    if (define) {
      return () => {
        this.variables[define[1]!] = define[2]!.replaceAll("''", "'");
        return 'continue';
      };
    }
    const undefine = /^\s*UNDEFINE\s+(\w+)\s*;\s*$/i.exec(text);
    if (undefine) {
      return () => {
        delete this.variables[undefine[1]!];
        return 'continue';
      };
    }
    if (/^\s*SHOW\s+VARIABLES\s*;\s*$/i.test(text)) {
      return () => {
        for (const line of renderTable(['Variable Name', 'Value'], Object.entries(this.variables)))
          this.print(line);
        return 'continue';
      };
    }
    const script = /^\s*RUN\s+SCRIPT\s+'((?:[^']|'')+)'\s*;\s*$/i.exec(text);
    if (script) {
      const path = script[1]!.replaceAll("''", "'");
      return () => this.runScript(readFileSync(path, 'utf8'));
    }
    if (/^\s*(EXIT|QUIT)\s*;\s*$/i.test(text)) return () => 'exit';
    if (/^\s*HELP\s*;\s*$/i.test(text)) {
      return () => {
        for (const line of HELP) this.print(line);
        return 'continue';
      };
    }
    return undefined;
  }
}

/** Names the statement's line in the error (its text is the server's or the parser's message). */
function atLine(error: unknown, statement: KsqlStatement): Error {
  if (error instanceof KsqlError || error instanceof Error) {
    error.message = `statement on line ${statement.line} failed: ${error.message}`;
    return error;
  }
  return new Error(`statement on line ${statement.line} failed: ${String(error)}`);
}
