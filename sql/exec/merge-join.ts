/**
 * Merge join (sql/plan/merge-join.ts): both inputs arrive ordered ascending, NULLs last, on the
 * join keys. The right side is read in groups of equal keys; each left row is matched against the
 * current group, so memory holds one group. Rows with a NULL key never match: left ones of a
 * LEFT/FULL join and right ones of a FULL join come out null-extended. The residual condition
 * (`on`) decides matches within a group, as in a hash join.
 */
import type { MergeJoinPlan } from '../plan/merge-join.js';
import type { Datum } from '../types/index.js';
import { compareKeyValues } from './row-keys.js';
import { compiled, evaluate, isTrue, type Compiled, type Env } from './expr.js';
import { checkAbort, run } from './run.js';

type Row = Datum[];

interface Keyed {
  readonly row: Row;
  readonly key: Datum[];
}

async function keysOf(exprs: readonly Compiled[], row: Row, env: Env): Promise<Datum[]> {
  const out: Datum[] = new Array<Datum>(exprs.length);
  for (let i = 0; i < exprs.length; i++) {
    const c = exprs[i]!;
    out[i] = c.asyncParts.length === 0 ? c.fn(row, env) : await evaluate(c, row, env);
  }
  return out;
}

function mergeRows(left: readonly Datum[], right: readonly Datum[], start: number, end: number): Row {
  const out = left.slice();
  for (let i = start; i < end; i++) out[i] = right[i]!;
  return out;
}

export async function* runMergeJoin(p: MergeJoinPlan, env: Env): AsyncGenerator<Row> {
  const leftKeys = p.leftKeys.map(compiled);
  const rightKeys = p.rightKeys.map(compiled);
  const on = p.on === null ? null : compiled(p.on);
  const specs = p.keyTypes.map((type) => ({ type, desc: false, nullsFirst: false }));
  const full = p.joinType === 'full';
  const rightIt = run(p.right, env);
  const leftIt = run(p.left, env);
  try {
    let next: Keyed | undefined;
    const pull = async (): Promise<void> => {
      const r = await rightIt.next();
      next = r.done === true ? undefined : { row: r.value, key: await keysOf(rightKeys, r.value, env) };
    };
    await pull();
    let group: Keyed[] = [];
    let groupMatched = new Uint8Array(0);
    for (;;) {
      const l = await leftIt.next();
      if (l.done === true) break;
      checkAbort(env);
      const left = l.value;
      const lk = await keysOf(leftKeys, left, env);
      if (lk.some((v) => v === null)) {
        if (p.joinType !== 'inner') yield left.slice();
        continue;
      }
      if (group.length === 0 || compareKeyValues(specs, group[0]!.key, lk) !== 0) {
        // The group is behind this key: its unmatched rows are done, then skip right rows below the key.
        if (full) for (let i = 0; i < group.length; i++) if (groupMatched[i] === 0) yield group[i]!.row.slice();
        group = [];
        while (next !== undefined && compareKeyValues(specs, next.key, lk) < 0) {
          checkAbort(env);
          if (full) yield next.row.slice();
          await pull();
        }
        while (next !== undefined && compareKeyValues(specs, next.key, lk) === 0) {
          checkAbort(env);
          group.push(next);
          await pull();
        }
        groupMatched = new Uint8Array(group.length);
      }
      let matched = false;
      for (let i = 0; i < group.length; i++) {
        const merged = mergeRows(left, group[i]!.row, p.rightStart, p.rightEnd);
        if (on === null || isTrue(await evaluate(on, merged, env))) {
          matched = true;
          groupMatched[i] = 1;
          yield merged;
        }
      }
      if (!matched && p.joinType !== 'inner') yield left.slice();
    }
    if (full) {
      for (let i = 0; i < group.length; i++) if (groupMatched[i] === 0) yield group[i]!.row.slice();
      while (next !== undefined) {
        checkAbort(env);
        yield next.row.slice();
        await pull();
      }
    }
  } finally {
    await leftIt.return(undefined);
    await rightIt.return(undefined);
  }
}
