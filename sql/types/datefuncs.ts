/** date_part / extract, date_trunc, age and to_char for date/time values. */
import { SqlError, SqlState } from '../../util/errors.js';
import { Interval, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.js';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  localToUtc,
  splitMicros,
  usPerDay,
  usPerHour,
  usPerMinute,
  usPerSecond,
  utcToLocal,
  type Zone,
} from './datetime.js';

export type DateTimeSource = 'date' | 'time' | 'timestamp' | 'timestamp with time zone' | 'interval';

function unitError(unit: string, typeName: string): SqlError {
  return new SqlError(SqlState.featureNotSupported, `unit "${unit}" not supported for type ${typeName}`);
}

function unknownUnit(unit: string, typeName: string): SqlError {
  return new SqlError(SqlState.invalidParameterValue, `unit "${unit}" not recognized for type ${typeName}`);
}

const unitAliases: ReadonlyMap<string, string> = new Map([
  ['microseconds', 'microseconds'], ['microsecond', 'microseconds'], ['us', 'microseconds'], ['usec', 'microseconds'], ['usecs', 'microseconds'],
  ['milliseconds', 'milliseconds'], ['millisecond', 'milliseconds'], ['ms', 'milliseconds'], ['msec', 'milliseconds'], ['msecs', 'milliseconds'],
  ['second', 'second'], ['seconds', 'second'], ['sec', 'second'], ['secs', 'second'], ['s', 'second'],
  ['minute', 'minute'], ['minutes', 'minute'], ['min', 'minute'], ['mins', 'minute'], ['m', 'minute'],
  ['hour', 'hour'], ['hours', 'hour'], ['h', 'hour'], ['hr', 'hour'], ['hrs', 'hour'],
  ['day', 'day'], ['days', 'day'], ['d', 'day'],
  ['week', 'week'], ['weeks', 'week'], ['w', 'week'],
  ['month', 'month'], ['months', 'month'], ['mon', 'month'], ['mons', 'month'],
  ['quarter', 'quarter'], ['qtr', 'quarter'],
  ['year', 'year'], ['years', 'year'], ['y', 'year'], ['yr', 'year'], ['yrs', 'year'],
  ['decade', 'decade'], ['decades', 'decade'], ['century', 'century'], ['centuries', 'century'],
  ['millennium', 'millennium'], ['millennia', 'millennium'], ['mil', 'millennium'],
  ['epoch', 'epoch'], ['dow', 'dow'], ['isodow', 'isodow'], ['doy', 'doy'], ['isoyear', 'isoyear'],
  ['julian', 'julian'], ['timezone', 'timezone'], ['timezone_hour', 'timezone_hour'], ['timezone_minute', 'timezone_minute'],
]);

function canonicalUnit(unit: string, typeName: string): string {
  const u = unitAliases.get(unit.toLowerCase());
  if (u === undefined) throw unknownUnit(unit, typeName);
  return u;
}

function isoWeekInfo(days: number): { isoYear: number; week: number } {
  const { year } = civilFromDays(days);
  const dow = (((days + 6) % 7) + 7) % 7; // 0 = Sunday; 2000-01-01 was a Saturday
  const isoDow = dow === 0 ? 7 : dow;
  const thursday = days - isoDow + 4;
  const ty = civilFromDays(thursday).year;
  const jan1 = daysFromCivil(ty, 1, 1);
  return { isoYear: ty, week: Math.floor((thursday - jan1) / 7) + 1 + (year - year) };
}

/**
 * The field value as an exact decimal string (extract returns numeric) — date_part turns it into float8.
 * `localUs` is the wall-clock time; `epochUs` the absolute instant (differs for timestamptz).
 */
export function extractFromTimestamp(unitText: string, localUs: bigint, epochUs: bigint, offsetSec: number | undefined, typeName: string): string {
  const unit = canonicalUnit(unitText, typeName);
  if (localUs === TIMESTAMP_INFINITY || localUs === TIMESTAMP_NEG_INFINITY) {
    const sign = localUs === TIMESTAMP_INFINITY ? '' : '-';
    if (['epoch', 'year', 'isoyear', 'decade', 'century', 'millennium', 'julian'].includes(unit)) return `${sign}Infinity`;
    return 'NULL';
  }
  const { days, timeUs } = splitMicros(localUs);
  const c = civilFromDays(days);
  const secUs = timeUs % usPerMinute;
  switch (unit) {
    case 'microseconds':
      return secUs.toString();
    case 'milliseconds':
      return exactDecimal(secUs, 3);
    case 'second':
      return fixed(secUs, 6);
    case 'minute':
      return String(Number((timeUs % usPerHour) / usPerMinute));
    case 'hour':
      return String(Number(timeUs / usPerHour));
    case 'day':
      return String(c.day);
    case 'month':
      return String(c.month);
    case 'quarter':
      return String(Math.floor((c.month - 1) / 3) + 1);
    case 'year':
      return String(c.year <= 0 ? c.year - 1 : c.year);
    case 'decade':
      return String(Math.floor((c.year <= 0 ? c.year - 1 : c.year) / 10));
    case 'century':
      return String(c.year > 0 ? Math.floor((c.year + 99) / 100) : -Math.floor((100 - c.year) / 100));
    case 'millennium':
      return String(c.year > 0 ? Math.floor((c.year + 999) / 1000) : -Math.floor((1000 - c.year) / 1000));
    case 'week':
      return String(isoWeekInfo(days).week);
    case 'isoyear':
      return String(isoWeekInfo(days).isoYear);
    case 'dow':
      return String((((days + 6) % 7) + 7) % 7);
    case 'isodow': {
      const dow = (((days + 6) % 7) + 7) % 7;
      return String(dow === 0 ? 7 : dow);
    }
    case 'doy':
      return String(days - daysFromCivil(c.year, 1, 1) + 1);
    case 'epoch':
      return fixed(epochUs + 946684800000000n, 6);
    case 'julian':
      return fixedRatio(BigInt(days + 2451545) * usPerDay + timeUs, usPerDay);
    case 'timezone':
      if (offsetSec === undefined) throw unitError(unitText, typeName);
      return String(offsetSec);
    case 'timezone_hour':
      if (offsetSec === undefined) throw unitError(unitText, typeName);
      return String(Math.trunc(offsetSec / 3600));
    case 'timezone_minute':
      if (offsetSec === undefined) throw unitError(unitText, typeName);
      return String(Math.trunc((offsetSec % 3600) / 60));
    default:
      throw unitError(unitText, typeName);
  }
}

/** µs value with `places` fractional digits of seconds (1e6 µs = 1). */
function fixed(us: bigint, places: number): string {
  const neg = us < 0n;
  const a = neg ? -us : us;
  const scale = 10n ** BigInt(6 - places);
  const v = a / scale;
  const s = v.toString().padStart(places + 1, '0');
  const out = places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}`;
  return neg ? '-' + out : out;
}

/** v / 10^scale printed with exactly `scale` decimals. */
function exactDecimal(v: bigint, scale: number): string {
  const neg = v < 0n;
  const s = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const out = `${s.slice(0, -scale)}.${s.slice(-scale)}`;
  return neg ? '-' + out : out;
}

function fixedRatio(num: bigint, den: bigint): string {
  // julian: exact decimal up to 16 places like PG's numeric division result is long; keep 6 digits.
  const scaled = (num * 1000000n) / den;
  return fixed(scaled, 6);
}

export function extractFromDate(unitText: string, days: number): string {
  const unit = canonicalUnit(unitText, 'date');
  if (['microseconds', 'milliseconds', 'second', 'minute', 'hour', 'timezone', 'timezone_hour', 'timezone_minute'].includes(unit)) {
    throw unitError(unitText, 'date');
  }
  if (!Number.isFinite(days)) {
    return ['epoch', 'year', 'isoyear', 'decade', 'century', 'millennium', 'julian'].includes(unit) ? (days > 0 ? 'Infinity' : '-Infinity') : 'NULL';
  }
  const r = extractFromTimestamp(unitText, BigInt(days) * usPerDay, BigInt(days) * usPerDay, undefined, 'date');
  return unit === 'epoch' || unit === 'julian' ? r.replace(/\.0+$/, '') : r;
}

export function extractFromTime(unitText: string, us: bigint): string {
  const unit = canonicalUnit(unitText, 'time without time zone');
  switch (unit) {
    case 'microseconds':
    case 'milliseconds':
    case 'second':
    case 'minute':
    case 'hour':
      return extractFromTimestamp(unitText, us, us, undefined, 'time without time zone');
    case 'epoch':
      return fixed(us, 6);
    default:
      throw unitError(unitText, 'time without time zone');
  }
}

export function extractFromInterval(unitText: string, iv: Interval): string {
  const unit = canonicalUnit(unitText, 'interval');
  const secUs = iv.micros % usPerMinute;
  switch (unit) {
    case 'microseconds':
      return secUs.toString();
    case 'milliseconds':
      return exactDecimal(secUs, 3);
    case 'second':
      return fixed(secUs, 6);
    case 'minute':
      return String(Number((iv.micros % usPerHour) / usPerMinute));
    case 'hour':
      return String(Number(iv.micros / usPerHour));
    case 'day':
      return String(iv.days);
    case 'month':
      return String(iv.months % 12);
    case 'quarter':
      return String(Math.trunc((iv.months % 12) / 3) + 1);
    case 'year':
      return String(Math.trunc(iv.months / 12));
    case 'decade':
      return String(Math.trunc(iv.months / 120));
    case 'century':
      return String(Math.trunc(iv.months / 1200));
    case 'millennium':
      return String(Math.trunc(iv.months / 12000));
    case 'epoch': {
      // 365.25 days per year, 30 days per month (interval_part's epoch).
      const years = Math.trunc(iv.months / 12);
      const months = iv.months % 12;
      const secs = BigInt(years) * 31557600n + BigInt(months) * 2592000n + BigInt(iv.days) * 86400n;
      return fixed(secs * usPerSecond + iv.micros, 6);
    }
    default:
      throw unitError(unitText, 'interval');
  }
}

function truncLocal(unit: string, localUs: bigint, typeName: string): bigint {
  const { days, timeUs } = splitMicros(localUs);
  const c = civilFromDays(days);
  const at = (y: number, m: number, d: number): bigint => BigInt(daysFromCivil(y, m, d)) * usPerDay;
  const dayStart = BigInt(days) * usPerDay;
  switch (unit) {
    case 'microseconds':
      return localUs;
    case 'milliseconds':
      return dayStart + (timeUs / 1000n) * 1000n;
    case 'second':
      return dayStart + (timeUs / usPerSecond) * usPerSecond;
    case 'minute':
      return dayStart + (timeUs / usPerMinute) * usPerMinute;
    case 'hour':
      return dayStart + (timeUs / usPerHour) * usPerHour;
    case 'day':
      return dayStart;
    case 'week': {
      const dow = (((days + 6) % 7) + 7) % 7;
      const isoDow = dow === 0 ? 7 : dow;
      return BigInt(days - isoDow + 1) * usPerDay;
    }
    case 'month':
      return at(c.year, c.month, 1);
    case 'quarter':
      return at(c.year, Math.floor((c.month - 1) / 3) * 3 + 1, 1);
    case 'year':
      return at(c.year, 1, 1);
    case 'decade':
      return at(c.year > 0 ? Math.floor(c.year / 10) * 10 : -Math.floor((9 - c.year) / 10) * 10, 1, 1);
    case 'century':
      return at(c.year > 0 ? Math.floor((c.year - 1) / 100) * 100 + 1 : -Math.floor((99 - c.year) / 100) * 100 + 1, 1, 1);
    case 'millennium':
      return at(c.year > 0 ? Math.floor((c.year - 1) / 1000) * 1000 + 1 : -Math.floor((999 - c.year) / 1000) * 1000 + 1, 1, 1);
    default:
      throw unitError(unit, typeName);
  }
}

export function dateTruncTimestamp(unitText: string, us: bigint, zone: Zone | undefined): bigint {
  const typeName = zone === undefined ? 'timestamp without time zone' : 'timestamp with time zone';
  const unit = canonicalUnit(unitText, typeName);
  if (us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY) return us;
  if (zone === undefined) return truncLocal(unit, us, typeName);
  const local = utcToLocal(us, zone).localUs;
  const t = truncLocal(unit, local, typeName);
  return ['microseconds', 'milliseconds', 'second', 'minute'].includes(unit) ? us - (local - t) : localToUtc(t, zone);
}

export function dateTruncInterval(unitText: string, iv: Interval): Interval {
  const unit = canonicalUnit(unitText, 'interval');
  const m = iv.months;
  switch (unit) {
    case 'millennium': return new Interval(Math.trunc(m / 12000) * 12000, 0, 0n);
    case 'century': return new Interval(Math.trunc(m / 1200) * 1200, 0, 0n);
    case 'decade': return new Interval(Math.trunc(m / 120) * 120, 0, 0n);
    case 'year': return new Interval(Math.trunc(m / 12) * 12, 0, 0n);
    case 'quarter': return new Interval(Math.trunc(m / 3) * 3, 0, 0n);
    case 'month': return new Interval(m, 0, 0n);
    case 'day': return new Interval(m, iv.days, 0n);
    case 'hour': return new Interval(m, iv.days, (iv.micros / usPerHour) * usPerHour);
    case 'minute': return new Interval(m, iv.days, (iv.micros / usPerMinute) * usPerMinute);
    case 'second': return new Interval(m, iv.days, (iv.micros / usPerSecond) * usPerSecond);
    case 'milliseconds': return new Interval(m, iv.days, (iv.micros / 1000n) * 1000n);
    case 'microseconds': return iv;
    default: throw unitError(unitText, 'interval');
  }
}

/** age(a, b): symbolic difference in years/months/days then time, as timestamp_age. */
export function age(aLocal: bigint, bLocal: bigint): Interval {
  if ([aLocal, bLocal].some((x) => x === TIMESTAMP_INFINITY || x === TIMESTAMP_NEG_INFINITY)) {
    throw new SqlError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
  }
  const neg = aLocal < bLocal;
  const [hi, lo] = neg ? [bLocal, aLocal] : [aLocal, bLocal];
  const h = splitMicros(hi);
  const l = splitMicros(lo);
  const hc = civilFromDays(h.days);
  const lc = civilFromDays(l.days);
  let us = h.timeUs - l.timeUs;
  let day = hc.day - lc.day;
  let month = hc.month - lc.month;
  let year = hc.year - lc.year;
  if (us < 0n) {
    us += usPerDay;
    day--;
  }
  if (day < 0) {
    // Borrow the length of the earlier timestamp's month, as timestamp_age does.
    day += daysInMonth(lc.year, lc.month);
    month--;
  }
  if (month < 0) {
    month += 12;
    year--;
  }
  const months = year * 12 + month;
  return neg ? new Interval(-months, -day, -us) : new Interval(months, day, us);
}

// ─── to_char ─────────────────────────────────────────────────────────────────────────────

const monthNamesFull = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const dayNamesFull = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, w: number): string {
  const s = String(Math.abs(n)).padStart(w, '0');
  return n < 0 ? '-' + s : s;
}

interface CharFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micros: number;
  days: number;
  tzAbbrev: string;
  offsetSec: number;
}

function casePattern(src: string, value: string): string {
  if (src === src.toUpperCase()) return value.toUpperCase();
  if (src[0] === src[0]!.toUpperCase()) return value;
  return value.toLowerCase();
}

/** to_char for date/time values: the common PostgreSQL template patterns. */
export function toCharDateTime(f: CharFields, fmt: string): string {
  let out = '';
  let i = 0;
  let fm = false;
  const take = (pats: readonly string[]): string | undefined => {
    for (const p of pats) {
      if (fmt.slice(i, i + p.length).toUpperCase() === p.toUpperCase()) return fmt.slice(i, i + p.length);
    }
    return undefined;
  };
  const num = (v: number, w: number): string => (fm ? String(v) : pad(v, w));
  const patterns = [
    'FM', 'HH24', 'HH12', 'HH', 'MI', 'SS', 'MS', 'US', 'AM', 'PM', 'A.M.', 'P.M.', 'YYYY', 'YYY', 'YY', 'Y', 'IYYY', 'MONTH', 'MON', 'MM',
    'DAY', 'DY', 'DDD', 'DD', 'D', 'WW', 'IW', 'Q', 'TZH', 'TZM', 'TZ', 'J', 'CC', 'SSSS', 'OF',
  ];
  while (i < fmt.length) {
    if (fmt[i] === '"') {
      const end = fmt.indexOf('"', i + 1);
      out += end < 0 ? fmt.slice(i + 1) : fmt.slice(i + 1, end);
      i = end < 0 ? fmt.length : end + 1;
      continue;
    }
    if (fmt[i] === '\\' && i + 1 < fmt.length) {
      out += fmt[i + 1];
      i += 2;
      continue;
    }
    const p = take(patterns);
    if (p === undefined) {
      out += fmt[i];
      i++;
      continue;
    }
    i += p.length;
    const up = p.toUpperCase();
    const h12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
    const dow = (((f.days + 6) % 7) + 7) % 7;
    switch (up) {
      case 'FM': fm = true; continue;
      case 'HH24': out += num(f.hour, 2); break;
      case 'HH12':
      case 'HH': out += num(h12, 2); break;
      case 'MI': out += num(f.minute, 2); break;
      case 'SS': out += num(f.second, 2); break;
      case 'MS': out += num(Math.floor(f.micros / 1000), 3); break;
      case 'US': out += num(f.micros, 6); break;
      case 'SSSS': out += String(f.hour * 3600 + f.minute * 60 + f.second); break;
      case 'AM':
      case 'PM': out += casePattern(p, f.hour < 12 ? 'AM' : 'PM'); break;
      case 'A.M.':
      case 'P.M.': out += casePattern(p, f.hour < 12 ? 'A.M.' : 'P.M.'); break;
      case 'YYYY': out += num(f.year, 4); break;
      case 'IYYY': out += num(isoWeekInfo(f.days).isoYear, 4); break;
      case 'YYY': out += pad(f.year % 1000, 3); break;
      case 'YY': out += pad(f.year % 100, 2); break;
      case 'Y': out += String(f.year % 10); break;
      case 'CC': out += num(Math.floor((f.year + 99) / 100), 2); break;
      case 'MONTH': {
        const n = monthNamesFull[f.month - 1]!;
        out += casePattern(p, fm ? n : n.padEnd(9, ' '));
        break;
      }
      case 'MON': out += casePattern(p, monthNamesFull[f.month - 1]!.slice(0, 3)); break;
      case 'MM': out += num(f.month, 2); break;
      case 'DAY': {
        const n = dayNamesFull[dow]!;
        out += casePattern(p, fm ? n : n.padEnd(9, ' '));
        break;
      }
      case 'DY': out += casePattern(p, dayNamesFull[dow]!.slice(0, 3)); break;
      case 'DDD': out += num(f.days - daysFromCivil(f.year, 1, 1) + 1, 3); break;
      case 'DD': out += num(f.day, 2); break;
      case 'D': out += String(dow + 1); break;
      case 'WW': out += num(Math.floor((f.days - daysFromCivil(f.year, 1, 1)) / 7) + 1, 2); break;
      case 'IW': out += num(isoWeekInfo(f.days).week, 2); break;
      case 'Q': out += String(Math.floor((f.month - 1) / 3) + 1); break;
      case 'J': out += String(f.days + 2451545); break;
      case 'TZ': out += casePattern(p, f.tzAbbrev); break;
      case 'TZH': out += (f.offsetSec < 0 ? '-' : '+') + pad(Math.floor(Math.abs(f.offsetSec) / 3600), 2); break;
      case 'TZM': out += pad(Math.floor((Math.abs(f.offsetSec) % 3600) / 60), 2); break;
      case 'OF': {
        const a = Math.abs(f.offsetSec);
        out += (f.offsetSec < 0 ? '-' : '+') + pad(Math.floor(a / 3600), 2) + (a % 3600 !== 0 ? ':' + pad(Math.floor((a % 3600) / 60), 2) : '');
        break;
      }
    }
    fm = false;
  }
  return out;
}

export function charFieldsFromLocal(localUs: bigint, offsetSec: number, tzAbbrev: string): CharFields {
  const { days, timeUs } = splitMicros(localUs);
  const c = civilFromDays(days);
  return {
    year: c.year <= 0 ? c.year - 1 : c.year,
    month: c.month,
    day: c.day,
    hour: Number(timeUs / usPerHour),
    minute: Number((timeUs % usPerHour) / usPerMinute),
    second: Number((timeUs % usPerMinute) / usPerSecond),
    micros: Number(timeUs % usPerSecond),
    days,
    tzAbbrev,
    offsetSec,
  };
}

export function charFieldsFromInterval(iv: Interval): CharFields {
  const hour = Number(iv.micros / usPerHour);
  return {
    year: Math.trunc(iv.months / 12),
    month: iv.months % 12,
    day: iv.days,
    hour,
    minute: Number((iv.micros % usPerHour) / usPerMinute),
    second: Number((iv.micros % usPerMinute) / usPerSecond),
    micros: Number(iv.micros % usPerSecond),
    days: iv.days,
    tzAbbrev: '',
    offsetSec: 0,
  };
}

/** to_char for numbers: 9 0 . , D G FM and literal-free templates (the common subset). */
export function toCharNumber(value: string, fmt: string): string {
  const fmOn = /FM/i.test(fmt);
  const f = fmt.replace(/FM/gi, '');
  const dot = f.search(/[.D]/i);
  const intPat = (dot < 0 ? f : f.slice(0, dot)).replace(/[^90,G]/gi, '');
  const fracPat = dot < 0 ? '' : f.slice(dot + 1).replace(/[^90]/g, '');
  const intDigits = intPat.replace(/[,G]/gi, '').length;
  const neg = value.startsWith('-');
  const abs = neg ? value.slice(1) : value;
  const [ip, fp = ''] = abs.split('.') as [string, string?];
  const scale = fracPat.length;
  const scaled = BigInt(ip + fp.padEnd(scale + 1, '0').slice(0, scale + 1));
  const rs = ((scaled + 5n) / 10n).toString().padStart(scale + 1, '0');
  let intStr = rs.slice(0, rs.length - scale).replace(/^0+/, '');
  let fracStr = rs.slice(rs.length - scale);
  if (intStr.length > intDigits) {
    return ' ' + intPat.replace(/[90]/g, '#') + (dot >= 0 ? '.' + '#'.repeat(scale) : '');
  }
  const zeroFrom = intPat.replace(/[,G]/gi, '').indexOf('0');
  intStr = intStr.padStart(zeroFrom < 0 ? 0 : intDigits - zeroFrom, '0');
  if (intStr === '' && scale === 0) intStr = '0';
  let body = '';
  let k = intStr.length - 1;
  for (let j = intPat.length - 1; j >= 0; j--) {
    const c = intPat[j]!;
    if (c === ',' || c.toUpperCase() === 'G') body = (k >= 0 ? ',' : ' ') + body;
    else body = (k >= 0 ? intStr[k--] : ' ') + body;
  }
  if (fmOn) {
    const keep = fracPat.lastIndexOf('0') + 1;
    let end = fracStr.length;
    while (end > keep && fracStr[end - 1] === '0') end--;
    fracStr = fracStr.slice(0, end);
  }
  body += dot >= 0 ? '.' + fracStr : '';
  if (fmOn) return (neg ? '-' : '') + body.trimStart();
  const out = ' ' + body;
  if (!neg) return out;
  const first = out.search(/[^ ]/);
  return out.slice(0, first - 1) + '-' + out.slice(first);
}

// ─── to_date / to_timestamp ──────────────────────────────────────────────────────────────

/** Parses `text` with a to_char-style template (the common fields); returns local µs. */
export function parseWithTemplate(text: string, fmt: string): { us: bigint } {
  let year = 1;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let pm: boolean | undefined;
  let ti = 0;
  let fi = 0;
  const bad = (): SqlError => new SqlError(SqlState.invalidDatetimeFormat, `invalid value "${text.slice(ti, ti + 10)}" for "${fmt.slice(fi, fi + 4)}"`);
  const readNum = (maxDigits: number): number => {
    while (text[ti] === ' ') ti++;
    const m = new RegExp(`^[+-]?\\d{1,${maxDigits}}`).exec(text.slice(ti));
    if (m === null) throw bad();
    ti += m[0].length;
    return Number(m[0]);
  };
  const pats: readonly [string, () => void][] = [
    ['YYYY', () => (year = readNum(4))],
    ['HH24', () => (hour = readNum(2))],
    ['HH12', () => (hour = readNum(2))],
    ['HH', () => (hour = readNum(2))],
    ['MONTH', () => readMonth(true)],
    ['MON', () => readMonth(false)],
    ['MM', () => (month = readNum(2))],
    ['MI', () => (minute = readNum(2))],
    ['MS', () => (micros = readNum(3) * 1000)],
    ['US', () => (micros = readNum(6))],
    ['SS', () => (second = readNum(2))],
    ['DD', () => (day = readNum(2))],
    ['YY', () => (year = 2000 + readNum(2))],
    ['AM', () => readAmPm()],
    ['PM', () => readAmPm()],
  ];
  const readMonth = (full: boolean): void => {
    while (text[ti] === ' ') ti++;
    const rest = text.slice(ti).toLowerCase();
    const idx = monthNamesFull.findIndex((m) => rest.startsWith(full ? m.toLowerCase() : m.slice(0, 3).toLowerCase()));
    if (idx < 0) throw bad();
    month = idx + 1;
    ti += full ? monthNamesFull[idx]!.length : 3;
  };
  const readAmPm = (): void => {
    while (text[ti] === ' ') ti++;
    const w = text.slice(ti, ti + 2).toUpperCase();
    if (w !== 'AM' && w !== 'PM') throw bad();
    pm = w === 'PM';
    ti += 2;
  };
  while (fi < fmt.length) {
    const rest = fmt.slice(fi).toUpperCase();
    const p = pats.find(([name]) => rest.startsWith(name));
    if (p !== undefined) {
      p[1]();
      fi += p[0].length;
      continue;
    }
    // Separators match any single non-alphanumeric character (or nothing).
    if (text[ti] !== undefined && !/[A-Za-z0-9]/.test(text[ti]!)) ti++;
    fi++;
  }
  if (pm !== undefined) {
    if (hour < 1 || hour > 12) throw new SqlError(SqlState.datetimeFieldOverflow, `hour "${hour}" is invalid for the 12-hour clock`);
    if (pm && hour !== 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year <= 0 ? year + 1 : year, month) || hour > 24 || minute > 59 || second > 60) {
    throw new SqlError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
  }
  const days = daysFromCivil(year <= 0 ? year + 1 : year, month, day);
  return { us: BigInt(days) * usPerDay + BigInt(hour) * usPerHour + BigInt(minute) * usPerMinute + BigInt(second) * usPerSecond + BigInt(micros) };
}
