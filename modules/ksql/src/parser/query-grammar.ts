/*
 * The query rules of the KSQL grammar: SELECT … FROM … [JOIN …] [WINDOW …] [WHERE …] [GROUP BY …]
 * [PARTITION BY …] [HAVING …] [EMIT CHANGES|FINAL] [LIMIT n]. See grammar.ts for why chevrotain and
 * how rules are written (values are inspected inside `this.ACTION(…)`).
 */
import { tokenMatcher } from 'chevrotain';
import { KsqlError, type SourcePosition } from '../errors.js';
import type {
  AliasedSource,
  Expression,
  JoinClause,
  JoinType,
  JoinWithin,
  Query,
  SelectItem,
  WindowDuration,
  WindowExpression,
} from './ast.js';
import { integerArgument, tokenPos, windowUnit } from './literals.js';
import { Arrow, Comma, Dot, Identifier, K, LParen, RParen, Star } from './tokens.js';
import { ExpressionGrammar, isOneOf } from './expression-grammar.js';

/** Queries on top of the expression rules; KsqlGrammar adds the statements. */
export class QueryGrammar extends ExpressionGrammar {
  /** Per statement: the source names and aliases (qualifiers must name one of them). */
  protected sourceNames = new Set<string>();

  // -------------------------------------------------------------------------------------------
  // Queries
  // -------------------------------------------------------------------------------------------

  protected query = this.RULE('query', (): Query => {
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

  protected limitClause = this.RULE('limitClause', (): number => {
    const t = this.CONSUME(K.LIMIT);
    const n = this.SUBRULE(this.number);
    return this.ACTION(() => integerArgument(n, 'LIMIT', tokenPos(t)));
  });

  protected selectItem = this.RULE('selectItem', (): SelectItem => {
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

  protected aliasedRelation = this.RULE('aliasedRelation', (): AliasedSource => {
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

  protected joinedSource = this.RULE('joinedSource', (): JoinClause => {
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

  protected withinExpression = this.RULE('withinExpression', (): JoinWithin => {
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
  protected groupingList = this.RULE('groupingList', (): Expression[] => {
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

  protected windowExpression = this.RULE('windowExpression', (): WindowExpression => {
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
  protected windowExtras = this.RULE(
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

  protected gracePeriod = this.RULE('gracePeriod', (): WindowDuration => {
    this.CONSUME(K.GRACE);
    this.CONSUME(K.PERIOD);
    return this.SUBRULE(this.duration);
  });

  /** `number windowUnit`; the number must be an integer. */
  protected duration = this.RULE('duration', (): WindowDuration => {
    const first = this.LA(1);
    const n = this.SUBRULE(this.number);
    const unit = this.SUBRULE(this.windowUnit);
    return this.ACTION(() => {
      if (n.kind !== 'IntegerLiteral')
        throw new KsqlError(`Invalid window size: ${first.image}`, tokenPos(first));
      return { value: n.value, unit: windowUnit(unit.image) };
    });
  });

  /** `PARTITION BY` and `EMIT CHANGES|FINAL` begin clauses even though their first word is an identifier. */
  protected clauseStartsAt(i: number): boolean {
    const t = this.LA(i);
    if (tokenMatcher(t, K.PARTITION)) return tokenMatcher(this.LA(i + 1), K.BY);
    if (tokenMatcher(t, K.EMIT)) return isOneOf(this.LA(i + 1), [K.CHANGES, K.FINAL]);
    return false;
  }
}
