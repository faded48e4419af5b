/** Arithmetic kernels shared by operators and functions: checked ints, floats, date/time math. */
import { SqlError, SqlState } from '../../util/errors.js';
import { Interval, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.js';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  localToUtc,
  splitMicros,
  timestampOutOfRange,
  usPerDay,
  usPerSecond,
  utcToLocal,
  type Zone,
} from './datetime.js';
import { checkInt, checkTimestamp } from './casts.js';

export function divisionByZero(): SqlError {
  return new SqlError(SqlState.divisionByZero, 'division by zero');
}

export type IntOp = '+' | '-' | '*' | '/' | '%';

/** Integer arithmetic in the result type `oid` (int2/int4/int8), with PG's overflow errors. */
export function intArith(op: IntOp, oid: number, a: number | bigint, b: number | bigint): number | bigint {
  const x = BigInt(a);
  const y = BigInt(b);
  switch (op) {
    case '+':
      return checkInt(oid, x + y);
    case '-':
      return checkInt(oid, x - y);
    case '*':
      return checkInt(oid, x * y);
    case '/':
      if (y === 0n) throw divisionByZero();
      return checkInt(oid, x / y);
    case '%':
      if (y === 0n) throw divisionByZero();
      return checkInt(oid, y === -1n ? 0n : x % y);
  }
}

export type FloatOp = '+' | '-' | '*' | '/';

export function floatOverflow(): SqlError {
  return new SqlError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}

export function floatUnderflow(): SqlError {
  return new SqlError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
}

/** float4/float8 arithmetic with PG's overflow/underflow checks. */
export function floatArith(op: FloatOp, float4: boolean, a: number, b: number): number {
  let r: number;
  switch (op) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '/':
      if (b === 0) throw divisionByZero();
      r = a / b;
      break;
  }
  if (float4) r = Math.fround(r);
  if (!Number.isFinite(r) && !Number.isNaN(r) && Number.isFinite(a) && Number.isFinite(b)) throw floatOverflow();
  if (r === 0 && (op === '*' || op === '/') && a !== 0 && (op === '/' ? Number.isFinite(b) : b !== 0)) throw floatUnderflow();
  return r;
}

export function floatPow(a: number, b: number): number {
  if (a === 0 && b < 0) {
    throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  }
  if (a < 0 && !Number.isInteger(b) && Number.isFinite(b)) {
    throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  const r = Math.pow(a, b);
  if (!Number.isFinite(r) && Number.isFinite(a) && Number.isFinite(b)) throw floatOverflow();
  if (r === 0 && a !== 0 && Number.isFinite(a) && Number.isFinite(b)) throw floatUnderflow();
  return r;
}

const isInfTs = (us: bigint): boolean => us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY;

function addMonthsLocal(localUs: bigint, months: number): bigint {
  const { days, timeUs } = splitMicros(localUs);
  const c = civilFromDays(days);
  const total = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total - year * 12) + 1;
  const day = Math.min(c.day, daysInMonth(year, month));
  return BigInt(daysFromCivil(year, month, day)) * usPerDay + timeUs;
}

/** timestamp + interval (no zone) or timestamptz + interval (calendar parts in `zone`). */
export function timestampPlusInterval(us: bigint, iv: Interval, zone: Zone | undefined): bigint {
  if (isInfTs(us)) return us;
  let t = us;
  if (iv.months !== 0) {
    if (zone === undefined) t = addMonthsLocal(t, iv.months);
    else t = localToUtc(addMonthsLocal(utcToLocal(t, zone).localUs, iv.months), zone);
  }
  if (iv.days !== 0) {
    if (zone === undefined) t += BigInt(iv.days) * usPerDay;
    else t = localToUtc(utcToLocal(t, zone).localUs + BigInt(iv.days) * usPerDay, zone);
  }
  t += iv.micros;
  return checkTimestamp(t);
}

export function negateInterval(iv: Interval): Interval {
  const r = new Interval(-iv.months, -iv.days, -iv.micros);
  if (r.months > 2147483647 || r.days > 2147483647) throw new SqlError(SqlState.datetimeFieldOverflow, 'interval out of range');
  return r;
}

export function intervalAdd(a: Interval, b: Interval): Interval {
  return checkInterval(new Interval(a.months + b.months, a.days + b.days, a.micros + b.micros));
}

export function intervalSub(a: Interval, b: Interval): Interval {
  return checkInterval(new Interval(a.months - b.months, a.days - b.days, a.micros - b.micros));
}

function checkInterval(iv: Interval): Interval {
  const i32 = (v: number): boolean => v >= -2147483648 && v <= 2147483647;
  if (!i32(iv.months) || !i32(iv.days) || iv.micros > 9223372036854775807n || iv.micros < -9223372036854775808n) {
    throw new SqlError(SqlState.datetimeFieldOverflow, 'interval out of range');
  }
  return iv;
}

/** timestamp - timestamp: days split off the microseconds (interval_justify_hours). */
export function timestampDiff(a: bigint, b: bigint): Interval {
  if (isInfTs(a) || isInfTs(b)) throw new SqlError(SqlState.datetimeFieldOverflow, 'cannot subtract infinite timestamps');
  const diff = a - b;
  const days = diff / usPerDay;
  return new Interval(0, Number(days), diff - days * usPerDay);
}

const daysPerMonth = 30;
const secsPerDay = 86400;

function tsround(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** interval_mul. */
export function intervalMul(iv: Interval, factor: number): Interval {
  if (Number.isNaN(factor)) throw new SqlError(SqlState.datetimeFieldOverflow, 'interval out of range');
  const monthD = iv.months * factor;
  let months = Math.trunc(monthD);
  const monthRemainderDays = (iv.months * factor - months) * daysPerMonth;
  const dayD = iv.days * factor;
  let days = Math.trunc(dayD);
  let secRemainder = tsround((iv.days * factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * secsPerDay);
  if (Math.abs(secRemainder) >= secsPerDay) {
    days += Math.trunc(secRemainder / secsPerDay);
    secRemainder -= Math.trunc(secRemainder / secsPerDay) * secsPerDay;
  }
  days += Math.trunc(monthRemainderDays);
  const micros = rint(Number(iv.micros) * factor + secRemainder * 1e6);
  if (!Number.isFinite(micros) || !Number.isFinite(monthD)) throw new SqlError(SqlState.datetimeFieldOverflow, 'interval out of range');
  months = months === 0 ? 0 : months;
  return checkInterval(new Interval(months, days === 0 ? 0 : days, BigInt(micros)));
}

/** interval_div. */
export function intervalDiv(iv: Interval, factor: number): Interval {
  if (factor === 0) throw divisionByZero();
  const months = Math.trunc(iv.months / factor);
  let days = Math.trunc(iv.days / factor);
  const monthRemainderDays = tsround((iv.months / factor - months) * daysPerMonth);
  let secRemainder = tsround((iv.days / factor - days + monthRemainderDays - Math.trunc(monthRemainderDays)) * secsPerDay);
  if (Math.abs(secRemainder) >= secsPerDay) {
    days += Math.trunc(secRemainder / secsPerDay);
    secRemainder -= Math.trunc(secRemainder / secsPerDay) * secsPerDay;
  }
  days += Math.trunc(monthRemainderDays);
  const micros = rint(Number(iv.micros) / factor + secRemainder * 1e6);
  return checkInterval(new Interval(months === 0 ? 0 : months, days === 0 ? 0 : days, BigInt(micros)));
}

export function dateCheck(days: number): number {
  if (days < -2451545 || days > 2147483494 - 2451545 - 1) throw new SqlError(SqlState.datetimeFieldOverflow, 'date out of range');
  return days;
}

export function timeWrap(us: bigint): bigint {
  const r = us % usPerDay;
  return r < 0n ? r + usPerDay : r;
}

export { timestampOutOfRange, usPerSecond };
