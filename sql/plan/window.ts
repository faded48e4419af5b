/**
 * Window plan pieces: one `window` plan node per distinct window specification (PARTITION BY,
 * ORDER BY, frame). The planner puts a Sort (partition keys ASC NULLS LAST, then ORDER BY) below it;
 * the node holds one partition at a time and outputs each input row followed by one value per
 * window call (sql/exec/window.ts).
 */
import type { BExpr } from '../bind/expr.js';
import type { ResolvedAggregate, SqlType } from '../types/index.js';
import type { Plan } from './plan.js';

export type RankingFn = 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile';
export type ValueFn = 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value';

export type WindowFn =
  | { readonly kind: 'ranking'; readonly name: RankingFn }
  | { readonly kind: 'value'; readonly name: ValueFn }
  /** An aggregate over the frame; `filter` over the window input row. */
  | { readonly kind: 'agg'; readonly agg: ResolvedAggregate; readonly filter: BExpr | null };

export interface WindowCall {
  readonly fn: WindowFn;
  /** Over the window node's input row, already cast to the function's argument types. */
  readonly args: readonly BExpr[];
  readonly type: SqlType;
}

export type FrameBoundPlan =
  | { readonly kind: 'unboundedPreceding' }
  | { readonly kind: 'preceding'; readonly offset: BExpr }
  | { readonly kind: 'currentRow' }
  | { readonly kind: 'following'; readonly offset: BExpr }
  | { readonly kind: 'unboundedFollowing' };

export interface FramePlan {
  readonly mode: 'rows' | 'range' | 'groups';
  readonly start: FrameBoundPlan;
  readonly end: FrameBoundPlan;
  readonly exclude: 'no others' | 'current row' | 'group' | 'ties';
  /**
   * RANGE with an offset: expressions over the row [order value, offset] computing value + offset
   * and value - offset, `key` over [order value] giving the value in the type they are compared in.
   */
  readonly rangeArith?: { readonly plus: BExpr; readonly minus: BExpr; readonly key: BExpr; readonly type: SqlType };
  /** Over the row [offset]: true when the offset is negative (22013). */
  readonly negativeOffset?: BExpr;
}

export interface WindowSortKey {
  readonly expr: BExpr;
  readonly type: SqlType;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/** One window specification with its calls, as the binder hands it to the planner. */
export interface WindowSpecPlan {
  readonly partitionBy: readonly BExpr[];
  readonly partitionTypes: readonly SqlType[];
  readonly orderBy: readonly WindowSortKey[];
  readonly frame: FramePlan;
  readonly calls: readonly WindowCall[];
}

/** Plan nodes of this file's features, members of the Plan union (./plan.ts). */
export type WindowPlanNode =
  /** Outputs input ++ one value per `spec.calls`, rows in (partition, order) order. */
  | { readonly kind: 'window'; readonly input: Plan; readonly spec: WindowSpecPlan; readonly width: number }
  /** DISTINCT ON: input sorted so equal `slots` are adjacent; keeps the first row of each run. */
  | { readonly kind: 'distinctOn'; readonly input: Plan; readonly slots: readonly number[]; readonly types: readonly SqlType[]; readonly width: number };
