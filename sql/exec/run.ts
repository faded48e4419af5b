/**
 * The executor: one async-generator per plan node kind (pull model: a portal fetching N rows
 * pulls N rows through the tree). Every loop checks the abort signal. DML goes through
 * ./table.ts; READ COMMITTED writers lock the row key, then re-check WHERE on the newest
 * committed version the lock returns and apply the change to THAT version (EvalPlanQual).
 */
import type { LockOptions } from '../../cluster/kv/api.js';
import type { TableDescriptor } from '../../catalog/descriptors.js';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { BExpr } from '../bind/expr.js';
import { encodeIndexKey, prefixEnd, type KeyColumn } from '../encoding/key.js';
import type { CheckConstraint, GeneratedColumn, Plan, ScanBounds } from '../plan/plan.js';
import { hashKey, PgArray, type Datum } from '../types/index.js';
import { compiled, evaluate, evaluateSync, installSubqueryRunner, isTrue, type Env } from './expr.js';
import { nextRowId } from './sequence.js';
import { runWindowNode } from './window.js';
import { runUpsert } from './upsert.js';
import { FkQueue } from './foreign-key.js';
import { runLockRows } from './locking.js';
import { runSetOpNode } from './setop.js';
import { runSort } from './external-sort.js';
import { compareKeyValues } from './row-keys.js';
import { runHashJoin } from './hash-join.js';
import { runMergeJoin } from './merge-join.js';
import { runAggregate, runDistinct } from './hash-agg.js';
import { virtualRows, virtualStorageFacts } from '../../pg_catalog/index.js';
import {
  checkNotNull,
  decodeIndexEntry,
  decodeTableRow,
  deleteRow,
  failingRowDetail,
  insertRow,
  primaryKeyFromValues,
  primaryKeyOf,
  tableCodec,
  updateRow,
  type IndexCodec,
  type TableCodec,
  type WriteOptions,
} from './table.js';

/** Primary rows fetched per getMany when a secondary index scan needs the full row. */
const pkFetchBatchRowsMax = 128;

type Row = Datum[];
const emptyRow: readonly Datum[] = [];

export function checkAbort(env: Env): void {
  const s = env.ctx.signal;
  if (s.aborted) throw s.reason ?? new SqlError(SqlState.queryCanceled, 'canceling statement due to user request');
}

/** Runs a plan node; `input` is the outer row for parameterized scans (index lookup joins). */
export function run(plan: Plan, env: Env, input: readonly Datum[] | null = null): AsyncGenerator<Row> {
  const gen = runNode(plan, env, input);
  return env.stats === undefined ? gen : instrument(plan, gen, env);
}

async function* instrument(plan: Plan, gen: AsyncGenerator<Row>, env: Env): AsyncGenerator<Row> {
  const stats = env.stats!;
  let s = stats.get(plan);
  if (s === undefined) {
    s = { rows: 0, loops: 0, firstRowMs: 0, totalMs: 0 };
    stats.set(plan, s);
  }
  s.loops++;
  const start = performance.now();
  let first = true;
  for (;;) {
    const t0 = performance.now();
    const r = await gen.next();
    s.totalMs += performance.now() - t0;
    if (r.done === true) break;
    if (first) {
      s.firstRowMs += performance.now() - start;
      first = false;
    }
    s.rows++;
    yield r.value;
  }
}

function runNode(plan: Plan, env: Env, input: readonly Datum[] | null): AsyncGenerator<Row> {
  switch (plan.kind) {
    case 'values':
      return runValues(plan, env);
    case 'scan':
      return runScan(plan, env, input ?? emptyRow);
    case 'subqueryScan':
      return runSubqueryScan(plan, env, input);
    case 'setOp':
    case 'recursiveUnion':
    case 'cteScan':
    case 'workTableScan':
    case 'functionScan':
    case 'withDml':
      return runSetOpNode(plan, env);
    case 'virtualScan':
      return runVirtualScan(plan, env);
    case 'filter':
      return runFilter(plan, env);
    case 'project':
      return runProject(plan, env);
    case 'nestedLoop':
      return runNestedLoop(plan, env);
    case 'hashJoin':
      return runHashJoin(plan, env);
    case 'mergeJoin':
      return runMergeJoin(plan, env);
    case 'aggregate':
      return runAggregate(plan, env);
    case 'sort':
      return runSort(plan, env);
    case 'distinct':
      return runDistinct(plan, env);
    case 'lockRows':
      return runLockRows(plan, env);
    case 'limit':
      return runLimit(plan, env);
    case 'window':
    case 'distinctOn':
      return runWindowNode(plan, env);
    case 'insert':
      return runInsert(plan, env);
    case 'update':
      return runUpdate(plan, env);
    case 'delete':
      return runDelete(plan, env);
    default:
      return assertNever(plan, 'plan node');
  }
}

// ─── simple nodes ──────────────────────────────────────────────────────────────────────────

async function* runValues(p: Extract<Plan, { kind: 'values' }>, env: Env): AsyncGenerator<Row> {
  for (const exprs of p.rows) {
    checkAbort(env);
    // Plain values first, then sequence calls/subqueries: a bad literal fails before nextval
    // consumes a value (PostgreSQL folds constant casts at plan time).
    const row: Row = new Array<Datum>(exprs.length);
    const cs = exprs.map(compiled);
    for (let i = 0; i < cs.length; i++) if (cs[i]!.asyncParts.length === 0) row[i] = cs[i]!.fn(emptyRow, env);
    for (let i = 0; i < cs.length; i++) if (cs[i]!.asyncParts.length > 0) row[i] = await evaluate(cs[i]!, emptyRow, env);
    yield row;
  }
}

async function* runFilter(p: Extract<Plan, { kind: 'filter' }>, env: Env): AsyncGenerator<Row> {
  const pred = compiled(p.pred);
  for await (const row of run(p.input, env)) {
    checkAbort(env);
    if (isTrue(await evaluate(pred, row, env))) yield row;
  }
}

async function* runProject(p: Extract<Plan, { kind: 'project' }>, env: Env): AsyncGenerator<Row> {
  const exprs = p.exprs.map(compiled);
  const sync = exprs.every((c) => c.asyncParts.length === 0);
  for await (const row of run(p.input, env)) {
    checkAbort(env);
    const out: Row = new Array<Datum>(exprs.length);
    if (sync) for (let i = 0; i < exprs.length; i++) out[i] = exprs[i]!.fn(row, env);
    else for (let i = 0; i < exprs.length; i++) out[i] = await evaluate(exprs[i]!, row, env);
    yield out;
  }
}

/** pg_catalog / information_schema: rows computed now from this statement's catalog and session. */
async function* runVirtualScan(p: Extract<Plan, { kind: 'virtualScan' }>, env: Env): AsyncGenerator<Row> {
  const c = env.ctx;
  const session = {
    user: c.session.user,
    database: c.session.database,
    ...(c.showAllSettings === undefined ? {} : { settings: c.showAllSettings() }),
    ...(c.backendPid === undefined ? {} : { backendPid: c.backendPid }),
    ...(c.activity === undefined ? {} : { activity: c.activity }),
    ...(c.cursors === undefined ? {} : { cursors: c.cursors }),
    ...(c.kv?.lockSnapshot === undefined ? {} : { locks: () => c.kv.lockSnapshot!() }),
    ...(await virtualStorageFacts(p.table, c.catalog, (keys) => c.txn.getMany(keys))),
  };
  const filter = p.filter === null ? null : compiled(p.filter);
  for (const r of virtualRows(p.table, { catalog: c.catalog, session }, c)) {
    checkAbort(env);
    const row: Row = new Array<Datum>(p.width).fill(null);
    for (let i = 0; i < r.length; i++) row[p.offset + i] = r[i]!;
    if (filter === null || isTrue(await evaluate(filter, row, env))) yield row;
  }
}

async function* runSubqueryScan(p: Extract<Plan, { kind: 'subqueryScan' }>, env: Env, input: readonly Datum[] | null): AsyncGenerator<Row> {
  // LATERAL: the left row of the join is outer depth 1 of the subquery (an empty row when first in FROM).
  const inner = p.lateral === true ? nestedEnv(env, input ?? emptyRow) : env;
  for await (const r of run(p.input, inner)) {
    checkAbort(env);
    const row: Row = new Array<Datum>(p.width).fill(null);
    for (let i = 0; i < r.length; i++) row[p.offset + i] = r[i]!;
    yield row;
  }
}

function mergeRows(left: readonly Datum[], right: readonly Datum[], start: number, end: number): Row {
  const out = left.slice();
  for (let i = start; i < end; i++) out[i] = right[i]!;
  return out;
}

async function* runNestedLoop(p: Extract<Plan, { kind: 'nestedLoop' }>, env: Env): AsyncGenerator<Row> {
  const on = p.on === null ? null : compiled(p.on);
  let materialized: Row[] | null = null;
  if (!p.parameterized) materialized = await collect(run(p.right, env), env);
  assert(p.joinType !== 'full' || materialized !== null, 'a full join never probes a parameterized side');
  const rightMatched = p.joinType === 'full' ? new Uint8Array(materialized!.length) : null;
  for await (const left of run(p.left, env)) {
    checkAbort(env);
    let matched = false;
    if (materialized !== null) {
      for (let i = 0; i < materialized.length; i++) {
        checkAbort(env);
        const merged = mergeRows(left, materialized[i]!, p.rightStart, p.rightEnd);
        if (on === null || isTrue(await evaluate(on, merged, env))) {
          matched = true;
          if (rightMatched !== null) rightMatched[i] = 1;
          yield merged;
        }
      }
    } else {
      for await (const right of run(p.right, env, left)) {
        checkAbort(env);
        const merged = mergeRows(left, right, p.rightStart, p.rightEnd);
        if (on === null || isTrue(await evaluate(on, merged, env))) {
          matched = true;
          yield merged;
        }
      }
    }
    if (!matched && p.joinType !== 'inner') yield left.slice();
  }
  if (rightMatched !== null) {
    for (let i = 0; i < materialized!.length; i++) if (rightMatched[i] === 0) yield materialized![i]!.slice();
  }
}

function limitValue(e: BExpr | null, env: Env, clause: 'LIMIT' | 'OFFSET'): bigint | null {
  if (e === null) return null;
  const v = evaluateSync(compiled(e), emptyRow, env);
  if (v === null) return null;
  const n = typeof v === 'bigint' ? v : BigInt(v as number);
  if (n < 0n) throw new SqlError('2201W', `${clause} must not be negative`);
  return n;
}

async function* runLimit(p: Extract<Plan, { kind: 'limit' }>, env: Env): AsyncGenerator<Row> {
  const limit = limitValue(p.limit, env, 'LIMIT');
  let skip = limitValue(p.offset, env, 'OFFSET') ?? 0n;
  if (limit === 0n) return;
  let emitted = 0n;
  const tieKeys = (p.withTies ?? []).map((k) => compiled(k.expr));
  let tiesOf: Datum[] | undefined;
  const it = run(p.input, env);
  try {
    for await (const row of it) {
      checkAbort(env);
      if (skip > 0n) {
        skip--;
        continue;
      }
      if (tiesOf !== undefined) {
        if (tiesOf.length > 0) {
          // WITH TIES: past the limit, only rows equal to the last emitted one on the sort keys.
          const keys: Datum[] = [];
          for (const k of tieKeys) keys.push(await evaluate(k, row, env));
          if (compareKeyValues(p.withTies!, keys, tiesOf) !== 0) return;
          yield row;
          continue;
        }
      }
      yield row;
      emitted++;
      if (limit !== null && emitted >= limit) {
        if (p.withTies === undefined) return;
        tiesOf = [];
        for (const k of tieKeys) tiesOf.push(await evaluate(k, row, env));
      }
    }
  } finally {
    await it.return(undefined);
  }
}

export async function collect(it: AsyncIterable<Row>, env: Env, max = Infinity): Promise<Row[]> {
  const out: Row[] = [];
  if (max <= 0) return out;
  for await (const r of it) {
    checkAbort(env);
    out.push(r);
    if (out.length >= max) break;
  }
  return out;
}

// ─── scans ─────────────────────────────────────────────────────────────────────────────────

function indexCodecOf(codec: TableCodec, indexId: number): IndexCodec {
  if (indexId === 1) return codec.primary;
  const ic = codec.secondaries.find((s) => s.index.indexId === indexId);
  assert(ic !== undefined, `index ${indexId} missing from table ${codec.table.name}`);
  return ic;
}

export function placeRow(tableRow: Row, offset: number, width: number): Row {
  if (offset === 0 && width === tableRow.length) return tableRow;
  const out: Row = new Array<Datum>(width).fill(null);
  for (let i = 0; i < tableRow.length; i++) out[offset + i] = tableRow[i]!;
  return out;
}

export function evalBounds(exprs: readonly BExpr[], input: readonly Datum[], env: Env): Datum[] {
  return exprs.map((e) => evaluateSync(compiled(e), input, env));
}

type Span = { readonly start: Uint8Array; readonly end: Uint8Array };

export function encodePrefix(codec: TableCodec, ic: IndexCodec, cols: readonly KeyColumn[], vals: readonly Datum[]): Uint8Array {
  return encodeIndexKey(codec.table.oid, ic.index.indexId, cols, vals);
}

/** Key spans for range bounds; null when a bound value is NULL (no row can match). */
function rangeSpan(
  codec: TableCodec,
  ic: IndexCodec,
  b: Extract<ScanBounds, { kind: 'range' }>,
  input: readonly Datum[],
  env: Env,
): Span | null {
  const prefix = evalBounds(b.prefix, input, env);
  if (prefix.some((v) => v === null)) return null;
  const prefixCols = ic.keyColumns.slice(0, prefix.length);
  const base = encodePrefix(codec, ic, prefixCols, prefix);
  let start = base;
  let end = prefixEnd(base);
  if (b.lower === undefined && b.upper === undefined) return { start, end };
  const col = ic.keyColumns[prefix.length]!;
  const cols = [...prefixCols, col];
  const keyAt = (v: Datum): Uint8Array => encodePrefix(codec, ic, cols, [...prefix, v]);
  const desc = col.dir === 'desc';
  for (const [bound, isLower] of [
    [b.lower, true],
    [b.upper, false],
  ] as const) {
    if (bound === undefined) continue;
    const v = evaluateSync(compiled(bound.expr), input, env);
    if (v === null) return null;
    const k = keyAt(v);
    // SQL lower on an ASC column (or SQL upper on DESC) bounds the key span from below.
    const keyLower = isLower !== desc;
    if (keyLower) {
      const s = bound.inclusive ? k : prefixEnd(k);
      if (compareBytes(s, start) > 0) start = s;
    } else {
      const e = bound.inclusive ? prefixEnd(k) : k;
      if (compareBytes(e, end) < 0) end = e;
    }
  }
  return compareBytes(start, end) < 0 ? { start, end } : null;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

async function* runScan(p: Extract<Plan, { kind: 'scan' }>, env: Env, input: readonly Datum[]): AsyncGenerator<Row> {
  const codec = tableCodec(p.table, env.ctx.catalog);
  const ic = indexCodecOf(codec, p.index.indexId);
  const filter = p.filter === null ? null : compiled(p.filter);
  const txn = env.ctx.txn;
  const emit = (tableRow: Row): Row | null => {
    const row = placeRow(tableRow, p.offset, p.width);
    return filter === null || isTrue(evaluateSync(filter, row, env)) ? row : null;
  };
  const b = p.bounds;
  switch (b.kind) {
    case 'point': {
      const vals = evalBounds(b.key, input, env);
      if (vals.some((v) => v === null)) return;
      const key = encodePrefix(codec, ic, ic.keyColumns, vals);
      if (ic === codec.primary) {
        const value = await txn.get(key);
        if (value === undefined) return;
        const row = emit(decodeTableRow(codec, key, value));
        if (row !== null) yield row;
        return;
      }
      const value = await txn.get(key);
      if (value === undefined) return;
      yield* emitIndexEntries(p, codec, ic, [{ key, value }], env, emit);
      return;
    }
    case 'in': {
      const prefix = evalBounds(b.prefix, input, env);
      if (prefix.some((v) => v === null)) return;
      const seen = new Set<string>();
      const full = prefix.length + 1 === ic.keyColumns.length && (ic === codec.primary || ic.index.unique);
      const keys: Uint8Array[] = [];
      for (const ve of b.values) {
        const v = evaluateSync(compiled(ve), input, env);
        if (v === null) continue;
        const cols = ic.keyColumns.slice(0, prefix.length + 1);
        const k = encodePrefix(codec, ic, cols, [...prefix, v]);
        const hex = Buffer.from(k).toString('hex');
        if (seen.has(hex)) continue;
        seen.add(hex);
        keys.push(k);
      }
      keys.sort(compareBytes);
      if (full) {
        const values = await txn.getMany(keys);
        const entries = keys.flatMap((key, i) => (values[i] === undefined ? [] : [{ key, value: values[i]! }]));
        if (ic === codec.primary) {
          for (const e of entries) {
            checkAbort(env);
            const row = emit(decodeTableRow(codec, e.key, e.value));
            if (row !== null) yield row;
          }
        } else {
          yield* emitIndexEntries(p, codec, ic, entries, env, emit);
        }
        return;
      }
      for (const k of keys) yield* scanSpan(p, codec, ic, { start: k, end: prefixEnd(k) }, env, emit);
      return;
    }
    case 'range': {
      const span = rangeSpan(codec, ic, b, input, env);
      if (span === null) return;
      yield* scanSpan(p, codec, ic, span, env, emit);
      return;
    }
    case 'full':
      yield* scanSpan(p, codec, ic, { start: ic.prefix, end: prefixEnd(ic.prefix) }, env, emit);
      return;
    default:
      assertNever(b, 'scan bounds');
  }
}

async function* scanSpan(
  p: Extract<Plan, { kind: 'scan' }>,
  codec: TableCodec,
  ic: IndexCodec,
  span: Span,
  env: Env,
  emit: (tableRow: Row) => Row | null,
): AsyncGenerator<Row> {
  const it = env.ctx.txn.scan(span, { reverse: p.reverse });
  if (ic === codec.primary) {
    for await (const kv of it) {
      checkAbort(env);
      const row = emit(decodeTableRow(codec, kv.key, kv.value));
      if (row !== null) yield row;
    }
    return;
  }
  let batch: { key: Uint8Array; value: Uint8Array }[] = [];
  for await (const kv of it) {
    checkAbort(env);
    batch.push(kv);
    if (batch.length >= pkFetchBatchRowsMax) {
      yield* emitIndexEntries(p, codec, ic, batch, env, emit);
      batch = [];
    }
  }
  if (batch.length > 0) yield* emitIndexEntries(p, codec, ic, batch, env, emit);
}

/** Secondary index entries → table rows: from the entry alone (index-only) or by batched primary fetch. */
async function* emitIndexEntries(
  p: Extract<Plan, { kind: 'scan' }>,
  codec: TableCodec,
  ic: IndexCodec,
  entries: readonly { key: Uint8Array; value: Uint8Array }[],
  env: Env,
  emit: (tableRow: Row) => Row | null,
): AsyncGenerator<Row> {
  const decoded = entries.map((e) => decodeIndexEntry(codec, ic, e.key, e.value));
  if (p.indexOnly) {
    for (const d of decoded) {
      checkAbort(env);
      const row: Row = new Array<Datum>(codec.width).fill(null);
      for (let i = 0; i < ic.slots.length; i++) row[ic.slots[i]!] = d.indexValues[i]!;
      for (let i = 0; i < codec.primary.slots.length; i++) row[codec.primary.slots[i]!] = d.pkValues[i]!;
      const out = emit(row);
      if (out !== null) yield out;
    }
    return;
  }
  const keys = decoded.map((d) => primaryKeyFromValues(codec, d.pkValues));
  const values = await env.ctx.txn.getMany(keys);
  for (let i = 0; i < keys.length; i++) {
    checkAbort(env);
    const v = values[i];
    if (v === undefined) continue;
    const out = emit(decodeTableRow(codec, keys[i]!, v));
    if (out !== null) yield out;
  }
}

// ─── subqueries ────────────────────────────────────────────────────────────────────────────

function nestedEnv(env: Env, outerRow: readonly Datum[] | null): Env {
  return {
    params: env.params,
    outer: outerRow === null ? env.outer : [outerRow, ...env.outer],
    ctx: env.ctx,
    asyncValues: new Map(),
    initRows: env.initRows,
    affected: 0,
    stats: env.stats,
  };
}

async function subqueryValue(e: Extract<BExpr, { kind: 'subquery' }>, row: readonly Datum[], env: Env): Promise<Datum> {
  const sub = e.sub;
  const max = sub.linkType === 'exists' ? 1 : sub.linkType === 'scalar' ? 2 : Infinity;
  let rows: Row[];
  if (sub.correlated) {
    const inner = nestedEnv(env, row);
    const it = run(sub.plan, inner);
    try {
      rows = await collect(it, env, max);
    } finally {
      await it.return(undefined);
    }
  } else {
    const cached = env.initRows.get(sub);
    if (cached !== undefined) rows = cached;
    else {
      const it = run(sub.plan, nestedEnv(env, null));
      try {
        rows = await collect(it, env, max);
      } finally {
        await it.return(undefined);
      }
      env.initRows.set(sub, rows);
    }
  }
  switch (sub.linkType) {
    case 'exists':
      return rows.length > 0;
    case 'scalar':
      if (rows.length > 1) {
        throw new SqlError(SqlState.cardinalityViolation, 'more than one row returned by a subquery used as an expression');
      }
      return rows.length === 0 ? null : (rows[0]![0] ?? null);
    case 'array':
      return new PgArray(sub.elemOid, rows.map((r) => r[0] ?? null));
    case 'any':
    case 'all': {
      const test = sub.test;
      assert(test !== undefined, 'ANY/ALL subquery without test');
      const any = sub.linkType === 'any';
      if (rows.length === 0) return !any;
      const left = await evaluate(compiled(test.left), row, env);
      let sawNull = false;
      for (const r of rows) {
        const raw = r[0] ?? null;
        if (left === null || raw === null) {
          sawNull = true;
          continue;
        }
        const right = test.rightCast === null ? raw : test.rightCast(raw, env.ctx.eval);
        const v = test.op.eval(left, right, env.ctx.eval);
        if (v === null) sawNull = true;
        else if (v === any) return any;
      }
      return sawNull ? null : !any;
    }
    default:
      return assertNever(sub.linkType, 'sublink type');
  }
}

installSubqueryRunner(subqueryValue);

// ─── DML ───────────────────────────────────────────────────────────────────────────────────

export function writeOptions(env: Env, table: TableDescriptor): WriteOptions {
  const lock: LockOptions = { signal: env.ctx.signal, lockTimeoutMs: env.ctx.session.lockTimeoutMs, mode: 'exclusive' };
  return { lock, fmt: env.ctx.eval, schema: env.ctx.catalog.schema(table.schemaOid)?.name ?? '' };
}

/** Computes the stored generated columns of a new or updated row in place. */
export async function computeGenerated(generated: readonly GeneratedColumn[], row: Row, env: Env): Promise<void> {
  for (const g of generated) row[g.slot] = await evaluate(compiled(g.expr), row, env);
}

export async function validateRow(table: TableDescriptor, checks: readonly CheckConstraint[], row: Row, env: Env, schema: string): Promise<void> {
  checkNotNull(table, row, env.ctx.eval, schema);
  for (const c of checks) {
    if (c.view !== undefined) {
      if ((await evaluate(compiled(c.expr), row, env)) !== true) {
        throw new SqlError(SqlState.withCheckOptionViolation, `new row violates check option for view "${c.view}"`, {
          detail: failingRowDetail(table, row, env.ctx.eval),
        });
      }
      continue;
    }
    if ((await evaluate(compiled(c.expr), row, env)) === false) {
      throw new SqlError(SqlState.checkViolation, `new row for relation "${table.name}" violates check constraint "${c.name}"`, {
        detail: failingRowDetail(table, row, env.ctx.eval),
        schema,
        table: table.name,
        constraint: c.name,
      });
    }
  }
}

export async function returningRow(exprs: readonly BExpr[], row: Row, env: Env): Promise<Row> {
  const out: Row = [];
  for (const e of exprs) out.push(await evaluate(compiled(e), row, env));
  return out;
}

/** One complete new row (defaults applied) into the table: rowid, NOT NULL/CHECK, then table.ts. INSERT and COPY share it. */
export async function insertOne(
  table: TableDescriptor,
  checks: readonly CheckConstraint[],
  row: Row,
  env: Env,
  opts: WriteOptions = writeOptions(env, table),
): Promise<void> {
  const codec = tableCodec(table, env.ctx.catalog);
  if (codec.rowidSlot >= 0 && row[codec.rowidSlot] === null) row[codec.rowidSlot] = await nextRowId(env.ctx.kv, table.oid);
  await validateRow(table, checks, row, env, opts.schema);
  await insertRow(env.ctx.txn, codec, row, opts);
  env.affected++;
}

async function* runInsert(p: Extract<Plan, { kind: 'insert' }>, env: Env): AsyncGenerator<Row> {
  if (p.onConflict !== undefined) {
    yield* runUpsert(p, p.onConflict, env);
    return;
  }
  const opts = writeOptions(env, p.table);
  const fk = FkQueue.for(env, p.table);
  const source: AsyncIterable<Row> | Row[] = p.materialize ? await collect(run(p.source, env), env) : run(p.source, env);
  for await (const src of source) {
    checkAbort(env);
    const row = src.slice();
    await computeGenerated(p.generated, row, env);
    await insertOne(p.table, p.checks, row, env, opts);
    fk?.inserted(p.table, row);
    if (p.returning !== null) yield await returningRow(p.returning, row, env);
  }
  await fk?.finish();
}

/** Locks a source row's key and returns the newest version if it still qualifies (EvalPlanQual). */
async function lockCurrent(
  codec: TableCodec,
  oldRow: Row,
  recheck: BExpr | null,
  opts: WriteOptions,
  env: Env,
): Promise<Row | null> {
  const key = primaryKeyOf(codec, oldRow);
  const r = await env.ctx.txn.lock(key, opts.lock);
  assert(r.kind === 'locked', 'row locks for writes never skip');
  if (r.value === undefined) return null;
  const tableRow = decodeTableRow(codec, key, r.value);
  // UPDATE ... FROM / DELETE ... USING: the other tables' part of the source row stays as joined.
  const current = oldRow.length > codec.width ? [...tableRow, ...oldRow.slice(codec.width)] : tableRow;
  if (recheck !== null && !isTrue(await evaluate(compiled(recheck), current, env))) return null;
  return current;
}

async function* runUpdate(p: Extract<Plan, { kind: 'update' }>, env: Env): AsyncGenerator<Row> {
  const codec = tableCodec(p.table, env.ctx.catalog);
  const opts = writeOptions(env, p.table);
  const sets = p.set.map((e) => (e === null ? null : compiled(e)));
  const sourceRows = await collect(run(p.source, env), env);
  /** Rows (new primary keys) this command already updated: a second join match leaves them alone, as PostgreSQL. */
  const updated = new Set<string>();
  const w = codec.width;
  const fk = FkQueue.for(env, p.table);
  for (const oldRow of sourceRows) {
    checkAbort(env);
    if (updated.size > 0 && updated.has(Buffer.from(primaryKeyOf(codec, oldRow)).toString('hex'))) continue;
    const current = await lockCurrent(codec, oldRow, p.recheck, opts, env);
    if (current === null) continue;
    const next = current.slice();
    for (let i = 0; i < sets.length; i++) {
      const c = sets[i];
      if (c != null) next[i] = await evaluate(c, current, env);
    }
    const nextRow = next.length > w ? next.slice(0, w) : next;
    await computeGenerated(p.generated, nextRow, env);
    if (nextRow !== next) p.generated.forEach((g) => (next[g.slot] = nextRow[g.slot]!));
    await validateRow(p.table, p.checks, nextRow, env, opts.schema);
    await updateRow(env.ctx.txn, codec, current.length > w ? current.slice(0, w) : current, nextRow, opts);
    fk?.updated(p.table, current, nextRow);
    updated.add(Buffer.from(primaryKeyOf(codec, nextRow)).toString('hex'));
    env.affected++;
    if (p.returning !== null) yield await returningRow(p.returning, next, env);
  }
  await fk?.finish();
}

async function* runDelete(p: Extract<Plan, { kind: 'delete' }>, env: Env): AsyncGenerator<Row> {
  const codec = tableCodec(p.table, env.ctx.catalog);
  const opts = writeOptions(env, p.table);
  const sourceRows = await collect(run(p.source, env), env);
  const fk = FkQueue.for(env, p.table);
  for (const oldRow of sourceRows) {
    checkAbort(env);
    const current = await lockCurrent(codec, oldRow, p.recheck, opts, env);
    if (current === null) continue;
    deleteRow(env.ctx.txn, codec, current.length > codec.width ? current.slice(0, codec.width) : current);
    fk?.deleted(p.table, current);
    env.affected++;
    if (p.returning !== null) yield await returningRow(p.returning, current, env);
  }
  await fk?.finish();
}

