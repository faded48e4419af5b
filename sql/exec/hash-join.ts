/**
 * Hash join within work_mem (grace hash join). The right (build) side is hashed in memory while
 * its estimated size stays under work_mem. Past it, both sides are partitioned by a hash of the
 * join key into `hashSpillPartitions` spill files each (./spill.ts) and every partition pair is joined
 * on its own, repartitioning with a new hash salt when a partition is still too big, up to
 * `hashSpillDepthMax` levels (a single key with more rows than work_mem holds then fails with 53200).
 * Rows with a NULL key never match: the left ones of a LEFT/FULL join and the right ones of a
 * FULL join are emitted null-extended right away.
 */
import type { Plan } from '../plan/plan.js';
import { hashKey, type Datum, type SqlType } from '../types/index.js';
import { compiled, evaluate, isTrue, type Compiled, type Env } from './expr.js';
import { checkAbort, run } from './run.js';
import {
  checkRepartitionDepth,
  newSpillReport,
  openSpillPartitions,
  publishSpillReport,
  readSpill,
  rowBytes,
  SpillSet,
  workMemBytesOf,
  writeToPartition,
  type SpillWriter,
} from './spill.js';

type Row = Datum[];
type HashJoinPlan = Extract<Plan, { kind: 'hashJoin' }>;

/** Estimated bytes of a hash table entry beyond its row (key string, bucket array, map slot). */
const hashEntryOverheadBytes = 64;

function compositeKey(types: readonly SqlType[], values: readonly Datum[]): string | null {
  let key = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === null) return null;
    key += `${String(hashKey(types[i]!, v))}\u0001`;
  }
  return key;
}

function mergeRows(left: readonly Datum[], right: readonly Datum[], start: number, end: number): Row {
  const out = left.slice();
  for (let i = start; i < end; i++) out[i] = right[i]!;
  return out;
}

interface JoinCtx {
  readonly p: HashJoinPlan;
  readonly env: Env;
  readonly leftKeys: readonly Compiled[];
  readonly rightKeys: readonly Compiled[];
  readonly on: Compiled | null;
  readonly spills: SpillSet;
  readonly workMemBytes: number;
}

async function keyOfAsync(c: JoinCtx, exprs: readonly Compiled[], row: Row): Promise<string | null> {
  const vals: Datum[] = [];
  for (const k of exprs) vals.push(await evaluate(k, row, c.env));
  return compositeKey(c.p.keyTypes, vals);
}

/** The hash key of a row; synchronous (no promise per row) when the key expressions are. */
function keyOf(c: JoinCtx, exprs: readonly Compiled[], row: Row): string | null | Promise<string | null> {
  if (exprs.some((k) => k.asyncParts.length > 0)) return keyOfAsync(c, exprs, row);
  const vals: Datum[] = new Array<Datum>(exprs.length);
  for (let i = 0; i < exprs.length; i++) vals[i] = exprs[i]!.fn(row, c.env);
  return compositeKey(c.p.keyTypes, vals);
}

export async function* runHashJoin(p: HashJoinPlan, env: Env): AsyncGenerator<Row> {
  const report = newSpillReport();
  const spills = new SpillSet(env, report);
  const c: JoinCtx = {
    p,
    env,
    leftKeys: p.leftKeys.map(compiled),
    rightKeys: p.rightKeys.map(compiled),
    on: p.on === null ? null : compiled(p.on),
    spills,
    workMemBytes: workMemBytesOf(env),
  };
  try {
    yield* joinBatch(c, run(p.right, env), () => run(p.left, env), 0);
  } finally {
    publishSpillReport(p, env, report);
    await spills.cleanup();
  }
}

async function* joinBatch(c: JoinCtx, rightRows: AsyncIterable<Row>, leftRows: () => AsyncIterable<Row>, depth: number): AsyncGenerator<Row> {
  const { p, env } = c;
  const report = c.spills.report;
  const table = new Map<string, number[]>();
  const rights: Row[] = [];
  let bytes = 0;
  let parts: SpillWriter[] | null = null;
  for await (const r of rightRows) {
    checkAbort(env);
    const k = keyOf(c, c.rightKeys, r);
    const key = typeof k === 'object' && k !== null ? await k : k;
    if (key === null) {
      // Never matches: a FULL join emits it null-extended now, other joins drop it.
      if (p.joinType === 'full') yield r.slice();
      continue;
    }
    if (parts !== null) {
      writeToPartition(parts, key, depth, r);
      continue;
    }
    rights.push(r);
    const bucket = table.get(key);
    if (bucket === undefined) table.set(key, [rights.length - 1]);
    else bucket.push(rights.length - 1);
    bytes += rowBytes(r) + key.length + hashEntryOverheadBytes;
    if (bytes > report.peakMemoryBytes) report.peakMemoryBytes = bytes;
    if (bytes > c.workMemBytes) {
      checkRepartitionDepth('Hash join', env, depth);
      parts = openSpillPartitions(c.spills);
      for (const [k, idx] of table) for (const i of idx) writeToPartition(parts, k, depth, rights[i]!);
      table.clear();
      rights.length = 0;
    }
  }
  if (parts === null) {
    yield* probe(c, rights, table, leftRows());
    return;
  }
  const rightFiles = parts.map((w) => w.finish());
  const leftParts = openSpillPartitions(c.spills);
  for await (const l of leftRows()) {
    checkAbort(env);
    const k = keyOf(c, c.leftKeys, l);
    const key = typeof k === 'object' && k !== null ? await k : k;
    if (key === null) {
      if (p.joinType !== 'inner') yield l.slice();
      continue;
    }
    writeToPartition(leftParts, key, depth, l);
  }
  const leftFiles = leftParts.map((w) => w.finish());
  for (let i = 0; i < rightFiles.length; i++) {
    const rf = rightFiles[i]!;
    const lf = leftFiles[i]!;
    if (rf.rows > 0 || (lf.rows > 0 && p.joinType !== 'inner')) yield* joinBatch(c, readSpill(rf), () => readSpill(lf), depth + 1);
    c.spills.remove(rf);
    c.spills.remove(lf);
  }
}

async function* probe(c: JoinCtx, rights: readonly Row[], table: ReadonlyMap<string, number[]>, leftRows: AsyncIterable<Row>): AsyncGenerator<Row> {
  const { p, env, on } = c;
  const rightMatched = p.joinType === 'full' ? new Uint8Array(rights.length) : null;
  const none: number[] = [];
  for await (const left of leftRows) {
    checkAbort(env);
    const k = keyOf(c, c.leftKeys, left);
    const key = typeof k === 'object' && k !== null ? await k : k;
    let matched = false;
    for (const i of key === null ? none : (table.get(key) ?? none)) {
      const merged = mergeRows(left, rights[i]!, p.rightStart, p.rightEnd);
      if (on === null || isTrue(await evaluate(on, merged, env))) {
        matched = true;
        if (rightMatched !== null) rightMatched[i] = 1;
        yield merged;
      }
    }
    if (!matched && p.joinType !== 'inner') yield left.slice();
  }
  if (rightMatched !== null) {
    for (let i = 0; i < rights.length; i++) if (rightMatched[i] === 0) yield rights[i]!.slice();
  }
}
