/** Built-in operators and PostgreSQL's operator resolution (exact, unknown, implicit casts, preferred types). */
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Decimal, Interval, Oid, PgArray, sqlType, type Datum, type SqlType } from './datum.js';
import {
  dateCheck,
  divisionByZero,
  floatArith,
  floatPow,
  intArith,
  intervalAdd,
  intervalDiv,
  intervalMul,
  intervalSub,
  negateInterval,
  timeWrap,
  timestampDiff,
  timestampPlusInterval,
  type IntOp,
} from './arith.js';
import { canImplicit, checkInt } from './casts.js';
import { compare, compareArrays, equals } from './compare.js';
import { usPerDay, zoneOrThrow } from './datetime.js';
import type { EvalContext, ResolvedOperator } from './index.js';
import { jsonGet, jsonValueAsText, jsonValueText, parseJson } from './json.js';
import { jsonbConcat, jsonbContains, jsonbDeleteKey, jsonbExists, jsonbExistsArray, jsonPath } from './jsonb-ops.js';
import {
  N,
  numericScale,
  withScale,
  numericAdd,
  numericDiv,
  numericMod,
  numericMul,
  numericNeg,
  numericPower,
  numericSub,
} from './numeric.js';
import { like, regexMatch } from './pattern.js';
import { arrayElemOid, arrayTypeOf, findTypeInfo, formatTypeOid, typeCategory } from './registry.js';
import { formatText } from './text-io.js';
import { isEnumOid } from './enum.js';

type OpFn = (a: Datum, b: Datum, ctx: EvalContext) => Datum;

interface OpDef {
  readonly name: string;
  readonly left: number | null;
  readonly right: number;
  readonly result: number;
  readonly fn: OpFn;
}

const opTable = new Map<string, OpDef[]>();

function def(name: string, left: number | null, right: number, result: number, fn: OpFn): void {
  let list = opTable.get(name);
  if (list === undefined) opTable.set(name, (list = []));
  list.push({ name, left, right, result, fn });
}

const ints = [Oid.int2, Oid.int4, Oid.int8] as const;
const comparisons = ['=', '<>', '<', '<=', '>', '>='] as const;
type CmpName = (typeof comparisons)[number];

function cmpResult(name: CmpName, c: number): boolean {
  switch (name) {
    case '=': return c === 0;
    case '<>': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

function cmpIntMixed(a: Datum, b: Datum): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = BigInt(a as number | bigint);
  const y = BigInt(b as number | bigint);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ─── Comparisons ─────────────────────────────────────────────────────────────────────────
const comparableTypes = [
  Oid.bool, Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric, Oid.text, Oid.bpchar, Oid.name,
  Oid.bytea, Oid.date, Oid.time, Oid.timestamp, Oid.timestamptz, Oid.interval, Oid.uuid, Oid.jsonb, Oid.oid, Oid.char,
] as number[];
for (const t of comparableTypes) {
  const ty = sqlType(t);
  for (const name of comparisons) def(name, t, t, Oid.bool, (a, b) => cmpResult(name, compare(ty, a, b)));
}
for (const l of ints) {
  for (const r of ints) {
    if (l === r) continue;
    for (const name of comparisons) def(name, l, r, Oid.bool, (a, b) => cmpResult(name, cmpIntMixed(a, b)));
  }
}
for (const [l, r] of [[Oid.float4, Oid.float8], [Oid.float8, Oid.float4]] as const) {
  const f8 = sqlType(Oid.float8);
  for (const name of comparisons) def(name, l, r, Oid.bool, (a, b) => cmpResult(name, compare(f8, a, b)));
}
for (const [l, r] of [[Oid.name, Oid.text], [Oid.text, Oid.name]] as const) {
  const tt = sqlType(Oid.text);
  for (const name of comparisons) def(name, l, r, Oid.bool, (a, b) => cmpResult(name, compare(tt, a, b)));
}

// ─── Arithmetic ──────────────────────────────────────────────────────────────────────────
const intOps: IntOp[] = ['+', '-', '*', '/', '%'];
for (const l of ints) {
  for (const r of ints) {
    const res = ints.indexOf(l) >= ints.indexOf(r) ? l : r;
    for (const op of intOps) def(op, l, r, res, (a, b) => intArith(op, res, a as number | bigint, b as number | bigint));
  }
  def('-', null, l, l, (_a, b) => checkInt(l, -BigInt(b as number | bigint)));
  def('@', null, l, l, (_a, b) => checkInt(l, BigInt(b as number | bigint) < 0n ? -BigInt(b as number | bigint) : BigInt(b as number | bigint)));
  def('+', null, l, l, (_a, b) => b);
}
for (const l of [Oid.float4, Oid.float8]) {
  for (const r of [Oid.float4, Oid.float8]) {
    const f4 = l === Oid.float4 && r === Oid.float4;
    for (const op of ['+', '-', '*', '/'] as const) def(op, l, r, f4 ? Oid.float4 : Oid.float8, (a, b) => floatArith(op, f4, a as number, b as number));
  }
  def('-', null, l, l, (_a, b) => -(b as number));
  def('@', null, l, l, (_a, b) => Math.abs(b as number));
  def('+', null, l, l, (_a, b) => b);
}
// Bitwise operators on one integer type (PostgreSQL's int2and ... int8shr): & | # ~ never overflow;
// shifts wrap to the type's width as C does.
for (const l of ints) {
  const bits = l === Oid.int2 ? 16 : l === Oid.int4 ? 32 : 64;
  const big = (d: Datum): bigint => BigInt(d as number | bigint);
  def('&', l, l, l, (a, b) => checkInt(l, big(a) & big(b)));
  def('|', l, l, l, (a, b) => checkInt(l, big(a) | big(b)));
  def('#', l, l, l, (a, b) => checkInt(l, big(a) ^ big(b)));
  def('~', null, l, l, (_a, b) => checkInt(l, ~big(b)));
  def('<<', l, Oid.int4, l, (a, b) => checkInt(l, BigInt.asIntN(bits, big(a) << BigInt(Number(b) & (bits - 1)))));
  def('>>', l, Oid.int4, l, (a, b) => checkInt(l, big(a) >> BigInt(Number(b) & (bits - 1))));
}
def('^', Oid.float8, Oid.float8, Oid.float8, (a, b) => floatPow(a as number, b as number));
def('+', Oid.numeric, Oid.numeric, Oid.numeric, (a, b) => numericAdd(a as Decimal, b as Decimal));
def('-', Oid.numeric, Oid.numeric, Oid.numeric, (a, b) => numericSub(a as Decimal, b as Decimal));
def('*', Oid.numeric, Oid.numeric, Oid.numeric, (a, b) => numericMul(a as Decimal, b as Decimal));
def('/', Oid.numeric, Oid.numeric, Oid.numeric, (a, b) => numericDiv(a as Decimal, b as Decimal));
def('%', Oid.numeric, Oid.numeric, Oid.numeric, (a, b) => numericMod(a as Decimal, b as Decimal));
def('^', Oid.numeric, Oid.numeric, Oid.numeric, (a, b) => numericPower(a as Decimal, b as Decimal));
def('-', null, Oid.numeric, Oid.numeric, (_a, b) => numericNeg(b as Decimal));
def('+', null, Oid.numeric, Oid.numeric, (_a, b) => b);
def('@', null, Oid.numeric, Oid.numeric, (_a, b) => withScale(new N(b as Decimal).abs(), numericScale(b as Decimal)));

// ─── Date/time ───────────────────────────────────────────────────────────────────────────
const tzOf = (ctx: EvalContext) => zoneOrThrow(ctx.timeZone);
const dateToTs = (d: Datum): bigint => {
  const days = d as number;
  if (days === Infinity) return 9223372036854775807n;
  if (days === -Infinity) return -9223372036854775808n;
  return BigInt(days) * usPerDay;
};
def('+', Oid.date, Oid.int4, Oid.date, (a, b) => (Number.isFinite(a as number) ? dateCheck((a as number) + (b as number)) : a));
def('+', Oid.int4, Oid.date, Oid.date, (a, b) => (Number.isFinite(b as number) ? dateCheck((a as number) + (b as number)) : b));
def('-', Oid.date, Oid.int4, Oid.date, (a, b) => (Number.isFinite(a as number) ? dateCheck((a as number) - (b as number)) : a));
def('-', Oid.date, Oid.date, Oid.int4, (a, b) => {
  if (!Number.isFinite(a as number) || !Number.isFinite(b as number)) {
    throw new SqlError(SqlState.datetimeFieldOverflow, 'cannot subtract infinite dates');
  }
  return (a as number) - (b as number);
});
def('+', Oid.date, Oid.interval, Oid.timestamp, (a, b) => timestampPlusInterval(dateToTs(a), b as Interval, undefined));
def('+', Oid.interval, Oid.date, Oid.timestamp, (a, b) => timestampPlusInterval(dateToTs(b), a as Interval, undefined));
def('-', Oid.date, Oid.interval, Oid.timestamp, (a, b) => timestampPlusInterval(dateToTs(a), negateInterval(b as Interval), undefined));
def('+', Oid.date, Oid.time, Oid.timestamp, (a, b) => dateToTs(a) + (b as bigint));
def('+', Oid.time, Oid.date, Oid.timestamp, (a, b) => dateToTs(b) + (a as bigint));
def('+', Oid.timestamp, Oid.interval, Oid.timestamp, (a, b) => timestampPlusInterval(a as bigint, b as Interval, undefined));
def('+', Oid.interval, Oid.timestamp, Oid.timestamp, (a, b) => timestampPlusInterval(b as bigint, a as Interval, undefined));
def('-', Oid.timestamp, Oid.interval, Oid.timestamp, (a, b) => timestampPlusInterval(a as bigint, negateInterval(b as Interval), undefined));
def('-', Oid.timestamp, Oid.timestamp, Oid.interval, (a, b) => timestampDiff(a as bigint, b as bigint));
def('+', Oid.timestamptz, Oid.interval, Oid.timestamptz, (a, b, ctx) => timestampPlusInterval(a as bigint, b as Interval, tzOf(ctx)));
def('+', Oid.interval, Oid.timestamptz, Oid.timestamptz, (a, b, ctx) => timestampPlusInterval(b as bigint, a as Interval, tzOf(ctx)));
def('-', Oid.timestamptz, Oid.interval, Oid.timestamptz, (a, b, ctx) => timestampPlusInterval(a as bigint, negateInterval(b as Interval), tzOf(ctx)));
def('-', Oid.timestamptz, Oid.timestamptz, Oid.interval, (a, b) => timestampDiff(a as bigint, b as bigint));
def('+', Oid.interval, Oid.interval, Oid.interval, (a, b) => intervalAdd(a as Interval, b as Interval));
def('-', Oid.interval, Oid.interval, Oid.interval, (a, b) => intervalSub(a as Interval, b as Interval));
def('-', null, Oid.interval, Oid.interval, (_a, b) => negateInterval(b as Interval));
def('+', null, Oid.interval, Oid.interval, (_a, b) => b);
def('*', Oid.interval, Oid.float8, Oid.interval, (a, b) => intervalMul(a as Interval, b as number));
def('*', Oid.float8, Oid.interval, Oid.interval, (a, b) => intervalMul(b as Interval, a as number));
def('/', Oid.interval, Oid.float8, Oid.interval, (a, b) => intervalDiv(a as Interval, b as number));
def('+', Oid.time, Oid.interval, Oid.time, (a, b) => timeWrap((a as bigint) + (b as Interval).micros));
def('+', Oid.interval, Oid.time, Oid.time, (a, b) => timeWrap((b as bigint) + (a as Interval).micros));
def('-', Oid.time, Oid.interval, Oid.time, (a, b) => timeWrap((a as bigint) - (b as Interval).micros));
def('-', Oid.time, Oid.time, Oid.interval, (a, b) => new Interval(0, 0, (a as bigint) - (b as bigint)));

// ─── Strings ─────────────────────────────────────────────────────────────────────────────
def('||', Oid.text, Oid.text, Oid.text, (a, b) => (a as string) + (b as string));
def('||', Oid.bytea, Oid.bytea, Oid.bytea, (a, b) => {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  const out = new Uint8Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
});
for (const l of [Oid.text, Oid.bpchar, Oid.name]) {
  // char(n) operators see the padded value, as bpcharlike/bpcharregexeq do.
  const strip = (s: string): string => s;
  def('~~', l, Oid.text, Oid.bool, (a, b) => like(strip(a as string), b as string, false));
  def('!~~', l, Oid.text, Oid.bool, (a, b) => !like(strip(a as string), b as string, false));
  def('~~*', l, Oid.text, Oid.bool, (a, b) => like(strip(a as string), b as string, true));
  def('!~~*', l, Oid.text, Oid.bool, (a, b) => !like(strip(a as string), b as string, true));
  def('~', l, Oid.text, Oid.bool, (a, b) => regexMatch(strip(a as string), b as string, false));
  def('!~', l, Oid.text, Oid.bool, (a, b) => !regexMatch(strip(a as string), b as string, false));
  def('~*', l, Oid.text, Oid.bool, (a, b) => regexMatch(strip(a as string), b as string, true));
  def('!~*', l, Oid.text, Oid.bool, (a, b) => !regexMatch(strip(a as string), b as string, true));
}

// ─── json ────────────────────────────────────────────────────────────────────────────────
for (const j of [Oid.json, Oid.jsonb]) {
  const jsonb = j === Oid.jsonb;
  const get = (a: Datum, key: string | number): { src: string; v: ReturnType<typeof jsonGet> } => {
    const src = a as string;
    return { src, v: jsonGet(parseJson(src, jsonb ? 'jsonb' : 'json'), key, jsonb) };
  };
  def('->', j, Oid.text, j, (a, b) => {
    const { src, v } = get(a, b as string);
    return v === undefined ? null : jsonValueText(src, v, jsonb);
  });
  def('->', j, Oid.int4, j, (a, b) => {
    const { src, v } = get(a, b as number);
    return v === undefined ? null : jsonValueText(src, v, jsonb);
  });
  def('->>', j, Oid.text, Oid.text, (a, b) => {
    const { src, v } = get(a, b as string);
    return v === undefined ? null : jsonValueAsText(src, v, jsonb);
  });
  def('->>', j, Oid.int4, Oid.text, (a, b) => {
    const { src, v } = get(a, b as number);
    return v === undefined ? null : jsonValueAsText(src, v, jsonb);
  });
}

// jsonb containment, existence, paths and edits (./jsonb-ops.ts).
def('@>', Oid.jsonb, Oid.jsonb, Oid.bool, (a, b) => jsonbContains(a, b));
def('<@', Oid.jsonb, Oid.jsonb, Oid.bool, (a, b) => jsonbContains(b, a));
def('?', Oid.jsonb, Oid.text, Oid.bool, (a, b) => jsonbExists(a, b));
def('?|', Oid.jsonb, Oid._text, Oid.bool, (a, b) => jsonbExistsArray(a, b, false));
def('?&', Oid.jsonb, Oid._text, Oid.bool, (a, b) => jsonbExistsArray(a, b, true));
for (const j of [Oid.json, Oid.jsonb]) {
  def('#>', j, Oid._text, j, (a, b) => jsonPath(a, b, j === Oid.jsonb, false));
  def('#>>', j, Oid._text, Oid.text, (a, b) => jsonPath(a, b, j === Oid.jsonb, true));
}
def('||', Oid.jsonb, Oid.jsonb, Oid.jsonb, (a, b) => jsonbConcat(a, b));
def('-', Oid.jsonb, Oid.text, Oid.jsonb, (a, b) => jsonbDeleteKey(a, b));

// ─── Arrays ──────────────────────────────────────────────────────────────────────────────
const arrayOpNames = new Set(['=', '<>', '<', '<=', '>', '>=', '@>', '<@', '&&', '||']);

function arrayContains(elem: SqlType, container: PgArray, contained: PgArray): boolean {
  for (const x of contained.items) {
    if (x === null) return false;
    if (!container.items.some((y) => y !== null && equals(elem, x, y))) return false;
  }
  return true;
}

function arrayOverlap(elem: SqlType, a: PgArray, b: PgArray): boolean {
  return a.items.some((x) => x !== null && b.items.some((y) => y !== null && equals(elem, x, y)));
}

function arrayCatError(detail: string): SqlError {
  return new SqlError(SqlState.arraySubscriptError, 'cannot concatenate incompatible arrays', { detail });
}

export function arrayConcat(elemOid: number, a: PgArray, b: PgArray): PgArray {
  if (a.dims.length === 0) return b;
  if (b.dims.length === 0) return a;
  if (a.dims.length === b.dims.length) {
    if (a.dims.slice(1).some((d, i) => d !== b.dims[i + 1])) {
      throw arrayCatError('Arrays with differing element dimensions are not compatible for concatenation.');
    }
    return new PgArray(elemOid, [...a.items, ...b.items], [a.dims[0]! + b.dims[0]!, ...a.dims.slice(1)], a.lbounds);
  }
  if (a.dims.length === b.dims.length + 1 && a.dims.slice(1).every((d, i) => d === b.dims[i])) {
    return new PgArray(elemOid, [...a.items, ...b.items], [a.dims[0]! + 1, ...a.dims.slice(1)], a.lbounds);
  }
  if (b.dims.length === a.dims.length + 1 && b.dims.slice(1).every((d, i) => d === a.dims[i])) {
    return new PgArray(elemOid, [...a.items, ...b.items], [b.dims[0]! + 1, ...b.dims.slice(1)], b.lbounds);
  }
  throw arrayCatError(`Arrays of ${a.dims.length} and ${b.dims.length} dimensions are not compatible for concatenation.`);
}

export function arrayAppend(elemOid: number, a: PgArray, x: Datum): PgArray {
  if (a.dims.length > 1) throw new SqlError(SqlState.dataException, 'argument must be empty or one-dimensional array');
  const lb = a.lbounds[0] ?? 1;
  return new PgArray(elemOid, [...a.items, x], [a.items.length + 1], [lb]);
}

export function arrayPrepend(elemOid: number, x: Datum, a: PgArray): PgArray {
  if (a.dims.length > 1) throw new SqlError(SqlState.dataException, 'argument must be empty or one-dimensional array');
  const lb = a.lbounds[0] ?? 1;
  return new PgArray(elemOid, [x, ...a.items], [a.items.length + 1], [lb]);
}

function resolveArrayOp(name: string, l: number, r: number): ResolvedOperator | undefined {
  const la = arrayElemOid(l);
  const ra = arrayElemOid(r);
  if (la === 0 && ra === 0) return undefined;
  const mk = (lt: number, rt: number, res: number, fn: OpFn): ResolvedOperator => ({
    name,
    leftType: sqlType(lt),
    rightType: sqlType(rt),
    resultType: sqlType(res),
    eval: fn,
  });
  if (name === '||') {
    if (la !== 0 && (ra !== 0 || r === Oid.unknown)) {
      const at = ra !== 0 && r !== l && canImplicit(l, r) ? r : l;
      if (ra !== 0 && at !== r && !canImplicit(r, at)) return undefined;
      const e = arrayElemOid(at);
      return mk(at, at, at, (a, b) => arrayConcat(e, a as PgArray, b as PgArray));
    }
    if (la !== 0) {
      if (r !== la && !canImplicit(r, la)) return undefined;
      return mk(l, la, l, (a, b) => arrayAppend(la, a as PgArray, b));
    }
    if (ra !== 0) {
      if (l !== ra && l !== Oid.unknown && !canImplicit(l, ra)) return undefined;
      return mk(ra, r, r, (a, b) => arrayPrepend(ra, a, b as PgArray));
    }
    return undefined;
  }
  const at = la !== 0 ? l : r;
  const other = la !== 0 ? r : l;
  // anyarray operators need both sides of the same array type (unknown literals adopt it).
  if (other !== at && other !== Oid.unknown) return undefined;
  const elem = sqlType(arrayElemOid(at));
  switch (name) {
    case '@>':
      return mk(at, at, Oid.bool, (a, b) => arrayContains(elem, a as PgArray, b as PgArray));
    case '<@':
      return mk(at, at, Oid.bool, (a, b) => arrayContains(elem, b as PgArray, a as PgArray));
    case '&&':
      return mk(at, at, Oid.bool, (a, b) => arrayOverlap(elem, a as PgArray, b as PgArray));
    default: {
      const cmpName = name as CmpName;
      return mk(at, at, Oid.bool, (a, b) => cmpResult(cmpName, compareArrays(elem, a as PgArray, b as PgArray)));
    }
  }
}

// ─── Resolution ──────────────────────────────────────────────────────────────────────────

function typeText(oid: number | null): string {
  return oid === null ? '' : formatTypeOid(oid, -1);
}

function noOperator(name: string, l: number | null, r: number): SqlError {
  const sig = l === null ? `${name} ${typeText(r)}` : `${typeText(l)} ${name} ${typeText(r)}`;
  const hint =
    l === null
      ? 'No operator matches the given name and argument type. You might need to add an explicit type cast.'
      : 'No operator matches the given name and argument types. You might need to add explicit type casts.';
  return new SqlError(SqlState.undefinedFunction, `operator does not exist: ${sig}`, { hint });
}

function ambiguous(name: string, l: number | null, r: number): SqlError {
  const sig = l === null ? `${name} ${typeText(r)}` : `${typeText(l)} ${name} ${typeText(r)}`;
  return new SqlError(SqlState.ambiguousFunction, `operator is not unique: ${sig}`, {
    hint: 'Could not choose a best candidate operator. You might need to add explicit type casts.',
  });
}

/**
 * PostgreSQL's func_select_candidate over `cands` for the input types (unknown = Oid.unknown).
 * Returns the chosen candidate index, -1 when none fits, -2 when ambiguous.
 */
export function selectCandidate(inputs: readonly number[], cands: readonly (readonly number[])[]): number {
  let live = cands.map((_, i) => i).filter((i) => cands[i]!.every((p, k) => inputs[k] === Oid.unknown || canImplicit(inputs[k]!, p)));
  if (live.length <= 1) return live.length === 1 ? live[0]! : -1;
  const keepMax = (score: (i: number) => number): void => {
    const best = Math.max(...live.map(score));
    live = live.filter((i) => score(i) === best);
  };
  keepMax((i) => cands[i]!.filter((p, k) => inputs[k] === p).length);
  if (live.length === 1) return live[0]!;
  keepMax((i) => cands[i]!.filter((p, k) => inputs[k] !== p && inputs[k] !== Oid.unknown && findTypeInfo(p)?.typispreferred === true).length);
  if (live.length === 1) return live[0]!;
  // Unknown positions: choose a category (string if any candidate takes one), prefer preferred types.
  for (let k = 0; k < inputs.length; k++) {
    if (inputs[k] !== Oid.unknown) continue;
    const cats = new Set(live.map((i) => typeCategory(cands[i]![k]!)));
    const cat = cats.has('S') ? 'S' : cats.size === 1 ? [...cats][0]! : undefined;
    // A category conflict leaves the candidates as they are for the last-gasp rule below.
    if (cat === undefined) continue;
    live = live.filter((i) => typeCategory(cands[i]![k]!) === cat);
    if (live.some((i) => findTypeInfo(cands[i]![k]!)?.typispreferred === true)) {
      live = live.filter((i) => findTypeInfo(cands[i]![k]!)?.typispreferred === true);
    }
  }
  if (live.length === 1) return live[0]!;
  const known = inputs.filter((t) => t !== Oid.unknown);
  if (known.length > 0 && known.length < inputs.length && known.every((t) => t === known[0])) {
    const same = live.filter((i) => cands[i]!.every((p, k) => canImplicit(inputs[k] === Oid.unknown ? known[0]! : inputs[k]!, p)));
    if (same.length === 1) return same[0]!;
  }
  return -2;
}

function fromDef(d: OpDef, name: string): ResolvedOperator {
  return {
    name,
    leftType: d.left === null ? null : sqlType(d.left),
    rightType: sqlType(d.right),
    resultType: sqlType(d.result),
    eval: d.fn,
  };
}

/** The value cast to text (bool → 'true'/'false', everything else through its output function). */
function asText(t: SqlType, d: Datum, ctx: EvalContext): string {
  if (t.oid === Oid.bool) return d === true ? 'true' : 'false';
  return formatText(t, d, ctx);
}

function textLike(oid: number): boolean {
  return typeCategory(oid) === 'S' || oid === Oid.unknown;
}

export function resolveOperator(opName: string, left: SqlType | null, right: SqlType): ResolvedOperator {
  const name = opName === '!=' ? '<>' : opName;
  const l = left === null ? null : left.oid;
  const r = right.oid;
  if (l !== null && arrayOpNames.has(name)) {
    const a = resolveArrayOp(name, l, r);
    if (a !== undefined) return a;
    if (arrayElemOid(l) !== 0 || arrayElemOid(r) !== 0) throw noOperator(name, l, r);
  }
  if (l !== null && (isEnumOid(l) || isEnumOid(r)) && (comparisons as readonly string[]).includes(name)) {
    // enum_eq/enum_lt/...: both sides of the same enum type (an unknown literal adopts it).
    const et = isEnumOid(l) ? l : r;
    if ((l === et || l === Oid.unknown) && (r === et || r === Oid.unknown)) {
      const t = sqlType(et);
      const cmpName = name as CmpName;
      return { name, leftType: t, rightType: t, resultType: sqlType(Oid.bool), eval: (a, b) => cmpResult(cmpName, compare(t, a, b)) };
    }
  }
  // jsonb || jsonb wins over anynonarray || text when the other side is jsonb or an unknown literal (PostgreSQL).
  const jsonbConcatOp = (l === Oid.jsonb && (r === Oid.jsonb || r === Oid.unknown)) || (l === Oid.unknown && r === Oid.jsonb);
  if (name === '||' && l !== null && !jsonbConcatOp && !(textLike(l) && textLike(r)) && l !== Oid.bytea && r !== Oid.bytea) {
    // anynonarray || text and text || anynonarray
    if (textLike(r) && arrayElemOid(l) === 0 && l !== Oid.unknown) {
      const lt = sqlType(l);
      return { name, leftType: lt, rightType: sqlType(Oid.text), resultType: sqlType(Oid.text), eval: (a, b, ctx) => asText(lt, a, ctx) + (b as string) };
    }
    if (textLike(l) && arrayElemOid(r) === 0 && r !== Oid.unknown) {
      const rt = sqlType(r);
      return { name, leftType: sqlType(Oid.text), rightType: rt, resultType: sqlType(Oid.text), eval: (a, b, ctx) => (a as string) + asText(rt, b, ctx) };
    }
  }
  const defs = (opTable.get(name) ?? []).filter((d) => (d.left === null) === (l === null));
  if (defs.length === 0) throw noOperator(name, l, r);
  // Exact match, with an unknown side taking the other side's type.
  const el = l === Oid.unknown && r !== Oid.unknown ? r : l;
  const er = r === Oid.unknown && l !== null && l !== Oid.unknown ? l : r;
  const exact = defs.find((d) => d.left === el && d.right === er);
  if (exact !== undefined) return fromDef(exact, name);
  const inputs = l === null ? [r] : [l, r];
  const idx = selectCandidate(inputs, defs.map((d) => (d.left === null ? [d.right] : [d.left, d.right])));
  if (idx === -2) throw ambiguous(name, l, r);
  if (idx < 0) throw noOperator(name, l, r);
  return fromDef(defs[idx]!, name);
}

/** Names of all built-in operators (for pg_operator-like listings). */
export function operatorNames(): readonly string[] {
  return [...opTable.keys()];
}

// ─── Subscripts ──────────────────────────────────────────────────────────────────────────

export function arraySubscript(arr: PgArray, subscripts: readonly number[]): Datum {
  if (subscripts.length !== arr.dims.length) return null;
  let offset = 0;
  for (let d = 0; d < subscripts.length; d++) {
    const i = subscripts[d]! - arr.lbounds[d]!;
    if (i < 0 || i >= arr.dims[d]!) return null;
    offset = offset * arr.dims[d]! + i;
  }
  return arr.items[offset] ?? null;
}

export function arraySlice(
  arr: PgArray,
  bounds: readonly { readonly lower: number | undefined; readonly upper: number | undefined }[],
): PgArray {
  if (arr.dims.length === 0 || bounds.length > arr.dims.length) return new PgArray(arr.elemOid, []);
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 0; d < arr.dims.length; d++) {
    const b = bounds[d];
    const minIdx = arr.lbounds[d]!;
    const maxIdx = minIdx + arr.dims[d]! - 1;
    lo.push(Math.max(b?.lower ?? minIdx, minIdx));
    hi.push(Math.min(b?.upper ?? maxIdx, maxIdx));
    if (lo[d]! > hi[d]!) return new PgArray(arr.elemOid, []);
  }
  const dims = lo.map((l, d) => hi[d]! - l + 1);
  const items: Datum[] = [];
  const idx = [...lo];
  for (;;) {
    let offset = 0;
    for (let d = 0; d < dims.length; d++) offset = offset * arr.dims[d]! + (idx[d]! - arr.lbounds[d]!);
    items.push(arr.items[offset] ?? null);
    let d = dims.length - 1;
    while (d >= 0) {
      idx[d]!++;
      if (idx[d]! <= hi[d]!) break;
      idx[d] = lo[d]!;
      d--;
    }
    if (d < 0) break;
  }
  assert(items.length === dims.reduce((x, y) => x * y, 1), 'slice item count');
  return new PgArray(arr.elemOid, items, dims, dims.map(() => 1));
}

export { arrayTypeOf, divisionByZero };
