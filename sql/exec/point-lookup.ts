/**
 * The synchronous path for the most common query of all: a primary-key point lookup under
 * filters and projections (`SELECT abalance FROM t WHERE pk = $1`). The generator pipeline of
 * run.ts costs an async generator per node and several microtasks per row; here the row is read
 * with `Txn.read` (no promise when the latest version is visible) and the expressions are
 * evaluated in place. Shapes it does not cover return `undefined` and run through run.ts.
 *
 * Semantics are run.ts's exactly: the same bounds evaluation, key encoding, row decoding and
 * expression functions; only the plumbing differs. A read that must wait (an older version is
 * needed) continues asynchronously from that point — nothing is evaluated twice.
 */
import type { Plan } from '../plan/plan.js';
import type { Datum } from '../types/index.js';
import { compiled, isTrue, type Env } from './expr.js';
import { encodePrefix, evalBounds, placeRow } from './run.js';
import { decodeTableRow, tableCodec } from './table.js';

type Row = Datum[];
type Rows = Row[] | Promise<Row[]>;

const noInput: readonly Datum[] = [];

/** Rows of `plan` when it is a primary-key point lookup under filters/projections; else undefined. */
export function runPointLookup(plan: Plan, env: Env): Rows | undefined {
  if (env.stats !== undefined) return undefined; // EXPLAIN ANALYZE counts rows per node in run.ts
  return lookup(plan, env);
}

function lookup(plan: Plan, env: Env): Rows | undefined {
  switch (plan.kind) {
    case 'scan':
      return scanPoint(plan, env);
    case 'filter': {
      const pred = compiled(plan.pred);
      if (pred.asyncParts.length > 0) return undefined;
      const inner = lookup(plan.input, env);
      if (inner === undefined) return undefined;
      const keep = (rows: Row[]): Row[] => rows.filter((r) => isTrue(pred.fn(r, env)));
      return inner instanceof Promise ? inner.then(keep) : keep(inner);
    }
    case 'project': {
      const exprs = plan.exprs.map(compiled);
      if (exprs.some((c) => c.asyncParts.length > 0)) return undefined;
      const inner = lookup(plan.input, env);
      if (inner === undefined) return undefined;
      const project = (rows: Row[]): Row[] =>
        rows.map((row) => {
          const out: Row = new Array<Datum>(exprs.length);
          for (let i = 0; i < exprs.length; i++) out[i] = exprs[i]!.fn(row, env);
          return out;
        });
      return inner instanceof Promise ? inner.then(project) : project(inner);
    }
    default:
      return undefined;
  }
}

function scanPoint(p: Extract<Plan, { kind: 'scan' }>, env: Env): Rows | undefined {
  if (p.bounds.kind !== 'point' || p.index.indexId !== 1 || p.lockRows) return undefined;
  const filter = p.filter === null ? null : compiled(p.filter);
  if (filter !== null && filter.asyncParts.length > 0) return undefined;
  const codec = tableCodec(p.table);
  const vals = evalBounds(p.bounds.key, noInput, env);
  if (vals.some((v) => v === null)) return [];
  const key = encodePrefix(codec, codec.primary, codec.primary.keyColumns, vals);
  const emit = (value: Uint8Array | undefined): Row[] => {
    if (value === undefined) return [];
    const row = placeRow(decodeTableRow(codec, key, value), p.offset, p.width);
    return filter === null || isTrue(filter.fn(row, env)) ? [row] : [];
  };
  const value = env.ctx.txn.read(key);
  return value instanceof Promise ? value.then(emit) : emit(value);
}
