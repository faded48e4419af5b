/**
 * Row estimates and costs from ANALYZE statistics (sql/exec/stats.ts), used by the join order
 * search (./join-order.ts). Selectivities follow PostgreSQL's selfuncs.c in spirit: MCV lists and
 * equi-depth histograms when the column has them, 1 / n_distinct for an equality otherwise, and
 * PostgreSQL's defaults without statistics (0.005 for =, 1/3 for a range, 200 distinct values).
 * Costs are in abstract per-row units: what matters is their ratio between alternatives.
 */
import type { BExpr } from '../bind/expr.js';
import { distinctCount, type ColumnStatistics, type StatValue, type TableStatistics } from '../exec/stats.js';
import type { Datum } from '../types/datum.js';
import type { Plan } from './plan.js';

/** PostgreSQL's DEFAULT_EQ_SEL. */
export const defaultEqualitySelectivity = 0.005;
/** PostgreSQL's DEFAULT_INEQ_SEL. */
export const defaultRangeSelectivity = 1 / 3;
/** PostgreSQL's DEFAULT_NUM_DISTINCT. */
export const defaultDistinctValues = 200;
/** Rows assumed for a never-analyzed table or a subquery. */
export const defaultRelationRows = 1000;
/** Selectivity of a condition the estimator does not understand. */
export const defaultOtherSelectivity = 0.5;

/** Cost units: reading one row in a scan; one index descent; hashing/probing one row; evaluating one pair. */
export const costSeqRow = 1;
export const costIndexDescent = 4;
export const costIndexRow = 1.5;
export const costHashBuildRow = 2;
export const costHashProbeRow = 1;
export const costOutputRow = 0.5;
export const costNestedLoopPair = 0.5;

/** What the estimator knows about a FROM-row slot. */
export interface SlotInfo {
  readonly column: ColumnStatistics | undefined;
  /** Rows of the table the slot belongs to (before any filter). */
  readonly tableRows: number;
}

export type SlotLookup = (slot: number) => SlotInfo | undefined;

/** Estimates printed by EXPLAIN (`rows=N`) for plan nodes the join order search built. */
export const planRowEstimates = new WeakMap<Plan, number>();

export function relationRows(stats: TableStatistics | undefined): number {
  return stats?.rowCount ?? defaultRelationRows;
}

function colOf(e: BExpr): number | undefined {
  if (e.kind === 'col') return e.slot;
  if (e.kind === 'cast' && e.arg.kind === 'col') return e.arg.slot;
  return undefined;
}

function constValue(e: BExpr): Datum | undefined {
  if (e.kind === 'const') return e.value;
  return undefined;
}

function asStat(d: Datum): StatValue | undefined {
  if (typeof d === 'number' || typeof d === 'string' || typeof d === 'boolean') return d;
  if (typeof d === 'bigint') return Number(d);
  return undefined;
}

function nd(info: SlotInfo | undefined): number {
  if (info?.column === undefined) return defaultDistinctValues;
  return Math.max(1, distinctCount(info.column, info.tableRows));
}

function clamp(s: number): number {
  return Math.min(1, Math.max(0, s));
}

/** `col = value` for a constant (MCV frequency, else the non-MCV rows spread over the other distinct values). */
function equalitySelectivity(info: SlotInfo | undefined, value: Datum | undefined): number {
  const c = info?.column;
  if (c === undefined) return defaultEqualitySelectivity;
  if (value === null) return 0;
  const v = value === undefined ? undefined : asStat(value);
  const mcv = c.mcvValues ?? [];
  const freqs = c.mcvFreqs ?? [];
  if (v !== undefined) {
    const i = mcv.indexOf(v);
    if (i >= 0) return freqs[i]!;
  }
  const mcvSum = freqs.reduce((a, b) => a + b, 0);
  const others = Math.max(1, nd(info) - mcv.length);
  return clamp((1 - c.nullFrac - mcvSum) / others);
}

/** Fraction of rows with col < value (or <=): MCVs counted exactly, the histogram interpolated. */
function lessThanSelectivity(info: SlotInfo | undefined, value: Datum | undefined, inclusive: boolean): number {
  const c = info?.column;
  const v = value === undefined ? undefined : asStat(value);
  if (c === undefined || v === undefined || (c.histogram === undefined && c.mcvValues === undefined)) return defaultRangeSelectivity;
  let mcvPart = 0;
  let mcvSum = 0;
  (c.mcvValues ?? []).forEach((m, i) => {
    const f = c.mcvFreqs![i]!;
    mcvSum += f;
    if (m < v || (inclusive && m === v)) mcvPart += f;
  });
  const h = c.histogram;
  let histFrac = 0.5;
  if (h !== undefined && h.length >= 2) {
    if (v < h[0]!) histFrac = 0;
    else if (v >= h[h.length - 1]!) histFrac = 1;
    else {
      let i = 0;
      while (i < h.length - 2 && v >= h[i + 1]!) i++;
      const lo = h[i]!;
      const hi = h[i + 1]!;
      const within = typeof v === 'number' && typeof lo === 'number' && typeof hi === 'number' && hi > lo ? (v - lo) / (hi - lo) : 0.5;
      histFrac = (i + within) / (h.length - 1);
    }
  } else if (h === undefined) histFrac = mcvSum > 0 ? 0 : 0.5;
  return clamp(mcvPart + histFrac * Math.max(0, 1 - c.nullFrac - mcvSum));
}

const flippedOp: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=', '<>': '<>' };

/** Selectivity of a boolean condition over one relation's rows (constants/parameters on the other side). */
export function selectivity(e: BExpr, lookup: SlotLookup): number {
  switch (e.kind) {
    case 'and':
      return e.args.reduce((s, a) => s * selectivity(a, lookup), 1);
    case 'or':
      return clamp(e.args.reduce((s, a) => { const x = selectivity(a, lookup); return s + x - s * x; }, 0));
    case 'not':
      return clamp(1 - selectivity(e.arg, lookup));
    case 'isNull': {
      const slot = colOf(e.arg);
      const info = slot === undefined ? undefined : lookup(slot);
      const s = info?.column === undefined ? defaultEqualitySelectivity : info.column.nullFrac;
      return e.negated ? 1 - s : s;
    }
    case 'inList':
      if (e.negated) return clamp(1 - e.tests.reduce((s, t) => s + selectivity(t, lookup), 0));
      return clamp(e.tests.reduce((s, t) => s + selectivity(t, lookup), 0));
    case 'op': {
      if (e.left === null) return defaultOtherSelectivity;
      let op = e.op.name;
      let colSide = colOf(e.left);
      let other = e.right;
      if (colSide === undefined || colOf(e.right) !== undefined) {
        if (colOf(e.right) !== undefined && colOf(e.left) === undefined) {
          colSide = colOf(e.right);
          other = e.left;
          op = flippedOp[op] ?? op;
        } else if (colOf(e.left) !== undefined && colOf(e.right) !== undefined) {
          // col = col within one relation (or a join condition when asked per relation).
          return op === '=' ? joinEqualitySelectivity(lookup(colOf(e.left)!), lookup(colOf(e.right)!)) : defaultRangeSelectivity;
        } else return op === '=' ? defaultEqualitySelectivity : defaultOtherSelectivity;
      }
      const info = lookup(colSide!);
      const value = constValue(other);
      switch (op) {
        case '=':
          return equalitySelectivity(info, value);
        case '<>':
          return clamp(1 - equalitySelectivity(info, value) - (info?.column?.nullFrac ?? 0));
        case '<':
        case '<=':
          return lessThanSelectivity(info, value, op === '<=');
        case '>':
        case '>=': {
          const below = lessThanSelectivity(info, value, op === '>');
          if (info?.column === undefined || value === undefined || below === defaultRangeSelectivity) return defaultRangeSelectivity;
          return clamp(1 - below - info.column.nullFrac);
        }
        default:
          return defaultOtherSelectivity;
      }
    }
    case 'const':
      return e.value === true ? 1 : 0;
    case 'col':
      // A boolean column used as a condition: col = true.
      return equalitySelectivity(lookup(e.slot), true);
    default:
      return defaultOtherSelectivity;
  }
}

/** Join selectivity of `a = b`: 1 / max(nd(a), nd(b)), scaled by both non-null fractions. */
export function joinEqualitySelectivity(a: SlotInfo | undefined, b: SlotInfo | undefined): number {
  const nulls = (1 - (a?.column?.nullFrac ?? 0)) * (1 - (b?.column?.nullFrac ?? 0));
  return nulls / Math.max(nd(a), nd(b));
}

/** Selectivity of a join condition between two inputs (equalities of columns; else the generic estimate). */
export function joinSelectivity(e: BExpr, lookup: SlotLookup): number {
  if (e.kind === 'op' && e.op.name === '=' && e.left !== null) {
    const l = colOf(e.left);
    const r = colOf(e.right);
    if (l !== undefined && r !== undefined) return joinEqualitySelectivity(lookup(l), lookup(r));
    return defaultEqualitySelectivity;
  }
  return selectivity(e, lookup);
}

/** Cost of a hash join building a hash table of `buildRows` and probing it with `probeRows`. */
export function hashJoinCost(probeRows: number, buildRows: number, outRows: number): number {
  return buildRows * costHashBuildRow + probeRows * costHashProbeRow + outRows * costOutputRow;
}

/** Cost of an index nested loop: one descent per outer row plus the rows each lookup fetches. */
export function indexNestedLoopCost(outerRows: number, fetchedPerLookup: number, outRows: number): number {
  return outerRows * (costIndexDescent + fetchedPerLookup * costIndexRow) + outRows * costOutputRow;
}

/** Cost of a plain nested loop over a materialized inner side. */
export function nestedLoopCost(outerRows: number, innerRows: number, outRows: number): number {
  return outerRows * innerRows * costNestedLoopPair + outRows * costOutputRow;
}

/** Cost of a sort of `rows` rows (n log n comparisons). */
export function sortCost(rows: number): number {
  return rows <= 1 ? 0 : rows * Math.log2(rows) * costHashProbeRow;
}

/** Cost of a table access returning `rows` of `tableRows` (full scan, point lookup or index range). */
export function scanCost(bounds: 'full' | 'point' | 'range', tableRows: number, rows: number): number {
  switch (bounds) {
    case 'full':
      return tableRows * costSeqRow;
    case 'point':
      return costIndexDescent;
    case 'range':
      return costIndexDescent + rows * costIndexRow;
  }
}
