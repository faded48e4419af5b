/**
 * Matching a query against expression and partial indexes.
 *
 * - Index keys: each index column is a bound expression in the query's FROM-row space (a `col`
 *   for a plain column, the index expression with its slots shifted to the table's offset
 *   otherwise); the planner compares query operands with them structurally (exprKey).
 * - Partial indexes: usable when the query's conjuncts imply the predicate: every predicate
 *   conjunct is one of the query's conjuncts, or follows from one by simple range implication
 *   (`x > 10` implies `x > 5`, `x = 3` implies `x >= 1`), or is `x IS NOT NULL` where a query
 *   conjunct compares x with a strict operator.
 */
import type { IndexDescriptor, TableDescriptor } from '../../catalog/descriptors.js';
import { boundIndexesOf, indexHasExprs } from '../bind/index-exprs.js';
import type { BExpr } from '../bind/expr.js';
import { exprKey, mapChildren } from '../bind/walk.js';
import { compare } from '../types/index.js';

/** `e` with its column slots moved by `offset`. */
export function shiftSlots(e: BExpr, offset: number): BExpr {
  if (offset === 0) return e;
  if (e.kind === 'col') return { ...e, slot: e.slot + offset };
  return mapChildren(e, (c) => shiftSlots(c, offset));
}

/**
 * The key expressions of `index` over a table at `offset`; undefined when the index has
 * expressions that were not bound (Binder.tableRange binds them) — the planner then skips it.
 */
export function indexKeyExprs(table: TableDescriptor, index: IndexDescriptor, offset: number): readonly BExpr[] | undefined {
  if (!indexHasExprs(index)) {
    return index.columns.map((c) => {
      const i = table.columns.findIndex((x) => x.attnum === c.attnum);
      const col = table.columns[i]!;
      return { kind: 'col', slot: offset + i, type: col.type, name: col.name };
    });
  }
  const bound = boundIndexesOf(table)?.get(index.indexId);
  return bound?.keys.map((k) => shiftSlots(k, offset));
}

/** Whether index column `i` is an expression (not a plain column). */
export function isExprKey(index: IndexDescriptor, i: number): boolean {
  return index.columns[i]?.expr !== undefined;
}

/** Same key: the same column, or structurally equal expressions. */
export function sameKey(e: BExpr, key: BExpr): boolean {
  if (key.kind === 'col') return e.kind === 'col' && e.slot === key.slot;
  return exprKey(e) === exprKey(key);
}

/** The conjuncts of `e` (nested ANDs flattened). */
export function andParts(e: BExpr): BExpr[] {
  return e.kind === 'and' ? e.args.flatMap(andParts) : [e];
}

const flip: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };
const strictComparisons: ReadonlySet<string> = new Set(['<', '<=', '>', '>=', '=', '<>', '~~', '~~*', '!~~', '!~~*']);

interface Comparison {
  readonly subject: BExpr;
  readonly op: string;
  readonly value: BExpr & { kind: 'const' };
}

/** `x op const` (or `const op x`, flipped) with a non-null constant of x's type. */
function comparison(e: BExpr): Comparison | undefined {
  if (e.kind !== 'op' || e.left === null || flip[e.op.name] === undefined) return undefined;
  if (e.right.kind === 'const' && e.right.value !== null && e.right.type.oid === e.left.type.oid) {
    return { subject: e.left, op: e.op.name, value: e.right };
  }
  if (e.left.kind === 'const' && e.left.value !== null && e.left.type.oid === e.right.type.oid) {
    return { subject: e.right, op: flip[e.op.name]!, value: e.left };
  }
  return undefined;
}

/** Whether `q` (a query conjunct) implies `p` (a predicate conjunct) by range reasoning. */
function rangeImplies(q: Comparison, p: Comparison): boolean {
  if (exprKey(q.subject) !== exprKey(p.subject)) return false;
  const c = compare(p.value.type, q.value.value, p.value.value); // sign of (q value - p value)
  switch (p.op) {
    case '>':
      return (q.op === '>' && c >= 0) || ((q.op === '>=' || q.op === '=') && c > 0);
    case '>=':
      return (q.op === '>' || q.op === '>=' || q.op === '=') && c >= 0;
    case '<':
      return (q.op === '<' && c <= 0) || ((q.op === '<=' || q.op === '=') && c < 0);
    case '<=':
      return (q.op === '<' || q.op === '<=' || q.op === '=') && c <= 0;
    case '=':
      return q.op === '=' && c === 0;
    default:
      return false;
  }
}

function operands(e: BExpr): BExpr[] {
  if (e.kind === 'op' && e.left !== null && strictComparisons.has(e.op.name)) return [e.left, e.right];
  return [];
}

function implied(query: readonly BExpr[], p: BExpr): BExpr | 'derived' | undefined {
  const key = exprKey(p);
  const same = query.find((q) => exprKey(q) === key);
  if (same !== undefined) return same;
  const pc = comparison(p);
  if (pc !== undefined) {
    for (const q of query) {
      const qc = comparison(q);
      if (qc !== undefined && rangeImplies(qc, pc)) return 'derived';
    }
  }
  if (p.kind === 'isNull' && p.negated) {
    const subject = exprKey(p.arg);
    if (query.some((q) => operands(q).some((o) => exprKey(o) === subject))) return 'derived';
  }
  return undefined;
}

/**
 * For a partial index: the query conjuncts that equal predicate conjuncts (answered by the
 * index, so they need no re-check) when the query implies the whole predicate; undefined when
 * it does not (or the predicate is not bound). An index without predicate: an empty set.
 */
export function impliedPredicate(table: TableDescriptor, index: IndexDescriptor, offset: number, query: readonly BExpr[]): Set<BExpr> | undefined {
  if (index.predicate === undefined) return new Set();
  const bound = boundIndexesOf(table)?.get(index.indexId)?.predicate;
  if (bound === undefined || bound === null) return undefined;
  const answered = new Set<BExpr>();
  for (const p of andParts(shiftSlots(bound, offset))) {
    const q = implied(query, p);
    if (q === undefined) return undefined;
    if (q !== 'derived') answered.add(q);
  }
  return answered;
}
