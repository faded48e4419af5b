/** Casts (pg_cast for the supported types) and typmod coercion per cast context. */
import { SqlError, SqlState } from '../../util/errors.js';
import {
  Decimal,
  Interval,
  Oid,
  PgArray,
  sqlType,
  TIMESTAMP_INFINITY,
  TIMESTAMP_NEG_INFINITY,
  type Datum,
  type SqlType,
} from './datum.js';
import {
  dateOutOfRange,
  localToUtc,
  splitMicros,
  timestampMicrosEnd,
  timestampMicrosMin,
  timestampOutOfRange,
  usPerDay,
  utcToLocal,
  zoneOrThrow,
} from './datetime.js';
import type { CastContext, CastFn, EvalContext } from './index.js';
import { parseJson, jsonbCanonical } from './json.js';
import { N, numericFromInt, numericToBigInt, parseNumeric, withScale } from './numeric.js';
import { arrayElemOid, formatTypeOid, typeCategory } from './registry.js';
import { int2Max, int2Min, int4Max, int4Min, int8Max, int8Min } from './scalars.js';
import { trimTrailingSpaces } from './compare.js';
import { applyTypmod, formatText, parseText } from './text-io.js';

type Step = (d: Datum, ctx: EvalContext) => Datum;
type CastCode = 'i' | 'a' | 'e';

const contextRank: Record<CastContext, number> = { implicit: 0, assignment: 1, explicit: 2 };
const codeRank: Record<CastCode, number> = { i: 0, a: 1, e: 2 };

export function intOutOfRange(oid: number): SqlError {
  const label = oid === Oid.int2 ? 'smallint' : oid === Oid.int8 ? 'bigint' : 'integer';
  return new SqlError(SqlState.numericValueOutOfRange, `${label} out of range`);
}

export function checkInt(oid: number, v: bigint): number | bigint {
  if (oid === Oid.int8) {
    if (v < int8Min || v > int8Max) throw intOutOfRange(oid);
    return v;
  }
  const [lo, hi] = oid === Oid.int2 ? [int2Min, int2Max] : [int4Min, int4Max];
  if (v < BigInt(lo) || v > BigInt(hi)) throw intOutOfRange(oid);
  return Number(v);
}

/** Round half to even (rint), as float → int casts do. */
function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function floatToInt(oid: number): Step {
  return (d) => {
    const v = d as number;
    if (!Number.isFinite(v)) throw intOutOfRange(oid);
    return checkInt(oid, BigInt(rint(v)));
  };
}

function toBig(d: Datum): bigint {
  return typeof d === 'bigint' ? d : BigInt(d as number);
}

const intLabel = (oid: number): 'smallint' | 'integer' | 'bigint' =>
  oid === Oid.int2 ? 'smallint' : oid === Oid.int8 ? 'bigint' : 'integer';

export function floatToNumeric(v: number, float4: boolean): Decimal {
  if (Number.isNaN(v)) return withScale(new N(NaN), 0);
  if (!Number.isFinite(v)) return withScale(new N(v), 0);
  // %.15g (%.6g for float4): significant digits, trailing fraction zeros dropped.
  const [mant, exp] = v.toPrecision(float4 ? 6 : 15).split('e') as [string, string | undefined];
  const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
  return parseNumeric(exp === undefined ? m : `${m}e${exp}`);
}

function checkFloat4(v: number): number {
  const f = Math.fround(v);
  if (Number.isFinite(v) && !Number.isFinite(f)) throw new SqlError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
  if (v !== 0 && f === 0) throw new SqlError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
  return f;
}

function checkTimestamp(us: bigint): bigint {
  if (us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY) return us;
  if (us < timestampMicrosMin || us > timestampMicrosEnd) throw timestampOutOfRange();
  return us;
}

function dateToTimestamp(d: Datum): bigint {
  const days = d as number;
  if (days === Infinity) return TIMESTAMP_INFINITY;
  if (days === -Infinity) return TIMESTAMP_NEG_INFINITY;
  return checkTimestamp(BigInt(days) * usPerDay);
}

function timestampToDate(us: bigint): number {
  if (us === TIMESTAMP_INFINITY) return Infinity;
  if (us === TIMESTAMP_NEG_INFINITY) return -Infinity;
  return splitMicros(us).days;
}

const isStringOid = (oid: number): boolean =>
  oid === Oid.text || oid === Oid.varchar || oid === Oid.bpchar || oid === Oid.name || oid === Oid.unknown;

/** The base cast between two different type OIDs (no typmod), with its pg_cast context. */
function baseCast(from: number, to: number): { code: CastCode; step: Step } | undefined {
  const I = (step: Step): { code: CastCode; step: Step } => ({ code: 'i', step });
  const A = (step: Step): { code: CastCode; step: Step } => ({ code: 'a', step });
  const E = (step: Step): { code: CastCode; step: Step } => ({ code: 'e', step });
  const ints = [Oid.int2, Oid.int4, Oid.int8] as number[];
  const ident: Step = (d) => d;
  // String family.
  if (isStringOid(from) && isStringOid(to)) {
    if (from === Oid.unknown) return I((d, ctx) => parseText(sqlType(to), d as string, ctx));
    const strip: Step = from === Oid.bpchar ? (d) => trimTrailingSpaces(d as string) : ident;
    if (to === Oid.name) return from === Oid.bpchar ? A((d, ctx) => parseText(sqlType(Oid.name), strip(d, ctx) as string, ctx)) : I((d, ctx) => parseText(sqlType(Oid.name), d as string, ctx));
    if (from === Oid.name && to !== Oid.text) return A(ident);
    return I(strip);
  }
  if (from === Oid.unknown) return I((d, ctx) => parseText(sqlType(to), d as string, ctx));
  if (from === Oid.char && to === Oid.text) return I(ident);
  if (from === Oid.text && to === Oid.char) return A((d) => String.fromCharCode(Buffer.from(d as string)[0] ?? 0).replace('\0', ''));
  // Integers.
  if (ints.includes(from) && ints.includes(to)) {
    const widening = ints.indexOf(from) < ints.indexOf(to);
    const step: Step = (d) => checkInt(to, toBig(d));
    return widening ? I(step) : A(step);
  }
  if (ints.includes(from)) {
    if (to === Oid.float4) return I((d) => Math.fround(Number(d)));
    if (to === Oid.float8) return I((d) => Number(d));
    if (to === Oid.numeric) return I((d) => numericFromInt(d as number | bigint));
    if (to === Oid.oid || to === Oid.regclass || to === Oid.regtype || to === Oid.regproc) {
      return I((d) => {
        const v = toBig(d);
        if (v < -2147483648n || v > 4294967295n) throw new SqlError(SqlState.numericValueOutOfRange, 'OID out of range');
        return Number(v < 0n ? v + 4294967296n : v);
      });
    }
    if (from === Oid.int4 && to === Oid.bool) return E((d) => d !== 0);
    if (from === Oid.int4 && to === Oid.char) return E((d) => String.fromCharCode((d as number) & 0xff));
  }
  if ((from === Oid.oid || from === Oid.regclass || from === Oid.regtype || from === Oid.regproc) && ints.includes(to)) {
    return A((d) => checkInt(to, BigInt(d as number)));
  }
  if ([Oid.oid, Oid.regclass, Oid.regtype, Oid.regproc, Oid.regnamespace, Oid.regrole].includes(from as 26) &&
      [Oid.oid, Oid.regclass, Oid.regtype, Oid.regproc, Oid.regnamespace, Oid.regrole].includes(to as 26)) {
    return I(ident);
  }
  if (from === Oid.bool && to === Oid.int4) return E((d) => (d === true ? 1 : 0));
  // Floats and numeric.
  if (from === Oid.float4 && to === Oid.float8) return I(ident);
  if (from === Oid.float8 && to === Oid.float4) return A((d) => checkFloat4(d as number));
  if ((from === Oid.float4 || from === Oid.float8) && ints.includes(to)) return A(floatToInt(to));
  if ((from === Oid.float4 || from === Oid.float8) && to === Oid.numeric) {
    return A((d) => floatToNumeric(d as number, from === Oid.float4));
  }
  if (from === Oid.numeric && ints.includes(to)) {
    return A((d) => {
      const v = numericToBigInt(d as Decimal, intLabel(to));
      return checkInt(to, v);
    });
  }
  if (from === Oid.numeric && (to === Oid.float4 || to === Oid.float8)) {
    return I((d) => {
      const v = (d as Decimal).isNaN() ? NaN : Number((d as Decimal).toString());
      return to === Oid.float4 ? checkFloat4(v) : v;
    });
  }
  // Date/time.
  if (from === Oid.date && to === Oid.timestamp) return I(dateToTimestamp);
  if (from === Oid.date && to === Oid.timestamptz) {
    return I((d, ctx) => {
      const us = dateToTimestamp(d);
      return us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY ? us : checkTimestamp(localToUtc(us, zoneOrThrow(ctx.timeZone)));
    });
  }
  if (from === Oid.timestamp && to === Oid.timestamptz) {
    return I((d, ctx) => {
      const us = d as bigint;
      return us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY ? us : checkTimestamp(localToUtc(us, zoneOrThrow(ctx.timeZone)));
    });
  }
  if (from === Oid.timestamptz && to === Oid.timestamp) {
    return A((d, ctx) => {
      const us = d as bigint;
      return us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY ? us : checkTimestamp(utcToLocal(us, zoneOrThrow(ctx.timeZone)).localUs);
    });
  }
  if (from === Oid.timestamp && to === Oid.date) return A((d) => timestampToDate(d as bigint));
  if (from === Oid.timestamptz && to === Oid.date) {
    return A((d, ctx) => {
      const us = d as bigint;
      if (us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY) return timestampToDate(us);
      return timestampToDate(utcToLocal(us, zoneOrThrow(ctx.timeZone)).localUs);
    });
  }
  if (from === Oid.timestamp && to === Oid.time) {
    return A((d) => {
      const us = d as bigint;
      if (us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY) throw timestampOutOfRange();
      return splitMicros(us).timeUs;
    });
  }
  if (from === Oid.timestamptz && to === Oid.time) {
    return A((d, ctx) => {
      const us = d as bigint;
      if (us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY) throw timestampOutOfRange();
      return splitMicros(utcToLocal(us, zoneOrThrow(ctx.timeZone)).localUs).timeUs;
    });
  }
  if (from === Oid.time && to === Oid.interval) return I((d) => new Interval(0, 0, d as bigint));
  if (from === Oid.interval && to === Oid.time) {
    return A((d) => {
      const iv = d as Interval;
      const r = iv.micros % usPerDay;
      return r < 0n ? r + usPerDay : r;
    });
  }
  // json.
  if (from === Oid.json && to === Oid.jsonb) return A((d) => jsonbCanonical(parseJson(d as string, 'jsonb')));
  if (from === Oid.jsonb && to === Oid.json) return A(ident);
  if (from === Oid.jsonb && (to === Oid.bool || to === Oid.numeric || ints.includes(to) || to === Oid.float4 || to === Oid.float8)) {
    return E((d, ctx) => jsonbToScalar(d as string, to, ctx));
  }
  // I/O conversions: anything → string types (assignment), string types → anything (explicit).
  if (isStringOid(to) && to !== Oid.unknown) {
    return A((d, ctx) => {
      const text = from === Oid.bool ? (d === true ? 'true' : 'false') : formatText(sqlType(from), d, ctx);
      return to === Oid.name ? parseText(sqlType(Oid.name), text, ctx) : text;
    });
  }
  if (isStringOid(from)) {
    if (arrayElemOid(to) !== 0 || typeCategory(to) !== 'P') {
      return E((d, ctx) => parseText(sqlType(to), from === Oid.bpchar ? trimTrailingSpaces(d as string) : (d as string), ctx));
    }
  }
  return undefined;
}

function jsonbToScalar(text: string, to: number, ctx: EvalContext): Datum {
  const v = parseJson(text, 'jsonb');
  const target = formatTypeOid(to, -1);
  if (to === Oid.bool) {
    if (v.kind !== 'bool') throw new SqlError(SqlState.invalidParameterValue, `cannot cast jsonb ${jsonKindName(v.kind)} to type boolean`);
    return v.value;
  }
  if (v.kind !== 'number') throw new SqlError(SqlState.invalidParameterValue, `cannot cast jsonb ${jsonKindName(v.kind)} to type ${target}`);
  const n = parseNumeric(v.text);
  if (to === Oid.numeric) return n;
  const step = baseCast(Oid.numeric, to);
  if (step === undefined) throw new SqlError(SqlState.cannotCoerce, `cannot cast type jsonb to ${target}`);
  return step.step(n, ctx);
}

function jsonKindName(kind: string): string {
  return kind === 'bool' ? 'boolean' : kind;
}

/** Casts between the element types of two arrays, or the base cast. */
function castSteps(from: SqlType, to: SqlType): { code: CastCode; step: Step } | undefined {
  if (from.oid === to.oid) return { code: 'i', step: (d) => d };
  const fe = arrayElemOid(from.oid);
  const te = arrayElemOid(to.oid);
  if (fe !== 0 && te !== 0) {
    const inner = castSteps(sqlType(fe), sqlType(te, to.typmod));
    if (inner === undefined) return undefined;
    return {
      code: inner.code,
      step: (d, ctx) => {
        const arr = d as PgArray;
        return new PgArray(te, arr.items.map((x) => (x === null ? null : inner.step(x, ctx))), arr.dims, arr.lbounds);
      },
    };
  }
  if (from.oid === Oid.unknown && te !== 0) {
    return { code: 'i', step: (d, ctx) => parseText(sqlType(to.oid), d as string, ctx) };
  }
  return baseCast(from.oid, to.oid);
}

export function findCast(from: SqlType, to: SqlType, context: CastContext): CastFn | undefined {
  const base = castSteps(from, to);
  if (base === undefined || codeRank[base.code] > contextRank[context]) return undefined;
  const step = base.step;
  if (to.typmod < 0 || (from.oid === to.oid && from.typmod === to.typmod)) return step;
  return (d, ctx) => {
    const v = step(d, ctx);
    return v === null ? null : applyTypmod(to, v, context);
  };
}

export function castOrThrow(from: SqlType, to: SqlType, context: CastContext): CastFn {
  const fn = findCast(from, to, context);
  if (fn !== undefined) return fn;
  if (context === 'explicit') {
    throw new SqlError(SqlState.cannotCoerce, `cannot cast type ${formatTypeOid(from.oid, from.typmod)} to ${formatTypeOid(to.oid, to.typmod)}`);
  }
  throw new SqlError(
    SqlState.datatypeMismatch,
    `cannot cast type ${formatTypeOid(from.oid, from.typmod)} to ${formatTypeOid(to.oid, to.typmod)}`,
  );
}

/** Whether `from` converts to `to` implicitly (used by operator/function resolution). */
export function canImplicit(from: number, to: number): boolean {
  if (from === to) return true;
  const c = castSteps(sqlType(from), sqlType(to));
  return c !== undefined && c.code === 'i';
}

/** Rejects a datum outside the date range (date arithmetic). */
export function checkDate(days: number): number {
  if (Number.isFinite(days) && (days < -2451545 || days > 2147483494 - 2451545 - 1)) throw dateOutOfRange();
  return days;
}

export { checkTimestamp };
