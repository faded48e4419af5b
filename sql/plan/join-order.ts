/**
 * Join order: a maximal run of INNER joins (explicit JOIN … ON and comma joins with WHERE
 * conditions) whose items have ANALYZE statistics is reordered by cost (./cost.ts). Dynamic
 * programming over subsets of the run's items (up to `joinOrderDpItemsMax`, greedy past it)
 * builds left-deep trees: each step joins the plan of a subset with one more item, as an index
 * nested loop (the item is a table with an index prefix bound by the subset's columns), a hash
 * join (building on the item; merge join when both sides come ordered, ./merge-join.ts) or a
 * nested loop. Outer joins, LATERAL items and FULL joins keep their place: they are items of the
 * run (planned as written) or end it. Rows live in one FROM-row space (every item owns fixed
 * slots), so a reordered join produces the same row layout and the query's columns do not move.
 */
import type { BExpr } from '../bind/expr.js';
import type { BoundFrom } from '../bind/query.js';
import { collectSlots, hasAsyncParts } from '../bind/walk.js';
import {
  hashJoinCost,
  indexNestedLoopCost,
  joinSelectivity,
  nestedLoopCost,
  planRowEstimates,
  relationRows,
  scanCost,
  selectivity,
  type SlotInfo,
  type SlotLookup,
} from './cost.js';
import { preferMergeJoin } from './merge-join.js';
import type { Plan } from './plan.js';
import { andOf, chooseAccess, equiKeys, indexOnly, planFrom, splitAnd, take, toConj, within, type Conj, type FromContext } from './planner.js';

/** Items up to which every subset is costed (2^n states); past it the order is built greedily. */
export const joinOrderDpItemsMax = 8;

type JoinNode = Extract<BoundFrom, { kind: 'join' }>;

interface Item {
  readonly index: number;
  readonly node: BoundFrom;
  readonly start: number;
  readonly end: number;
  /** The item planned with its own conjuncts. */
  readonly plan: Plan;
  /** Conjuncts of the run the item's plan answers (for index lookups they become probe conditions). */
  readonly local: readonly Conj[];
  readonly rows: number;
  readonly cost: number;
}

interface State {
  readonly mask: number;
  readonly plan: Plan;
  readonly rows: number;
  readonly cost: number;
}

/** Items and ON conjuncts of the maximal inner-join run rooted at `node`. */
function flatten(node: BoundFrom, items: BoundFrom[], on: BExpr[]): void {
  if (node.kind === 'join' && node.joinType === 'inner' && !isLateral(node.right)) {
    flatten(node.left, items, on);
    flatten(node.right, items, on);
    on.push(...splitAnd(node.on));
    return;
  }
  items.push(node);
}

function isLateral(n: BoundFrom): boolean {
  return n.kind === 'subquery' && n.lateral === true;
}

function slotsOf(e: BExpr): Set<number> {
  const s = new Set<number>();
  collectSlots(e, s);
  return s;
}

/**
 * The reordered plan of the inner-join run at `node`, or undefined when the run is left as
 * written (fewer than two items, a LATERAL item, or no item has statistics).
 */
export function planJoinRun(node: JoinNode, pool: Conj[], fc: FromContext): Plan | undefined {
  if (node.joinType !== 'inner' || fc.usedSlots === null) return undefined;
  const nodes: BoundFrom[] = [];
  const onExprs: BExpr[] = [];
  flatten(node, nodes, onExprs);
  if (nodes.length < 2 || nodes.length > 30) return undefined;
  if (nodes.some((n) => isLateral(n) || hasLateral(n))) return undefined;
  if (!nodes.some((n) => n.kind === 'table' && n.stats !== undefined)) return undefined;

  const lookup = slotLookup(nodes);
  const runConjs: Conj[] = [...onExprs.map(toConj), ...take(pool, (c) => within(c.slots, node.offset, node.offset + node.span))];
  const items: Item[] = nodes.map((n, index) => {
    const before = new Set(runConjs);
    const plan = planFrom(n, runConjs, fc);
    const local = [...before].filter((c) => !runConjs.includes(c));
    const base = n.kind === 'table' ? relationRows(n.stats) : relationRows(undefined);
    const rows = Math.max(1, base * local.reduce((s, c) => s * selectivity(c.expr, lookup), 1));
    const bounds = plan.kind === 'scan' ? (plan.bounds.kind === 'full' ? 'full' : plan.bounds.kind === 'point' ? 'point' : 'range') : 'full';
    const est = bounds === 'point' ? 1 : rows;
    planRowEstimates.set(plan, Math.round(est));
    return { index, node: n, start: n.offset, end: n.offset + n.span, plan, local, rows: est, cost: scanCost(bounds, base, est) };
  });
  // Conjuncts left: joins between items; the ones that may not move are applied above the run.
  const fixed = take(runConjs, (c) => !c.movable);
  const joinConjs = runConjs;

  const extend = (s: State, item: Item): State => joinStep(s, item, items, joinConjs, lookup, fc);
  const best = items.length <= joinOrderDpItemsMax ? dynamicProgramming(items, extend) : greedy(items, extend);
  let plan = best.plan;
  const leftover = joinConjs.filter((c) => !appliedBy(c, best.mask, items));
  const top = [...leftover, ...fixed].map((c) => c.expr);
  if (top.length > 0) plan = { kind: 'filter', input: plan, pred: andOf(top)!, width: plan.width };
  return plan;
}

function hasLateral(n: BoundFrom): boolean {
  if (n.kind !== 'join') return false;
  return isLateral(n.right) || hasLateral(n.left) || hasLateral(n.right);
}

/** Column statistics by FROM-row slot for the run's tables. */
function slotLookup(nodes: readonly BoundFrom[]): SlotLookup {
  const bySlot = new Map<number, SlotInfo>();
  const visit = (n: BoundFrom): void => {
    if (n.kind === 'join') {
      visit(n.left);
      visit(n.right);
      return;
    }
    if (n.kind !== 'table') return;
    const tableRows = relationRows(n.stats);
    n.table.columns.forEach((c, i) => {
      const column = n.stats?.columns.find((s) => s.attnum === c.attnum);
      bySlot.set(n.offset + i, { column, tableRows });
    });
  };
  nodes.forEach(visit);
  return (slot) => bySlot.get(slot);
}

function maskSlots(mask: number, items: readonly Item[]): (slot: number) => boolean {
  return (slot) => items.some((it) => (mask & (1 << it.index)) !== 0 && slot >= it.start && slot < it.end);
}

function appliedBy(c: Conj, mask: number, items: readonly Item[]): boolean {
  const has = maskSlots(mask, items);
  for (const s of c.slots) if (!has(s)) return false;
  return true;
}

function dynamicProgramming(items: readonly Item[], extend: (s: State, item: Item) => State): State {
  const best = new Map<number, State>();
  for (const it of items) best.set(1 << it.index, { mask: 1 << it.index, plan: it.plan, rows: it.rows, cost: it.cost });
  const full = (1 << items.length) - 1;
  for (let size = 2; size <= items.length; size++) {
    for (let mask = 1; mask <= full; mask++) {
      if (popcount(mask) !== size) continue;
      let chosen: State | undefined;
      for (const it of items) {
        const bit = 1 << it.index;
        if ((mask & bit) === 0) continue;
        const sub = best.get(mask & ~bit);
        if (sub === undefined) continue;
        const s = extend(sub, it);
        if (chosen === undefined || s.cost < chosen.cost) chosen = s;
      }
      if (chosen !== undefined) best.set(mask, chosen);
    }
  }
  return best.get(full)!;
}

function greedy(items: readonly Item[], extend: (s: State, item: Item) => State): State {
  let first = items[0]!;
  for (const it of items) if (it.rows < first.rows) first = it;
  let s: State = { mask: 1 << first.index, plan: first.plan, rows: first.rows, cost: first.cost };
  while (popcount(s.mask) < items.length) {
    let chosen: State | undefined;
    for (const it of items) {
      if ((s.mask & (1 << it.index)) !== 0) continue;
      const next = extend(s, it);
      if (chosen === undefined || next.cost < chosen.cost) chosen = next;
    }
    s = chosen!;
  }
  return s;
}

function popcount(m: number): number {
  let n = 0;
  for (let x = m; x !== 0; x &= x - 1) n++;
  return n;
}

/** The cheapest way to join the subset's plan with one more item. */
function joinStep(s: State, item: Item, items: readonly Item[], joinConjs: readonly Conj[], lookup: SlotLookup, fc: FromContext): State {
  const inLeft = maskSlots(s.mask, items);
  const mask = s.mask | (1 << item.index);
  const inBoth = maskSlots(mask, items);
  const applicable = joinConjs.filter((c) => [...c.slots].every(inBoth) && ![...c.slots].every(inLeft));
  const outRows = Math.max(1, s.rows * item.rows * applicable.reduce((x, c) => x * joinSelectivity(c.expr, lookup), 1));
  const rightStart = item.start;
  const rightEnd = item.end;
  const candidates: State[] = [];

  // Index nested loop: the item is a table with an index prefix bound by the left side's columns.
  if (item.node.kind === 'table') {
    const t = item.node;
    const fromLeft = (e: BExpr): boolean => [...slotsOf(e)].every(inLeft) && !hasAsyncParts(e);
    const probe = [...applicable, ...item.local].filter((c) => c.movable);
    const choice = chooseAccess(t.table, t.offset, probe, fromLeft);
    const usesLeft = [...choice.consumed].some((c) => [...c.slots].some((x) => x < rightStart || x >= rightEnd));
    if (usesLeft && choice.score >= 10) {
      const rightFilter = item.local.filter((c) => !choice.consumed.has(c)).map((c) => c.expr);
      const on = applicable.filter((c) => !choice.consumed.has(c)).map((c) => c.expr);
      const right: Plan = {
        kind: 'scan',
        table: t.table,
        index: choice.index,
        bounds: choice.bounds,
        indexOnly: indexOnly(t.table, choice.index, t.offset, fc.usedSlots),
        reverse: false,
        filter: andOf(rightFilter),
        lockRows: false,
        alias: t.alias,
        offset: t.offset,
        width: fc.width,
      };
      const fetched =
        choice.bounds.kind === 'point'
          ? 1
          : Math.max(1, relationRows(t.stats) * [...choice.consumed].reduce((x, c) => x * joinSelectivity(c.expr, lookup), 1));
      planRowEstimates.set(right, Math.round(Math.max(1, outRows / Math.max(1, s.rows))));
      const plan: Plan = { kind: 'nestedLoop', joinType: 'inner', left: s.plan, right, on: andOf(on), parameterized: true, rightStart, rightEnd, width: fc.width };
      candidates.push({ mask, plan, rows: outRows, cost: s.cost + indexNestedLoopCost(s.rows, fetched, outRows) });
    }
  }

  const { leftKeys, rightKeys, keyTypes, rest } = equiKeys(applicable, inLeft, rightStart, rightEnd);
  if (leftKeys.length > 0) {
    const plan = preferMergeJoin({ kind: 'hashJoin', joinType: 'inner', left: s.plan, right: item.plan, leftKeys, rightKeys, keyTypes, on: andOf(rest), rightStart, rightEnd, width: fc.width });
    candidates.push({ mask, plan, rows: outRows, cost: s.cost + item.cost + hashJoinCost(s.rows, item.rows, outRows) });
  } else {
    const plan: Plan = { kind: 'nestedLoop', joinType: 'inner', left: s.plan, right: item.plan, on: andOf(rest), parameterized: false, rightStart, rightEnd, width: fc.width };
    candidates.push({ mask, plan, rows: outRows, cost: s.cost + item.cost + nestedLoopCost(s.rows, item.rows, outRows) });
  }
  let best = candidates[0]!;
  for (const c of candidates) if (c.cost < best.cost) best = c;
  planRowEstimates.set(best.plan, Math.round(best.rows));
  return best;
}

