import type { SourcePosition } from '../errors.js';
import type { SqlType } from '../types/sql-type.js';

/**
 * The syntax tree the parser produces and the planner consumes (ksqlDB's parser/tree package,
 * flattened into discriminated unions). Identifiers are already resolved: unquoted ones
 * upper-cased, back-quoted ones exactly as written. Every node carries where it starts in the
 * statement text so later errors (unknown column, type mismatch) can point at it.
 */
export interface Node {
  readonly pos?: SourcePosition;
}

// ---------------------------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------------------------

export type Literal =
  | { readonly kind: 'NullLiteral' }
  | { readonly kind: 'BooleanLiteral'; readonly value: boolean }
  /** Integer literal that fits INTEGER (ksqlDB: IntegerLiteral) or BIGINT (LongLiteral). */
  | { readonly kind: 'IntegerLiteral'; readonly value: number; readonly type: 'INTEGER' | 'BIGINT' }
  /** A literal with a decimal point (`1.5`) is DECIMAL in ksqlDB; the text keeps its exact digits. */
  | { readonly kind: 'DecimalLiteral'; readonly text: string }
  /** Scientific notation (`1.5E3`) is DOUBLE. */
  | { readonly kind: 'DoubleLiteral'; readonly value: number }
  | { readonly kind: 'StringLiteral'; readonly value: string }
  /** `BYTES 'base64'`-less form is not KSQL; typeConstructor covers e.g. `DATE '2021-01-01'`. */
  | { readonly kind: 'TypedLiteral'; readonly typeName: string; readonly text: string };

export type ArithmeticOperator = '+' | '-' | '*' | '/' | '%';
export type ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type WindowUnit = 'MILLISECONDS' | 'SECONDS' | 'MINUTES' | 'HOURS' | 'DAYS';

export type Expression = Node &
  (
    | Literal
    /** `col` or `source.col` (qualifier is the source name or alias, resolved like names). */
    | { readonly kind: 'ColumnRef'; readonly name: string; readonly qualifier?: string }
    /** `struct->field` */
    | { readonly kind: 'Dereference'; readonly base: Expression; readonly field: string }
    /** `array[1]` (1-based, negative from the end) or `map['k']` */
    | { readonly kind: 'Subscript'; readonly base: Expression; readonly index: Expression }
    | {
        readonly kind: 'Arithmetic';
        readonly op: ArithmeticOperator;
        readonly left: Expression;
        readonly right: Expression;
      }
    | { readonly kind: 'Negate'; readonly operand: Expression; readonly sign: '-' | '+' }
    /** `a || b` */
    | { readonly kind: 'Concat'; readonly left: Expression; readonly right: Expression }
    | {
        readonly kind: 'Comparison';
        readonly op: ComparisonOperator;
        readonly left: Expression;
        readonly right: Expression;
      }
    | {
        readonly kind: 'IsDistinctFrom';
        readonly not: boolean;
        readonly left: Expression;
        readonly right: Expression;
      }
    | { readonly kind: 'And'; readonly left: Expression; readonly right: Expression }
    | { readonly kind: 'Or'; readonly left: Expression; readonly right: Expression }
    | { readonly kind: 'Not'; readonly operand: Expression }
    | { readonly kind: 'IsNull'; readonly not: boolean; readonly operand: Expression }
    | {
        readonly kind: 'Between';
        readonly not: boolean;
        readonly value: Expression;
        readonly lower: Expression;
        readonly upper: Expression;
      }
    | {
        readonly kind: 'InList';
        readonly not: boolean;
        readonly value: Expression;
        readonly list: readonly Expression[];
      }
    | {
        readonly kind: 'Like';
        readonly not: boolean;
        readonly value: Expression;
        readonly pattern: Expression;
        readonly escape?: string;
      }
    /** `CASE WHEN c THEN r … [ELSE e] END` (searched) */
    | {
        readonly kind: 'SearchedCase';
        readonly whens: readonly { readonly when: Expression; readonly then: Expression }[];
        readonly else?: Expression;
      }
    /** `CASE v WHEN x THEN r … [ELSE e] END` (simple) */
    | {
        readonly kind: 'SimpleCase';
        readonly operand: Expression;
        readonly whens: readonly { readonly when: Expression; readonly then: Expression }[];
        readonly else?: Expression;
      }
    | { readonly kind: 'Cast'; readonly expression: Expression; readonly type: SqlType }
    /**
     * `name(args…)`; `COUNT(*)` has `star: true` and no args. Function names are upper-cased.
     * A window-unit argument (`TIMESTAMPADD(MINUTES, 5, ts)`) arrives as `IntervalUnit`.
     * Trailing lambda arguments (`TRANSFORM(a, x => x + 1)`) are in `lambdas` (`Lambda` nodes, in
     * order, absent when there are none), not repeated in `args`.
     */
    | {
        readonly kind: 'FunctionCall';
        readonly name: string;
        readonly args: readonly Expression[];
        readonly star?: boolean;
        readonly lambdas?: readonly Expression[];
      }
    | { readonly kind: 'IntervalUnit'; readonly unit: WindowUnit }
    /** `x => expr` / `(x, y) => expr`; in the body, parameters appear as ColumnRef and shadow columns. */
    | { readonly kind: 'Lambda'; readonly params: readonly string[]; readonly body: Expression }
    | { readonly kind: 'ArrayConstructor'; readonly items: readonly Expression[] }
    | {
        readonly kind: 'MapConstructor';
        readonly entries: readonly { readonly key: Expression; readonly value: Expression }[];
      }
    | {
        readonly kind: 'StructConstructor';
        readonly fields: readonly { readonly name: string; readonly value: Expression }[];
      }
  );

export type ExpressionKind = Expression['kind'];
export type ColumnRef = Extract<Expression, { kind: 'ColumnRef' }>;

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

export type SelectItem = Node &
  (
    | {
        readonly kind: 'SingleColumn';
        readonly expression: Expression;
        readonly alias?: string;
        /**
         * Set by the planner, never the parser: the item stands for an expression the planner
         * moved into an earlier step (a table function call) and, unaliased, is named as an
         * expression (KSQL_COL_<n>) rather than after the column now holding its value.
         */
        readonly generatedName?: boolean;
      }
    /** `*` or `source.*` */
    | { readonly kind: 'AllColumns'; readonly qualifier?: string }
    /** `struct->*` */
    | { readonly kind: 'StructAll'; readonly base: Expression }
  );

export interface WindowDuration {
  readonly value: number;
  readonly unit: WindowUnit;
}

export type WindowExpression = Node & {
  /** Durations keep the unit as written (for messages and EXPLAIN); `durationMs` converts. */
  readonly grace?: WindowDuration;
  readonly retention?: WindowDuration;
} & (
    | { readonly kind: 'TUMBLING'; readonly size: WindowDuration }
    | { readonly kind: 'HOPPING'; readonly size: WindowDuration; readonly advance: WindowDuration }
    | { readonly kind: 'SESSION'; readonly gap: WindowDuration }
  );

export interface AliasedSource extends Node {
  readonly name: string;
  readonly alias?: string;
}

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

export interface JoinWithin extends Node {
  readonly before: WindowDuration;
  readonly after: WindowDuration;
  readonly grace?: WindowDuration;
}

export interface JoinClause extends Node {
  readonly type: JoinType;
  readonly right: AliasedSource;
  readonly within?: JoinWithin;
  readonly on: Expression;
}

export interface Query extends Node {
  readonly select: readonly SelectItem[];
  readonly from: AliasedSource;
  /** Zero or more joins, left-deep: `from JOIN joins[0] JOIN joins[1] …`. */
  readonly joins: readonly JoinClause[];
  readonly window?: WindowExpression;
  readonly where?: Expression;
  readonly groupBy?: readonly Expression[];
  readonly partitionBy?: readonly Expression[];
  readonly having?: Expression;
  /** `EMIT CHANGES` / `EMIT FINAL`; absent = not written (a pull query when not a persistent query). */
  readonly emit?: 'CHANGES' | 'FINAL';
  readonly limit?: number;
}

// ---------------------------------------------------------------------------------------------
// Statements
// ---------------------------------------------------------------------------------------------

export type ColumnConstraint = 'KEY' | 'PRIMARY KEY' | 'HEADERS' | { readonly header: string };

export interface TableElement extends Node {
  readonly name: string;
  readonly type: SqlType;
  readonly constraint?: ColumnConstraint;
}

/** A `WITH (…)` property: names upper-cased (`KAFKA_TOPIC`), literal values as parsed. */
export type PropertyValue = string | number | boolean | null;
export type Properties = ReadonlyMap<
  string,
  { readonly value: PropertyValue; readonly pos?: SourcePosition }
>;

interface StatementBase extends Node {
  /** The statement's own text, as written (without the trailing `;`), after variable substitution. */
  readonly text: string;
}

export type Statement = StatementBase &
  (
    | {
        readonly kind: 'CreateSource';
        readonly sourceType: 'STREAM' | 'TABLE';
        readonly name: string;
        readonly orReplace: boolean;
        readonly ifNotExists: boolean;
        /** `CREATE SOURCE STREAM|TABLE` (read-only source). */
        readonly isSource: boolean;
        /** Absent when no column list was written (schema inferred from the registry). */
        readonly elements?: readonly TableElement[];
        readonly properties: Properties;
      }
    | {
        readonly kind: 'CreateAsSelect';
        readonly sourceType: 'STREAM' | 'TABLE';
        readonly name: string;
        readonly orReplace: boolean;
        readonly ifNotExists: boolean;
        readonly properties: Properties;
        readonly query: Query;
      }
    | {
        readonly kind: 'InsertInto';
        readonly target: string;
        readonly properties: Properties;
        readonly query: Query;
      }
    | {
        readonly kind: 'InsertValues';
        readonly target: string;
        /** Absent: values for all columns (key then value, as DESCRIBE lists them). */
        readonly columns?: readonly string[];
        readonly values: readonly Expression[];
      }
    | {
        readonly kind: 'DropSource';
        readonly sourceType: 'STREAM' | 'TABLE';
        readonly name: string;
        readonly ifExists: boolean;
        readonly deleteTopic: boolean;
      }
    | { readonly kind: 'TerminateQuery'; readonly queryId?: string; readonly all: boolean }
    | { readonly kind: 'PauseQuery' | 'ResumeQuery'; readonly queryId?: string; readonly all: boolean }
    | {
        readonly kind: 'List';
        readonly what:
          | 'STREAMS'
          | 'TABLES'
          | 'QUERIES'
          | 'TOPICS'
          | 'PROPERTIES'
          | 'FUNCTIONS'
          | 'TYPES'
          | 'VARIABLES';
        readonly extended: boolean;
        /** `SHOW ALL TOPICS` (internal topics too). */
        readonly all?: boolean;
      }
    | { readonly kind: 'DescribeSource'; readonly name: string; readonly extended: boolean }
    | { readonly kind: 'DescribeStreams'; readonly extended: boolean }
    | { readonly kind: 'DescribeFunction'; readonly name: string }
    | { readonly kind: 'Explain'; readonly statement?: Statement; readonly queryId?: string }
    | { readonly kind: 'SetProperty'; readonly name: string; readonly value: string }
    | { readonly kind: 'UnsetProperty'; readonly name: string }
    | { readonly kind: 'DefineVariable'; readonly name: string; readonly value: string }
    | { readonly kind: 'UndefineVariable'; readonly name: string }
    | {
        readonly kind: 'CreateType';
        readonly name: string;
        readonly ifNotExists: boolean;
        readonly type: SqlType;
      }
    | { readonly kind: 'DropType'; readonly name: string; readonly ifExists: boolean }
    | {
        readonly kind: 'AlterSource';
        readonly sourceType: 'STREAM' | 'TABLE';
        readonly name: string;
        readonly addColumns: readonly TableElement[];
      }
    | {
        readonly kind: 'PrintTopic';
        readonly topic: string;
        readonly fromBeginning: boolean;
        readonly interval?: number;
        readonly limit?: number;
      }
    /** A query on its own: a push query with `EMIT CHANGES`, otherwise a pull query. */
    | { readonly kind: 'QueryStatement'; readonly query: Query }
  );

export type StatementKind = Statement['kind'];

/** Narrows a Statement to one kind: `StatementOf<'CreateSource'>`. */
export type StatementOf<K extends StatementKind> = Extract<Statement, { kind: K }>;
/** Narrows an Expression to one kind: `ExpressionOf<'FunctionCall'>`. */
export type ExpressionOf<K extends ExpressionKind> = Extract<Expression, { kind: K }>;

const UNIT_MS: Record<WindowUnit, number> = {
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

export function durationMs(d: WindowDuration): number {
  return d.value * UNIT_MS[d.unit];
}
