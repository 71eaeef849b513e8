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
import { type IToken, tokenMatcher } from 'chevrotain';
import { KsqlError } from '../errors.js';
import type { SqlType } from '../types/sql-type.js';
import type { Expression, Statement } from './ast.js';
import { integerArgument, tokenPos, unquote } from './literals.js';
import { EOF, Eq, Identifier, K, NonReserved, Semicolon, StringLiteral } from './tokens.js';
import { isOneOf, type VariableUse } from './expression-grammar.js';
import { DefinitionStatementGrammar, type StatementBody } from './definition-statement-grammar.js';
import type { CustomTypeRegistry } from './type-names.js';

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

export class KsqlGrammar extends DefinitionStatementGrammar {
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
}
