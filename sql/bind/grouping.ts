/**
 * GROUP BY with GROUPING SETS / ROLLUP / CUBE: the clause is expanded into a list of grouping sets
 * over one deduplicated list of grouping expressions, as PostgreSQL's expand_grouping_sets does
 * (the top-level elements are multiplied out; ROLLUP (a, b) = (a, b), (a), (); CUBE = every subset).
 */
import type { Expr, GroupingElement } from '../ast.js';
import { assertNever } from '../../util/assert.js';
import { SqlError } from '../../util/errors.js';
import type { BExpr } from './expr.js';
import { exprKey, mapChildren } from './walk.js';
import { astLocation } from './binder.js';

/** Bound on the number of grouping sets one GROUP BY may expand to (PostgreSQL: 4096). */
const groupingSetsMax = 4096;

export interface BoundGroupBy {
  readonly exprs: BExpr[];
  /** undefined: a plain GROUP BY (one set of every expression). */
  readonly sets: number[][] | undefined;
}

export function bindGroupBy(elements: readonly GroupingElement[], distinct: boolean, bindItem: (e: Expr) => BExpr): BoundGroupBy {
  const exprs: BExpr[] = [];
  const keys: string[] = [];
  const indexOf = (e: Expr): number => {
    const bound = bindItem(e);
    const win = windowRefLocation(bound) ?? astLocation(e);
    if (win !== undefined && hasWindowRef(bound)) throw new SqlError('42P20', 'window functions are not allowed in GROUP BY', win >= 0 ? { position: win + 1 } : {});
    const key = exprKey(bound);
    let i = keys.indexOf(key);
    if (i < 0) {
      keys.push(key);
      exprs.push(bound);
      i = exprs.length - 1;
    }
    return i;
  };
  const plain = elements.every((g) => g.kind === 'expr' && !isImplicitRow(g.expr));
  if (plain) {
    for (const g of elements) if (g.kind === 'expr') indexOf(g.expr);
    return { exprs, sets: undefined };
  }
  /** One element as a single set (inside ROLLUP / CUBE). */
  const single = (g: GroupingElement): number[] => {
    if (g.kind === 'expr') return isImplicitRow(g.expr) ? rowArgs(g.expr).map(indexOf) : [indexOf(g.expr)];
    if (g.kind === 'empty') return [];
    throw new SqlError('42601', 'ROLLUP, CUBE and GROUPING SETS inside ROLLUP or CUBE are not allowed');
  };
  const setsOf = (g: GroupingElement): number[][] => {
    switch (g.kind) {
      case 'expr':
      case 'empty':
        return [single(g)];
      case 'rollup': {
        const parts = g.items.map(single);
        const out: number[][] = [];
        for (let n = parts.length; n >= 0; n--) out.push(parts.slice(0, n).flat());
        return out;
      }
      case 'cube': {
        const parts = g.items.map(single);
        if (parts.length > 12) throw new SqlError('54001', 'CUBE is limited to 12 elements');
        const out: number[][] = [];
        const n = parts.length;
        for (let mask = (1 << n) - 1; mask >= 0; mask--) {
          const s: number[] = [];
          for (let i = 0; i < n; i++) if ((mask & (1 << (n - 1 - i))) !== 0) s.push(...parts[i]!);
          out.push(s);
        }
        return out;
      }
      case 'sets':
        return g.items.flatMap(setsOf);
      default:
        return assertNever(g, 'grouping element');
    }
  };
  let sets: number[][] = [[]];
  for (const g of elements) {
    const mine = setsOf(g);
    const next: number[][] = [];
    for (const a of sets) for (const b of mine) next.push([...a, ...b]);
    if (next.length > groupingSetsMax) throw new SqlError('54001', 'too many grouping sets present (maximum 4096)');
    sets = next;
  }
  sets = sets.map((s) => [...new Set(s)].sort((x, y) => x - y));
  if (distinct) {
    const seen = new Set<string>();
    sets = sets.filter((s) => {
      const k = s.join(',');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  return { exprs, sets };
}

function isImplicitRow(e: Expr): boolean {
  return e.kind === 'Row' && !e.explicitRow;
}

function rowArgs(e: Expr): readonly Expr[] {
  return e.kind === 'Row' ? e.args : [e];
}

/** A GROUP BY item taken from the select list (GROUP BY 1) may hold a window function call. */
function hasWindowRef(e: BExpr): boolean {
  let found = false;
  const walk = (x: BExpr): BExpr => {
    if (x.kind === 'lateRef' && x.ref === 'window') found = true;
    return mapChildren(x, walk);
  };
  walk(e);
  return found;
}

function windowRefLocation(e: BExpr): number | undefined {
  let at: number | undefined;
  const walk = (x: BExpr): BExpr => {
    if (x.kind === 'lateRef' && x.ref === 'window' && at === undefined) at = x.location;
    return mapChildren(x, walk);
  };
  walk(e);
  return at;
}
