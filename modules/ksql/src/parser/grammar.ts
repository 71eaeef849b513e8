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
import { EmbeddedActionsParser, type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import { KsqlError, type SourcePosition, UnsupportedFeatureError } from '../errors.js';
import type { SqlStructField, SqlType } from '../types/sql-type.js';
import { SqlTypes } from '../types/sql-type.js';
import type {
  AliasedSource,
  ArithmeticOperator,
  ColumnConstraint,
  ComparisonOperator,
  Expression,
  JoinClause,
  JoinType,
  JoinWithin,
  Literal,
  Properties,
  PropertyValue,
  Query,
  SelectItem,
  Statement,
  TableElement,
  WindowDuration,
  WindowExpression,
} from './ast.js';
import { doubleLiteral, integerArgument, integerLiteral, tokenPos, unquote, windowUnit } from './literals.js';
import { errorMessageProvider, listCloseMarker, syntaxErrorAt } from './syntax-errors.js';
import {
  allTokens,
  Arrow,
  Assign,
  BackQuotedIdentifier,
  Comma,
  Concat,
  DecimalValue,
  DigitIdentifier,
  Dot,
  EOF,
  Eq,
  FloatValue,
  Gt,
  Gte,
  Identifier,
  IntegerValue,
  K,
  Lambda,
  LBracket,
  LParen,
  Lt,
  Lte,
  Minus,
  Neq,
  NonReserved,
  Percent,
  Plus,
  QuotedIdentifier,
  RBracket,
  RParen,
  Semicolon,
  Slash,
  Star,
  STRING_KW,
  StringLiteral,
  Variable,
  WINDOW_UNIT_TOKENS,
} from './tokens.js';
import { checkHeaderColumnType, decimalType, resolveTypeName, type TypeRegistry } from './type-names.js';

/** An identifier as resolved: unquoted upper-cased, quoted kept exactly. */
interface Ident {
  readonly name: string;
  /** The text as written, without quotes (PRINT keeps an unquoted topic name's case). */
  readonly asWritten: string;
  readonly quoted: boolean;
  readonly token: IToken;
}

/** A `${name}` reference the parser met, and whether it stood for an identifier or a literal. */
export interface VariableUse {
  readonly token: IToken;
  readonly role: 'identifier' | 'literal';
}

/** One statement of a script as parsed, before variables are substituted. */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly firstToken: IToken;
  readonly lastToken: IToken;
  /** `${…}` references outside string literals (none: the statement needs no substitution of those). */
  readonly variables: readonly VariableUse[];
  /** The custom types in scope for this statement (CREATE TYPE earlier in the script included). */
  readonly types: TypeRegistry;
}

type StatementBody = Statement extends infer S ? (S extends Statement ? Omit<S, 'text'> : never) : never;

/** Query ids in comments and messages are upper-case words; a variable stands in for a name until substituted. */
const VARIABLE_PLACEHOLDER = 'VARIABLE';
/** ksqlDB restricts source names to what Kafka Streams accepts in store names. */
const VALID_SOURCE_NAME = /^[a-zA-Z0-9_-]*$/;

const COMPARISON: ReadonlyMap<TokenType, ComparisonOperator> = new Map([
  [Eq, '='],
  [Neq, '<>'],
  [Lt, '<'],
  [Lte, '<='],
  [Gt, '>'],
  [Gte, '>='],
]);
const NUMBER_TOKENS = [IntegerValue, DecimalValue, FloatValue];
const IDENTIFIER_TOKENS = [
  Identifier,
  NonReserved,
  QuotedIdentifier,
  BackQuotedIdentifier,
  DigitIdentifier,
  Variable,
];
const RESERVED_UNIT_TOKENS = WINDOW_UNIT_TOKENS.filter((t) => !tokenMatcher(createProbe(t), NonReserved));
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

function createProbe(type: TokenType): IToken {
  return {
    image: '',
    startOffset: 0,
    tokenType: type,
    tokenTypeIdx: (type as unknown as { tokenTypeIdx: number }).tokenTypeIdx,
  } as IToken;
}

function isOneOf(token: IToken, types: readonly TokenType[]): boolean {
  for (const t of types) if (tokenMatcher(token, t)) return true;
  return false;
}

export class KsqlGrammar extends EmbeddedActionsParser {
  /** The text being parsed (statement texts are slices of it). */
  private source = '';
  /** Custom types in scope; CREATE TYPE / DROP TYPE statements replace it (never mutated). */
  private types: TypeRegistry = new Map();
  /** Per statement: variable references, source names and aliases, qualifiers to check. */
  private variableUses: VariableUse[] = [];
  private sourceNames = new Set<string>();
  private qualifierUses: { name: string; pos: SourcePosition }[] = [];

  constructor() {
    super(allTokens, { maxLookahead: 3, recoveryEnabled: false, errorMessageProvider });
    this.performSelfAnalysis();
  }

  /** Prepares a parse of `source` (already lexed into `tokens`) with `types` in scope. */
  begin(source: string, tokens: IToken[], types: TypeRegistry): void {
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
            // ksqlDB reports this without a position (messages are compared with its own).
            throw new KsqlError(`'${use.name}' is not a valid stream/table name or alias.`);
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
  // Queries
  // -------------------------------------------------------------------------------------------

  private query = this.RULE('query', (): Query => {
    const select = this.CONSUME(K.SELECT);
    const items: SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
    this.CONSUME(K.FROM);
    const from = this.SUBRULE(this.aliasedRelation);
    const joins: JoinClause[] = [];
    this.MANY(() => joins.push(this.SUBRULE(this.joinedSource)));
    const window = this.OPTION(() => {
      this.CONSUME(K.WINDOW);
      return this.SUBRULE(this.windowExpression);
    });
    const where = this.OPTION1(() => {
      this.CONSUME(K.WHERE);
      return this.SUBRULE(this.expression);
    });
    const groupBy = this.OPTION2(() => {
      this.CONSUME(K.GROUP);
      this.CONSUME(K.BY);
      return this.SUBRULE(this.groupingList);
    });
    const partitionBy = this.OPTION3(() => {
      this.CONSUME(K.PARTITION);
      this.CONSUME1(K.BY);
      return this.SUBRULE1(this.groupingList);
    });
    const having = this.OPTION4(() => {
      this.CONSUME(K.HAVING);
      return this.SUBRULE1(this.expression);
    });
    const emit = this.OPTION5(() => {
      this.CONSUME(K.EMIT);
      return this.OR([{ ALT: () => this.CONSUME(K.CHANGES) }, { ALT: () => this.CONSUME(K.FINAL) }]);
    });
    const limit = this.OPTION6(() => this.SUBRULE(this.limitClause));
    return this.ACTION(() => {
      const query: Record<string, unknown> = { select: items, from, joins, pos: tokenPos(select) };
      if (window) query.window = window;
      if (where) query.where = where;
      if (groupBy) query.groupBy = groupBy;
      if (partitionBy) query.partitionBy = partitionBy;
      if (having) query.having = having;
      if (emit) query.emit = tokenMatcher(emit, K.FINAL) ? 'FINAL' : 'CHANGES';
      if (limit !== undefined) query.limit = limit;
      return query as unknown as Query;
    });
  });

  private limitClause = this.RULE('limitClause', (): number => {
    const t = this.CONSUME(K.LIMIT);
    const n = this.SUBRULE(this.number);
    return this.ACTION(() => integerArgument(n, 'LIMIT', tokenPos(t)));
  });

  private selectItem = this.RULE('selectItem', (): SelectItem => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          ALT: () => {
            const star = this.CONSUME(Star);
            return this.ACTION(() => ({ kind: 'AllColumns', pos: tokenPos(star) }) as SelectItem);
          },
        },
        {
          GATE: () => tokenMatcher(this.LA(2), Dot) && tokenMatcher(this.LA(3), Star),
          ALT: () => {
            const qualifier = this.SUBRULE(this.identifier);
            this.CONSUME(Dot);
            this.CONSUME1(Star);
            return this.ACTION(() => {
              this.qualifierUses.push({ name: qualifier.name, pos: tokenPos(qualifier.token) });
              return {
                kind: 'AllColumns',
                qualifier: qualifier.name,
                pos: tokenPos(qualifier.token),
              } as SelectItem;
            });
          },
        },
        {
          ALT: () => {
            const first = this.LA(1);
            const expression = this.SUBRULE(this.expression);
            // `struct->*`: the expression parser stops before `->` followed by `*`.
            const structAll = this.OPTION(() => {
              this.CONSUME(Arrow);
              this.CONSUME2(Star);
              return true;
            });
            const alias = this.OPTION1({
              GATE: () => !structAll,
              DEF: () => {
                this.OPTION2(() => this.CONSUME(K.AS));
                return this.SUBRULE1(this.identifier);
              },
            });
            return this.ACTION(() => {
              if (structAll)
                return { kind: 'StructAll', base: expression, pos: tokenPos(first) } as SelectItem;
              const item: Record<string, unknown> = {
                kind: 'SingleColumn',
                expression,
                pos: tokenPos(first),
              };
              if (alias) item.alias = alias.name;
              return item as unknown as SelectItem;
            });
          },
        },
      ],
    });
  });

  private aliasedRelation = this.RULE('aliasedRelation', (): AliasedSource => {
    const name = this.SUBRULE(this.sourceName);
    const alias = this.OPTION({
      // Keywords that are also identifiers: `EMIT CHANGES` and `PARTITION BY` start clauses.
      GATE: () => !this.clauseStartsAt(1),
      DEF: () => {
        this.OPTION1(() => this.CONSUME(K.AS));
        return this.SUBRULE1(this.sourceName);
      },
    });
    return this.ACTION(() => {
      this.sourceNames.add(name.name);
      const source: { name: string; pos: SourcePosition; alias?: string } = {
        name: name.name,
        pos: tokenPos(name.token),
      };
      if (alias) {
        this.sourceNames.add(alias.name);
        source.alias = alias.name;
      }
      return source;
    });
  });

  private joinedSource = this.RULE('joinedSource', (): JoinClause => {
    const first = this.LA(1);
    const type = this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.FULL);
            this.OPTION1(() => this.CONSUME(K.OUTER));
            return 'FULL' as JoinType;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.LEFT);
            this.OPTION2(() => this.CONSUME1(K.OUTER));
            return 'LEFT' as JoinType;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.RIGHT);
            this.OPTION3(() => this.CONSUME2(K.OUTER));
            return 'RIGHT' as JoinType;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.INNER);
            return 'INNER' as JoinType;
          },
        },
      ]),
    );
    this.CONSUME(K.JOIN);
    const right = this.SUBRULE(this.aliasedRelation);
    const within = this.OPTION4(() => {
      this.CONSUME(K.WITHIN);
      return this.SUBRULE(this.withinExpression);
    });
    this.CONSUME(K.ON);
    const on = this.SUBRULE(this.expression);
    return this.ACTION(() => {
      const join: {
        type: JoinType;
        right: AliasedSource;
        on: Expression;
        pos: SourcePosition;
        within?: JoinWithin;
      } = {
        type: type ?? 'INNER',
        right,
        on,
        pos: tokenPos(first),
      };
      if (within) join.within = within;
      return join;
    });
  });

  private withinExpression = this.RULE('withinExpression', (): JoinWithin => {
    const first = this.LA(1);
    const sizes = this.OR([
      {
        ALT: () => {
          this.CONSUME(LParen);
          const before = this.SUBRULE(this.duration);
          this.CONSUME(Comma);
          const after = this.SUBRULE1(this.duration);
          this.CONSUME(RParen);
          return [before, after];
        },
      },
      {
        ALT: () => {
          const size = this.SUBRULE2(this.duration);
          return [size, size];
        },
      },
    ]);
    const grace = this.OPTION(() => this.SUBRULE(this.gracePeriod));
    return this.ACTION(() => {
      const within: {
        before: WindowDuration;
        after: WindowDuration;
        pos: SourcePosition;
        grace?: WindowDuration;
      } = {
        before: sizes[0],
        after: sizes[1],
        pos: tokenPos(first),
      };
      if (grace) within.grace = grace;
      return within;
    });
  });

  /** GROUP BY / PARTITION BY: `a, b` or `(a, b)` or `()`. */
  private groupingList = this.RULE('groupingList', (): Expression[] => {
    const items: Expression[] = [];
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.parenthesisedListAhead(),
          ALT: () => {
            this.CONSUME(LParen);
            this.MANY_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.valueExpression)) });
            this.CONSUME(RParen);
          },
        },
        {
          ALT: () => {
            this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE1(this.valueExpression)) });
          },
        },
      ],
    });
    return items;
  });

  private windowExpression = this.RULE('windowExpression', (): WindowExpression => {
    this.OPTION(() => this.CONSUME(Identifier)); // an optional window name, ignored as in ksqlDB
    const first = this.LA(1);
    const window = this.OR([
      {
        ALT: () => {
          this.CONSUME(K.TUMBLING);
          this.CONSUME(LParen);
          this.CONSUME(K.SIZE);
          const size = this.SUBRULE(this.duration);
          const extras = this.SUBRULE(this.windowExtras);
          this.CONSUME(RParen);
          return { kind: 'TUMBLING', size, ...extras } as WindowExpression;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.HOPPING);
          this.CONSUME1(LParen);
          this.CONSUME1(K.SIZE);
          const size = this.SUBRULE1(this.duration);
          this.CONSUME(Comma);
          this.CONSUME(K.ADVANCE);
          this.CONSUME(K.BY);
          const advance = this.SUBRULE2(this.duration);
          const extras = this.SUBRULE1(this.windowExtras);
          this.CONSUME1(RParen);
          return { kind: 'HOPPING', size, advance, ...extras } as WindowExpression;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.SESSION);
          this.CONSUME2(LParen);
          const gap = this.SUBRULE3(this.duration);
          const extras = this.SUBRULE2(this.windowExtras);
          this.CONSUME2(RParen);
          return { kind: 'SESSION', gap, ...extras } as WindowExpression;
        },
      },
    ]);
    return this.ACTION(() => ({ ...window, pos: tokenPos(first) }));
  });

  /** `, RETENTION n unit` and `, GRACE PERIOD n unit`, in that order, both optional. */
  private windowExtras = this.RULE(
    'windowExtras',
    (): { retention?: WindowDuration; grace?: WindowDuration } => {
      const extras: { retention?: WindowDuration; grace?: WindowDuration } = {};
      this.OPTION(() => {
        this.CONSUME(Comma);
        this.CONSUME(K.RETENTION);
        extras.retention = this.SUBRULE(this.duration);
      });
      this.OPTION1(() => {
        this.CONSUME1(Comma);
        extras.grace = this.SUBRULE(this.gracePeriod);
      });
      return extras;
    },
  );

  private gracePeriod = this.RULE('gracePeriod', (): WindowDuration => {
    this.CONSUME(K.GRACE);
    this.CONSUME(K.PERIOD);
    return this.SUBRULE(this.duration);
  });

  /** `number windowUnit`; the number must be an integer. */
  private duration = this.RULE('duration', (): WindowDuration => {
    const first = this.LA(1);
    const n = this.SUBRULE(this.number);
    const unit = this.SUBRULE(this.windowUnit);
    return this.ACTION(() => {
      if (n.kind !== 'IntegerLiteral')
        throw new KsqlError(`Invalid window size: ${first.image}`, tokenPos(first));
      return { value: n.value, unit: windowUnit(unit.image) };
    });
  });

  private windowUnit = this.RULE('windowUnit', (): IToken => {
    return this.OR(WINDOW_UNIT_TOKENS.map((t) => ({ ALT: () => this.CONSUME(t) })));
  });

  // -------------------------------------------------------------------------------------------
  // Expressions, loosest binding first: OR < AND < NOT < predicates < || < + - < * / % < unary
  // -------------------------------------------------------------------------------------------

  public expression = this.RULE('expression', (): Expression => {
    let left = this.SUBRULE(this.andExpression);
    this.MANY(() => {
      const op = this.CONSUME(K.OR);
      const right = this.SUBRULE1(this.andExpression);
      this.ACTION(() => {
        left = { kind: 'Or', left, right, pos: tokenPos(op) };
      });
    });
    return left;
  });

  private andExpression = this.RULE('andExpression', (): Expression => {
    let left = this.SUBRULE(this.notExpression);
    this.MANY(() => {
      const op = this.CONSUME(K.AND);
      const right = this.SUBRULE1(this.notExpression);
      this.ACTION(() => {
        left = { kind: 'And', left, right, pos: tokenPos(op) };
      });
    });
    return left;
  });

  private notExpression = this.RULE('notExpression', (): Expression => {
    return this.OR([
      {
        ALT: () => {
          const not = this.CONSUME(K.NOT);
          const operand = this.SUBRULE(this.notExpression);
          return this.ACTION(() => ({ kind: 'Not', operand, pos: tokenPos(not) }) as Expression);
        },
      },
      { ALT: () => this.SUBRULE(this.predicated) },
    ]);
  });

  /** A value, optionally followed by one predicate (comparison, BETWEEN, IN, LIKE, IS …). */
  private predicated = this.RULE('predicated', (): Expression => {
    const value = this.SUBRULE(this.valueExpression);
    const predicate = this.OPTION(() => this.SUBRULE(this.predicate, { ARGS: [value] }));
    return predicate ?? value;
  });

  private predicate = this.RULE('predicate', (value?: Expression): Expression => {
    const v = value as Expression;
    return this.OR([
      {
        ALT: () => {
          const op = this.OR1([...COMPARISON.keys()].map((t) => ({ ALT: () => this.CONSUME(t) })));
          const right = this.SUBRULE(this.valueExpression);
          return this.ACTION(
            () =>
              ({
                kind: 'Comparison',
                op: COMPARISON.get(op.tokenType) as ComparisonOperator,
                left: v,
                right,
                pos: tokenPos(op),
              }) as Expression,
          );
        },
      },
      {
        ALT: () => {
          const not = this.OPTION(() => this.CONSUME(K.NOT));
          return this.OR2([
            {
              ALT: () => {
                const t = this.CONSUME(K.BETWEEN);
                const lower = this.SUBRULE1(this.valueExpression);
                this.CONSUME(K.AND);
                const upper = this.SUBRULE2(this.valueExpression);
                return this.ACTION(
                  () =>
                    ({
                      kind: 'Between',
                      not: !!not,
                      value: v,
                      lower,
                      upper,
                      pos: tokenPos(not ?? t),
                    }) as Expression,
                );
              },
            },
            {
              ALT: () => {
                const t = this.CONSUME(K.IN);
                this.CONSUME(LParen);
                const list: Expression[] = [];
                this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
                this.CONSUME(RParen, { ERR_MSG: listCloseMarker });
                return this.ACTION(
                  () =>
                    ({ kind: 'InList', not: !!not, value: v, list, pos: tokenPos(not ?? t) }) as Expression,
                );
              },
            },
            {
              ALT: () => {
                const t = this.CONSUME(K.LIKE);
                const pattern = this.SUBRULE3(this.valueExpression);
                const escapeChar = this.OPTION1(() => {
                  this.CONSUME(K.ESCAPE);
                  return this.CONSUME(StringLiteral);
                });
                return this.ACTION(() => {
                  const like: Record<string, unknown> = {
                    kind: 'Like',
                    not: !!not,
                    value: v,
                    pattern,
                    pos: tokenPos(not ?? t),
                  };
                  if (escapeChar) {
                    const text = unquote(escapeChar.image, "'");
                    if (text.length !== 1) {
                      throw new KsqlError(
                        `Expected single character escape but got: ${text}`,
                        tokenPos(escapeChar),
                      );
                    }
                    like.escape = text;
                  }
                  return like as unknown as Expression;
                });
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          const is = this.CONSUME(K.IS);
          const not = this.OPTION2(() => this.CONSUME1(K.NOT));
          return this.OR3([
            {
              ALT: () => {
                this.CONSUME(K.NULL);
                return this.ACTION(
                  () => ({ kind: 'IsNull', not: !!not, operand: v, pos: tokenPos(is) }) as Expression,
                );
              },
            },
            {
              ALT: () => {
                this.CONSUME(K.DISTINCT);
                this.CONSUME1(K.FROM);
                const right = this.SUBRULE4(this.valueExpression);
                return this.ACTION(
                  () =>
                    ({ kind: 'IsDistinctFrom', not: !!not, left: v, right, pos: tokenPos(is) }) as Expression,
                );
              },
            },
          ]);
        },
      },
    ]);
  });

  /** `||` binds loosest of the value operators (as in ksqlDB's grammar). */
  public valueExpression = this.RULE('valueExpression', (): Expression => {
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      const op = this.CONSUME(Concat);
      const right = this.SUBRULE1(this.additive);
      this.ACTION(() => {
        left = { kind: 'Concat', left, right, pos: tokenPos(op) };
      });
    });
    return left;
  });

  private additive = this.RULE('additive', (): Expression => {
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(Plus) }, { ALT: () => this.CONSUME(Minus) }]);
      const right = this.SUBRULE1(this.multiplicative);
      this.ACTION(() => {
        left = { kind: 'Arithmetic', op: op.image as ArithmeticOperator, left, right, pos: tokenPos(op) };
      });
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): Expression => {
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(Star) },
        { ALT: () => this.CONSUME(Slash) },
        { ALT: () => this.CONSUME(Percent) },
      ]);
      const right = this.SUBRULE1(this.unary);
      this.ACTION(() => {
        left = { kind: 'Arithmetic', op: op.image as ArithmeticOperator, left, right, pos: tokenPos(op) };
      });
    });
    return left;
  });

  private unary = this.RULE('unary', (): Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          // `-5` is a negative literal (ksqlDB's number rule), `-x` a negation.
          GATE: () => !(tokenMatcher(this.LA(1), Minus) && isOneOf(this.LA(2), NUMBER_TOKENS)),
          ALT: () => {
            const sign = this.OR1([{ ALT: () => this.CONSUME(Minus) }, { ALT: () => this.CONSUME(Plus) }]);
            const operand = this.SUBRULE(this.unary);
            return this.ACTION(
              () =>
                ({
                  kind: 'Negate',
                  operand,
                  sign: sign.image as '-' | '+',
                  pos: tokenPos(sign),
                }) as Expression,
            );
          },
        },
        { ALT: () => this.SUBRULE(this.postfix) },
      ],
    });
  });

  /** A primary expression followed by subscripts `[i]` and dereferences `->f`. */
  private postfix = this.RULE('postfix', (): Expression => {
    let base = this.SUBRULE(this.primary);
    this.MANY({
      GATE: () => !(tokenMatcher(this.LA(1), Arrow) && tokenMatcher(this.LA(2), Star)),
      DEF: () => {
        this.OR([
          {
            ALT: () => {
              const open = this.CONSUME(LBracket);
              const index = this.SUBRULE(this.valueExpression);
              this.CONSUME(RBracket);
              this.ACTION(() => {
                base = { kind: 'Subscript', base, index, pos: tokenPos(open) };
              });
            },
          },
          {
            ALT: () => {
              const arrow = this.CONSUME(Arrow);
              const field = this.SUBRULE(this.identifier);
              this.ACTION(() => {
                base = { kind: 'Dereference', base, field: field.name, pos: tokenPos(arrow) };
              });
            },
          },
        ]);
      },
    });
    this.OPTION(() => {
      const at = this.CONSUME(K.AT);
      this.ACTION(() => {
        throw new UnsupportedFeatureError('AT TIME ZONE', tokenPos(at));
      });
    });
    return base;
  });

  private primary = this.RULE('primary', (): Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.literal) },
        { ALT: () => this.SUBRULE(this.caseExpression) },
        {
          ALT: () => {
            const cast = this.CONSUME(K.CAST);
            this.CONSUME(LParen);
            const expression = this.SUBRULE(this.expression);
            this.CONSUME(K.AS);
            const type = this.SUBRULE(this.type);
            this.CONSUME(RParen);
            return this.ACTION(() => ({ kind: 'Cast', expression, type, pos: tokenPos(cast) }) as Expression);
          },
        },
        {
          GATE: () => tokenMatcher(this.LA(2), LBracket),
          ALT: () => {
            const array = this.CONSUME(K.ARRAY);
            this.CONSUME(LBracket);
            const items: Expression[] = [];
            this.MANY_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE1(this.expression)) });
            this.CONSUME(RBracket);
            return this.ACTION(
              () => ({ kind: 'ArrayConstructor', items, pos: tokenPos(array) }) as Expression,
            );
          },
        },
        {
          GATE: () => tokenMatcher(this.LA(2), LParen),
          ALT: () => {
            const map = this.CONSUME(K.MAP);
            this.CONSUME1(LParen);
            const entries: { key: Expression; value: Expression }[] = [];
            this.MANY_SEP1({
              SEP: Comma,
              DEF: () => {
                const key = this.SUBRULE2(this.expression);
                this.CONSUME(Assign);
                const value = this.SUBRULE3(this.expression);
                entries.push({ key, value });
              },
            });
            this.CONSUME1(RParen);
            return this.ACTION(() => ({ kind: 'MapConstructor', entries, pos: tokenPos(map) }) as Expression);
          },
        },
        {
          GATE: () => tokenMatcher(this.LA(2), LParen),
          ALT: () => {
            const struct = this.CONSUME(K.STRUCT);
            this.CONSUME2(LParen);
            const fields: { name: string; value: Expression }[] = [];
            this.MANY_SEP2({
              SEP: Comma,
              DEF: () => {
                const name = this.SUBRULE(this.identifier);
                this.CONSUME1(Assign);
                const value = this.SUBRULE4(this.expression);
                this.ACTION(() => fields.push({ name: name.name, value }));
              },
            });
            this.CONSUME2(RParen);
            return this.ACTION(
              () => ({ kind: 'StructConstructor', fields, pos: tokenPos(struct) }) as Expression,
            );
          },
        },
        { ALT: () => this.SUBRULE(this.identifierExpression) },
        {
          ALT: () => {
            this.CONSUME3(LParen);
            const inner = this.SUBRULE5(this.expression);
            this.CONSUME3(RParen);
            return inner;
          },
        },
      ],
    });
  });

  /** What starts with an identifier: a function call, a typed literal, `src.col` or `col`. */
  private identifierExpression = this.RULE('identifierExpression', (): Expression => {
    const id = this.SUBRULE(this.identifier);
    const complex = this.OPTION({
      // `src.*` is a select item, not a column.
      GATE: () => !(tokenMatcher(this.LA(1), Dot) && tokenMatcher(this.LA(2), Star)),
      DEF: () =>
        this.OR([
          { ALT: () => this.SUBRULE(this.functionCall, { ARGS: [id] }) },
          {
            ALT: () => {
              const text = this.CONSUME(StringLiteral);
              return this.ACTION(
                () =>
                  ({
                    kind: 'TypedLiteral',
                    typeName: id.name,
                    text: unquote(text.image, "'"),
                    pos: tokenPos(id.token),
                  }) as Expression,
              );
            },
          },
          {
            ALT: () => {
              this.CONSUME(Dot);
              const column = this.SUBRULE1(this.identifier);
              return this.ACTION(() => {
                const pos = tokenPos(id.token);
                this.qualifierUses.push({ name: id.name, pos });
                return { kind: 'ColumnRef', name: column.name, qualifier: id.name, pos } as Expression;
              });
            },
          },
        ]),
    });
    return this.ACTION(
      () => complex ?? ({ kind: 'ColumnRef', name: id.name, pos: tokenPos(id.token) } as Expression),
    );
  });

  private functionCall = this.RULE('functionCall', (name?: Ident): Expression => {
    this.CONSUME(LParen);
    const args: Expression[] = [];
    const lambdas: Expression[] = [];
    const star = this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Star);
            return true;
          },
        },
        {
          ALT: () => {
            this.AT_LEAST_ONE_SEP({
              SEP: Comma,
              DEF: () => {
                const arg = this.SUBRULE(this.functionArgument);
                this.ACTION(() => {
                  if (arg.kind === 'Lambda') lambdas.push(arg);
                  else if (lambdas.length > 0) {
                    // ksqlDB's grammar: lambdas come after all other arguments.
                    throw new KsqlError(
                      'Syntax Error\nLambda functions must be the last arguments of a function call',
                      arg.pos,
                    );
                  } else args.push(arg);
                });
              },
            });
            return false;
          },
        },
      ]),
    );
    this.CONSUME(RParen, { ERR_MSG: listCloseMarker });
    return this.ACTION(() => {
      const id = name as Ident;
      const call: Record<string, unknown> = {
        kind: 'FunctionCall',
        name: id.name,
        args,
        pos: tokenPos(id.token),
      };
      if (star) call.star = true;
      if (lambdas.length > 0) call.lambdas = lambdas;
      return call as unknown as Expression;
    });
  });

  private functionArgument = this.RULE('functionArgument', (): Expression => {
    return this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.lambdaAhead(), ALT: () => this.SUBRULE(this.lambda) },
        {
          // DAYS, MILLISECONDS…: a unit argument (TIMESTAMPADD). DAY, HOUR… are identifiers too and
          // read as columns, as ksqlDB's grammar prefers.
          GATE: () => isOneOf(this.LA(1), RESERVED_UNIT_TOKENS),
          ALT: () => {
            const unit = this.SUBRULE(this.windowUnit);
            return this.ACTION(
              () =>
                ({ kind: 'IntervalUnit', unit: windowUnit(unit.image), pos: tokenPos(unit) }) as Expression,
            );
          },
        },
        { ALT: () => this.SUBRULE(this.expression) },
      ],
    });
  });

  private lambda = this.RULE('lambda', (): Expression => {
    const first = this.LA(1);
    const params: string[] = [];
    this.OR([
      {
        ALT: () => {
          const p = this.SUBRULE(this.identifier);
          this.ACTION(() => params.push(p.name));
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.AT_LEAST_ONE_SEP({
            SEP: Comma,
            DEF: () => {
              const p = this.SUBRULE1(this.identifier);
              this.ACTION(() => params.push(p.name));
            },
          });
          this.CONSUME(RParen);
        },
      },
    ]);
    this.CONSUME(Lambda);
    const body = this.SUBRULE(this.expression);
    return this.ACTION(() => ({ kind: 'Lambda', params, body, pos: tokenPos(first) }) as Expression);
  });

  private caseExpression = this.RULE('caseExpression', (): Expression => {
    const caseToken = this.CONSUME(K.CASE);
    const operand = this.OPTION(() => this.SUBRULE(this.valueExpression));
    const whens: { when: Expression; then: Expression }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(K.WHEN);
      const when = this.SUBRULE(this.expression);
      this.CONSUME(K.THEN);
      const then = this.SUBRULE1(this.expression);
      whens.push({ when, then });
    });
    const otherwise = this.OPTION1(() => {
      this.CONSUME(K.ELSE);
      return this.SUBRULE2(this.expression);
    });
    this.CONSUME(K.END);
    return this.ACTION(() => {
      const node: Record<string, unknown> = operand
        ? { kind: 'SimpleCase', operand, whens, pos: tokenPos(caseToken) }
        : { kind: 'SearchedCase', whens, pos: tokenPos(caseToken) };
      if (otherwise) node.else = otherwise;
      return node as unknown as Expression;
    });
  });

  private literal = this.RULE('literal', (): Expression => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(K.NULL);
          return this.ACTION(() => ({ kind: 'NullLiteral', pos: tokenPos(t) }) as Expression);
        },
      },
      {
        ALT: () => {
          const t = this.OR1([{ ALT: () => this.CONSUME(K.TRUE) }, { ALT: () => this.CONSUME(K.FALSE) }]);
          return this.ACTION(
            () =>
              ({ kind: 'BooleanLiteral', value: tokenMatcher(t, K.TRUE), pos: tokenPos(t) }) as Expression,
          );
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(StringLiteral);
          return this.ACTION(
            () => ({ kind: 'StringLiteral', value: unquote(t.image, "'"), pos: tokenPos(t) }) as Expression,
          );
        },
      },
      {
        ALT: () => {
          // An unsubstituted `${name}`: substitution replaces it before the final parse.
          const t = this.CONSUME(Variable);
          return this.ACTION(() => {
            this.variableUses.push({ token: t, role: 'literal' });
            return { kind: 'NullLiteral', pos: tokenPos(t) } as Expression;
          });
        },
      },
      { ALT: () => this.SUBRULE(this.number) },
    ]);
  });

  /** `-? (integer | decimal | double)`, with ksqlDB's typing of number literals. */
  private number = this.RULE('number', (): Literal & { pos: SourcePosition } => {
    const minus = this.OPTION(() => this.CONSUME(Minus));
    const t = this.OR([
      { ALT: () => this.CONSUME(IntegerValue) },
      { ALT: () => this.CONSUME(DecimalValue) },
      { ALT: () => this.CONSUME(FloatValue) },
    ]);
    return this.ACTION(() => {
      const pos = tokenPos(minus ?? t);
      const text = (minus ? '-' : '') + t.image;
      if (tokenMatcher(t, IntegerValue)) return { ...integerLiteral(text, pos), pos };
      if (tokenMatcher(t, FloatValue)) return { ...doubleLiteral(text, pos), pos };
      return { kind: 'DecimalLiteral', text, pos };
    });
  });

  // -------------------------------------------------------------------------------------------
  // Types
  // -------------------------------------------------------------------------------------------

  public type = this.RULE('type', (): SqlType => {
    let type = this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => tokenMatcher(this.LA(2), Lt),
          ALT: () => {
            this.CONSUME(K.ARRAY);
            this.CONSUME(Lt);
            const element = this.SUBRULE(this.type);
            this.CONSUME(Gt);
            return this.ACTION(() => SqlTypes.array(element));
          },
        },
        {
          GATE: () => tokenMatcher(this.LA(2), Lt),
          ALT: () => {
            this.CONSUME(K.MAP);
            this.CONSUME1(Lt);
            const key = this.SUBRULE1(this.type);
            this.CONSUME(Comma);
            const value = this.SUBRULE2(this.type);
            this.CONSUME1(Gt);
            return this.ACTION(() => SqlTypes.map(key, value));
          },
        },
        {
          GATE: () => isOneOf(this.LA(2), [Lt, Neq]),
          ALT: () => {
            this.CONSUME(K.STRUCT);
            const fields: SqlStructField[] = [];
            this.OR1([
              // `STRUCT<>`: the lexer reads `<>` as the not-equal operator.
              { ALT: () => this.CONSUME(Neq) },
              {
                ALT: () => {
                  this.CONSUME2(Lt);
                  this.MANY_SEP({
                    SEP: Comma,
                    DEF: () => {
                      const name = this.SUBRULE(this.identifier);
                      const fieldType = this.SUBRULE3(this.type);
                      this.ACTION(() => fields.push({ name: name.name, type: fieldType }));
                    },
                  });
                  this.CONSUME2(Gt);
                },
              },
            ]);
            return this.ACTION(() => SqlTypes.struct(fields));
          },
        },
        {
          ALT: () => {
            const t = this.CONSUME(K.DECIMAL);
            this.CONSUME(LParen);
            const precision = this.SUBRULE(this.number);
            this.CONSUME1(Comma);
            const scale = this.SUBRULE1(this.number);
            this.CONSUME(RParen);
            return this.ACTION(() => {
              const pos = tokenPos(t);
              return decimalType(
                integerArgument(precision, 'DECIMAL(PRECISION)', pos),
                integerArgument(scale, 'DECIMAL(SCALE)', pos),
                pos,
              );
            });
          },
        },
        {
          ALT: () => {
            const name = this.SUBRULE1(this.identifier);
            // Type parameters (`VARCHAR(10)`) are accepted and ignored, as in ksqlDB.
            this.OPTION(() => {
              this.CONSUME1(LParen);
              // The first parameter outside a repetition, so a wrong one fails in typeParameter (a token set).
              this.SUBRULE(this.typeParameter);
              this.MANY1(() => {
                this.CONSUME2(Comma);
                this.SUBRULE1(this.typeParameter);
              });
              this.CONSUME1(RParen, { ERR_MSG: listCloseMarker });
            });
            return this.ACTION(() => resolveTypeName(name.name, this.types));
          },
        },
      ],
    });
    // `INT ARRAY` is ARRAY<INT>.
    this.MANY({
      GATE: () => !tokenMatcher(this.LA(2), Lt),
      DEF: () => {
        this.CONSUME1(K.ARRAY);
        this.ACTION(() => {
          type = SqlTypes.array(type);
        });
      },
    });
    return type;
  });

  private typeParameter = this.RULE('typeParameter', (): void => {
    this.OR([{ ALT: () => this.CONSUME(STRING_KW) }, { ALT: () => this.CONSUME(IntegerValue) }]);
  });

  // -------------------------------------------------------------------------------------------
  // Names
  // -------------------------------------------------------------------------------------------

  private identifier = this.RULE('identifier', (): Ident => {
    const t = this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(NonReserved) },
      { ALT: () => this.CONSUME(QuotedIdentifier) },
      { ALT: () => this.CONSUME(BackQuotedIdentifier) },
      { ALT: () => this.CONSUME(DigitIdentifier) },
      { ALT: () => this.CONSUME(Variable) },
    ]);
    return this.ACTION(() => {
      if (tokenMatcher(t, QuotedIdentifier)) {
        const name = unquote(t.image, '"');
        return { name, asWritten: name, quoted: true, token: t };
      }
      if (tokenMatcher(t, BackQuotedIdentifier)) {
        const name = unquote(t.image, '`');
        return { name, asWritten: name, quoted: true, token: t };
      }
      if (tokenMatcher(t, Variable)) {
        this.variableUses.push({ token: t, role: 'identifier' });
        return { name: VARIABLE_PLACEHOLDER, asWritten: VARIABLE_PLACEHOLDER, quoted: false, token: t };
      }
      return { name: t.image.toUpperCase(), asWritten: t.image, quoted: false, token: t };
    });
  });

  /** A stream or table name: an identifier that Kafka Streams accepts in store names. */
  private sourceName = this.RULE('sourceName', (): Ident => {
    const id = this.SUBRULE(this.identifier);
    this.ACTION(() => {
      if (!VALID_SOURCE_NAME.test(id.name)) {
        throw new KsqlError(
          `Illegal argument. Source names may only contain alphanumeric values, '_' or '-'. Got: '${id.name}'`,
          tokenPos(id.token),
        );
      }
    });
    return id;
  });

  // -------------------------------------------------------------------------------------------
  // Helpers (gates and errors)
  // -------------------------------------------------------------------------------------------

  private isIdentifierAt(i: number): boolean {
    return isOneOf(this.LA(i), IDENTIFIER_TOKENS);
  }

  /** `PARTITION BY` and `EMIT CHANGES|FINAL` begin clauses even though their first word is an identifier. */
  private clauseStartsAt(i: number): boolean {
    const t = this.LA(i);
    if (tokenMatcher(t, K.PARTITION)) return tokenMatcher(this.LA(i + 1), K.BY);
    if (tokenMatcher(t, K.EMIT)) return isOneOf(this.LA(i + 1), [K.CHANGES, K.FINAL]);
    return false;
  }

  /** `x =>` or `(x, y) =>` ahead. */
  private lambdaAhead(): boolean {
    if (this.isIdentifierAt(1)) return tokenMatcher(this.LA(2), Lambda);
    if (!tokenMatcher(this.LA(1), LParen)) return false;
    let i = 2;
    for (;;) {
      if (!this.isIdentifierAt(i)) return false;
      i++;
      if (tokenMatcher(this.LA(i), RParen)) return tokenMatcher(this.LA(i + 1), Lambda);
      if (!tokenMatcher(this.LA(i), Comma)) return false;
      i++;
    }
  }

  /**
   * `(a, b)` / `()` as a whole grouping list rather than `(a) + 1, b`: the matching `)` ends the
   * list (or a `,` appears at the top level inside it).
   */
  private parenthesisedListAhead(): boolean {
    if (!tokenMatcher(this.LA(1), LParen)) return false;
    let depth = 0;
    for (let i = 1; ; i++) {
      const t = this.LA(i);
      if (tokenMatcher(t, EOF)) return false;
      if (tokenMatcher(t, LParen) || tokenMatcher(t, LBracket)) depth++;
      else if (tokenMatcher(t, RParen) || tokenMatcher(t, RBracket)) {
        depth--;
        if (depth === 0) return i === 2 || !isOneOf(this.LA(i + 1), CONTINUES_EXPRESSION);
      } else if (depth === 1 && tokenMatcher(t, Comma)) return true;
    }
  }

  private unsupported(feature: string, at: IToken): never {
    return this.ACTION(() => {
      throw new UnsupportedFeatureError(feature, tokenPos(at));
    }) as never;
  }

  private failExpecting(found: IToken, expected: readonly TokenType[]): never {
    throw syntaxErrorAt(found, expected);
  }
}

/** Tokens after `)` that make a parenthesised group the start of a longer expression. */
const CONTINUES_EXPRESSION: readonly TokenType[] = [
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Concat,
  LBracket,
  Arrow,
  K.AT,
];

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
