/**
 * UNION / INTERSECT / EXCEPT [ALL] within work_mem. UNION (distinct) is a hash DISTINCT over both
 * sides (./hash-agg.ts, which spills by partitioning). INTERSECT / EXCEPT count the right side's
 * rows per key in memory, then stream the left side; when the counts exceed work_mem, both sides
 * are partitioned by a hash of the row key into spill files (./spill.ts) and each partition pair
 * is processed on its own (rows only ever meet rows of their own key, so partitions are
 * independent), repartitioning up to `hashSpillDepthMax` levels, then 53200. NULLs compare equal.
 */
import type { SetOpPlan } from '../plan/setop-plan.js';
import type { Datum } from '../types/index.js';
import type { Env } from './expr.js';
import { distinctRows } from './hash-agg.js';
import { checkAbort, run } from './run.js';
import { hashRowKey } from './row-keys.js';
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
  type SpillFile,
  type SpillWriter,
} from './spill.js';

type Row = Datum[];
type SetOpNode = Extract<SetOpPlan, { kind: 'setOp' }>;

/** Estimated bytes of a count-table entry beyond its key string. */
const countEntryOverheadBytes = 64;

export async function* runHashSetOp(p: SetOpNode, env: Env): AsyncGenerator<Row> {
  const report = newSpillReport();
  const spills = new SpillSet(env, report);
  try {
    if (p.op === 'union') {
      const both = async function* (): AsyncGenerator<Row> {
        yield* run(p.left, env);
        yield* run(p.right, env);
      };
      if (p.all) yield* both();
      else yield* distinctRows(p.types, both(), env, spills);
      return;
    }
    yield* intersectExcept(p, env, run(p.right, env), () => run(p.left, env), 0, spills);
  } finally {
    publishSpillReport(p, env, report);
    await spills.cleanup();
  }
}

async function* intersectExcept(
  p: SetOpNode,
  env: Env,
  rightRows: AsyncIterable<Row>,
  leftRows: () => AsyncIterable<Row>,
  depth: number,
  spills: SpillSet,
): AsyncGenerator<Row> {
  const workMemBytes = workMemBytesOf(env);
  const report = spills.report;
  /** Right rows per key: a representative row (for spilling) and the count. */
  const right = new Map<string, { readonly row: Row; n: number }>();
  let bytes = 0;
  let parts: SpillWriter[] | null = null;
  for await (const row of rightRows) {
    checkAbort(env);
    const k = hashRowKey(p.types, row);
    if (parts !== null) {
      writeToPartition(parts, k, depth, row);
      continue;
    }
    const e = right.get(k);
    if (e !== undefined) {
      e.n++;
      continue;
    }
    right.set(k, { row, n: 1 });
    bytes += 2 * k.length + rowBytes(row) + countEntryOverheadBytes;
    if (bytes > report.peakMemoryBytes) report.peakMemoryBytes = bytes;
    if (bytes > workMemBytes) {
      checkRepartitionDepth(p.op === 'intersect' ? 'HashSetOp Intersect' : 'HashSetOp Except', env, depth);
      parts = openSpillPartitions(spills);
      // Counted keys go to their partitions as that many copies of their row (equal as set-op rows).
      for (const [key, c] of right) for (let i = 0; i < c.n; i++) writeToPartition(parts, key, depth, c.row);
      right.clear();
    }
  }
  const rightCounts = new Map<string, number>();
  for (const [k, c] of right) rightCounts.set(k, c.n);
  right.clear();
  if (parts === null) {
    yield* probe(p, env, rightCounts, leftRows());
    return;
  }
  yield* spilledProbe(p, env, parts, leftRows, depth, spills);
}

async function* probe(p: SetOpNode, env: Env, rightCounts: Map<string, number>, leftRows: AsyncIterable<Row>): AsyncGenerator<Row> {
  const emitted = new Set<string>();
  for await (const row of leftRows) {
    checkAbort(env);
    const k = hashRowKey(p.types, row);
    const n = rightCounts.get(k) ?? 0;
    if (p.all) {
      // INTERSECT ALL: min(l, r) copies; EXCEPT ALL: max(l - r, 0) copies.
      if (p.op === 'intersect') {
        if (n === 0) continue;
        rightCounts.set(k, n - 1);
      } else if (n > 0) {
        rightCounts.set(k, n - 1);
        continue;
      }
      yield row;
      continue;
    }
    if ((p.op === 'intersect') !== n > 0 || emitted.has(k)) continue;
    emitted.add(k);
    yield row;
  }
}

async function* spilledProbe(
  p: SetOpNode,
  env: Env,
  rightParts: readonly SpillWriter[],
  leftRows: () => AsyncIterable<Row>,
  depth: number,
  spills: SpillSet,
): AsyncGenerator<Row> {
  const rightFiles: SpillFile[] = rightParts.map((w) => w.finish());
  const leftParts = openSpillPartitions(spills);
  for await (const row of leftRows()) {
    checkAbort(env);
    writeToPartition(leftParts, hashRowKey(p.types, row), depth, row);
  }
  const leftFiles = leftParts.map((w) => w.finish());
  for (let i = 0; i < rightFiles.length; i++) {
    const rf = rightFiles[i]!;
    const lf = leftFiles[i]!;
    if (lf.rows > 0) yield* intersectExcept(p, env, readSpill(rf), () => readSpill(lf), depth + 1, spills);
    spills.remove(rf);
    spills.remove(lf);
  }
}
