/**
 * ORDER BY answered by an index: when a single-table query's sort keys are the scanned index's
 * columns (after its equality prefix), in the index direction or all reversed, the scan already
 * yields rows in order (a reverse scan for the reversed case) and the Sort node is dropped —
 * so `ORDER BY id DESC LIMIT 10` reads 10 rows, not the table.
 */
import type { BExpr } from '../bind/expr.js';
import type { BoundSortKey } from '../bind/query.js';
import type { Plan } from './plan.js';
import { indexKeyExprs, sameKey } from './index-match.js';

type Scan = Extract<Plan, { kind: 'scan' }>;

/** The input with its scan set to produce `keys` order, or null when an explicit sort is needed. */
export function orderedByIndex(input: Plan, keys: readonly BoundSortKey[], outputs: readonly BExpr[]): Plan | null {
  if (keys.length === 0) return null;
  if (input.kind === 'filter') {
    const inner = orderedByIndex(input.input, keys, outputs);
    return inner === null ? null : { ...input, input: inner };
  }
  if (input.kind !== 'scan') return null;
  const reverse = scanOrder(input, keys, outputs);
  if (reverse === null) return byExpressionIndex(input, keys, outputs);
  return reverse === input.reverse ? input : { ...input, reverse };
}

/**
 * A full scan whose ORDER BY is the key of an expression index (`ORDER BY lower(email)`):
 * the scan reads that index instead (every row has an entry: not a partial index).
 */
function byExpressionIndex(scan: Scan, keys: readonly BoundSortKey[], outputs: readonly BExpr[]): Plan | null {
  if (scan.bounds.kind !== 'full') return null;
  for (const index of scan.table.indexes) {
    if (index.state !== 'public' || index.predicate !== undefined || !index.columns.some((c) => c.expr !== undefined)) continue;
    const candidate: Scan = { ...scan, index, indexOnly: false, reverse: false };
    const reverse = scanOrder(candidate, keys, outputs);
    if (reverse !== null) return { ...candidate, reverse };
  }
  return null;
}

/** false = forward order matches, true = reverse order matches, null = neither. */
function scanOrder(scan: Scan, keys: readonly BoundSortKey[], outputs: readonly BExpr[]): boolean | null {
  const b = scan.bounds;
  if (b.kind === 'in') return null;
  const skip = b.kind === 'range' ? b.prefix.length : b.kind === 'point' ? scan.index.columns.length : 0;
  if (b.kind === 'point') return false;
  const indexKeys = indexKeyExprs(scan.table, scan.index, scan.offset);
  if (indexKeys === undefined) return null;
  let reverse: boolean | null = null;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const ic = scan.index.columns[skip + i];
    if (ic === undefined) return null;
    const e = outputs[k.slot];
    if (e === undefined || !sameKey(e, indexKeys[skip + i]!)) return null;
    const indexAsc = ic.direction === 'asc';
    const indexNullsFirst = ic.nulls === 'first';
    const forward = !k.desc === indexAsc && k.nullsFirst === indexNullsFirst;
    const backward = k.desc === indexAsc && k.nullsFirst !== indexNullsFirst;
    const thisReverse = forward ? false : backward ? true : null;
    if (thisReverse === null) return null;
    if (reverse !== null && reverse !== thisReverse) return null;
    reverse = thisReverse;
  }
  return reverse;
}
