/**
 * SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE [NOWAIT | SKIP LOCKED]: the LockRows
 * plan node and its planning. As in PostgreSQL, rows are locked after WHERE and ORDER BY and
 * before LIMIT, so `ORDER BY ... LIMIT n FOR UPDATE SKIP LOCKED` locks only the rows it returns.
 * Executed by sql/exec/locking.ts.
 */
import type { TableDescriptor } from '../../catalog/descriptors.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { BExpr } from '../bind/expr.js';
import type { BoundSelect } from '../bind/query.js';
import { orderedByIndex } from './order.js';
import type { Plan, SortKey } from './plan.js';
import { planFromWhere } from './planner.js';

export type LockStrength = 'update' | 'no key update' | 'share' | 'key share';
export type LockWaitPolicy = 'block' | 'nowait' | 'skip locked';

/** One locked table of the FROM row. */
export interface LockTarget {
  readonly table: TableDescriptor;
  readonly alias: string;
  /** First slot of the table's row in the FROM row. */
  readonly offset: number;
  readonly strength: LockStrength;
  readonly waitPolicy: LockWaitPolicy;
}

/** What the binder decided (BoundSelect.locking). */
export interface BoundLocking {
  readonly targets: readonly LockTarget[];
  /** WHERE and inner join conditions, re-checked over a row that changed before we locked it. */
  readonly recheck: BExpr | null;
}

export interface LockRowsPlan {
  readonly kind: 'lockRows';
  /** In the FROM-row space. */
  readonly input: Plan;
  readonly targets: readonly LockTarget[];
  readonly recheck: BExpr | null;
  readonly width: number;
}

/** FROM/WHERE → ORDER BY (index order or a Sort over FROM-row expressions) → LockRows → outputs → LIMIT. */
export function planLockingSelect(q: BoundSelect, locking: BoundLocking): Plan {
  if ('windows' in q && q.windows !== undefined) {
    throw new SqlError(SqlState.featureNotSupported, 'FOR UPDATE is not allowed with window functions');
  }
  let plan = planFromWhere(q.from, q.where, q.fromWidth, q.usedSlots);
  if (q.orderBy.length > 0) {
    const ordered = orderedByIndex(plan, q.orderBy, q.outputs);
    if (ordered !== null) plan = ordered;
    else {
      const keys: SortKey[] = q.orderBy.map((k) => ({ expr: q.outputs[k.slot]!, type: k.type, desc: k.desc, nullsFirst: k.nullsFirst }));
      plan = { kind: 'sort', input: plan, keys, width: plan.width };
    }
  }
  plan = { kind: 'lockRows', input: plan, targets: locking.targets, recheck: locking.recheck, width: plan.width };
  plan = { kind: 'project', input: plan, exprs: q.outputs, width: q.outputs.length };
  if (q.limit !== null || q.offset !== null) plan = { kind: 'limit', input: plan, limit: q.limit, offset: q.offset, width: plan.width };
  if (plan.width > q.columns.length) {
    const exprs: BExpr[] = q.columns.map((c, slot) => ({ kind: 'col', slot, type: c.type }));
    plan = { kind: 'project', input: plan, exprs, width: q.columns.length };
  }
  return plan;
}
