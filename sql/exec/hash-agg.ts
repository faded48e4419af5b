/**
 * Hash aggregation and hash DISTINCT within work_mem. Groups (DISTINCT keys) are kept in a hash
 * table while its estimated size stays under work_mem. Past it, the groups already in memory
 * keep absorbing their rows, and input rows of NEW keys are written to `hashSpillPartitions` spill
 * files by a hash of the key (./spill.ts); after the input ends the in-memory groups are emitted,
 * then each partition is aggregated the same way (repartitioned with a new salt when it still
 * overflows, up to `hashSpillDepthMax` levels, then 53200). GROUPING SETS keep every set in memory and
 * fail with 53200 past the bound. Aggregate states count a fixed estimate each, plus the values
 * DISTINCT and ORDER BY aggregates collect.
 */
import type { Plan } from '../plan/plan.js';
import { hashKey, type Datum, type SqlType } from '../types/index.js';
import { compareKeyValues, hashRowKey } from './row-keys.js';
import { compiled, evaluate, isTrue, type Compiled, type Env } from './expr.js';
import { checkAbort, run } from './run.js';
import {
  checkRepartitionDepth,
  datumBytes,
  newSpillReport,
  openSpillPartitions,
  outOfWorkMem,
  publishSpillReport,
  readSpill,
  rowBytes,
  SpillSet,
  workMemBytesOf,
  writeToPartition,
  type SpillWriter,
} from './spill.js';

type Row = Datum[];
type AggregatePlan = Extract<Plan, { kind: 'aggregate' }>;
type DistinctPlan = Extract<Plan, { kind: 'distinct' }>;

/** Estimated bytes of a group beyond its key values (map slot, group object, arrays). */
const groupOverheadBytes = 160;
/** Estimated bytes of one aggregate transition state. */
const aggStateBytes = 64;

interface Group {
  readonly values: Datum[];
  /** Index into the aggregate's grouping sets (0 without GROUPING SETS). */
  readonly set: number;
  readonly states: unknown[];
  readonly seen: (Set<string> | null)[];
  /** For aggregates with ORDER BY: (sort keys, args) collected, fed in order at the end. */
  readonly ordered: ({ keys: Datum[]; args: Datum[] }[] | null)[];
}

/** Evaluates without a promise per call when the expression has no async parts (most do not). */
function valueOf(c: Compiled, row: Row, env: Env): Datum | Promise<Datum> {
  return c.asyncParts.length === 0 ? c.fn(row, env) : evaluate(c, row, env);
}

export async function* runAggregate(p: AggregatePlan, env: Env): AsyncGenerator<Row> {
  const report = newSpillReport();
  const spills = new SpillSet(env, report);
  try {
    yield* aggregateBatch(p, env, run(p.input, env), 0, spills);
  } finally {
    publishSpillReport(p, env, report);
    await spills.cleanup();
  }
}

async function* aggregateBatch(p: AggregatePlan, env: Env, input: AsyncIterable<Row>, depth: number, spills: SpillSet): AsyncGenerator<Row> {
  const workMemBytes = workMemBytesOf(env);
  const report = spills.report;
  const groupExprs = p.groupBy.map(compiled);
  const aggArgs = p.aggs.map((a) => a.args.map(compiled));
  const aggFilters = p.aggs.map((a) => (a.filter === null ? null : compiled(a.filter)));
  const groups = new Map<string, Group>();
  const evalCtx = env.ctx.eval;
  const sets = p.sets ?? [p.groupBy.map((_, i) => i)];
  const members = sets.map((s) => new Set(s));
  const newGroup = (values: Datum[], set: number): Group => ({
    values,
    set,
    states: p.aggs.map((a) => a.agg.init()),
    seen: p.aggs.map((a) => (a.distinct ? new Set<string>() : null)),
    ordered: p.aggs.map((a) => (a.orderBy.length > 0 ? [] : null)),
  });
  const aggOrder = p.aggs.map((a) => a.orderBy.map((o) => compiled(o.expr)));
  let bytes = 0;
  /** Spill partitions, opened when the table first exceeds work_mem. */
  const spill: { parts: SpillWriter[] | null } = { parts: null };
  const account = (n: number): void => {
    bytes += n;
    if (bytes > report.peakMemoryBytes) report.peakMemoryBytes = bytes;
    if (bytes <= workMemBytes || spill.parts !== null) return;
    if (p.sets !== undefined) throw outOfWorkMem('HashAggregate', env, 'with grouping sets exceeds the bound');
    checkRepartitionDepth('HashAggregate', env, depth);
    spill.parts = openSpillPartitions(spills);
  };
  for await (const row of input) {
    checkAbort(env);
    const rowValues: Datum[] = [];
    for (const g of groupExprs) {
      const v = valueOf(g, row, env);
      rowValues.push(v instanceof Promise ? await v : v);
    }
    for (let si = 0; si < sets.length; si++) {
      const values = sets.length === 1 && p.sets === undefined ? rowValues : rowValues.map((v, i) => (members[si]!.has(i) ? v : null));
      const key = hashRowKey(p.groupTypes, values, sets.length === 1 ? '' : `${si}\u0002`);
      let group = groups.get(key);
      if (group === undefined) {
        if (spill.parts !== null) {
          // A new key after the table filled up: its rows are aggregated from a partition later.
          writeToPartition(spill.parts, key, depth, row);
          continue;
        }
        group = newGroup(values, si);
        groups.set(key, group);
        account(rowBytes(values) + 2 * key.length + groupOverheadBytes + aggStateBytes * p.aggs.length);
      }
      for (let a = 0; a < p.aggs.length; a++) {
        const call = p.aggs[a]!;
        const f = aggFilters[a];
        if (f != null) {
          const v = valueOf(f, row, env);
          if (!isTrue(v instanceof Promise ? await v : v)) continue;
        }
        const args: Datum[] = [];
        for (const c of aggArgs[a]!) {
          const v = valueOf(c, row, env);
          args.push(v instanceof Promise ? await v : v);
        }
        if (call.agg.strict && args.some((x) => x === null)) continue;
        const seen = group.seen[a];
        if (seen != null) {
          const k = args.map((x, i) => (x === null ? 'N' : String(hashKey(call.argTypes[i]!, x)))).join('\u0001');
          if (seen.has(k)) continue;
          seen.add(k);
          account(2 * k.length + 48);
        }
        const ordered = group.ordered[a];
        if (ordered != null) {
          const keys: Datum[] = [];
          for (const c of aggOrder[a]!) {
            const v = valueOf(c, row, env);
            keys.push(v instanceof Promise ? await v : v);
          }
          ordered.push({ keys, args });
          account(rowBytes(keys) + rowBytes(args) + 48);
          continue;
        }
        group.states[a] = call.agg.step(group.states[a], args, evalCtx);
      }
    }
  }
  for (const g of groups.values()) {
    for (let a = 0; a < p.aggs.length; a++) {
      const ordered = g.ordered[a];
      if (ordered == null) continue;
      const keys = p.aggs[a]!.orderBy;
      ordered.sort((x, y) => compareKeyValues(keys, x.keys, y.keys));
      for (const o of ordered) {
        checkAbort(env);
        g.states[a] = p.aggs[a]!.agg.step(g.states[a], o.args, evalCtx);
      }
    }
  }
  if (depth === 0 && groups.size === 0 && p.groupBy.length === 0) groups.set('', newGroup([], 0));
  if (p.sets !== undefined) {
    // An empty grouping set yields its (grand total) row even without input rows.
    sets.forEach((s, si) => {
      if (s.length === 0 && ![...groups.values()].some((g) => g.set === si)) groups.set(`${si}\u0002empty`, newGroup(p.groupBy.map(() => null), si));
    });
  }
  for (const g of groups.values()) {
    checkAbort(env);
    const out: Row = [...g.values];
    for (let a = 0; a < p.aggs.length; a++) out.push(p.aggs[a]!.agg.final(g.states[a], evalCtx));
    for (const call of p.groupingCalls ?? []) {
      let bits = 0;
      for (const i of call) bits = (bits << 1) | (members[g.set]!.has(i) ? 0 : 1);
      out.push(bits);
    }
    yield out;
  }
  groups.clear();
  const spilled = spill.parts;
  if (spilled === null) return;
  for (const f of spilled.map((w) => w.finish())) {
    if (f.rows > 0) yield* aggregateBatch(p, env, readSpill(f), depth + 1, spills);
    spills.remove(f);
  }
}

export async function* runDistinct(p: DistinctPlan, env: Env): AsyncGenerator<Row> {
  const report = newSpillReport();
  const spills = new SpillSet(env, report);
  try {
    yield* distinctRows(p.types, run(p.input, env), env, spills);
  } finally {
    publishSpillReport(p, env, report);
    await spills.cleanup();
  }
}

/** The distinct rows of `input` (compared on the first `types.length` columns), spilling to `spills`. */
export function distinctRows(types: readonly SqlType[], input: AsyncIterable<Row>, env: Env, spills: SpillSet): AsyncGenerator<Row> {
  return distinctBatch({ types }, env, input, 0, spills);
}

async function* distinctBatch(p: Pick<DistinctPlan, 'types'>, env: Env, input: AsyncIterable<Row>, depth: number, spills: SpillSet): AsyncGenerator<Row> {
  const workMemBytes = workMemBytesOf(env);
  const report = spills.report;
  const seen = new Set<string>();
  let bytes = 0;
  let parts: SpillWriter[] | null = null;
  for await (const row of input) {
    checkAbort(env);
    const key = hashRowKey(p.types, row);
    if (seen.has(key)) continue;
    if (parts !== null) {
      writeToPartition(parts, key, depth, row);
      continue;
    }
    seen.add(key);
    let keyBytes = 0;
    for (let i = 0; i < p.types.length; i++) keyBytes += datumBytes(row[i]!);
    yield row;
    bytes += 2 * key.length + keyBytes + 48;
    if (bytes > report.peakMemoryBytes) report.peakMemoryBytes = bytes;
    if (bytes > workMemBytes) {
      checkRepartitionDepth('HashAggregate (DISTINCT)', env, depth);
      parts = openSpillPartitions(spills);
    }
  }
  seen.clear();
  if (parts === null) return;
  for (const f of parts.map((w) => w.finish())) {
    if (f.rows > 0) yield* distinctBatch(p, env, readSpill(f), depth + 1, spills);
    spills.remove(f);
  }
}
