/**
 * Merge join: chosen instead of a hash join when both inputs already come out ordered on the
 * join keys (primary-key or index scans whose leading columns, after an equality prefix, are the
 * keys, ascending) and the right side is unique on them, so neither side is hashed or sorted and
 * memory stays constant. Executed by sql/exec/merge-join.ts; printed as PostgreSQL's "Merge Join".
 */
import type { BExpr } from '../bind/expr.js';
import type { SqlType } from '../types/datum.js';
import { indexKeyExprs, sameKey } from './index-match.js';
import type { JoinType, Plan } from './plan.js';

export interface MergeJoinPlan {
  readonly kind: 'mergeJoin';
  readonly joinType: JoinType;
  /** Both inputs are ordered ascending, NULLs last, on their keys (in key order). */
  readonly left: Plan;
  readonly right: Plan;
  readonly leftKeys: readonly BExpr[];
  readonly rightKeys: readonly BExpr[];
  readonly keyTypes: readonly SqlType[];
  /** Remaining condition over the merged row. */
  readonly on: BExpr | null;
  readonly rightStart: number;
  readonly rightEnd: number;
  readonly width: number;
}

type HashJoinPlan = Extract<Plan, { kind: 'hashJoin' }>;
type Scan = Extract<Plan, { kind: 'scan' }>;

/** The merge join equivalent of a hash join whose inputs are both ordered on its keys; else the hash join. */
export function preferMergeJoin(h: HashJoinPlan): Plan {
  const order = keyOrder(h.left, h.leftKeys);
  if (order === null) return h;
  const leftKeys = order.map((i) => h.leftKeys[i]!);
  const rightKeys = order.map((i) => h.rightKeys[i]!);
  const keyTypes = order.map((i) => h.keyTypes[i]!);
  const rightOrder = keyOrder(h.right, rightKeys);
  if (rightOrder === null || rightOrder.some((k, i) => k !== i) || !uniqueOn(h.right, rightKeys.length)) return h;
  return { ...h, kind: 'mergeJoin', leftKeys, rightKeys, keyTypes };
}

/**
 * The right side has at most one row per key (its keys complete a primary or unique index), so
 * the merge holds one right row at a time: memory stays constant whatever the input sizes.
 */
function uniqueOn(p: Plan, keyCount: number): boolean {
  const scan = orderedScan(p);
  if (scan === null || !(scan.index.primary || scan.index.unique) || scan.index.predicate !== undefined) return false;
  const skip = scan.bounds.kind === 'range' ? scan.bounds.prefix.length : 0;
  return skip + keyCount === scan.index.columns.length;
}

/** Scans of ascending order: the scan under filters (filters keep order). */
function orderedScan(p: Plan): Scan | null {
  if (p.kind === 'filter') return orderedScan(p.input);
  return p.kind === 'scan' && !p.reverse ? p : null;
}

/**
 * The permutation of `keys` that the plan's output is ordered on (ascending, NULLs last):
 * result[i] = the key matching the i-th ordering column; null when it is not ordered on all keys.
 */
function keyOrder(p: Plan, keys: readonly BExpr[]): number[] | null {
  const scan = orderedScan(p);
  if (scan === null || keys.length === 0) return null;
  const b = scan.bounds;
  if (b.kind === 'in' || b.kind === 'point') return null;
  const skip = b.kind === 'range' ? b.prefix.length : 0;
  const indexKeys = indexKeyExprs(scan.table, scan.index, scan.offset);
  if (indexKeys === undefined) return null;
  const out: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    const ic = scan.index.columns[skip + i];
    const ik = indexKeys[skip + i];
    if (ic === undefined || ik === undefined || ic.direction !== 'asc' || ic.nulls !== 'last') return null;
    const k = keys.findIndex((e, j) => !out.includes(j) && sameKey(e, ik));
    if (k < 0) return null;
    out.push(k);
  }
  return out;
}
