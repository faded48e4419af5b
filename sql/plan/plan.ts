/**
 * Physical plan nodes: a discriminated union, one executor per node (sql/exec/run.ts) and one
 * printer per node (sql/plan/explain.ts). Every node outputs rows as Datum[]; `width` is the
 * row length. Expressions are bound (sql/bind/expr.ts) and refer to slots of the input row.
 *
 * Slot spaces: below aggregation/projection, every node of one query level works in the same
 * "FROM row" space: each FROM item owns slots [offset, offset + its width) of a row whose width
 * is the sum of all FROM items; a scan fills its own slots and leaves the others null, a join
 * merges. So pushed-down predicates need no slot rewriting. An aggregate outputs
 * group values ++ aggregate results; a project outputs its expressions.
 */
import type { AggCall, BExpr } from '../bind/expr.js';
import type { SqlType } from '../types/datum.js';
import type { IndexDescriptor, TableDescriptor } from '../../catalog/descriptors.js';
import type { VirtualTable } from '../../pg_catalog/index.js';
import type { WindowPlanNode } from './window.js';
import type { SetOpPlan } from './setop-plan.js';
import type { LockRowsPlan } from './locking.js';
import type { MergeJoinPlan } from './merge-join.js';

/** Key bounds for an index scan, on a prefix of the index columns. */
export type ScanBounds =
  /** Every key column given: at most one row (primary or unique index). */
  | { readonly kind: 'point'; readonly key: readonly BExpr[] }
  /** Equality on `prefix`, then an optional range on the next column. */
  | {
      readonly kind: 'range';
      readonly prefix: readonly BExpr[];
      readonly lower?: { readonly expr: BExpr; readonly inclusive: boolean };
      readonly upper?: { readonly expr: BExpr; readonly inclusive: boolean };
    }
  /** col IN (list) on the first column after `prefix`; one point/prefix probe per distinct value. */
  | { readonly kind: 'in'; readonly prefix: readonly BExpr[]; readonly values: readonly BExpr[] }
  | { readonly kind: 'full' };

export interface SortKey {
  readonly expr: BExpr;
  readonly type: SqlType;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

export type JoinType = 'inner' | 'left' | 'full';

export type Plan =
  | { readonly kind: 'values'; readonly rows: readonly (readonly BExpr[])[]; readonly width: number }
  /** Reads a table through one of its indexes; outputs the table row (descriptor column order). */
  | {
      readonly kind: 'scan';
      readonly table: TableDescriptor;
      readonly index: IndexDescriptor;
      readonly bounds: ScanBounds;
      /** Secondary index answers every needed column: no primary-key fetch. */
      readonly indexOnly: boolean;
      readonly reverse: boolean;
      /** Residual predicate evaluated on each table row. */
      readonly filter: BExpr | null;
      /** Lock each row (UPDATE/DELETE source, FOR UPDATE). */
      readonly lockRows: boolean;
      readonly alias: string;
      /** First slot of this table's columns in the output row. */
      readonly offset: number;
      readonly width: number;
    }
  /**
   * A pg_catalog / information_schema virtual table: rows computed at execution time from the
   * statement's catalog snapshot and session (pg_catalog/), placed at `offset`; `filter` over the FROM row.
   */
  | {
      readonly kind: 'virtualScan';
      readonly table: VirtualTable;
      readonly filter: BExpr | null;
      readonly alias: string;
      readonly offset: number;
      readonly width: number;
    }
  /** SELECT ... FOR UPDATE/SHARE: locks the rows of the FROM row's locked tables (./locking.ts). */
  | LockRowsPlan
  /**
   * A subquery in FROM: its output columns placed at `offset`. `lateral`: the input reads the
   * left row of its join as outer depth 1 (LATERAL subqueries, functions in FROM).
   */
  | {
      readonly kind: 'subqueryScan';
      readonly input: Plan;
      readonly alias: string;
      readonly offset: number;
      readonly width: number;
      readonly lateral?: boolean;
    }
  /** Set operations, WITH and functions in FROM (./setop-plan.ts; executed by sql/exec/setop.ts). */
  | SetOpPlan
  | { readonly kind: 'filter'; readonly input: Plan; readonly pred: BExpr; readonly width: number }
  | { readonly kind: 'project'; readonly input: Plan; readonly exprs: readonly BExpr[]; readonly width: number }
  /** Nested loop; `right` is re-executed per left row with the left row as outer depth-1 context. */
  | {
      readonly kind: 'nestedLoop';
      readonly joinType: JoinType;
      readonly left: Plan;
      readonly right: Plan;
      /** Join condition over the merged row. */
      readonly on: BExpr | null;
      /** Right side depends on the left row (index lookup join): re-run per left row, bounds over it. */
      readonly parameterized: boolean;
      /** Slots the right side fills (null-extended for a left join). */
      readonly rightStart: number;
      readonly rightEnd: number;
      readonly width: number;
    }
  | {
      readonly kind: 'hashJoin';
      readonly joinType: JoinType;
      readonly left: Plan;
      readonly right: Plan;
      /** Equality keys: leftKeys over the left row, rightKeys over the right row. */
      readonly leftKeys: readonly BExpr[];
      readonly rightKeys: readonly BExpr[];
      readonly keyTypes: readonly SqlType[];
      /** Remaining condition over the merged row. */
      readonly on: BExpr | null;
      readonly rightStart: number;
      readonly rightEnd: number;
      readonly width: number;
    }
  /** Both inputs ordered on the join keys (./merge-join.ts; executed by sql/exec/merge-join.ts). */
  | MergeJoinPlan
  | {
      readonly kind: 'aggregate';
      readonly input: Plan;
      readonly groupBy: readonly BExpr[];
      readonly groupTypes: readonly SqlType[];
      readonly aggs: readonly AggCall[];
      /**
       * GROUPING SETS / ROLLUP / CUBE: each set lists the groupBy indices it groups by (the others
       * are NULL in its rows); undefined = one set of every groupBy expression.
       */
      readonly sets?: readonly (readonly number[])[];
      /** GROUPING(...) calls: groupBy indices of their arguments; values follow the aggregate results. */
      readonly groupingCalls?: readonly (readonly number[])[];
      /** Output: group values ++ aggregate results ++ GROUPING values. */
      readonly width: number;
    }
  /** Window functions and DISTINCT ON (./window.ts; executed by sql/exec/window.ts). */
  | WindowPlanNode
  | { readonly kind: 'sort'; readonly input: Plan; readonly keys: readonly SortKey[]; readonly width: number }
  | { readonly kind: 'distinct'; readonly input: Plan; readonly types: readonly SqlType[]; readonly width: number }
  | {
      readonly kind: 'limit';
      readonly input: Plan;
      readonly limit: BExpr | null;
      readonly offset: BExpr | null;
      /** FETCH FIRST ... WITH TIES: rows equal to the last one on these keys (the input's order) follow it. */
      readonly withTies?: readonly SortKey[];
      readonly width: number;
    }
  | {
      readonly kind: 'insert';
      readonly table: TableDescriptor;
      /** Source rows: full table rows (descriptor column order, defaults already applied). */
      readonly source: Plan;
      /** Materialize the source before writing (it reads the target table). */
      readonly materialize: boolean;
      /** Stored generated columns, computed over the new row before its checks. */
      readonly generated: readonly GeneratedColumn[];
      readonly checks: readonly CheckConstraint[];
      readonly returning: readonly BExpr[] | null;
      /** INSERT ... ON CONFLICT (sql/exec/upsert.ts). */
      readonly onConflict?: OnConflictPlan;
      readonly width: number;
    }
  | {
      readonly kind: 'update';
      readonly table: TableDescriptor;
      /** Rows to update: the table row (locked scan) possibly filtered. */
      readonly source: Plan;
      /** WHERE re-checked on the newest version after waiting for a lock (EvalPlanQual). */
      readonly recheck: BExpr | null;
      /** New value per table column (descriptor order) over the old row; null = unchanged. */
      readonly set: readonly (BExpr | null)[];
      readonly generated: readonly GeneratedColumn[];
      readonly checks: readonly CheckConstraint[];
      readonly returning: readonly BExpr[] | null;
      readonly width: number;
    }
  | {
      readonly kind: 'delete';
      readonly table: TableDescriptor;
      readonly source: Plan;
      readonly recheck: BExpr | null;
      readonly returning: readonly BExpr[] | null;
      readonly width: number;
    };

export type PlanKind = Plan['kind'];

/** GENERATED ALWAYS AS (expr) STORED: `expr` over the table row gives the value of column `slot`. */
export interface GeneratedColumn {
  readonly slot: number;
  readonly expr: BExpr;
}

/** A CHECK constraint bound over the table row (violated when it evaluates to false). */
export interface CheckConstraint {
  readonly name: string;
  readonly expr: BExpr;
  /** A view's WITH CHECK OPTION (sql/bind/view-dml.ts): fails unless true (NULL fails), 44000 naming the view. */
  readonly view?: string;
}

/**
 * ON CONFLICT: `arbiters` are the unique indexes whose conflicts are handled (DO NOTHING without a
 * target: every unique index). DO UPDATE's `set` and `where` are over the existing row (slots
 * [0, w)) followed by the EXCLUDED row (slots [w, 2w)), w = the table's column count.
 */
export type OnConflictPlan =
  /** `anyUnique`: no conflict target was given (EXPLAIN then lists no arbiter, as PostgreSQL). */
  | { readonly action: 'nothing'; readonly arbiters: readonly IndexDescriptor[]; readonly anyUnique: boolean }
  | {
      readonly action: 'update';
      readonly arbiters: readonly IndexDescriptor[];
      /** New value per table column over existing ++ excluded; null = unchanged. */
      readonly set: readonly (BExpr | null)[];
      readonly where: BExpr | null;
    };
