/*
 * The primary expressions of the KSQL grammar: literals, CASE, function calls (with lambdas and
 * window units as arguments), column references and parenthesised groups.
 */

import type { ParserMethod } from 'chevrotain';
import { type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import { KsqlError } from '../errors.js';
import type { Expression } from './ast.js';
import { tokenPos, unquote, windowUnit } from './literals.js';
import { listCloseMarker } from './syntax-errors.js';
import {
  Assign,
  Comma,
  Dot,
  K,
  Lambda,
  LBracket,
  LParen,
  NonReserved,
  RBracket,
  RParen,
  Star,
  StringLiteral,
  Variable,
  WINDOW_UNIT_TOKENS,
} from './tokens.js';
import { type Ident, isOneOf, TypeAndNameGrammar } from './type-and-name-grammar.js';

const RESERVED_UNIT_TOKENS = WINDOW_UNIT_TOKENS.filter((t) => !tokenMatcher(createProbe(t), NonReserved));
function createProbe(type: TokenType): IToken {
  return {
    image: '',
    startOffset: 0,
    tokenType: type,
    tokenTypeIdx: (type as unknown as { tokenTypeIdx: number }).tokenTypeIdx,
  } as IToken;
}

/** Primary expressions; ExpressionGrammar adds the operators (and the rules these refer back to). */
export abstract class PrimaryExpressionGrammar extends TypeAndNameGrammar {
  public abstract expression: ParserMethod<[], Expression>;
  public abstract valueExpression: ParserMethod<[], Expression>;

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
}
