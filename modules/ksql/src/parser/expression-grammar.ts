/*
 * The expression, type and name rules of the KSQL grammar (see grammar.ts for the statements and
 * why chevrotain). Precedence, loosest first: OR < AND < NOT < predicates (comparison, BETWEEN, IN,
 * LIKE, IS [NOT] NULL, IS [NOT] DISTINCT FROM) < || < + - < * / % < unary sign < postfix ([i], ->f).
 * As in grammar.ts, code that inspects parsed values runs inside `this.ACTION(…)` (chevrotain first
 * records the grammar by running every rule with placeholder values).
 */
import { EmbeddedActionsParser, type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import { KsqlError, type SourcePosition, UnsupportedFeatureError } from '../errors.js';
import type { SqlStructField, SqlType } from '../types/sql-type.js';
import { SqlTypes } from '../types/sql-type.js';
import type { ArithmeticOperator, ComparisonOperator, Expression, Literal } from './ast.js';
import { doubleLiteral, integerArgument, integerLiteral, tokenPos, unquote, windowUnit } from './literals.js';
import { errorMessageProvider, listCloseMarker } from './syntax-errors.js';
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
  Slash,
  Star,
  STRING_KW,
  StringLiteral,
  Variable,
  WINDOW_UNIT_TOKENS,
} from './tokens.js';
import { decimalType, resolveTypeName, type CustomTypeRegistry } from './type-names.js';

/** An identifier as resolved: unquoted upper-cased, quoted kept exactly. */
export interface Ident {
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
function createProbe(type: TokenType): IToken {
  return {
    image: '',
    startOffset: 0,
    tokenType: type,
    tokenTypeIdx: (type as unknown as { tokenTypeIdx: number }).tokenTypeIdx,
  } as IToken;
}

export function isOneOf(token: IToken, types: readonly TokenType[]): boolean {
  for (const t of types) if (tokenMatcher(token, t)) return true;
  return false;
}

/** The rules for expressions, types and names; KsqlGrammar adds the statements. */
export class ExpressionGrammar extends EmbeddedActionsParser {
  /** Custom types in scope; CREATE TYPE / DROP TYPE statements replace it (never mutated). */
  protected types: CustomTypeRegistry = new Map();
  /** Per statement: variable references and qualifiers to check. */
  protected variableUses: VariableUse[] = [];
  protected qualifierUses: { name: string; pos: SourcePosition }[] = [];

  constructor() {
    // LL(3) suffices with the gates below; the subclass runs the grammar analysis once built.
    super(allTokens, { maxLookahead: 3, recoveryEnabled: false, errorMessageProvider });
  }

  protected windowUnit = this.RULE('windowUnit', (): IToken => {
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

  protected andExpression = this.RULE('andExpression', (): Expression => {
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

  protected notExpression = this.RULE('notExpression', (): Expression => {
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
  protected predicated = this.RULE('predicated', (): Expression => {
    const value = this.SUBRULE(this.valueExpression);
    const predicate = this.OPTION(() => this.SUBRULE(this.predicate, { ARGS: [value] }));
    return predicate ?? value;
  });

  protected predicate = this.RULE('predicate', (value?: Expression): Expression => {
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

  protected additive = this.RULE('additive', (): Expression => {
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

  protected multiplicative = this.RULE('multiplicative', (): Expression => {
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

  protected unary = this.RULE('unary', (): Expression => {
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
  protected postfix = this.RULE('postfix', (): Expression => {
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

  protected primary = this.RULE('primary', (): Expression => {
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
  protected identifierExpression = this.RULE('identifierExpression', (): Expression => {
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

  protected functionCall = this.RULE('functionCall', (name?: Ident): Expression => {
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

  protected functionArgument = this.RULE('functionArgument', (): Expression => {
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

  protected lambda = this.RULE('lambda', (): Expression => {
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

  protected caseExpression = this.RULE('caseExpression', (): Expression => {
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

  protected literal = this.RULE('literal', (): Expression => {
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
  protected number = this.RULE('number', (): Literal & { pos: SourcePosition } => {
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

  protected typeParameter = this.RULE('typeParameter', (): void => {
    this.OR([{ ALT: () => this.CONSUME(STRING_KW) }, { ALT: () => this.CONSUME(IntegerValue) }]);
  });

  // -------------------------------------------------------------------------------------------
  // Names
  // -------------------------------------------------------------------------------------------

  protected identifier = this.RULE('identifier', (): Ident => {
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
  protected sourceName = this.RULE('sourceName', (): Ident => {
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
  // Gates
  // -------------------------------------------------------------------------------------------

  protected isIdentifierAt(i: number): boolean {
    return isOneOf(this.LA(i), IDENTIFIER_TOKENS);
  }

  /** `x =>` or `(x, y) =>` ahead. */
  protected lambdaAhead(): boolean {
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
  protected parenthesisedListAhead(): boolean {
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
