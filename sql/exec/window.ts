/**
 * Window functions and DISTINCT ON. A window node reads its input sorted by partition keys then
 * ORDER BY keys (a Sort node below it), one partition at a time, and computes every call per partition: ranking functions from
 * peer groups, lag/lead by position, first/last/nth_value and aggregates over each row's frame
 * (ROWS / RANGE / GROUPS with EXCLUDE) as PostgreSQL 15 defines them.
 */
import { assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { Plan } from '../plan/plan.js';
import type { FrameBoundPlan, FramePlan, WindowCall, WindowSortKey } from '../plan/window.js';
import { compare, hashKey, PgArray, type Datum, type SqlType } from '../types/index.js';
import { compiled, evaluate, isTrue, type Env } from './expr.js';
import { checkAbort, run } from './run.js';
import { compareKeyValues } from './row-keys.js';

type Row = Datum[];

/** Rows of one window partition held in memory at most (beyond: 53200, never an out-of-memory crash). */
const windowPartitionRowsMax = 10_000_000;

interface Sorted {
  readonly row: Row;
  readonly part: Datum[];
  readonly ord: Datum[];
}

export async function* runWindowNode(p: Extract<Plan, { kind: 'window' | 'distinctOn' }>, env: Env): AsyncGenerator<Row> {
  switch (p.kind) {
    case 'window':
      yield* runWindow(p, env);
      return;
    case 'distinctOn':
      yield* runDistinctOn(p, env);
      return;
    default:
      assertNever(p, 'window plan node');
  }
}

async function* runDistinctOn(p: Extract<Plan, { kind: 'distinctOn' }>, env: Env): AsyncGenerator<Row> {
  let last: string | undefined;
  for await (const row of run(p.input, env)) {
    checkAbort(env);
    let key = '';
    for (let i = 0; i < p.slots.length; i++) {
      const v = row[p.slots[i]!]!;
      key += v === null ? '\u0000N\u0001' : `${String(hashKey(p.types[i]!, v))}\u0001`;
    }
    if (key === last) continue;
    last = key;
    yield row;
  }
}

async function* runWindow(p: Extract<Plan, { kind: 'window' }>, env: Env): AsyncGenerator<Row> {
  const spec = p.spec;
  const partExprs = spec.partitionBy.map(compiled);
  const ordExprs = spec.orderBy.map((k) => compiled(k.expr));
  // The planner sorts the input by partition keys (ASC NULLS LAST) then the window ORDER BY.
  const partKeys = spec.partitionTypes.map((type) => ({ type, desc: false, nullsFirst: false }));
  const frameEval = new FrameEvaluator(spec.frame, spec.orderBy, env);
  let part: Sorted[] = [];
  for await (const row of run(p.input, env)) {
    checkAbort(env);
    const pv: Datum[] = [];
    for (const c of partExprs) pv.push(await evaluate(c, row, env));
    const ord: Datum[] = [];
    for (const c of ordExprs) ord.push(await evaluate(c, row, env));
    if (part.length > 0 && compareKeyValues(partKeys, part[0]!.part, pv) !== 0) {
      yield* emitPartition(spec.calls, part, spec.orderBy, frameEval, env);
      part = [];
    }
    if (part.length >= windowPartitionRowsMax) {
      throw new SqlError(SqlState.outOfMemory, `window partition exceeds ${windowPartitionRowsMax} rows`);
    }
    part.push({ row, part: pv, ord });
  }
  if (part.length > 0) yield* emitPartition(spec.calls, part, spec.orderBy, frameEval, env);
}

async function* emitPartition(
  calls: readonly WindowCall[],
  part: readonly Sorted[],
  orderBy: readonly WindowSortKey[],
  frameEval: FrameEvaluator,
  env: Env,
): AsyncGenerator<Row> {
  const results: Datum[][] = [];
  for (const call of calls) results.push(await computeCall(call, part, orderBy, frameEval, env));
  for (let i = 0; i < part.length; i++) {
    checkAbort(env);
    const out: Row = part[i]!.row.slice();
    for (const r of results) out.push(r[i]!);
    yield out;
  }
}

/** Peer groups of a partition: group number per row and [start, end) per group. */
interface Peers {
  readonly groupOf: number[];
  readonly starts: number[];
  readonly ends: number[];
}

function peersOf(part: readonly Sorted[], orderBy: readonly WindowSortKey[]): Peers {
  const groupOf: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = 0; i < part.length; i++) {
    if (i === 0 || compareKeyValues(orderBy, part[i - 1]!.ord, part[i]!.ord) !== 0) {
      if (i > 0) ends.push(i);
      starts.push(i);
    }
    groupOf.push(starts.length - 1);
  }
  if (part.length > 0) ends.push(part.length);
  return { groupOf, starts, ends };
}

async function computeCall(call: WindowCall, part: readonly Sorted[], orderBy: readonly WindowSortKey[], fe: FrameEvaluator, env: Env): Promise<Datum[]> {
  const n = part.length;
  const peers = peersOf(part, orderBy);
  const args = call.args.map(compiled);
  const argAt = async (a: number, i: number): Promise<Datum> => evaluate(args[a]!, part[i]!.row, env);
  const out: Datum[] = new Array<Datum>(n).fill(null);
  const fn = call.fn;
  switch (fn.kind) {
    case 'ranking': {
      const name = fn.name;
      for (let i = 0; i < n; i++) {
        const g = peers.groupOf[i]!;
        switch (name) {
          case 'row_number':
            out[i] = BigInt(i + 1);
            break;
          case 'rank':
            out[i] = BigInt(peers.starts[g]! + 1);
            break;
          case 'dense_rank':
            out[i] = BigInt(g + 1);
            break;
          case 'percent_rank':
            out[i] = n > 1 ? peers.starts[g]! / (n - 1) : 0;
            break;
          case 'cume_dist':
            out[i] = peers.ends[g]! / n;
            break;
          case 'ntile': {
            const k = await argAt(0, i);
            if (k === null) break;
            const buckets = Number(k);
            if (buckets <= 0) throw new SqlError('22014', 'argument of ntile must be greater than zero');
            out[i] = ntileOf(i, n, buckets);
            break;
          }
          default:
            assertNever(name, 'ranking function');
        }
      }
      return out;
    }
    case 'value':
      for (let i = 0; i < n; i++) {
        checkAbort(env);
        out[i] = await valueAt(fn.name, call, argAt, i, n, peers, fe, part);
      }
      return out;
    case 'agg':
      return aggregateOverFrames(call, fn, part, peers, fe, env);
    default:
      return assertNever(fn, 'window function');
  }
}

/** PostgreSQL's ntile: the first n % buckets buckets hold one row more. */
function ntileOf(i: number, n: number, buckets: number): number {
  const per = Math.floor(n / buckets);
  const extra = n % buckets;
  const big = extra * (per + 1);
  if (i < big) return Math.floor(i / (per + 1)) + 1;
  return extra + Math.floor((i - big) / per) + 1;
}

async function valueAt(
  name: 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value',
  call: WindowCall,
  argAt: (a: number, i: number) => Promise<Datum>,
  i: number,
  n: number,
  peers: Peers,
  fe: FrameEvaluator,
  part: readonly Sorted[],
): Promise<Datum> {
  switch (name) {
    case 'lag':
    case 'lead': {
      let off = 1;
      if (call.args.length > 1) {
        const o = await argAt(1, i);
        if (o === null) return null;
        off = Number(o);
      }
      const j = name === 'lag' ? i - off : i + off;
      if (j < 0 || j >= n) return call.args.length > 2 ? argAt(2, i) : null;
      return argAt(0, j);
    }
    case 'first_value':
    case 'last_value':
    case 'nth_value': {
      let nth = 1;
      if (name === 'nth_value') {
        const o = await argAt(1, i);
        if (o === null) return null;
        nth = Number(o);
        if (nth <= 0) throw new SqlError('22016', 'argument of nth_value must be greater than zero');
      }
      const f = await fe.frame(i, part, peers);
      if (f.kind === 'span') {
        if (f.end <= f.start) return null;
        const j = name === 'last_value' ? f.end - 1 : f.start + nth - 1;
        return j < f.end ? argAt(0, j) : null;
      }
      const rows = f.rows;
      if (rows.length === 0) return null;
      const j = name === 'last_value' ? rows[rows.length - 1]! : rows[nth - 1];
      return j === undefined ? null : argAt(0, j);
    }
    default:
      return assertNever(name, 'value window function');
  }
}

async function aggregateOverFrames(
  call: WindowCall,
  fn: Extract<WindowCall['fn'], { kind: 'agg' }>,
  part: readonly Sorted[],
  peers: Peers,
  fe: FrameEvaluator,
  env: Env,
): Promise<Datum[]> {
  const args = call.args.map(compiled);
  const filter = fn.filter === null ? null : compiled(fn.filter);
  const evalCtx = env.ctx.eval;
  // Per row: the arguments, or null when the row does not feed the aggregate (FILTER, strict NULLs).
  const inputs: (Datum[] | null)[] = [];
  for (const s of part) {
    checkAbort(env);
    if (filter !== null && !isTrue(await evaluate(filter, s.row, env))) {
      inputs.push(null);
      continue;
    }
    const a: Datum[] = [];
    for (const c of args) a.push(await evaluate(c, s.row, env));
    inputs.push(fn.agg.strict && a.some((x) => x === null) ? null : a);
  }
  const snapshot = (d: Datum): Datum => (d instanceof PgArray ? new PgArray(d.elemOid, d.items.slice()) : d);
  const out: Datum[] = [];
  // Incremental while frames only grow at the end (the default frame, running totals).
  let state = fn.agg.init();
  let fedStart = 0;
  let fedEnd = 0;
  let prevKey = '';
  let prevValue: Datum = null;
  for (let i = 0; i < part.length; i++) {
    checkAbort(env);
    const fr = await fe.frame(i, part, peers);
    const frame = fr.kind === 'rows' ? fr.rows : [];
    const contiguous = fr.kind === 'span';
    const s = fr.kind === 'span' ? fr.start : 0;
    const e = fr.kind === 'span' ? Math.max(fr.start, fr.end) : 0;
    const key = contiguous ? `${s}:${e}` : frame.join(',');
    if (i > 0 && key === prevKey) {
      out.push(prevValue);
      continue;
    }
    if (!(contiguous && s === fedStart && e >= fedEnd && e > s)) {
      state = fn.agg.init();
      fedStart = s;
      fedEnd = s;
      if (!contiguous) {
        for (const j of frame) {
          const a = inputs[j]!;
          if (a !== null) state = fn.agg.step(state, a, evalCtx);
        }
        fedStart = -1; // never extended incrementally
        fedEnd = -1;
      }
    }
    if (contiguous) {
      for (let j = fedEnd; j < e; j++) {
        const a = inputs[j]!;
        if (a !== null) state = fn.agg.step(state, a, evalCtx);
      }
      fedEnd = e;
    }
    prevValue = snapshot(fn.agg.final(state, evalCtx));
    prevKey = key;
    out.push(prevValue);
  }
  return out;
}

/** Frame boundaries per row; offsets evaluated once per node execution. */
class FrameEvaluator {
  private offsets: { start: Datum; end: Datum } | undefined;
  private readonly rangeKey: ReturnType<typeof compiled> | undefined;
  private readonly rangePlus: ReturnType<typeof compiled> | undefined;
  private readonly rangeMinus: ReturnType<typeof compiled> | undefined;

  constructor(
    private readonly plan: FramePlan,
    private readonly orderBy: readonly WindowSortKey[],
    private readonly env: Env,
  ) {
    const ra = plan.rangeArith;
    this.rangeKey = ra === undefined ? undefined : compiled(ra.key);
    this.rangePlus = ra === undefined ? undefined : compiled(ra.plus);
    this.rangeMinus = ra === undefined ? undefined : compiled(ra.minus);
  }

  private async offsetOf(b: FrameBoundPlan, which: 'starting' | 'ending'): Promise<Datum> {
    if (b.kind !== 'preceding' && b.kind !== 'following') return null;
    const v = await evaluate(compiled(b.offset), [], this.env);
    if (v === null) throw new SqlError(SqlState.nullValueNotAllowed, `frame ${which} offset must not be null`);
    const neg = this.plan.negativeOffset;
    const isNeg = neg === undefined ? false : isTrue(await evaluate(compiled(neg), [v], this.env));
    if (isNeg) {
      throw new SqlError(
        '22013',
        this.plan.mode === 'range' ? 'invalid preceding or following size in window function' : `frame ${which} offset must not be negative`,
      );
    }
    return v;
  }

  /** Row i's frame: a span [start, end) without exclusions, else the row indexes (ascending). */
  async frame(i: number, part: readonly Sorted[], peers: Peers): Promise<{ kind: 'span'; start: number; end: number } | { kind: 'rows'; rows: number[] }> {
    if (this.plan.exclude === 'no others') {
      const { s, e } = await this.span(i, part, peers);
      return { kind: 'span', start: s, end: e };
    }
    return { kind: 'rows', rows: await this.frameRows(i, part, peers) };
  }

  private async span(i: number, part: readonly Sorted[], peers: Peers): Promise<{ s: number; e: number }> {
    if (this.offsets === undefined) {
      this.offsets = { start: await this.offsetOf(this.plan.start, 'starting'), end: await this.offsetOf(this.plan.end, 'ending') };
    }
    const n = part.length;
    const s = Math.max(0, await this.bound(this.plan.start, this.offsets.start, true, i, part, peers));
    const e = Math.min(n, await this.bound(this.plan.end, this.offsets.end, false, i, part, peers));
    return { s, e };
  }

  /** Row indexes (partition positions, ascending) in row i's frame, exclusions applied. */
  private async frameRows(i: number, part: readonly Sorted[], peers: Peers): Promise<number[]> {
    if (this.offsets === undefined) {
      this.offsets = { start: await this.offsetOf(this.plan.start, 'starting'), end: await this.offsetOf(this.plan.end, 'ending') };
    }
    const n = part.length;
    const s = Math.max(0, await this.bound(this.plan.start, this.offsets.start, true, i, part, peers));
    const e = Math.min(n, await this.bound(this.plan.end, this.offsets.end, false, i, part, peers));
    const out: number[] = [];
    const g = peers.groupOf[i]!;
    for (let j = s; j < e; j++) {
      switch (this.plan.exclude) {
        case 'no others':
          break;
        case 'current row':
          if (j === i) continue;
          break;
        case 'group':
          if (peers.groupOf[j] === g) continue;
          break;
        case 'ties':
          if (j !== i && peers.groupOf[j] === g) continue;
          break;
        default:
          assertNever(this.plan.exclude, 'frame exclusion');
      }
      out.push(j);
    }
    return out;
  }

  /** Frame start (isStart: first row index) or end (exclusive index) for row i. */
  private async bound(b: FrameBoundPlan, offset: Datum, isStart: boolean, i: number, part: readonly Sorted[], peers: Peers): Promise<number> {
    const n = part.length;
    const g = peers.groupOf[i]!;
    const G = peers.starts.length;
    switch (b.kind) {
      case 'unboundedPreceding':
        return 0;
      case 'unboundedFollowing':
        return n;
      case 'currentRow':
        if (this.plan.mode === 'rows') return isStart ? i : i + 1;
        return isStart ? peers.starts[g]! : peers.ends[g]!;
      case 'preceding':
      case 'following': {
        const sign = b.kind === 'preceding' ? -1 : 1;
        switch (this.plan.mode) {
          case 'rows': {
            const k = Number(offset) * sign;
            const at = i + k;
            if (at < 0) return 0;
            if (at >= n) return n;
            return isStart ? at : at + 1;
          }
          case 'groups': {
            const k = Number(offset) * sign;
            const at = g + k;
            if (at < 0) return 0;
            if (at >= G) return n;
            return isStart ? peers.starts[at]! : peers.ends[at]!;
          }
          case 'range':
            return this.rangeBound(b.kind, offset, isStart, i, part, peers);
          default:
            return assertNever(this.plan.mode, 'frame mode');
        }
      }
      default:
        return assertNever(b, 'frame bound');
    }
  }

  private async rangeBound(kind: 'preceding' | 'following', offset: Datum, isStart: boolean, i: number, part: readonly Sorted[], peers: Peers): Promise<number> {
    const key = this.orderBy[0]!;
    const ra = this.plan.rangeArith!;
    const v = part[i]!.ord[0]!;
    if (v === null) {
      const g = peers.groupOf[i]!;
      return isStart ? peers.starts[g]! : peers.ends[g]!;
    }
    // "preceding" moves against the sort direction.
    const towardSmaller = (kind === 'preceding') !== key.desc;
    const calc = towardSmaller ? this.rangeMinus! : this.rangePlus!;
    const target = await evaluate(calc, [v, offset], this.env);
    const keyOf = async (j: number): Promise<Datum> => evaluate(this.rangeKey!, [part[j]!.ord[0]!], this.env);
    // Position of row j relative to the target in sort order: <0 before, 0 equal, >0 after.
    const rel = async (j: number): Promise<number> => {
      const x = part[j]!.ord[0]!;
      if (x === null) return key.nullsFirst ? -1 : 1;
      const c = compare(ra.type, (await keyOf(j))!, target!);
      return key.desc ? -c : c;
    };
    // Binary search over the partition (sorted by this key): first j with rel >= 0 (start) / > 0 (end).
    let lo = 0;
    let hi = part.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = await rel(mid);
      if (isStart ? r < 0 : r <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
