/**
 * Binding of the calls evaluated above the aggregate of a SELECT: window functions (OVER, named
 * WINDOW clauses, frames) and GROUPING(). While targets / ORDER BY are bound they become `lateRef`
 * placeholders; `finish` turns them into columns of the window nodes' / aggregate's output and
 * hands the planner one WindowSpecPlan per distinct window specification.
 */
import type { Expr, FrameBound, FuncCall, NamedWindow, SortBy, WindowFrame, WindowSpec } from '../ast.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { isAggregateName, Oid, resolveAggregate, sqlType, type SqlType } from '../types/index.js';
import type { FrameBoundPlan, FramePlan, RankingFn, ValueFn, WindowCall, WindowSortKey, WindowSpecPlan } from '../plan/window.js';
import { astLocation, int4Type, int8Type, noAggregates, typeName, withPosition, type AggContext, type Binder, type LateCollector, Scope } from './binder.js';
import type { BExpr } from './expr.js';
import { collectSlots, exprKey, mapChildren } from './walk.js';

const windowingError = '42P20';
const float8Type: SqlType = sqlType(Oid.float8);

function err(code: string, message: string, location?: number): SqlError {
  return new SqlError(code, message, location !== undefined && location >= 0 ? { position: location + 1 } : {});
}

const rankingFns: ReadonlySet<string> = new Set<RankingFn>(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile']);
const valueFns: ReadonlySet<string> = new Set<ValueFn>(['lag', 'lead', 'first_value', 'last_value', 'nth_value']);

interface BoundSpec {
  readonly key: string;
  readonly partitionBy: BExpr[];
  readonly orderBy: WindowSortKey[];
  readonly frame: FramePlan;
}

/** The window functions and GROUPING() calls of one SELECT. */
export class LateState implements LateCollector {
  private readonly specs: BoundSpec[] = [];
  private readonly calls: { spec: number; call: WindowCall }[] = [];
  private readonly groupingArgs: { args: BExpr[]; locations: number[] }[] = [];
  private readonly named = new Map<string, WindowSpec>();

  constructor(windows: readonly NamedWindow[]) {
    for (const w of windows) {
      if (this.named.has(w.name)) throw err(windowingError, `window "${w.name}" is already defined`, w.spec.location);
      this.named.set(w.name, w.spec);
    }
  }

  get hasWindows(): boolean {
    return this.calls.length > 0;
  }

  get hasGrouping(): boolean {
    return this.groupingArgs.length > 0;
  }

  /** A context for a window's own expressions: aggregates collected, nested window calls refused. */
  private innerContext(ac: AggContext, nestedMessage: string): AggContext {
    const outer = this;
    return {
      aggs: ac.aggs,
      forbiddenIn: ac.forbiddenIn,
      inAggregate: false,
      late: {
        window(_b, e): BExpr {
          throw err(windowingError, nestedMessage, e.location);
        },
        grouping(b, e, scope, inner): BExpr {
          return outer.grouping(b, e, scope, inner);
        },
      },
    };
  }

  grouping(b: Binder, e: FuncCall, scope: Scope, ac: AggContext): BExpr {
    const args = e.args.map((a) => b.bind(a, scope, ac));
    if (args.length > 31) throw err('54023', 'GROUPING must have fewer than 32 arguments', e.location);
    this.groupingArgs.push({ args, locations: e.args.map(astLocation) });
    return { kind: 'lateRef', ref: 'grouping', index: this.groupingArgs.length - 1, type: int4Type };
  }

  window(b: Binder, e: FuncCall, scope: Scope, ac: AggContext): BExpr {
    const name = e.name[e.name.length - 1]!;
    const spec = this.bindSpec(b, this.resolveSpec(e.over!), scope, this.innerContext(ac, 'window functions are not allowed in window definitions'));
    const call = this.bindCall(b, name, e, scope, this.innerContext(ac, 'window function calls cannot be nested'));
    this.calls.push({ spec, call });
    return { kind: 'lateRef', ref: 'window', index: this.calls.length - 1, type: call.type, location: e.location };
  }

  /** Merges OVER (w ...) with the named window w, as PostgreSQL's transformWindowDefinitions. */
  private resolveSpec(spec: WindowSpec): WindowSpec {
    if (spec.refName === undefined) return spec;
    const base = this.named.get(spec.refName);
    if (base === undefined) throw err(SqlState.undefinedObject, `window "${spec.refName}" does not exist`, spec.location);
    const ref = this.resolveSpec(base);
    if (spec.partitionBy.length > 0) throw err(windowingError, `cannot override PARTITION BY clause of window "${spec.refName}"`, spec.location);
    if (spec.orderBy.length > 0 && ref.orderBy.length > 0) {
      throw err(windowingError, `cannot override ORDER BY clause of window "${spec.refName}"`, spec.location);
    }
    if (ref.frame !== undefined && spec.bareRef !== true) {
      throw new SqlError(windowingError, `cannot copy window "${spec.refName}" because it has a frame clause`, {
        ...(spec.location >= 0 ? { position: spec.location + 1 } : {}),
        ...(spec.orderBy.length === 0 && spec.frame === undefined ? { hint: 'Omit the parentheses in this OVER clause.' } : {}),
      });
    }
    const out: WindowSpec = {
      kind: 'WindowSpec',
      partitionBy: ref.partitionBy,
      orderBy: spec.orderBy.length > 0 ? spec.orderBy : ref.orderBy,
      location: spec.location,
    };
    const frame = spec.frame ?? ref.frame;
    return frame === undefined ? out : { ...out, frame };
  }

  private bindSpec(b: Binder, spec: WindowSpec, scope: Scope, ac: AggContext): number {
    const partitionBy = spec.partitionBy.map((x) => b.resolveUnknownToText(b.bind(x, scope, ac)));
    const orderBy = spec.orderBy.map((s) => sortKeyOf(b, s, scope, ac));
    const frame = bindFrame(b, spec.frame, orderBy, spec.location);
    const key = [
      partitionBy.map(exprKey).join(','),
      orderBy.map((o) => `${exprKey(o.expr)}${o.desc}${o.nullsFirst}`).join(','),
      frameKey(frame),
    ].join('|');
    const found = this.specs.findIndex((s) => s.key === key);
    if (found >= 0) return found;
    this.specs.push({ key, partitionBy, orderBy, frame });
    return this.specs.length - 1;
  }

  private bindCall(b: Binder, name: string, e: FuncCall, scope: Scope, ac: AggContext): WindowCall {
    const lowered = name.toLowerCase();
    const isWindowFn = e.name.length === 1 || e.name[0] === 'pg_catalog';
    if (isWindowFn && (rankingFns.has(lowered) || valueFns.has(lowered))) {
      if (e.star || e.distinct) throw err(SqlState.wrongObjectType, `${e.star ? '*' : 'DISTINCT'} specified, but ${name} is not an aggregate function`, e.location);
      if (e.filter !== undefined) throw err(SqlState.featureNotSupported, 'FILTER is not implemented for non-aggregate window functions', e.location);
      if (e.orderBy.length > 0) throw err(SqlState.wrongObjectType, `ORDER BY specified, but ${name} is not an aggregate function`, e.location);
      const args = e.args.map((a) => b.bind(a, scope, ac));
      return rankingFns.has(lowered) ? rankingCall(b, lowered as RankingFn, args, e.location) : valueCall(b, lowered as ValueFn, args, e.location);
    }
    if (!isAggregateName(lowered)) {
      throw err(SqlState.wrongObjectType, `OVER specified, but ${name} is not a window function nor an aggregate function`, e.location);
    }
    if (e.distinct) throw err(SqlState.featureNotSupported, 'DISTINCT is not implemented for window functions', e.location);
    if (e.orderBy.length > 0) throw err(SqlState.featureNotSupported, 'aggregate ORDER BY is not implemented for window functions', e.location);
    if (e.withinGroup) throw err(SqlState.featureNotSupported, 'WITHIN GROUP (ordered-set aggregates) is not supported yet', e.location);
    const args = e.star ? [] : e.args.map((a) => b.bind(a, scope, ac));
    const filter = e.filter === undefined ? null : b.coerceBool(b.bind(e.filter, scope, noAggregates('FILTER')), 'FILTER', e.location);
    let agg;
    try {
      agg = resolveAggregate(lowered, args.map((a) => a.type));
    } catch (x) {
      throw withPosition(x, e.location);
    }
    const cast = args.map((a, i) => b.coerceImplicit(a, agg.argTypes[i] ?? a.type));
    return { fn: { kind: 'agg', agg, filter }, args: cast, type: agg.resultType };
  }

  /** FROM-row slots the window expressions and GROUPING arguments read. */
  collectSlots(into: Set<number>): void {
    const add = (e: BExpr): void => collectSlots(e, into);
    for (const s of this.specs) {
      s.partitionBy.forEach(add);
      s.orderBy.forEach((o) => add(o.expr));
    }
    for (const c of this.calls) {
      c.call.args.forEach(add);
      if (c.call.fn.kind === 'agg' && c.call.fn.filter !== null) add(c.call.fn.filter);
    }
    for (const g of this.groupingArgs) g.args.forEach(add);
  }

  /**
   * GROUPING() arguments as groupBy indices (42803 unless each is a grouping expression); `groupKeys`
   * are the exprKeys of the GROUP BY expressions.
   */
  groupingCalls(groupKeys: readonly string[]): number[][] {
    return this.groupingArgs.map((g) =>
      g.args.map((a, k) => {
        const i = groupKeys.indexOf(exprKey(a));
        if (i < 0) throw err(SqlState.groupingError, 'arguments to GROUPING must be grouping expressions of the associated query level', g.locations[k]);
        return i;
      }),
    );
  }

  /**
   * The window nodes over an input of `inputWidth` columns (`rewrite` maps FROM-row expressions into
   * that space), and `resolve`, which replaces lateRefs by columns: window results after the input,
   * GROUPING values at `groupingBase + index` of the aggregate output.
   */
  finish(inputWidth: number, toInput: (e: BExpr) => BExpr, groupingBase: number): { windows: WindowSpecPlan[]; resolve: (e: BExpr) => BExpr } {
    const windows: WindowSpecPlan[] = [];
    const slotOfCall = new Map<number, number>();
    const resolve = (e: BExpr): BExpr => {
      if (e.kind === 'lateRef') {
        const slot = e.ref === 'window' ? slotOfCall.get(e.index)! : groupingBase + e.index;
        return { kind: 'col', slot, type: e.type };
      }
      return mapChildren(e, resolve);
    };
    // Window expressions may hold GROUPING() (never window calls): resolved after the aggregate rewrite.
    const rewrite = (e: BExpr): BExpr => resolve(toInput(e));
    let next = inputWidth;
    this.specs.forEach((s, si) => {
      const calls: WindowCall[] = [];
      this.calls.forEach((c, ci) => {
        if (c.spec !== si) return;
        slotOfCall.set(ci, next++);
        const fn = c.call.fn.kind === 'agg' ? { ...c.call.fn, filter: c.call.fn.filter === null ? null : rewrite(c.call.fn.filter) } : c.call.fn;
        calls.push({ fn, args: c.call.args.map(rewrite), type: c.call.type });
      });
      if (calls.length === 0) return;
      const partitionBy = s.partitionBy.map(rewrite);
      windows.push({
        partitionBy,
        partitionTypes: partitionBy.map((p) => p.type),
        orderBy: s.orderBy.map((o) => ({ ...o, expr: rewrite(o.expr) })),
        frame: s.frame,
        calls,
      });
    });
    return { windows, resolve };
  }
}

function sortKeyOf(b: Binder, s: SortBy, scope: Scope, ac: AggContext): WindowSortKey {
  const expr = b.resolveUnknownToText(b.bind(s.expr, scope, ac));
  const desc = s.direction === 'desc';
  return { expr, type: expr.type, desc, nullsFirst: s.nulls === 'default' ? desc : s.nulls === 'first' };
}

function fnSignature(name: string, args: readonly BExpr[]): string {
  return `${name}(${args.map((a) => (a.type.oid === Oid.unknown ? 'unknown' : typeName(a.type))).join(', ')})`;
}

function noSuchFunction(name: string, args: readonly BExpr[], location: number): SqlError {
  return new SqlError(SqlState.undefinedFunction, `function ${fnSignature(name, args)} does not exist`, {
    position: location + 1,
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function coerceArg(b: Binder, name: string, args: readonly BExpr[], i: number, t: SqlType, location: number): BExpr {
  const r = b.tryCoerce(args[i]!, t, 'implicit');
  if (r === undefined) throw noSuchFunction(name, args, location);
  return r;
}

function rankingCall(b: Binder, name: RankingFn, args: readonly BExpr[], location: number): WindowCall {
  const fn = { kind: 'ranking', name } as const;
  if (name === 'ntile') {
    if (args.length !== 1) throw noSuchFunction(name, args, location);
    return { fn, args: [coerceArg(b, name, args, 0, int4Type, location)], type: int4Type };
  }
  if (args.length !== 0) throw noSuchFunction(name, args, location);
  const type = name === 'percent_rank' || name === 'cume_dist' ? float8Type : int8Type;
  return { fn, args: [], type };
}

function valueCall(b: Binder, name: ValueFn, raw: readonly BExpr[], location: number): WindowCall {
  const fn = { kind: 'value', name } as const;
  const args = raw.map((a, i) => (i === 0 ? b.resolveUnknownToText(a) : a));
  switch (name) {
    case 'first_value':
    case 'last_value':
      if (args.length !== 1) throw noSuchFunction(name, raw, location);
      return { fn, args, type: args[0]!.type };
    case 'nth_value':
      if (args.length !== 2) throw noSuchFunction(name, raw, location);
      return { fn, args: [args[0]!, coerceArg(b, name, args, 1, int4Type, location)], type: args[0]!.type };
    case 'lag':
    case 'lead': {
      if (args.length < 1 || args.length > 3) throw noSuchFunction(name, raw, location);
      if (args.length === 1) return { fn, args, type: args[0]!.type };
      const off = coerceArg(b, name, args, 1, int4Type, location);
      if (args.length === 2) return { fn, args: [args[0]!, off], type: args[0]!.type };
      const t = b.commonType([args[0]!, args[2]!], name, location);
      const [x, d] = b.coerceAll([args[0]!, args[2]!], t, name, location);
      return { fn, args: [x!, off, d!], type: t };
    }
    default: {
      const never: never = name;
      throw new Error(`unknown value window function ${String(never)}`);
    }
  }
}

const numericOrderOids: ReadonlySet<number> = new Set([Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric]);
const timeOrderOids: ReadonlySet<number> = new Set([Oid.date, Oid.timestamp, Oid.timestamptz, Oid.interval, Oid.time]);

function bindFrame(b: Binder, frame: WindowFrame | undefined, orderBy: readonly WindowSortKey[], location: number): FramePlan {
  if (frame === undefined) {
    return { mode: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' }, exclude: 'no others' };
  }
  if (frame.start.kind === 'unboundedFollowing') throw err(windowingError, 'frame start cannot be UNBOUNDED FOLLOWING', location);
  if (frame.end.kind === 'unboundedPreceding') throw err(windowingError, 'frame end cannot be UNBOUNDED PRECEDING', location);
  const order = ['unboundedPreceding', 'preceding', 'currentRow', 'following', 'unboundedFollowing'];
  if (frame.start.kind === 'currentRow' && frame.end.kind === 'preceding') {
    throw err(windowingError, 'frame starting from current row cannot have preceding rows', location);
  }
  if (frame.start.kind === 'following' && order.indexOf(frame.end.kind) < order.indexOf('following')) {
    throw err(windowingError, 'frame starting from following row cannot have preceding rows', location);
  }
  if (frame.mode === 'groups' && orderBy.length === 0) throw err(windowingError, 'GROUPS mode requires an ORDER BY clause', location);
  const hasOffset = frame.start.kind === 'preceding' || frame.start.kind === 'following' || frame.end.kind === 'preceding' || frame.end.kind === 'following';
  let offsetType: SqlType = int8Type;
  let rangeArith: FramePlan['rangeArith'];
  if (frame.mode === 'range' && hasOffset) {
    if (orderBy.length !== 1) throw err(windowingError, 'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column', location);
    const ot = orderBy[0]!.type;
    if (numericOrderOids.has(ot.oid)) offsetType = ot.oid === Oid.int2 || ot.oid === Oid.int4 ? int8Type : ot;
    else if (timeOrderOids.has(ot.oid)) offsetType = sqlType(Oid.interval);
    else {
      const off = frame.start.kind === 'preceding' || frame.start.kind === 'following' ? frame.start.offset : (frame.end as { offset: Expr }).offset;
      const at = astLocation(off);
      throw new SqlError(SqlState.undefinedFunction, `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${typeName(ot)}`, at >= 0 ? { position: at + 1 } : {});
    }
    const v: BExpr = { kind: 'col', slot: 0, type: ot };
    const off: BExpr = { kind: 'col', slot: 1, type: offsetType };
    const plus = b.bindOperator('+', v, off, location);
    const minus = b.bindOperator('-', v, off, location);
    const key = plus.type.oid === ot.oid ? v : b.coerceImplicit(v, plus.type);
    rangeArith = { plus, minus, key, type: plus.type };
  }
  const what = frame.mode === 'rows' ? 'ROWS' : frame.mode === 'groups' ? 'GROUPS' : 'RANGE';
  const bound = (fb: FrameBound): FrameBoundPlan => {
    if (fb.kind !== 'preceding' && fb.kind !== 'following') return fb;
    const raw = b.bind(fb.offset, new Scope(null), noAggregates(`window ${what}`));
    const r = b.tryCoerce(raw, offsetType, 'implicit');
    const at = astLocation(fb.offset);
    if (r === undefined && frame.mode === 'range') {
      throw new SqlError(
        SqlState.undefinedFunction,
        `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${typeName(orderBy[0]!.type)} and offset type ${typeName(raw.type)}`,
        { ...(at >= 0 ? { position: at + 1 } : {}), hint: 'Cast the offset value to an appropriate type.' },
      );
    }
    if (r === undefined) throw err(SqlState.datatypeMismatch, `argument of ${what} must be type ${typeName(offsetType)}, not type ${typeName(raw.type)}`, at);
    return { kind: fb.kind, offset: r };
  };
  const start = bound(frame.start);
  const end = bound(frame.end);
  let negativeOffset: BExpr | undefined;
  if (hasOffset && offsetType.oid !== Oid.interval) {
    const zero = b.tryCoerce({ kind: 'const', type: int4Type, value: 0 }, offsetType, 'implicit');
    if (zero !== undefined) negativeOffset = b.bindOperator('<', { kind: 'col', slot: 0, type: offsetType }, zero, location);
  }
  const out: FramePlan = { mode: frame.mode, start, end, exclude: frame.exclude };
  return { ...out, ...(rangeArith === undefined ? {} : { rangeArith }), ...(negativeOffset === undefined ? {} : { negativeOffset }) };
}

function frameKey(f: FramePlan): string {
  const bk = (x: FrameBoundPlan): string => (x.kind === 'preceding' || x.kind === 'following' ? `${x.kind}(${exprKey(x.offset)})` : x.kind);
  return `${f.mode}:${bk(f.start)}:${bk(f.end)}:${f.exclude}`;
}

/** A collector for clauses where window functions are not allowed but GROUPING() is (HAVING). */
export function forbidWindows(late: LateState, clause: string): LateCollector {
  return {
    window(_b, e): BExpr {
      throw err(windowingError, `window functions are not allowed in ${clause}`, e.location);
    },
    grouping(b, e, scope, ac): BExpr {
      return late.grouping(b, e, scope, ac);
    },
  };
}

/**
 * DISTINCT ON: the sort that brings equal DISTINCT ON keys together. The ORDER BY must start with
 * the DISTINCT ON expressions (in any order, 42P10 otherwise); missing ones are appended.
 */
export function distinctOnSort<K extends { readonly slot: number }>(distinctKeys: readonly K[], orderBy: readonly K[], location: number): K[] {
  const remaining = new Set(distinctKeys.map((k) => k.slot));
  const sort: K[] = [];
  for (const k of orderBy) {
    if (remaining.size > 0 && !remaining.has(k.slot) && !sort.some((s) => s.slot === k.slot)) {
      throw err(SqlState.invalidColumnReference, 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions', location);
    }
    remaining.delete(k.slot);
    sort.push(k);
  }
  for (const k of distinctKeys) if (remaining.has(k.slot)) {
    remaining.delete(k.slot);
    sort.push(k);
  }
  return sort;
}
