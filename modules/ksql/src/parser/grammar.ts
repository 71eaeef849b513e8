/*
 * The KSQL grammar (ksqlDB's statement language) on chevrotain.
 *
 * Why chevrotain: it is a TypeScript-native parsing toolkit with no build step (the grammar is this
 * code, no generated parser to keep in sync), a fast LL(k) parser, and precise error reporting —
 * every recognition error carries the offending token with its line and column and the tokens that
 * were expected, which is what ksqlDB-style `line 1:15: Syntax Error` messages need.
 *
 * The parser builds the syntax tree (ast.ts) directly in embedded actions. Where ksqlDB's ANTLR
 * grammar relies on unbounded lookahead (keywords that are also identifiers, lambdas, `GROUP BY (a, b)`
 * versus `GROUP BY (a) + 1`), alternatives are chosen by small gates that look at the next tokens.
 * Note for editing: chevrotain first *records* the grammar by running every rule once with
 * placeholder values, so any code that inspects parsed values runs inside `this.ACTION(…)`.
 */
import { type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import { KsqlError, type SourcePosition, UnsupportedFeatureError } from '../errors.js';
import type { SqlType } from '../types/sql-type.js';
import type {
  ColumnConstraint,
  Expression,
  Properties,
  PropertyValue,
  Statement,
  TableElement,
} from './ast.js';
import { integerArgument, tokenPos, unquote } from './literals.js';
import { listCloseMarker, syntaxErrorAt } from './syntax-errors.js';
import {
  Comma,
  EOF,
  Eq,
  Identifier,
  K,
  LParen,
  NonReserved,
  RParen,
  Semicolon,
  StringLiteral,
} from './tokens.js';
import { isOneOf, type VariableUse } from './expression-grammar.js';
import { QueryGrammar } from './query-grammar.js';
import { checkHeaderColumnType, type CustomTypeRegistry } from './type-names.js';

export type { VariableUse };

/** One statement of a script as parsed, before variables are substituted. */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly firstToken: IToken;
  readonly lastToken: IToken;
  /** `${…}` references outside string literals (none: the statement needs no substitution of those). */
  readonly variables: readonly VariableUse[];
  /** The custom types in scope for this statement (CREATE TYPE earlier in the script included). */
  readonly types: CustomTypeRegistry;
}

type StatementBody = Statement extends infer S ? (S extends Statement ? Omit<S, 'text'> : never) : never;

export const STATEMENT_STARTS = [
  K.SELECT,
  K.LIST,
  K.SHOW,
  K.DESCRIBE,
  K.PRINT,
  K.TERMINATE,
  K.PAUSE,
  K.RESUME,
  K.SET,
  K.ALTER,
  K.UNSET,
  K.DEFINE,
  K.UNDEFINE,
  K.CREATE,
  K.INSERT,
  K.DROP,
  K.EXPLAIN,
  K.ASSERT,
];

export class KsqlGrammar extends QueryGrammar {
  /** The text being parsed (statement texts are slices of it). */
  private source = '';

  constructor() {
    super();
    this.performSelfAnalysis();
  }

  /** Prepares a parse of `source` (already lexed into `tokens`) with `types` in scope. */
  begin(source: string, tokens: IToken[], types: CustomTypeRegistry): void {
    this.source = source;
    this.types = types;
    this.input = tokens;
  }

  // -------------------------------------------------------------------------------------------
  // Scripts and statements
  // -------------------------------------------------------------------------------------------

  /** `statement (';' statement)* ';'?` — the last `;` may be missing. */
  public script = this.RULE('script', (): ParsedStatement[] => {
    const statements: ParsedStatement[] = [];
    this.MANY(() => {
      const parsed = this.SUBRULE(this.singleStatement);
      const semicolon = this.OPTION(() => this.CONSUME(Semicolon));
      this.ACTION(() => {
        statements.push(parsed);
        if (!semicolon && !tokenMatcher(this.LA(1), EOF)) this.failExpecting(this.LA(1), [Semicolon]);
      });
    });
    return statements;
  });

  /** A single expression (`parseExpression`). */
  public singleExpression = this.RULE('singleExpression', (): Expression => this.SUBRULE(this.expression));

  /** A single type (`parseType`). */
  public singleType = this.RULE('singleType', (): SqlType => this.SUBRULE(this.type));

  private singleStatement = this.RULE('singleStatement', (): ParsedStatement => {
    const first = this.LA(1);
    this.ACTION(() => {
      this.variableUses = [];
      this.sourceNames = new Set();
      this.qualifierUses = [];
    });
    const typesBefore = this.types;
    const statement = this.SUBRULE(this.statement);
    return this.ACTION(() => {
      // Names used as qualifiers must be a source or alias of the statement (ksqlDB checks this
      // while building the tree). Statements with variables are checked once they are substituted.
      if (this.variableUses.length === 0) {
        for (const use of this.qualifierUses) {
          if (!this.sourceNames.has(use.name)) {
            // ksqlDB's AST builder reports this without a position; `prepare` wraps it.
            throw new KsqlError(`'${use.name}' is not a valid stream/table name or alias.`, undefined, {
              wrapper: 'Failed to prepare statement: ',
            });
          }
        }
      }
      return {
        statement,
        firstToken: first,
        lastToken: this.LA(0),
        variables: this.variableUses,
        types: typesBefore,
      };
    });
  });

  private statement = this.RULE('statement', (): Statement => {
    const first = this.LA(1);
    const body = this.OR([
      { ALT: () => this.SUBRULE(this.queryStatement) },
      { ALT: () => this.SUBRULE(this.listStatement) },
      { ALT: () => this.SUBRULE(this.describeStatement) },
      { ALT: () => this.SUBRULE(this.printStatement) },
      { ALT: () => this.SUBRULE(this.queryControlStatement) },
      { ALT: () => this.SUBRULE(this.propertyStatement) },
      { ALT: () => this.SUBRULE(this.variableStatement) },
      { ALT: () => this.SUBRULE(this.createStatement) },
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.dropStatement) },
      { ALT: () => this.SUBRULE(this.explainStatement) },
      { ALT: () => this.SUBRULE(this.alterStatement) },
      { ALT: () => this.SUBRULE(this.assertStatement) },
    ]);
    return this.ACTION(() => {
      const last = this.LA(0);
      const text = this.source.slice(first.startOffset, (last.endOffset ?? last.startOffset) + 1);
      return { ...body, text, pos: tokenPos(first) } as Statement;
    });
  });

  private queryStatement = this.RULE('queryStatement', (): StatementBody => {
    const query = this.SUBRULE(this.query);
    return { kind: 'QueryStatement', query };
  });

  private listStatement = this.RULE('listStatement', (): StatementBody => {
    this.OR([{ ALT: () => this.CONSUME(K.LIST) }, { ALT: () => this.CONSUME(K.SHOW) }]);
    return this.OR1([
      {
        ALT: () => {
          this.CONSUME(K.PROPERTIES);
          return { kind: 'List', what: 'PROPERTIES', extended: false } as StatementBody;
        },
      },
      {
        ALT: () => {
          const all = this.OPTION(() => this.CONSUME(K.ALL));
          this.CONSUME(K.TOPICS);
          const extended = this.OPTION1(() => this.CONSUME(K.EXTENDED));
          return { kind: 'List', what: 'TOPICS', extended: !!extended, all: !!all } as StatementBody;
        },
      },
      {
        ALT: () => {
          const what = this.OR2([
            { ALT: () => this.CONSUME(K.STREAMS) },
            { ALT: () => this.CONSUME(K.TABLES) },
            { ALT: () => this.CONSUME(K.QUERIES) },
          ]);
          const extended = this.OPTION2(() => this.CONSUME2(K.EXTENDED));
          return this.ACTION(
            () =>
              ({
                kind: 'List',
                what: what.image.toUpperCase() as 'STREAMS' | 'TABLES' | 'QUERIES',
                extended: !!extended,
              }) as StatementBody,
          );
        },
      },
      {
        ALT: () => {
          const what = this.OR3([
            { ALT: () => this.CONSUME(K.FUNCTIONS) },
            { ALT: () => this.CONSUME(K.TYPES) },
            { ALT: () => this.CONSUME(K.VARIABLES) },
          ]);
          return this.ACTION(
            () =>
              ({
                kind: 'List',
                what: what.image.toUpperCase() as 'FUNCTIONS' | 'TYPES' | 'VARIABLES',
                extended: false,
              }) as StatementBody,
          );
        },
      },
      {
        ALT: () => {
          const t = this.OPTION3(() =>
            this.OR4([{ ALT: () => this.CONSUME(K.SOURCE) }, { ALT: () => this.CONSUME(K.SINK) }]),
          );
          const c = this.CONSUME(K.CONNECTORS);
          return this.unsupported('LIST CONNECTORS', t ?? c);
        },
      },
      {
        ALT: () => {
          const c = this.CONSUME(K.CONNECTOR);
          this.CONSUME(K.PLUGINS);
          return this.unsupported('LIST CONNECTOR PLUGINS', c);
        },
      },
    ]);
  });

  private describeStatement = this.RULE('describeStatement', (): StatementBody => {
    this.CONSUME(K.DESCRIBE);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.STREAMS);
          const extended = this.OPTION(() => this.CONSUME(K.EXTENDED));
          return { kind: 'DescribeStreams', extended: !!extended } as StatementBody;
        },
      },
      {
        // `DESCRIBE FUNCTION name`; a source named FUNCTION is `DESCRIBE FUNCTION` alone.
        GATE: () => this.isIdentifierAt(2),
        ALT: () => {
          this.CONSUME(K.FUNCTION);
          const name = this.SUBRULE(this.identifier);
          return this.ACTION(() => ({ kind: 'DescribeFunction', name: name.name }) as StatementBody);
        },
      },
      {
        ALT: () => {
          const c = this.CONSUME(K.CONNECTOR);
          this.SUBRULE1(this.identifier);
          return this.unsupported('DESCRIBE CONNECTOR', c);
        },
      },
      {
        ALT: () => {
          const name = this.SUBRULE(this.sourceName);
          const extended = this.OPTION1(() => this.CONSUME1(K.EXTENDED));
          return this.ACTION(() => {
            // ksqlDB reads an unquoted TABLES here as DESCRIBE TABLES (TABLES is also a valid name).
            if (!name.quoted && name.name === 'TABLES')
              return this.unsupported('DESCRIBE TABLES', name.token);
            return { kind: 'DescribeSource', name: name.name, extended: !!extended } as StatementBody;
          });
        },
      },
    ]);
  });

  private printStatement = this.RULE('printStatement', (): StatementBody => {
    this.CONSUME(K.PRINT);
    const topic = this.OR([
      {
        ALT: () => {
          const id = this.SUBRULE(this.identifier);
          return this.ACTION(() => id.asWritten);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(StringLiteral);
          return this.ACTION(() => unquote(t.image, "'"));
        },
      },
    ]);
    const fromBeginning = this.OPTION(() => {
      this.CONSUME(K.FROM);
      this.CONSUME(K.BEGINNING);
      return true;
    });
    const interval = this.OPTION1(() => {
      const t = this.OR1([{ ALT: () => this.CONSUME(K.INTERVAL) }, { ALT: () => this.CONSUME(K.SAMPLE) }]);
      const n = this.SUBRULE(this.number);
      return this.ACTION(() => integerArgument(n, 'INTERVAL', tokenPos(t)));
    });
    const limit = this.OPTION2(() => this.SUBRULE(this.limitClause));
    return this.ACTION(() => {
      const body: Record<string, unknown> = {
        kind: 'PrintTopic',
        topic,
        fromBeginning: fromBeginning !== undefined,
      };
      if (interval !== undefined) body.interval = interval;
      if (limit !== undefined) body.limit = limit;
      return body as unknown as StatementBody;
    });
  });

  /** TERMINATE / PAUSE / RESUME (a query id or ALL). */
  private queryControlStatement = this.RULE('queryControlStatement', (): StatementBody => {
    const verb = this.OR([
      { ALT: () => this.CONSUME(K.TERMINATE) },
      { ALT: () => this.CONSUME(K.PAUSE) },
      { ALT: () => this.CONSUME(K.RESUME) },
    ]);
    const target = this.OR1([
      { ALT: () => this.CONSUME(K.ALL) },
      { ALT: () => this.SUBRULE(this.identifier) },
    ]);
    return this.ACTION(() => {
      const kind = tokenMatcher(verb, K.TERMINATE)
        ? 'TerminateQuery'
        : tokenMatcher(verb, K.PAUSE)
          ? 'PauseQuery'
          : 'ResumeQuery';
      if ('tokenType' in target) return { kind, all: true } as StatementBody;
      return { kind, all: false, queryId: target.name } as StatementBody;
    });
  });

  private propertyStatement = this.RULE('propertyStatement', (): StatementBody => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.SET);
          const name = this.CONSUME(StringLiteral);
          this.CONSUME(Eq);
          const value = this.CONSUME1(StringLiteral);
          return this.ACTION(
            () =>
              ({
                kind: 'SetProperty',
                name: unquote(name.image, "'"),
                value: unquote(value.image, "'"),
              }) as StatementBody,
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.UNSET);
          const name = this.CONSUME2(StringLiteral);
          return this.ACTION(
            () => ({ kind: 'UnsetProperty', name: unquote(name.image, "'") }) as StatementBody,
          );
        },
      },
    ]);
  });

  private variableStatement = this.RULE('variableStatement', (): StatementBody => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.DEFINE);
          const name = this.SUBRULE(this.variableName);
          this.CONSUME(Eq);
          const value = this.CONSUME(StringLiteral);
          return this.ACTION(
            () =>
              ({
                kind: 'DefineVariable',
                name: name.image,
                value: unquote(value.image, "'"),
              }) as StatementBody,
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.UNDEFINE);
          const name = this.SUBRULE1(this.variableName);
          return this.ACTION(() => ({ kind: 'UndefineVariable', name: name.image }) as StatementBody);
        },
      },
    ]);
  });

  /** Variable names are plain identifiers (keywords that are identifiers too are accepted). */
  private variableName = this.RULE('variableName', (): IToken => {
    return this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(NonReserved) }]);
  });

  private createStatement = this.RULE('createStatement', (): StatementBody => {
    const create = this.CONSUME(K.CREATE);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.TYPE);
          const ifNotExists = this.OPTION(() => this.SUBRULE(this.ifNotExists));
          const name = this.SUBRULE(this.identifier);
          this.CONSUME(K.AS);
          const type = this.SUBRULE(this.type);
          return this.ACTION(() => {
            // Later statements of the script may use the new type (IF NOT EXISTS keeps an existing one).
            if (!(ifNotExists && this.types.has(name.name))) {
              const types = new Map(this.types);
              types.set(name.name, type);
              this.types = types;
            }
            return { kind: 'CreateType', name: name.name, ifNotExists: !!ifNotExists, type } as StatementBody;
          });
        },
      },
      {
        ALT: () => {
          this.OR1([{ ALT: () => this.CONSUME(K.SINK) }, { ALT: () => this.CONSUME(K.SOURCE) }]);
          this.CONSUME(K.CONNECTOR);
          return this.unsupported('CREATE CONNECTOR', create);
        },
      },
      { ALT: () => this.SUBRULE(this.createSource) },
    ]);
  });

  /** CREATE [OR REPLACE] [SOURCE] STREAM|TABLE [IF NOT EXISTS] name [(elements)] [WITH (…)] [AS query] */
  private createSource = this.RULE('createSource', (): StatementBody => {
    const orReplace = this.OPTION(() => {
      this.CONSUME(K.OR);
      this.CONSUME(K.REPLACE);
      return true;
    });
    const isSource = this.OPTION1(() => this.CONSUME(K.SOURCE));
    const sourceType = this.OR([{ ALT: () => this.CONSUME(K.STREAM) }, { ALT: () => this.CONSUME(K.TABLE) }]);
    const ifNotExists = this.OPTION2(() => this.SUBRULE(this.ifNotExists));
    const name = this.SUBRULE(this.sourceName);
    const elements = this.OPTION3(() => this.SUBRULE(this.tableElements));
    const properties = this.OPTION4(() => this.SUBRULE(this.withProperties));
    const as = this.OPTION5(() => {
      const asToken = this.CONSUME(K.AS);
      this.ACTION(() => {
        // ksqlDB's grammar has no AS query after a column list or on a SOURCE stream/table.
        if (elements !== undefined || isSource !== undefined)
          this.failExpecting(asToken, [K.WITH, Semicolon]);
      });
      return this.SUBRULE(this.query);
    });
    return this.ACTION(() => {
      const type = sourceType.image.toUpperCase() as 'STREAM' | 'TABLE';
      const common = {
        sourceType: type,
        name: name.name,
        orReplace: orReplace !== undefined,
        ifNotExists: !!ifNotExists,
        properties: properties ?? new Map(),
      };
      if (as) {
        if (as.limit !== undefined) {
          throw new KsqlError(`CREATE ${type} AS SELECT statements don't support LIMIT clause.`);
        }
        return { kind: 'CreateAsSelect', ...common, query: as } as StatementBody;
      }
      const body: Record<string, unknown> = {
        kind: 'CreateSource',
        ...common,
        isSource: isSource !== undefined,
      };
      if (elements) body.elements = elements;
      return body as unknown as StatementBody;
    });
  });

  private ifNotExists = this.RULE('ifNotExists', (): boolean => {
    this.CONSUME(K.IF);
    this.CONSUME(K.NOT);
    this.CONSUME(K.EXISTS);
    return true;
  });

  private ifExists = this.RULE('ifExists', (): boolean => {
    this.CONSUME(K.IF);
    this.CONSUME(K.EXISTS);
    return true;
  });

  private tableElements = this.RULE('tableElements', (): TableElement[] => {
    const elements: TableElement[] = [];
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => elements.push(this.SUBRULE(this.tableElement)) });
    this.CONSUME(RParen, { ERR_MSG: listCloseMarker });
    return elements;
  });

  private tableElement = this.RULE('tableElement', (): TableElement => {
    const name = this.SUBRULE(this.identifier);
    const type = this.SUBRULE(this.type);
    const constraint = this.OPTION(() => this.SUBRULE(this.columnConstraint));
    return this.ACTION(() => {
      const pos = tokenPos(name.token);
      if (constraint === 'HEADERS') checkHeaderColumnType(type, undefined);
      else if (typeof constraint === 'object') checkHeaderColumnType(type, constraint.header);
      const element: { name: string; type: SqlType; pos: SourcePosition; constraint?: ColumnConstraint } = {
        name: name.name,
        type,
        pos,
      };
      if (constraint !== undefined) element.constraint = constraint;
      return element;
    });
  });

  private columnConstraint = this.RULE('columnConstraint', (): ColumnConstraint => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.PRIMARY);
          this.CONSUME(K.KEY);
          return 'PRIMARY KEY' as ColumnConstraint;
        },
      },
      {
        ALT: () => {
          this.CONSUME1(K.KEY);
          return 'KEY' as ColumnConstraint;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.HEADERS);
          return 'HEADERS' as ColumnConstraint;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.HEADER);
          this.CONSUME(LParen);
          const key = this.CONSUME(StringLiteral);
          this.CONSUME(RParen);
          return this.ACTION(() => ({ header: unquote(key.image, "'").trim() }));
        },
      },
    ]);
  });

  private withProperties = this.RULE('withProperties', (): Properties => {
    this.CONSUME(K.WITH);
    return this.SUBRULE(this.tableProperties);
  });

  private tableProperties = this.RULE('tableProperties', (): Properties => {
    const properties = new Map<string, { value: PropertyValue; pos: SourcePosition }>();
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const name = this.OR([
          {
            ALT: () => {
              const id = this.SUBRULE(this.identifier);
              return this.ACTION(() => id.name);
            },
          },
          {
            ALT: () => {
              const t = this.CONSUME(StringLiteral);
              return this.ACTION(() => unquote(t.image, "'"));
            },
          },
        ]);
        const eq = this.CONSUME(Eq);
        const value = this.SUBRULE(this.literal);
        this.ACTION(() => {
          const key = name.toUpperCase();
          if (properties.has(key)) throw new KsqlError(`Duplicate property: ${key}`, tokenPos(eq));
          properties.set(key, { value: propertyValue(value), pos: tokenPos(eq) });
        });
      },
    });
    this.CONSUME(RParen, { ERR_MSG: listCloseMarker });
    return properties;
  });

  private insertStatement = this.RULE('insertStatement', (): StatementBody => {
    this.CONSUME(K.INSERT);
    this.CONSUME(K.INTO);
    const target = this.SUBRULE(this.sourceName);
    return this.OR([
      {
        ALT: () => {
          const columns = this.OPTION(() => this.SUBRULE(this.columnList));
          this.CONSUME(K.VALUES);
          const values = this.SUBRULE(this.valueList);
          return this.ACTION(() => {
            const body: Record<string, unknown> = { kind: 'InsertValues', target: target.name, values };
            if (columns) body.columns = columns;
            return body as unknown as StatementBody;
          });
        },
      },
      {
        ALT: () => {
          const properties = this.OPTION1(() => this.SUBRULE(this.withProperties));
          const query = this.SUBRULE(this.query);
          return this.ACTION(
            () =>
              ({
                kind: 'InsertInto',
                target: target.name,
                properties: properties ?? new Map(),
                query,
              }) as StatementBody,
          );
        },
      },
    ]);
  });

  private columnList = this.RULE('columnList', (): string[] => {
    const names: string[] = [];
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        const id = this.SUBRULE(this.identifier);
        this.ACTION(() => names.push(id.name));
      },
    });
    this.CONSUME(RParen, { ERR_MSG: listCloseMarker });
    return names;
  });

  private valueList = this.RULE('valueList', (): Expression[] => {
    const values: Expression[] = [];
    this.CONSUME(LParen);
    this.MANY_SEP({ SEP: Comma, DEF: () => values.push(this.SUBRULE(this.valueExpression)) });
    this.CONSUME(RParen, { ERR_MSG: listCloseMarker });
    return values;
  });

  private dropStatement = this.RULE('dropStatement', (): StatementBody => {
    this.CONSUME(K.DROP);
    return this.OR([
      {
        ALT: () => {
          const sourceType = this.OR1([
            { ALT: () => this.CONSUME(K.STREAM) },
            { ALT: () => this.CONSUME(K.TABLE) },
          ]);
          const ifExists = this.OPTION(() => this.SUBRULE(this.ifExists));
          const name = this.SUBRULE(this.sourceName);
          const deleteTopic = this.OPTION1(() => {
            this.CONSUME(K.DELETE);
            this.CONSUME(K.TOPIC);
            return true;
          });
          return this.ACTION(
            () =>
              ({
                kind: 'DropSource',
                sourceType: sourceType.image.toUpperCase() as 'STREAM' | 'TABLE',
                name: name.name,
                ifExists: !!ifExists,
                deleteTopic: deleteTopic !== undefined,
              }) as StatementBody,
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TYPE);
          const ifExists = this.OPTION2(() => this.SUBRULE1(this.ifExists));
          const name = this.SUBRULE(this.identifier);
          return this.ACTION(() => {
            const types = new Map(this.types);
            types.delete(name.name);
            this.types = types;
            return { kind: 'DropType', name: name.name, ifExists: !!ifExists } as StatementBody;
          });
        },
      },
      {
        ALT: () => {
          const c = this.CONSUME(K.CONNECTOR);
          this.OPTION3(() => this.SUBRULE2(this.ifExists));
          this.SUBRULE1(this.identifier);
          return this.unsupported('DROP CONNECTOR', c);
        },
      },
    ]);
  });

  private explainStatement = this.RULE('explainStatement', (): StatementBody => {
    this.CONSUME(K.EXPLAIN);
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // `EXPLAIN <statement>` unless the next word is a query id on its own (`EXPLAIN SHOW;`
          // explains a query named SHOW, as ksqlDB reads it).
          GATE: () => isOneOf(this.LA(1), STATEMENT_STARTS) && !isOneOf(this.LA(2), [Semicolon, EOF]),
          ALT: () => {
            const statement = this.SUBRULE(this.statement);
            return { kind: 'Explain', statement } as StatementBody;
          },
        },
        {
          ALT: () => {
            const id = this.SUBRULE(this.identifier);
            return this.ACTION(() => ({ kind: 'Explain', queryId: id.name }) as StatementBody);
          },
        },
      ],
    });
  });

  private alterStatement = this.RULE('alterStatement', (): StatementBody => {
    const alter = this.CONSUME(K.ALTER);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.SYSTEM);
          this.CONSUME(StringLiteral);
          this.CONSUME(Eq);
          this.CONSUME1(StringLiteral);
          return this.unsupported('ALTER SYSTEM', alter);
        },
      },
      {
        ALT: () => {
          const sourceType = this.OR1([
            { ALT: () => this.CONSUME(K.STREAM) },
            { ALT: () => this.CONSUME(K.TABLE) },
          ]);
          const name = this.SUBRULE(this.sourceName);
          const addColumns: TableElement[] = [];
          this.AT_LEAST_ONE_SEP({
            SEP: Comma,
            DEF: () => {
              this.CONSUME(K.ADD);
              this.OPTION(() => this.CONSUME(K.COLUMN));
              const column = this.SUBRULE(this.identifier);
              const type = this.SUBRULE(this.type);
              this.ACTION(() => addColumns.push({ name: column.name, type, pos: tokenPos(column.token) }));
            },
          });
          return this.ACTION(
            () =>
              ({
                kind: 'AlterSource',
                sourceType: sourceType.image.toUpperCase() as 'STREAM' | 'TABLE',
                name: name.name,
                addColumns,
              }) as StatementBody,
          );
        },
      },
    ]);
  });

  /** ASSERT [NOT EXISTS] TOPIC|SCHEMA …: parsed up to what it asserts, then reported as unsupported. */
  private assertStatement = this.RULE('assertStatement', (): StatementBody => {
    const t = this.CONSUME(K.ASSERT);
    this.OR([
      { ALT: () => this.CONSUME(K.TOPIC) },
      { ALT: () => this.CONSUME(K.SCHEMA) },
      {
        ALT: () => {
          this.CONSUME(K.NOT);
          this.CONSUME(K.EXISTS);
          this.OR1([{ ALT: () => this.CONSUME1(K.TOPIC) }, { ALT: () => this.CONSUME1(K.SCHEMA) }]);
        },
      },
    ]);
    return this.unsupported('ASSERT', t);
  });

  // -------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------

  private unsupported(feature: string, at: IToken): never {
    return this.ACTION(() => {
      throw new UnsupportedFeatureError(feature, tokenPos(at));
    }) as never;
  }

  private failExpecting(found: IToken, expected: readonly TokenType[]): never {
    throw syntaxErrorAt(found, expected);
  }
}

function propertyValue(literal: Expression): PropertyValue {
  switch (literal.kind) {
    case 'NullLiteral':
      return null;
    case 'BooleanLiteral':
      return literal.value;
    case 'StringLiteral':
      return literal.value;
    case 'IntegerLiteral':
    case 'DoubleLiteral':
      return literal.value;
    case 'DecimalLiteral':
      return Number(literal.text);
    default:
      return null;
  }
}
