/*
 * The statements that define and change sources and types — CREATE, INSERT, DROP, ALTER, ASSERT —
 * with their table elements and WITH properties. KsqlGrammar (grammar.ts) adds the other statements
 * and the script rules; see there for why chevrotain and how to edit a rule.
 */
import type { IToken, ParserMethod, TokenType } from 'chevrotain';
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
import { tokenPos, unquote } from './literals.js';
import { listCloseMarker, syntaxErrorAt } from './syntax-errors.js';
import { Comma, Eq, K, LParen, RParen, Semicolon, StringLiteral } from './tokens.js';
import { QueryGrammar } from './query-grammar.js';
import { checkHeaderColumnType } from './type-names.js';

/** A statement as its rule builds it; the statement's text is added once the whole is parsed. */
export type StatementBody = Statement extends infer S
  ? S extends Statement
    ? Omit<S, 'text'>
    : never
  : never;

export abstract class DefinitionStatementGrammar extends QueryGrammar {
  protected createStatement: ParserMethod<[], StatementBody> = this.RULE(
    'createStatement',
    (): StatementBody => {
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
              return {
                kind: 'CreateType',
                name: name.name,
                ifNotExists: !!ifNotExists,
                type,
              } as StatementBody;
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
    },
  );

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

  protected insertStatement: ParserMethod<[], StatementBody> = this.RULE(
    'insertStatement',
    (): StatementBody => {
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
    },
  );

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

  protected dropStatement: ParserMethod<[], StatementBody> = this.RULE('dropStatement', (): StatementBody => {
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

  protected alterStatement: ParserMethod<[], StatementBody> = this.RULE(
    'alterStatement',
    (): StatementBody => {
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
    },
  );

  /** ASSERT [NOT EXISTS] TOPIC|SCHEMA …: parsed up to what it asserts, then reported as unsupported. */
  protected assertStatement: ParserMethod<[], StatementBody> = this.RULE(
    'assertStatement',
    (): StatementBody => {
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
    },
  );

  // -------------------------------------------------------------------------------------------
  // Helpers
  // -------------------------------------------------------------------------------------------

  protected unsupported(feature: string, at: IToken): never {
    return this.ACTION(() => {
      throw new UnsupportedFeatureError(feature, tokenPos(at));
    }) as never;
  }

  protected failExpecting(found: IToken, expected: readonly TokenType[]): never {
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
