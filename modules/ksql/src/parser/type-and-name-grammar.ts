/*
 * The base of the KSQL grammar: names (identifiers, source names), types, number literals and the
 * lookahead gates the expression rules use. See expression-grammar.ts for the expressions and
 * grammar.ts for the statements.
 */

import { EmbeddedActionsParser, type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import { KsqlError, type SourcePosition } from '../errors.js';
import type { SqlStructField, SqlType } from '../types/sql-type.js';
import { SqlTypes } from '../types/sql-type.js';
import type { Literal } from './ast.js';
import { doubleLiteral, integerArgument, integerLiteral, tokenPos, unquote } from './literals.js';
import { errorMessageProvider, listCloseMarker } from './syntax-errors.js';
import {
  allTokens,
  Arrow,
  BackQuotedIdentifier,
  Comma,
  Concat,
  DecimalValue,
  DigitIdentifier,
  EOF,
  FloatValue,
  Gt,
  Identifier,
  IntegerValue,
  K,
  Lambda,
  LBracket,
  LParen,
  Lt,
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
const IDENTIFIER_TOKENS = [
  Identifier,
  NonReserved,
  QuotedIdentifier,
  BackQuotedIdentifier,
  DigitIdentifier,
  Variable,
];

export function isOneOf(token: IToken, types: readonly TokenType[]): boolean {
  for (const t of types) if (tokenMatcher(token, t)) return true;
  return false;
}

/** Names, types and gates; the expression and statement rules build on them. */
export class TypeAndNameGrammar extends EmbeddedActionsParser {
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
