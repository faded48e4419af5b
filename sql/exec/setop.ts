/**
 * Executors for set operations, WITH queries and functions in FROM (plan nodes of
 * sql/plan/setop-plan.ts). WITH queries are materialized once per execution at their first
 * read; the rows live in a per-execution store keyed by the execution's `initRows` map (shared
 * by every nested Env of one execution, dropped with it).
 */
import { assert, AssertionError, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { srfWidth, type CteDef, type SetOpPlan, type SrfCall, type WorkTable } from '../plan/setop-plan.js';
import { expandArray, recordRows, textSetRows } from './srf-record.js';
import { timestampPlusInterval } from '../types/arith.js';
import { zoneOrThrow } from '../types/datetime.js';
import { numericAdd, numericFromInt } from '../types/numeric.js';
import { jsonbEntries, jsonValueAsText, jsonValueText, parseJson } from '../types/json.js';
import { compare, Decimal, Interval, Oid, PgArray, PgRecord, sqlType, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY, type Datum, type SqlType } from '../types/index.js';
import { compiled, evaluate, type Env } from './expr.js';
import { checkAbort, collect, run } from './run.js';
import { runHashSetOp } from './setop-hash.js';
import { hashRowKey } from './row-keys.js';

type Row = Datum[];
const emptyRow: readonly Datum[] = [];

/** Rows of a set operation's distinct groups kept in memory at most (beyond: 53200). */
const setOpGroupsMax = 10_000_000;

/** Per execution: materialized WITH queries and the current working table of each recursive one. */
const executionRows = new WeakMap<object, Map<CteDef | WorkTable, readonly Row[]>>();

function rowsOf(env: Env): Map<CteDef | WorkTable, readonly Row[]> {
  let m = executionRows.get(env.initRows);
  if (m === undefined) {
    m = new Map();
    executionRows.set(env.initRows, m);
  }
  return m;
}

export function runSetOpNode(p: SetOpPlan, env: Env): AsyncGenerator<Row> {
  switch (p.kind) {
    case 'setOp':
      return runSetOp(p, env);
    case 'recursiveUnion':
      return runRecursiveUnion(p, env);
    case 'cteScan':
      return runCteScan(p, env);
    case 'workTableScan':
      return runWorkTableScan(p, env);
    case 'functionScan':
      return runFunctionScan(p, env);
    case 'withDml':
      return runWithDml(p, env);
    default:
      return assertNever(p, 'set operation plan node');
  }
}

function checkGroups(size: number): void {
  if (size > setOpGroupsMax) throw new SqlError(SqlState.outOfMemory, `set operation exceeds ${setOpGroupsMax} distinct rows`);
}

function runSetOp(p: Extract<SetOpPlan, { kind: 'setOp' }>, env: Env): AsyncGenerator<Row> {
  return runHashSetOp(p, env);
}

async function* runRecursiveUnion(p: Extract<SetOpPlan, { kind: 'recursiveUnion' }>, env: Env): AsyncGenerator<Row> {
  const seen = p.all ? null : new Set<string>();
  const store = rowsOf(env);
  const fresh = (row: Row): boolean => {
    if (seen === null) return true;
    const k = hashRowKey(p.types, row);
    if (seen.has(k)) return false;
    seen.add(k);
    checkGroups(seen.size);
    return true;
  };
  let working: Row[] = [];
  for await (const row of run(p.nonRecursive, env)) {
    checkAbort(env);
    if (!fresh(row)) continue;
    working.push(row);
    yield row;
  }
  while (working.length > 0) {
    store.set(p.work, working);
    const next: Row[] = [];
    for await (const row of run(p.recursive, env)) {
      checkAbort(env);
      if (!fresh(row)) continue;
      next.push(row);
      yield row;
    }
    working = next;
  }
  store.delete(p.work);
}

async function* runWithDml(p: Extract<SetOpPlan, { kind: 'withDml' }>, env: Env): AsyncGenerator<Row> {
  const store = rowsOf(env);
  for (const cte of p.ctes) {
    // Its own row count: the statement's command tag counts only the main statement's rows.
    const own: Env = { ...env, asyncValues: new Map(), affected: 0 };
    store.set(cte, await collect(run(cte.plan, own), own));
  }
  yield* run(p.input, env);
}

async function* runCteScan(p: Extract<SetOpPlan, { kind: 'cteScan' }>, env: Env): AsyncGenerator<Row> {
  if (p.cte.correlated) {
    // Reads the enclosing query's current row: computed afresh (the reference is at the WITH clause's level).
    yield* run(p.cte.plan, env);
    return;
  }
  const store = rowsOf(env);
  const done = store.get(p.cte);
  assert(!p.cte.dml || done !== undefined, 'data-modifying WITH queries run before the statement reads them');
  if (done !== undefined) {
    for (const r of done) {
      checkAbort(env);
      yield r.slice();
    }
    return;
  }
  // Materialized as far as some reader has read: `WITH RECURSIVE ... SELECT ... LIMIT n` stops an
  // endless recursion, as in PostgreSQL. Readers take rows by position, so interleaved pulls keep order.
  const buffers = buffersOf(env);
  let buf = buffers.get(p.cte);
  if (buf === undefined) {
    buf = { rows: [], source: run(p.cte.plan, env), done: false };
    buffers.set(p.cte, buf);
  }
  for (let pos = 0; ; pos++) {
    checkAbort(env);
    while (pos >= buf.rows.length && !buf.done) {
      const r = await buf.source.next();
      if (r.done === true) buf.done = true;
      else {
        buf.rows.push(r.value);
        if (buf.rows.length > cteRowsMax) throw new SqlError(SqlState.outOfMemory, `WITH query "${p.cte.name}" exceeds ${cteRowsMax} rows`);
      }
    }
    if (pos >= buf.rows.length) return;
    yield buf.rows[pos]!.slice();
  }
}

interface CteBuffer {
  readonly rows: Row[];
  readonly source: AsyncGenerator<Row>;
  done: boolean;
}

/** Rows of one WITH query kept in memory at most (beyond: 53200). */
const cteRowsMax = 10_000_000;

const executionBuffers = new WeakMap<object, Map<CteDef, CteBuffer>>();

function buffersOf(env: Env): Map<CteDef, CteBuffer> {
  let m = executionBuffers.get(env.initRows);
  if (m === undefined) {
    m = new Map();
    executionBuffers.set(env.initRows, m);
  }
  return m;
}

async function* runWorkTableScan(p: Extract<SetOpPlan, { kind: 'workTableScan' }>, env: Env): AsyncGenerator<Row> {
  const rows = rowsOf(env).get(p.work);
  assert(rows !== undefined, 'a working table is read only inside its recursive union');
  for (const r of rows) {
    checkAbort(env);
    yield r.slice();
  }
}

// ─── functions in FROM ─────────────────────────────────────────────────────────────────────

async function* runFunctionScan(p: Extract<SetOpPlan, { kind: 'functionScan' }>, env: Env): AsyncGenerator<Row> {
  // A call returning several columns (call.columns) yields whole rows; the others one value each.
  const iters: (Iterator<Datum | readonly Datum[]> | null)[] = [];
  const offsets: number[] = [];
  let width = 0;
  for (const call of p.calls) {
    const args: Datum[] = [];
    for (const a of call.args) args.push(await evaluate(compiled(a), emptyRow, env));
    iters.push(call.columns !== undefined ? recordRows(call, args, env.ctx.eval) : callIterator(call, args, env));
    offsets.push(width);
    width += srfWidth(call);
  }
  let ordinal = 0n;
  for (;;) {
    checkAbort(env);
    const row: Row = new Array<Datum>(p.width).fill(null);
    let any = false;
    for (let i = 0; i < iters.length; i++) {
      const it = iters[i]!;
      if (it === null) continue;
      const r = it.next();
      if (r.done === true) {
        iters[i] = null;
        continue;
      }
      any = true;
      if (p.calls[i]!.columns !== undefined) (r.value as readonly Datum[]).forEach((d, j) => (row[offsets[i]! + j] = d));
      else row[offsets[i]!] = r.value as Datum;
    }
    if (!any) return;
    ordinal++;
    if (p.ordinality) row[width] = ordinal;
    yield row;
  }
}

function callIterator(call: SrfCall, args: readonly Datum[], env: Env): Iterator<Datum> {
  switch (call.impl) {
    case 'scalar':
      return [args[0] ?? null][Symbol.iterator]();
    case 'unnest': {
      const a = args[0];
      if (a === null || a === undefined) return [][Symbol.iterator]();
      assert(a instanceof PgArray, 'unnest takes an array');
      return a.items[Symbol.iterator]();
    }
    case 'generate_series':
      if (args.some((a) => a === null)) return [][Symbol.iterator]();
      return generateSeries(call.type, args, env);
    case 'json_array_elements':
    case 'json_array_elements_text':
    case 'json_object_keys':
      if (args[0] === null || args[0] === undefined) return [][Symbol.iterator]();
      return jsonSet(call, args[0] as string);
    case 'generate_subscripts':
      if (args.some((a) => a === null)) return [][Symbol.iterator]();
      return generateSubscripts(call.args[0]!.type, args);
    case 'regexp_matches':
    case 'regexp_split_to_table':
    case 'string_to_table':
      return textSetRows(call, args);
    case '_pg_expandarray':
      return expandArray(args[0] ?? null, (x, n): Datum => new PgRecord([x, n]));
    case 'json_each':
    case 'json_each_text':
    case 'json_to_record':
    case 'json_to_recordset':
      throw new AssertionError(`${call.impl} returns several columns`);
    default:
      return assertNever(call.impl, 'set-returning function');
  }
}

function jsonSet(call: SrfCall, text: string): Iterator<Datum> {
  const jsonb = call.args[0]!.type.oid === Oid.jsonb;
  const v = parseJson(text, jsonb ? 'jsonb' : 'json');
  const what = v.kind === 'array' ? 'an array' : v.kind === 'object' ? 'an object' : 'a scalar';
  if (call.impl === 'json_object_keys') {
    if (v.kind !== 'object') throw new SqlError(SqlState.invalidParameterValue, `cannot call ${call.name} on ${what}`);
    const keys = jsonb ? jsonbEntries(v).map(([k]) => k) : v.entries.map(([k]) => k);
    return keys[Symbol.iterator]();
  }
  if (v.kind !== 'array') {
    throw new SqlError(SqlState.invalidParameterValue, jsonb ? `cannot extract elements from ${what}` : `cannot call ${call.name} on a non-array`);
  }
  const asText = call.impl === 'json_array_elements_text';
  return v.items.map((it): Datum => (asText ? jsonValueAsText(text, it, jsonb) : jsonValueText(text, it, jsonb)))[Symbol.iterator]();
}

/** Subscripts of one dimension; int2vector/oidvector are 0-based as in PostgreSQL. */
function* generateSubscripts(arrayType: SqlType, args: readonly Datum[]): Generator<Datum> {
  const a = args[0];
  assert(a instanceof PgArray, 'generate_subscripts takes an array');
  const dim = args[1] as number;
  const reverse = args[2] === true;
  if (dim < 1 || dim > a.dims.length) return;
  const vector = arrayType.oid === Oid.int2vector || arrayType.oid === Oid.oidvector;
  const lower = vector ? 0 : a.lbounds[dim - 1]!;
  const upper = lower + a.dims[dim - 1]! - 1;
  if (reverse) for (let i = upper; i >= lower; i--) yield i;
  else for (let i = lower; i <= upper; i++) yield i;
}

function stepZero(): SqlError {
  return new SqlError(SqlState.invalidParameterValue, 'step size cannot equal zero');
}

function* generateSeries(type: SqlType, args: readonly Datum[], env: Env): Generator<Datum> {
  switch (type.oid) {
    case Oid.int4:
    case Oid.int8: {
      const toInt = (d: Datum): bigint => (typeof d === 'bigint' ? d : BigInt(d as number));
      const start = toInt(args[0]!);
      const stop = toInt(args[1]!);
      const step = args.length > 2 ? toInt(args[2]!) : 1n;
      if (step === 0n) throw stepZero();
      const out = type.oid === Oid.int4 ? (v: bigint): Datum => Number(v) : (v: bigint): Datum => v;
      for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) yield out(v);
      return;
    }
    case Oid.numeric: {
      const start = args[0] as Decimal;
      const stop = args[1] as Decimal;
      const step = args.length > 2 ? (args[2] as Decimal) : numericFromInt(1);
      if (start.isNaN()) throw new SqlError(SqlState.invalidParameterValue, 'start value cannot be NaN');
      if (stop.isNaN()) throw new SqlError(SqlState.invalidParameterValue, 'stop value cannot be NaN');
      if (step.isNaN()) throw new SqlError(SqlState.invalidParameterValue, 'step size cannot be NaN');
      if (step.isZero()) throw stepZero();
      const up = step.isPositive();
      for (let v = start; up ? v.lte(stop) : v.gte(stop); v = numericAdd(v, step)) yield v;
      return;
    }
    case Oid.timestamp:
    case Oid.timestamptz: {
      const start = args[0] as bigint;
      const stop = args[1] as bigint;
      const step = args[2] as Interval;
      const zone = type.oid === Oid.timestamptz ? zoneOrThrow(env.ctx.eval.timeZone) : undefined;
      const zero = new Interval(0, 0, 0n);
      const sign = compare(sqlType(Oid.interval), step, zero);
      if (sign === 0) throw stepZero();
      if (start === TIMESTAMP_INFINITY || start === TIMESTAMP_NEG_INFINITY) {
        throw new SqlError(SqlState.invalidParameterValue, 'start value cannot be infinity');
      }
      for (let v = start; sign > 0 ? v <= stop : v >= stop; v = timestampPlusInterval(v, step, zone)) yield v;
      return;
    }
    default:
      throw new SqlError(SqlState.featureNotSupported, `generate_series over type ${type.oid} is not supported`);
  }
}
