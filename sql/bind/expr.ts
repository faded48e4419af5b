/**
 * Bound (typed, resolved) expressions: what the binder produces from AST expressions and
 * what sql/exec compiles into closures. Column references are slots into the row that the
 * consuming plan node sees (the binder lays FROM items out left to right, each table's
 * columns in descriptor order, so a slot is `rangeOffset + columnIndex`).
 */
import type { CastFn, Datum, ResolvedAggregate, ResolvedFunction, ResolvedOperator, SqlType } from '../types/index.js';
import type { Plan } from '../plan/plan.js';
import type { CatalogFunction } from '../../pg_catalog/functions.js';

export type BExpr =
  | { readonly kind: 'const'; readonly type: SqlType; readonly value: Datum; readonly location?: number }
  | { readonly kind: 'param'; readonly index: number; readonly type: SqlType }
  | { readonly kind: 'col'; readonly slot: number; readonly type: SqlType; readonly name?: string; readonly location?: number }
  /** A column of an enclosing query's row (correlated subquery); depth 1 = the immediate outer query. */
  | { readonly kind: 'outer'; readonly depth: number; readonly slot: number; readonly type: SqlType }
  | { readonly kind: 'op'; readonly op: ResolvedOperator; readonly left: BExpr | null; readonly right: BExpr; readonly type: SqlType }
  | { readonly kind: 'func'; readonly fn: ResolvedFunction; readonly args: readonly BExpr[]; readonly type: SqlType }
  /** An introspection function that reads the statement's catalog snapshot (pg_catalog/functions.ts); args cast to fn.argTypes. */
  | { readonly kind: 'catalogFn'; readonly fn: CatalogFunction; readonly args: readonly BExpr[]; readonly type: SqlType }
  | { readonly kind: 'cast'; readonly fn: CastFn; readonly arg: BExpr; readonly type: SqlType }
  | { readonly kind: 'and' | 'or'; readonly args: readonly BExpr[]; readonly type: SqlType }
  | { readonly kind: 'not'; readonly arg: BExpr; readonly type: SqlType }
  | { readonly kind: 'isNull'; readonly arg: BExpr; readonly negated: boolean; readonly type: SqlType }
  | { readonly kind: 'boolTest'; readonly arg: BExpr; readonly test: 'true' | 'false' | 'unknown'; readonly negated: boolean; readonly type: SqlType }
  | { readonly kind: 'case'; readonly whens: readonly { readonly cond: BExpr; readonly result: BExpr }[]; readonly else: BExpr; readonly type: SqlType }
  | { readonly kind: 'coalesce'; readonly args: readonly BExpr[]; readonly type: SqlType }
  /** NULLIF(a, b): `eq` compares a and b (already cast to the operator's types). */
  | { readonly kind: 'nullif'; readonly left: BExpr; readonly eq: BExpr; readonly type: SqlType }
  | { readonly kind: 'minmax'; readonly op: 'greatest' | 'least'; readonly args: readonly BExpr[]; readonly type: SqlType }
  /** x IN (a, b): each comparison already bound as `x = a`, NULL semantics of OR. */
  | { readonly kind: 'inList'; readonly tests: readonly BExpr[]; readonly negated: boolean; readonly type: SqlType }
  /** a IS [NOT] DISTINCT FROM b: `eq` is a = b; null handling in the evaluator. */
  | { readonly kind: 'isDistinct'; readonly left: BExpr; readonly right: BExpr; readonly eq: BExpr; readonly negated: boolean; readonly type: SqlType }
  | { readonly kind: 'subquery'; readonly sub: SubqueryExpr; readonly type: SqlType }
  /** Sequence functions: `seqOid` when the name was a constant (resolved at bind time), else args[0] names it at run time. */
  | { readonly kind: 'seqFn'; readonly fn: 'nextval' | 'currval' | 'setval' | 'lastval'; readonly seqOid: number | null; readonly args: readonly BExpr[]; readonly type: SqlType }
  /** x op ANY/ALL (array): `left` cast to op.leftType; elements cast by elemCast. */
  | { readonly kind: 'anyArray'; readonly quantifier: 'any' | 'all'; readonly left: BExpr; readonly op: ResolvedOperator; readonly array: BExpr; readonly elemCast: CastFn | null; readonly type: SqlType }
  | { readonly kind: 'sessionValue'; readonly what: 'current_user' | 'session_user' | 'current_catalog' | 'current_schema'; readonly type: SqlType }
  | { readonly kind: 'array'; readonly elems: readonly BExpr[]; readonly elemOid: number; readonly type: SqlType }
  /** ROW(a, b) / (a, b): a record value; `type` is the record type of its fields (sql/types/record.ts). */
  | { readonly kind: 'row'; readonly args: readonly BExpr[]; readonly type: SqlType }
  /** (record).field: field `index` of a record value (NULL record → NULL). */
  | { readonly kind: 'fieldSelect'; readonly arg: BExpr; readonly index: number; readonly field: string; readonly type: SqlType }
  /** arr[i][j] (slice: false) or arr[a:b] (slice: true; absent bounds are open ends). */
  | {
      readonly kind: 'subscript';
      readonly arg: BExpr;
      readonly slice: boolean;
      readonly indices: readonly { readonly lower: BExpr | null; readonly upper: BExpr | null }[];
      readonly type: SqlType;
    }
  /** Aggregate result / group key in the output row of an aggregate node (post-aggregation expressions only). */
  | { readonly kind: 'aggref'; readonly index: number; readonly type: SqlType }
  /**
   * A window function result (`ref: 'window'`, ./window.ts) or a GROUPING() value (`ref: 'grouping'`,
   * ./grouping.ts) while a SELECT is being bound; bindSelect replaces it by a column of the window /
   * aggregate node's output before planning, so the executor never sees it.
   */
  | { readonly kind: 'lateRef'; readonly ref: 'window' | 'grouping'; readonly index: number; readonly type: SqlType; readonly location?: number };

export type BExprKind = BExpr['kind'];

export interface SubqueryExpr {
  readonly linkType: 'exists' | 'scalar' | 'any' | 'all' | 'array';
  readonly plan: Plan;
  /** any/all: `left op (subquery column 0)`; left is already cast to op.leftType, rightCast casts column 0. */
  readonly test?: { readonly left: BExpr; readonly op: ResolvedOperator; readonly rightCast: CastFn | null };
  /** array: element type of the result. */
  readonly elemOid: number;
  /** Whether the subquery references outer rows (else its result is computed once per execution). */
  readonly correlated: boolean;
}

/** An aggregate call collected by the binder. */
export interface AggCall {
  readonly agg: ResolvedAggregate;
  readonly args: readonly BExpr[];
  readonly distinct: boolean;
  readonly filter: BExpr | null;
  /** Types of the args as bound (for DISTINCT hashing). */
  readonly argTypes: readonly SqlType[];
  /** agg(x ORDER BY y): rows are fed to the aggregate in this order (per group). */
  readonly orderBy: readonly AggSortKey[];
}

export interface AggSortKey {
  readonly expr: BExpr;
  readonly type: SqlType;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}
