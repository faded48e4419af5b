/**
 * Bound queries: what the binder hands the planner. Expressions are in the FROM-row slot space
 * (see sql/plan/plan.ts) except `having`, `outputs` of grouped queries, which are in the
 * aggregate's output space (group values ++ aggregate results).
 */
import type { TableDescriptor } from '../../catalog/descriptors.js';
import type { VirtualTable } from '../../pg_catalog/index.js';
import type { SqlType } from '../types/datum.js';
import type { ResultColumn } from '../plan/api.js';
import type { Plan } from '../plan/plan.js';
import type { TableStatistics } from '../exec/stats.js';
import type { BoundLocking } from '../plan/locking.js';
import type { WindowSpecPlan } from '../plan/window.js';
import type { AggCall, BExpr } from './expr.js';

export type BoundFrom =
  | {
      readonly kind: 'table';
      readonly table: TableDescriptor;
      readonly alias: string;
      readonly offset: number;
      readonly span: number;
      /** ANALYZE statistics (join order and cost estimates, sql/plan/cost.ts). */
      readonly stats?: TableStatistics;
    }
  | {
      readonly kind: 'subquery';
      readonly plan: Plan;
      readonly alias: string;
      readonly offset: number;
      readonly span: number;
      /** LATERAL (or a function in FROM reading earlier FROM items): re-run per row of the left side. */
      readonly lateral?: boolean;
    }
  /** A pg_catalog / information_schema virtual table (rows computed at execution time). */
  | { readonly kind: 'virtual'; readonly table: VirtualTable; readonly alias: string; readonly offset: number; readonly span: number }
  | {
      readonly kind: 'join';
      readonly joinType: 'inner' | 'left' | 'full';
      readonly left: BoundFrom;
      readonly right: BoundFrom;
      readonly on: BExpr | null;
      readonly offset: number;
      readonly span: number;
    };

export interface BoundSortKey {
  /** Slot in the projected output row (targets ++ junk). */
  readonly slot: number;
  readonly type: SqlType;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

export interface BoundSelect {
  readonly kind: 'select';
  /** null: SELECT without FROM (one empty row). */
  readonly from: BoundFrom | null;
  /** Width of the FROM row. */
  readonly fromWidth: number;
  readonly where: BExpr | null;
  readonly grouped: boolean;
  readonly groupBy: readonly BExpr[];
  readonly aggs: readonly AggCall[];
  readonly having: BExpr | null;
  /** Visible targets then resjunk ORDER BY columns. */
  readonly outputs: readonly BExpr[];
  readonly columns: readonly ResultColumn[];
  readonly distinct: boolean;
  readonly orderBy: readonly BoundSortKey[];
  readonly limit: BExpr | null;
  readonly offset: BExpr | null;
  /** Columns of FROM tables any expression reads (index-only decisions), as FROM-row slots. */
  readonly usedSlots: ReadonlySet<number>;
  /** SELECT ... FOR UPDATE/SHARE (sql/plan/locking.ts). */
  readonly locking?: BoundLocking;
  /** GROUPING SETS / ROLLUP / CUBE: groupBy indices per set (undefined: plain GROUP BY). */
  readonly groupingSets?: readonly (readonly number[])[];
  /** GROUPING() calls (groupBy indices); their values follow the aggregate results. */
  readonly groupingCalls?: readonly (readonly number[])[];
  /** Window nodes, applied after aggregation / HAVING in this order (../plan/window.ts). */
  readonly windows?: readonly WindowSpecPlan[];
  /** DISTINCT ON: output slots compared, and the sort that precedes it (replaces orderBy). */
  readonly distinctOn?: { readonly slots: readonly number[]; readonly sort: readonly BoundSortKey[] };
  /** FETCH FIRST ... WITH TIES (orderBy gives the ties). */
  readonly withTies?: boolean;
}

export interface BoundValues {
  readonly kind: 'values';
  readonly rows: readonly (readonly BExpr[])[];
  readonly columns: readonly ResultColumn[];
  readonly orderBy: readonly BoundSortKey[];
  readonly limit: BExpr | null;
  readonly offset: BExpr | null;
}

/** UNION / INTERSECT / EXCEPT [ALL]: both sides already coerced to `columns` types (./setop.ts). */
export interface BoundSetOp {
  readonly kind: 'setop';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: Plan;
  readonly right: Plan;
  readonly columns: readonly ResultColumn[];
  readonly orderBy: readonly BoundSortKey[];
  readonly limit: BExpr | null;
  readonly offset: BExpr | null;
}

export type BoundQuery = BoundSelect | BoundValues | BoundSetOp;
