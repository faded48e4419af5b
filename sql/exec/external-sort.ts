/**
 * The Sort node: an in-memory sort while the rows fit in work_mem, else an external merge sort.
 * Rows (decorated with their sort key values) are collected until their estimated size passes
 * work_mem; each full buffer is sorted and written as a run (./spill.ts); at the end the runs
 * are merged k ways (k bounded by work_mem / read chunk and `mergeFanInMax`), with as many
 * intermediate passes as needed. Files are removed when the generator ends, fails or is closed.
 */
import type { Plan, SortKey } from '../plan/plan.js';
import type { Datum } from '../types/index.js';
import { compiled, evaluate, type Env } from './expr.js';
import { compareKeyValues } from './row-keys.js';
import { checkAbort, run } from './run.js';
import {
  newSpillReport,
  publishSpillReport,
  rowBytes,
  spillReadChunkBytes,
  SpillReader,
  SpillSet,
  workMemBytesOf,
  type SpillFile,
} from './spill.js';

type Row = Datum[];

/** Runs merged at once, at most (open files per merge). */
const mergeFanInMax = 128;
/** Runs merged at once, at least. */
const mergeFanInMin = 2;
/** Write buffer of a run (one sequential writer at a time). */
const runWriteChunkBytes = 64 * 1024;
/** Read buffer per run during a merge, at most. */
const mergeReadChunkBytesMax = 256 * 1024;

/** A spilled record: the key values followed by the row. */
interface Decorated {
  readonly vals: Datum[];
  readonly row: Row;
}

export async function* runSort(p: Extract<Plan, { kind: 'sort' }>, env: Env): AsyncGenerator<Row> {
  const report = newSpillReport();
  const spills = new SpillSet(env, report);
  try {
    yield* sortRows(run(p.input, env), p.keys, env, spills);
  } finally {
    publishSpillReport(p, env, report);
    await spills.cleanup();
  }
}

/** Sorts `input` by `keys` (expressions over its rows) within work_mem, spilling to `spills`. */
export async function* sortRows(input: AsyncIterable<Row>, keys: readonly SortKey[], env: Env, spills: SpillSet): AsyncGenerator<Row> {
  const workMemBytes = workMemBytesOf(env);
  const report = spills.report;
  const exprs = keys.map((k) => compiled(k.expr));
  const sync = exprs.every((c) => c.asyncParts.length === 0);
  const cmp = (a: Decorated, b: Decorated): number => compareKeyValues(keys, a.vals, b.vals);
  let buffer: Decorated[] = [];
  let bufferBytes = 0;
  const runs: SpillFile[] = [];
  for await (const row of input) {
    checkAbort(env);
    const vals: Datum[] = new Array<Datum>(exprs.length);
    if (sync) for (let i = 0; i < exprs.length; i++) vals[i] = exprs[i]!.fn(row, env);
    else for (let i = 0; i < exprs.length; i++) vals[i] = await evaluate(exprs[i]!, row, env);
    buffer.push({ vals, row });
    bufferBytes += rowBytes(row) + rowBytes(vals) + 32;
    if (bufferBytes > report.peakMemoryBytes) report.peakMemoryBytes = bufferBytes;
    if (bufferBytes > workMemBytes && buffer.length > 1) {
      runs.push(writeRun(buffer.sort(cmp), spills, env));
      buffer = [];
      bufferBytes = 0;
    }
  }
  buffer.sort(cmp);
  if (runs.length === 0) {
    for (const d of buffer) {
      checkAbort(env);
      yield d.row;
    }
    return;
  }
  if (buffer.length > 0) runs.push(writeRun(buffer, spills, env));
  buffer = [];
  const fanIn = Math.max(mergeFanInMin, Math.min(mergeFanInMax, Math.floor(workMemBytes / spillReadChunkBytes)));
  // Intermediate passes merge just enough runs that the final merge reads at most fanIn of them.
  while (runs.length > fanIn) {
    const take = Math.min(fanIn, runs.length - fanIn + 1);
    const group = runs.splice(0, take);
    const w = spills.create(runWriteChunkBytes);
    for await (const d of mergeRuns(group, keys.length, cmp, env, workMemBytes)) w.write([...d.vals, ...d.row]);
    runs.push(w.finish());
    for (const f of group) spills.remove(f);
  }
  for await (const d of mergeRuns(runs, keys.length, cmp, env, workMemBytes)) yield d.row;
}

function writeRun(sorted: readonly Decorated[], spills: SpillSet, env: Env): SpillFile {
  const w = spills.create(runWriteChunkBytes);
  for (const d of sorted) {
    checkAbort(env);
    w.write([...d.vals, ...d.row]);
  }
  return w.finish();
}

/** k-way merge of sorted runs through a binary min-heap of their current records. */
async function* mergeRuns(
  runs: readonly SpillFile[],
  keyCount: number,
  cmp: (a: Decorated, b: Decorated) => number,
  env: Env,
  workMemBytes: number,
): AsyncGenerator<Decorated> {
  // The runs' read buffers share work_mem (within [spillReadChunkBytes, mergeReadChunkBytesMax] each).
  const chunkBytes = Math.max(spillReadChunkBytes, Math.min(mergeReadChunkBytesMax, Math.floor(workMemBytes / runs.length)));
  const readers: SpillReader[] = [];
  try {
    const heap: { d: Decorated; r: SpillReader; seq: number }[] = [];
    const split = (rec: Row): Decorated => ({ vals: rec.slice(0, keyCount), row: rec.slice(keyCount) });
    // Ties go to the earlier run, so the merge is stable like the in-memory sort.
    const less = (i: number, j: number): boolean => {
      const c = cmp(heap[i]!.d, heap[j]!.d);
      return c < 0 || (c === 0 && heap[i]!.seq < heap[j]!.seq);
    };
    const siftDown = (start: number): void => {
      let i = start;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let seq = 0; seq < runs.length; seq++) {
      const r = new SpillReader(runs[seq]!, chunkBytes);
      readers.push(r);
      const rec = r.next();
      if (rec !== undefined) heap.push({ d: split(rec), r, seq });
    }
    for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(i);
    while (heap.length > 0) {
      checkAbort(env);
      const top = heap[0]!;
      yield top.d;
      const rec = top.r.next();
      if (rec === undefined) {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      } else {
        heap[0] = { d: split(rec), r: top.r, seq: top.seq };
      }
      siftDown(0);
    }
  } finally {
    for (const r of readers) r.close();
  }
}
