/**
 * The planner: bound queries → physical plans. Access paths from WHERE/ON conjuncts
 * (primary-key point lookups, key prefix/range/IN scans, secondary index scans, index-only
 * when every needed column is in the index), joins (index lookup nested loop when the inner
 * side has an equality on an index prefix, hash join on other equalities, else nested loop),
 * then aggregation, projection, DISTINCT, sort and limit.
 */
import { preferMergeJoin } from './merge-join.js';
import { planJoinRun } from './join-order.js';
import type { IndexDescriptor, TableDescriptor } from '../../catalog/descriptors.js';
import { assert, assertNever } from '../../util/assert.js';
import type { BExpr } from '../bind/expr.js';
import type { BoundFrom, BoundQuery, BoundSelect, BoundSortKey } from '../bind/query.js';
import { boolType } from '../bind/binder.js';
import { collectSlots, hasAsyncParts, isVolatile } from '../bind/walk.js';
import { Oid, type Datum, type SqlType } from '../types/datum.js';
import { orderedByIndex } from './order.js';
import { impliedPredicate, indexKeyExprs, sameKey } from './index-match.js';
import { planLockingSelect } from './locking.js';
import type { Plan, ScanBounds, SortKey } from './plan.js';

/** A WHERE/ON conjunct with the FROM-row slots it reads. */
export interface Conj {
  readonly expr: BExpr;
  readonly slots: ReadonlySet<number>;
  /** Free of subqueries, sequence calls and volatile functions: may move below joins. */
  readonly movable: boolean;
}

export function toConj(e: BExpr): Conj {
  const slots = new Set<number>();
  collectSlots(e, slots);
  return { expr: e, slots, movable: !hasAsyncParts(e) && !isVolatile(e) };
}

export function splitAnd(e: BExpr | null): BExpr[] {
  if (e === null) return [];
  if (e.kind === 'and') return e.args.flatMap((a) => splitAnd(a));
  return [e];
}

export function andOf(es: readonly BExpr[]): BExpr | null {
  if (es.length === 0) return null;
  if (es.length === 1) return es[0]!;
  return { kind: 'and', args: es, type: boolType };
}

export function within(slots: ReadonlySet<number>, start: number, end: number): boolean {
  for (const s of slots) if (s < start || s >= end) return false;
  return true;
}

/** Removes and returns the pool entries matching `pred`. */
export function take(pool: Conj[], pred: (c: Conj) => boolean): Conj[] {
  const out: Conj[] = [];
  for (let i = 0; i < pool.length; ) {
    if (pred(pool[i]!)) out.push(...pool.splice(i, 1));
    else i++;
  }
  return out;
}

// ─── access paths ──────────────────────────────────────────────────────────────────────────

interface AccessChoice {
  readonly index: IndexDescriptor;
  readonly bounds: ScanBounds;
  /** Conjuncts fully answered by the bounds (equalities, IN lists). */
  readonly consumed: ReadonlySet<Conj>;
  readonly score: number;
}

/** The value side of `col = value` when `c` is such a conjunct on `slot`, with matching types. */
function equalityValue(c: Conj, key: BExpr, isExternal: (e: BExpr) => boolean): BExpr | undefined {
  const e = c.expr;
  if (e.kind !== 'op' || e.op.name !== '=' || e.left === null) return undefined;
  return sideMatch(e.left, e.right, key, isExternal, true) ?? sideMatch(e.right, e.left, key, isExternal, true);
}

/** `key` is an index column (a `col`) or an index expression (./index-match.ts). */
function sideMatch(
  colSide: BExpr,
  valueSide: BExpr,
  key: BExpr,
  isExternal: (e: BExpr) => boolean,
  equality = false,
): BExpr | undefined {
  if (!sameKey(colSide, key)) return undefined;
  if (!isExternal(valueSide)) return undefined;
  if (valueSide.type.oid === colSide.type.oid) return valueSide;
  // int4_col = $1::int8 (drivers bind 64-bit integers): the key takes the value narrowed to the
  // column type; a value outside the column's range can equal no row (NULL key = no match).
  const range = integerRange.get(colSide.type.oid);
  if (!equality || range === undefined || !integerRange.has(valueSide.type.oid)) return undefined;
  const toColumn = colSide.type.oid === Oid.int8 ? (v: bigint): Datum => v : (v: bigint): Datum => Number(v);
  const narrow = (d: Datum): Datum => {
    const v = typeof d === 'bigint' ? d : BigInt(d as number);
    return v < range.min || v > range.max ? null : toColumn(v);
  };
  return { kind: 'cast', fn: narrow, arg: valueSide, type: colSide.type };
}

const integerRange: ReadonlyMap<number, { readonly min: bigint; readonly max: bigint }> = new Map([
  [Oid.int2, { min: -32768n, max: 32767n }],
  [Oid.int4, { min: -2147483648n, max: 2147483647n }],
  [Oid.int8, { min: -9223372036854775808n, max: 9223372036854775807n }],
]);

const flipped: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** Range bound from `col < v` / `v > col` etc. */
function rangeBound(c: Conj, key: BExpr, isExternal: (e: BExpr) => boolean): { kind: 'lower' | 'upper'; expr: BExpr; inclusive: boolean } | undefined {
  const e = c.expr;
  if (e.kind !== 'op' || e.left === null || flipped[e.op.name] === undefined) return undefined;
  let opName = e.op.name;
  let value = sideMatch(e.left, e.right, key, isExternal);
  if (value === undefined) {
    value = sideMatch(e.right, e.left, key, isExternal);
    if (value === undefined) return undefined;
    opName = flipped[opName]!;
  }
  const inclusive = opName === '<=' || opName === '>=';
  return { kind: opName === '<' || opName === '<=' ? 'upper' : 'lower', expr: value, inclusive };
}

function inListValues(c: Conj, key: BExpr, isExternal: (e: BExpr) => boolean): BExpr[] | undefined {
  const e = c.expr;
  if (e.kind !== 'inList' || e.negated || e.tests.length === 0) return undefined;
  const values: BExpr[] = [];
  for (const t of e.tests) {
    if (t.kind !== 'op' || t.op.name !== '=' || t.left === null) return undefined;
    const v = sideMatch(t.left, t.right, key, isExternal, true);
    if (v === undefined) return undefined;
    values.push(v);
  }
  return values;
}

function columnSlot(table: TableDescriptor, attnum: number, offset: number): number {
  const i = table.columns.findIndex((c) => c.attnum === attnum);
  assert(i >= 0, `attnum ${attnum} not in ${table.name}`);
  return offset + i;
}

function accessFor(
  table: TableDescriptor,
  index: IndexDescriptor,
  offset: number,
  conjs: readonly Conj[],
  isExternal: (e: BExpr) => boolean,
): AccessChoice | undefined {
  const keys = indexKeyExprs(table, index, offset);
  if (keys === undefined) return undefined;
  const answered = impliedPredicate(table, index, offset, conjs.map((c) => c.expr));
  if (answered === undefined) return undefined;
  const consumed = new Set<Conj>(conjs.filter((c) => answered.has(c.expr)));
  const prefix: BExpr[] = [];
  for (const key of keys) {
    let eq: { conj: Conj; value: BExpr } | undefined;
    for (const c of conjs) {
      const v = equalityValue(c, key, isExternal);
      if (v !== undefined) {
        eq = { conj: c, value: v };
        break;
      }
    }
    if (eq !== undefined) {
      consumed.add(eq.conj);
      prefix.push(eq.value);
      continue;
    }
    for (const c of conjs) {
      const values = inListValues(c, key, isExternal);
      if (values !== undefined) {
        consumed.add(c);
        return { index, bounds: { kind: 'in', prefix, values }, consumed, score: prefix.length * 10 + 8 + (index.primary ? 1 : 0) };
      }
    }
    let lower: { expr: BExpr; inclusive: boolean } | undefined;
    let upper: { expr: BExpr; inclusive: boolean } | undefined;
    for (const c of conjs) {
      const r = rangeBound(c, key, isExternal);
      if (r === undefined) continue;
      if (r.kind === 'lower' && lower === undefined) lower = r;
      if (r.kind === 'upper' && upper === undefined) upper = r;
    }
    if (lower === undefined && upper === undefined && prefix.length === 0) return undefined;
    const bounds: ScanBounds = { kind: 'range', prefix, ...(lower ? { lower } : {}), ...(upper ? { upper } : {}) };
    return { index, bounds, consumed, score: prefix.length * 10 + (lower || upper ? 5 : 0) + (index.indexId === 1 ? 1 : 0) };
  }
  const unique = index.unique || index.indexId === 1;
  if (unique) return { index, bounds: { kind: 'point', key: prefix }, consumed, score: 1000 + (index.indexId === 1 ? 1 : 0) };
  return { index, bounds: { kind: 'range', prefix }, consumed, score: prefix.length * 10 };
}

export function chooseAccess(
  table: TableDescriptor,
  offset: number,
  conjs: readonly Conj[],
  isExternal: (e: BExpr) => boolean,
): AccessChoice {
  let best: AccessChoice | undefined;
  for (const index of [table.primaryIndex, ...table.indexes]) {
    if (index.state !== 'public') continue;
    const a = accessFor(table, index, offset, conjs, isExternal);
    if (a !== undefined && (best === undefined || a.score > best.score)) best = a;
  }
  return best ?? { index: table.primaryIndex, bounds: { kind: 'full' }, consumed: new Set(), score: 0 };
}

/** Secondary index scans need no row fetch when every used column of the table is in the index or the primary key. */
export function indexOnly(table: TableDescriptor, index: IndexDescriptor, offset: number, usedSlots: ReadonlySet<number> | null): boolean {
  if (index.indexId === 1 || usedSlots === null || index.columns.some((c) => c.expr !== undefined)) return false;
  const covered = new Set<number>();
  for (const c of [...index.columns, ...table.primaryIndex.columns]) covered.add(columnSlot(table, c.attnum, offset));
  for (const s of usedSlots) {
    if (s >= offset && s < offset + table.columns.length && !covered.has(s)) return false;
  }
  return true;
}

// ─── FROM ──────────────────────────────────────────────────────────────────────────────────

export interface FromContext {
  readonly width: number;
  /** null = every column is needed (DML, correlated subqueries). */
  readonly usedSlots: ReadonlySet<number> | null;
}

/** A table scan answering the pool's conjuncts that read only this table. */
function planTableScan(
  node: Extract<BoundFrom, { kind: 'table' }>,
  pool: Conj[],
  fc: FromContext,
  isExternal: (e: BExpr) => boolean,
): Plan {
  const end = node.offset + node.span;
  const mine = take(pool, (c) => c.movable && within(c.slots, node.offset, end));
  const choice = chooseAccess(node.table, node.offset, mine, isExternal);
  const residual = mine.filter((c) => !choice.consumed.has(c)).map((c) => c.expr);
  return {
    kind: 'scan',
    table: node.table,
    index: choice.index,
    bounds: choice.bounds,
    indexOnly: indexOnly(node.table, choice.index, node.offset, fc.usedSlots),
    reverse: false,
    filter: andOf(residual),
    lockRows: false,
    alias: node.alias,
    offset: node.offset,
    width: fc.width,
  };
}

function noColumns(e: BExpr): boolean {
  const s = new Set<number>();
  collectSlots(e, s);
  return s.size === 0;
}

export function planFrom(node: BoundFrom, pool: Conj[], fc: FromContext): Plan {
  switch (node.kind) {
    case 'table':
      return planTableScan(node, pool, fc, (e) => noColumns(e) && !hasAsyncParts(e));
    case 'subquery':
      return { kind: 'subqueryScan', input: node.plan, alias: node.alias, offset: node.offset, width: fc.width, ...(node.lateral === true ? { lateral: true } : {}) };
    case 'virtual': {
      const mine = take(pool, (c) => c.movable && within(c.slots, node.offset, node.offset + node.span));
      return { kind: 'virtualScan', table: node.table, filter: andOf(mine.map((c) => c.expr)), alias: node.alias, offset: node.offset, width: fc.width };
    }
    case 'join':
      return planJoin(node, pool, fc);
    default:
      return assertNever(node, 'FROM node');
  }
}

function planJoin(node: Extract<BoundFrom, { kind: 'join' }>, pool: Conj[], fc: FromContext): Plan {
  if (node.joinType === 'full') return planFullJoin(node, fc);
  const reordered = planJoinRun(node, pool, fc);
  if (reordered !== undefined) return reordered;
  const left = planFrom(node.left, pool, fc);
  const leftStart = node.left.offset;
  const leftEnd = node.left.offset + node.left.span;
  const rightStart = node.right.offset;
  const rightEnd = node.right.offset + node.right.span;
  const onConjs = splitAnd(node.on).map(toConj);
  // Inner joins may use WHERE conjuncts over both sides as join conditions; left joins may not.
  const joinConjs =
    node.joinType === 'inner' ? [...onConjs, ...take(pool, (c) => within(c.slots, node.offset, node.offset + node.span))] : onConjs;

  const fromLeftOnly = (e: BExpr): boolean => {
    const s = new Set<number>();
    collectSlots(e, s);
    return within(s, leftStart, leftEnd) && !hasAsyncParts(e);
  };

  if (node.right.kind === 'table') {
    const rightTable = node.right;
    // (After a RIGHT JOIN swap the preserved side's slots may lie above the inner side's.)
    const probe = joinConjs.filter((c) => c.movable && within(c.slots, node.offset, node.offset + node.span));
    const choice = chooseAccess(rightTable.table, rightTable.offset, probe, fromLeftOnly);
    const usesLeft = [...choice.consumed].some((c) => [...c.slots].some((s) => s < rightStart || s >= rightEnd));
    if (usesLeft && choice.score >= 10) {
      const rest = joinConjs.filter((c) => !choice.consumed.has(c));
      const rightOnly = take(rest, (c) => c.movable && within(c.slots, rightStart, rightEnd));
      const right: Plan = {
        kind: 'scan',
        table: rightTable.table,
        index: choice.index,
        bounds: choice.bounds,
        indexOnly: indexOnly(rightTable.table, choice.index, rightTable.offset, fc.usedSlots),
        reverse: false,
        filter: andOf(rightOnly.map((c) => c.expr)),
        lockRows: false,
        alias: rightTable.alias,
        offset: rightTable.offset,
        width: fc.width,
      };
      return {
        kind: 'nestedLoop',
        joinType: node.joinType,
        left,
        right,
        on: andOf(rest.map((c) => c.expr)),
        parameterized: true,
        rightStart,
        rightEnd,
        width: fc.width,
      };
    }
  }

  if (node.right.kind === 'subquery' && node.right.lateral === true) {
    // LATERAL: the right side is re-run per left row (which it reads as outer depth 1).
    const right = planFrom(node.right, [], fc);
    return { kind: 'nestedLoop', joinType: node.joinType, left, right, on: andOf(joinConjs.map((c) => c.expr)), parameterized: true, rightStart, rightEnd, width: fc.width };
  }
  const right = planFrom(node.right, joinConjs, fc);
  const { leftKeys, rightKeys, keyTypes, rest } = equiKeys(joinConjs, (slot) => slot >= leftStart && slot < leftEnd, rightStart, rightEnd);
  if (leftKeys.length > 0) {
    return preferMergeJoin({ kind: 'hashJoin', joinType: node.joinType, left, right, leftKeys, rightKeys, keyTypes, on: andOf(rest), rightStart, rightEnd, width: fc.width });
  }
  return { kind: 'nestedLoop', joinType: node.joinType, left, right, on: andOf(rest), parameterized: false, rightStart, rightEnd, width: fc.width };
}

/** FULL JOIN: both sides are preserved, so no predicate moves below it; hash join on equalities. */
function planFullJoin(node: Extract<BoundFrom, { kind: 'join' }>, fc: FromContext): Plan {
  const left = planFrom(node.left, [], fc);
  const right = planFrom(node.right, [], fc);
  const rightStart = node.right.offset;
  const rightEnd = node.right.offset + node.right.span;
  const leftStart = node.left.offset;
  const leftEnd = node.left.offset + node.left.span;
  const { leftKeys, rightKeys, keyTypes, rest } = equiKeys(splitAnd(node.on).map(toConj), (slot) => slot >= leftStart && slot < leftEnd, rightStart, rightEnd);
  if (leftKeys.length > 0) {
    return preferMergeJoin({ kind: 'hashJoin', joinType: 'full', left, right, leftKeys, rightKeys, keyTypes, on: andOf(rest), rightStart, rightEnd, width: fc.width });
  }
  return { kind: 'nestedLoop', joinType: 'full', left, right, on: andOf(rest), parameterized: false, rightStart, rightEnd, width: fc.width };
}

/** Join keys of `conjs` between the left side (`inLeft`) and the right slots, and what is left. */
export interface EquiKeys {
  readonly leftKeys: BExpr[];
  readonly rightKeys: BExpr[];
  readonly keyTypes: BExpr['type'][];
  readonly rest: BExpr[];
}

/**
 * Splits join conjuncts into hash/merge join keys (`l = r`, l over the left side's slots and r
 * over [rightStart, rightEnd), both operands of one type, conjunct movable) and the rest.
 */
export function equiKeys(conjs: readonly Conj[], inLeft: (slot: number) => boolean, rightStart: number, rightEnd: number): EquiKeys {
  const out: EquiKeys = { leftKeys: [], rightKeys: [], keyTypes: [], rest: [] };
  for (const c of conjs) {
    const k = c.movable ? equiKey(c.expr, inLeft, rightStart, rightEnd) : undefined;
    if (k === undefined) {
      out.rest.push(c.expr);
      continue;
    }
    out.leftKeys.push(k.left);
    out.rightKeys.push(k.right);
    out.keyTypes.push(k.type);
  }
  return out;
}

function equiKey(e: BExpr, inLeft: (slot: number) => boolean, rightStart: number, rightEnd: number): { left: BExpr; right: BExpr; type: BExpr['type'] } | undefined {
  if (e.kind !== 'op' || e.op.name !== '=' || e.left === null) return undefined;
  if (e.op.leftType === null || e.op.leftType.oid !== e.op.rightType.oid) return undefined;
  const a = new Set<number>();
  const b = new Set<number>();
  collectSlots(e.left, a);
  collectSlots(e.right, b);
  if (a.size === 0 || b.size === 0) return undefined;
  const isLeft = (s: ReadonlySet<number>): boolean => [...s].every(inLeft);
  if (isLeft(a) && within(b, rightStart, rightEnd)) return { left: e.left, right: e.right, type: e.op.leftType };
  if (isLeft(b) && within(a, rightStart, rightEnd)) return { left: e.right, right: e.left, type: e.op.leftType };
  return undefined;
}

// ─── queries ───────────────────────────────────────────────────────────────────────────────

function sortKeys(keys: readonly BoundSortKey[]): SortKey[] {
  return keys.map((k) => ({ expr: { kind: 'col', slot: k.slot, type: k.type }, type: k.type, desc: k.desc, nullsFirst: k.nullsFirst }));
}

function finish(
  input: Plan,
  q: { orderBy: readonly BoundSortKey[]; limit: BExpr | null; offset: BExpr | null },
  visible: readonly { readonly type: SqlType }[],
  withTies?: readonly SortKey[],
): Plan {
  let plan = input;
  if (q.orderBy.length > 0) plan = { kind: 'sort', input: plan, keys: sortKeys(q.orderBy), width: plan.width };
  if (q.limit !== null || q.offset !== null) {
    plan = { kind: 'limit', input: plan, limit: q.limit, offset: q.offset, ...(withTies === undefined ? {} : { withTies }), width: plan.width };
  }
  if (plan.width > visible.length) {
    const exprs: BExpr[] = visible.map((c, slot) => ({ kind: 'col', slot, type: c.type }));
    plan = { kind: 'project', input: plan, exprs, width: visible.length };
  }
  return plan;
}

/** Plans the FROM row of a select with its WHERE: returns the input plan (FROM-row space). */
export function planFromWhere(from: BoundFrom | null, where: BExpr | null, width: number, usedSlots: ReadonlySet<number> | null): Plan {
  const pool = splitAnd(where).map(toConj);
  let plan: Plan = from === null ? { kind: 'values', rows: [[]], width: 0 } : planFrom(from, pool, { width, usedSlots });
  const remaining = andOf(pool.map((c) => c.expr));
  if (remaining !== null) plan = { kind: 'filter', input: plan, pred: remaining, width: plan.width };
  return plan;
}

function planSelect(q: BoundSelect): Plan {
  if (q.locking !== undefined) return planLockingSelect(q, q.locking);
  let plan = planFromWhere(q.from, q.where, q.fromWidth, q.usedSlots);
  if (q.grouped) {
    plan = {
      kind: 'aggregate',
      input: plan,
      groupBy: q.groupBy,
      groupTypes: q.groupBy.map((g) => g.type),
      aggs: q.aggs,
      ...(q.groupingSets === undefined ? {} : { sets: q.groupingSets }),
      ...(q.groupingCalls === undefined ? {} : { groupingCalls: q.groupingCalls }),
      width: q.groupBy.length + q.aggs.length + (q.groupingCalls?.length ?? 0),
    };
    if (q.having !== null) plan = { kind: 'filter', input: plan, pred: q.having, width: plan.width };
  }
  for (const spec of q.windows ?? []) {
    const keys: SortKey[] = [...spec.partitionBy.map((expr) => ({ expr, type: expr.type, desc: false, nullsFirst: false })), ...spec.orderBy];
    if (keys.length > 0) plan = { kind: 'sort', input: plan, keys, width: plan.width };
    plan = { kind: 'window', input: plan, spec, width: plan.width + spec.calls.length };
  }
  let sortNeeded = q.orderBy.length > 0;
  if (sortNeeded && !q.grouped && !q.distinct && q.windows === undefined && q.distinctOn === undefined) {
    const ordered = orderedByIndex(plan, q.orderBy, q.outputs);
    if (ordered !== null) {
      plan = ordered;
      sortNeeded = false;
    }
  }
  plan = { kind: 'project', input: plan, exprs: q.outputs, width: q.outputs.length };
  if (q.distinct) plan = { kind: 'distinct', input: plan, types: q.outputs.map((o) => o.type), width: plan.width };
  const ties = q.withTies === true ? sortKeys(q.orderBy) : undefined;
  if (q.distinctOn !== undefined) {
    plan = { kind: 'sort', input: plan, keys: sortKeys(q.distinctOn.sort), width: plan.width };
    const types = q.distinctOn.slots.map((s) => q.outputs[s]!.type);
    plan = { kind: 'distinctOn', input: plan, slots: q.distinctOn.slots, types, width: plan.width };
    sortNeeded = false;
  }
  return finish(plan, sortNeeded ? q : { ...q, orderBy: [] }, q.columns, ties);
}

export function planQuery(q: BoundQuery): Plan {
  switch (q.kind) {
    case 'select':
      return planSelect(q);
    case 'values':
      return finish({ kind: 'values', rows: q.rows, width: q.columns.length }, q, q.columns);
    case 'setop': {
      const types = q.columns.map((c) => c.type);
      return finish({ kind: 'setOp', op: q.op, all: q.all, left: q.left, right: q.right, types, width: types.length }, q, q.columns);
    }
    default:
      return assertNever(q, 'bound query');
  }
}
