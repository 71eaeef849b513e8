/*
 * The operator rules of the KSQL grammar; primary expressions, types and names are in the classes
 * it extends (see grammar.ts for the statements and why chevrotain). Precedence, loosest first:
 * OR < AND < NOT < predicates (comparison, BETWEEN, IN, LIKE, IS [NOT] NULL, IS [NOT] DISTINCT
 * FROM) < || < + - < * / % < unary sign < postfix ([i], ->f). As in grammar.ts, code that inspects
 * parsed values runs inside `this.ACTION(…)` (chevrotain first records the grammar by running every
 * rule with placeholder values).
 */

import { type TokenType, tokenMatcher } from 'chevrotain';
import { KsqlError, UnsupportedFeatureError } from '../errors.js';
import type { ArithmeticOperator, ComparisonOperator, Expression } from './ast.js';
import { tokenPos, unquote } from './literals.js';
import { listCloseMarker } from './syntax-errors.js';
import {
  Arrow,
  Comma,
  Concat,
  DecimalValue,
  Eq,
  FloatValue,
  Gt,
  Gte,
  IntegerValue,
  K,
  LBracket,
  LParen,
  Lt,
  Lte,
  Minus,
  Neq,
  Percent,
  Plus,
  RBracket,
  RParen,
  Slash,
  Star,
  StringLiteral,
} from './tokens.js';
import { PrimaryExpressionGrammar } from './primary-expression-grammar.js';
import { isOneOf } from './type-and-name-grammar.js';

const COMPARISON: ReadonlyMap<TokenType, ComparisonOperator> = new Map([
  [Eq, '='],
  [Neq, '<>'],
  [Lt, '<'],
  [Lte, '<='],
  [Gt, '>'],
  [Gte, '>='],
]);
const NUMBER_TOKENS = [IntegerValue, DecimalValue, FloatValue];

export { type Ident, isOneOf, type VariableUse } from './type-and-name-grammar.js';

/** The rules for expressions, types and names; KsqlGrammar adds the statements. */
export class ExpressionGrammar extends PrimaryExpressionGrammar {
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
}
