/**
 * date, time, timestamp, timestamptz and interval: calendar math, time zones (IANA via
 * Intl, fixed offsets), input parsing and output formatting as PostgreSQL 15 does them.
 */
import { SqlError, SqlState } from '../../util/errors.js';
import { Interval, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY } from './datum.js';

export const usPerSecond = 1000000n;
export const usPerMinute = 60000000n;
export const usPerHour = 3600000000n;
export const usPerDay = 86400000000n;
/** Days from 1970-01-01 to 2000-01-01. */
export const unixEpochToPgEpochDays = 10957;
/** date range: 4713-11-24 BC .. 5874897-12-31. */
export const dateDaysMin = -2451545; // 4714-11-24 BC (Julian day 0) relative to 2000-01-01
export const dateDaysMax = 2147483494 - 2451545 - 1; // 5874897-12-31
/** timestamp range ends at 294276-12-31 23:59:59.999999. */
export const timestampMicrosEnd = (109203528n - 2451545n) * 86400000000n - 1n;
export const timestampMicrosMin = BigInt(dateDaysMin) * usPerDay;
/** Intl handles ±8.64e15 ms around 1970. */
const intlMsMax = 8.64e15;

// ─── Calendar ────────────────────────────────────────────────────────────────────────────

/** Days since 2000-01-01 of a proleptic Gregorian date (astronomical year: 1 BC = 0). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468 - unixEpochToPgEpochDays;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + unixEpochToPgEpochDays + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Splits µs since 2000-01-01 into a day number and µs within the day. */
export function splitMicros(us: bigint): { days: number; timeUs: bigint } {
  const days = floorDiv(us, usPerDay);
  return { days: Number(days), timeUs: us - days * usPerDay };
}

// ─── Time zones ──────────────────────────────────────────────────────────────────────────

export type Zone = { readonly kind: 'fixed'; readonly offsetSec: number } | { readonly kind: 'iana'; readonly name: string; readonly fmt: Intl.DateTimeFormat };

const zoneCache = new Map<string, Zone | null>();
const zoneCacheEntriesMax = 1024;

/** Time zone abbreviations accepted in input (offset seconds east of UTC). */
const zoneAbbrevs: ReadonlyMap<string, number> = new Map([
  ['utc', 0], ['gmt', 0], ['z', 0], ['zulu', 0], ['ut', 0],
  ['est', -5 * 3600], ['edt', -4 * 3600], ['cst', -6 * 3600], ['cdt', -5 * 3600],
  ['mst', -7 * 3600], ['mdt', -6 * 3600], ['pst', -8 * 3600], ['pdt', -7 * 3600],
  ['akst', -9 * 3600], ['akdt', -8 * 3600], ['hst', -10 * 3600],
  ['wet', 0], ['west', 3600], ['bst', 3600], ['cet', 3600], ['cest', 7200], ['met', 3600], ['mest', 7200],
  ['eet', 7200], ['eest', 10800], ['msk', 10800], ['ist', 7200], ['jst', 9 * 3600], ['kst', 9 * 3600],
  ['aest', 10 * 3600], ['aedt', 11 * 3600], ['nzst', 12 * 3600], ['nzdt', 13 * 3600],
]);

const offsetRe = /^([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

function parseOffset(text: string): number | undefined {
  const m = offsetRe.exec(text);
  if (m === null) return undefined;
  const h = Number(m[2]);
  const mi = m[3] === undefined ? 0 : Number(m[3]);
  const s = m[4] === undefined ? 0 : Number(m[4]);
  if (h > 15 || mi > 59 || s > 59) return undefined;
  const v = h * 3600 + mi * 60 + s;
  return m[1] === '-' ? -v : v;
}

/** Resolves a zone name: IANA (any case), UTC/GMT, abbreviations, ISO offsets, POSIX 'UTC+3' (= -03). */
export function resolveZone(name: string): Zone | undefined {
  const cached = zoneCache.get(name);
  if (cached !== undefined) return cached ?? undefined;
  const z = resolveZoneUncached(name);
  if (zoneCache.size >= zoneCacheEntriesMax) zoneCache.clear();
  zoneCache.set(name, z ?? null);
  return z;
}

function resolveZoneUncached(name: string): Zone | undefined {
  const lower = name.trim().toLowerCase();
  const abbrev = zoneAbbrevs.get(lower);
  if (abbrev !== undefined) return { kind: 'fixed', offsetSec: abbrev };
  const iso = parseOffset(lower);
  if (iso !== undefined) return { kind: 'fixed', offsetSec: iso };
  const posix = /^(utc|gmt)([+-].*)$/.exec(lower);
  if (posix !== null) {
    const o = parseOffset(posix[2]!);
    return o === undefined ? undefined : { kind: 'fixed', offsetSec: -o };
  }
  if (!/^[a-z][a-z0-9_+\-/]*$/i.test(name.trim())) return undefined;
  try {
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name.trim(),
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { kind: 'iana', name: fmt.resolvedOptions().timeZone, fmt };
  } catch {
    return undefined;
  }
}

/** The zone of AT TIME ZONE / timezone(text, ...): numeric offsets are POSIX (hours west). */
export function zoneForAtTimeZone(name: string): Zone {
  const t = name.trim();
  if (/^[+-]?\d{1,2}(:\d{2}(:\d{2})?)?$/.test(t)) {
    const o = parseOffset(/^[+-]/.test(t) ? t : '+' + t);
    if (o !== undefined) return { kind: 'fixed', offsetSec: -o };
  }
  const z = resolveZone(t);
  if (z === undefined) throw new SqlError(SqlState.invalidParameterValue, `time zone "${name}" not recognized`);
  return z;
}

/**
 * The session TimeZone setting as PostgreSQL reads it: a bare number is hours east of UTC
 * ('5', '-7', '5.5'); a signed offset with minutes is a POSIX spec, so '+05:30' is 5:30
 * west; everything else as resolveZone (IANA names case-insensitively, 'UTC+3' = -03).
 */
export function zoneOrThrow(name: string): Zone {
  const t = name.trim();
  if (/^[+-]?\d+(\.\d+)?$/.test(t)) return { kind: 'fixed', offsetSec: Math.round(Number(t) * 3600) };
  if (/^[+-]\d/.test(t)) {
    const o = parseOffset(t);
    if (o !== undefined) return { kind: 'fixed', offsetSec: -o };
  }
  const z = resolveZone(name);
  if (z === undefined) throw new SqlError(SqlState.invalidParameterValue, `time zone "${name}" not recognized`);
  return z;
}

/**
 * Per-zone cache of UTC days whose offset is constant all day (checked at both ends), so
 * Intl is consulted about twice per distinct day instead of on every value.
 */
const dayOffsetCache = new Map<string, Map<number, number>>();
export const zoneDayCacheEntriesMax = 8192;

/** Offset east of UTC in seconds at a UTC instant (µs since 2000-01-01). */
export function zoneOffsetAtUtc(zone: Zone, utcUs: bigint): number {
  if (zone.kind === 'fixed') return zone.offsetSec;
  const day = Number(floorDiv(utcUs, usPerDay));
  let cache = dayOffsetCache.get(zone.name);
  if (cache === undefined) dayOffsetCache.set(zone.name, (cache = new Map()));
  const hit = cache.get(day);
  if (hit !== undefined) return hit;
  const dayStartUs = BigInt(day) * usPerDay;
  const atStart = zoneOffsetUncached(zone, dayStartUs);
  const atEnd = zoneOffsetUncached(zone, dayStartUs + usPerDay - usPerSecond);
  if (atStart === atEnd) {
    if (cache.size >= zoneDayCacheEntriesMax) cache.clear();
    cache.set(day, atStart);
    return atStart;
  }
  return zoneOffsetUncached(zone, utcUs);
}

function zoneOffsetUncached(zone: Zone & { kind: 'iana' }, utcUs: bigint): number {
  let ms = Number(floorDiv(utcUs, 1000n)) + unixEpochToPgEpochDays * 86400000;
  ms = Math.max(-intlMsMax, Math.min(intlMsMax, ms));
  ms = Math.floor(ms / 1000) * 1000;
  const parts = zone.fmt.formatToParts(new Date(ms));
  let year = 0;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of parts) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
      case 'era': bc = p.value.startsWith('B'); break;
      default: break;
    }
  }
  if (bc) year = 1 - year;
  const localSec = (daysFromCivil(year, month, day) + unixEpochToPgEpochDays) * 86400 + hour * 3600 + minute * 60 + second;
  return localSec - ms / 1000;
}

/**
 * Offset for a local wall-clock time. Ambiguous times take the later instant (standard
 * time); times in a gap use the offset before the transition, as PostgreSQL does.
 */
export function zoneOffsetForLocal(zone: Zone, localUs: bigint): number {
  if (zone.kind === 'fixed') return zone.offsetSec;
  const before = zoneOffsetAtUtc(zone, localUs - usPerDay);
  const after = zoneOffsetAtUtc(zone, localUs + usPerDay);
  const valid = (o: number): boolean => zoneOffsetAtUtc(zone, localUs - BigInt(o) * usPerSecond) === o;
  if (before === after) {
    const o = zoneOffsetAtUtc(zone, localUs - BigInt(before) * usPerSecond);
    return valid(o) ? o : before;
  }
  const vb = valid(before);
  const va = valid(after);
  if (vb && va) return Math.min(before, after);
  if (va) return after;
  return before;
}

export function localToUtc(localUs: bigint, zone: Zone): bigint {
  return localUs - BigInt(zoneOffsetForLocal(zone, localUs)) * usPerSecond;
}

export function utcToLocal(utcUs: bigint, zone: Zone): { localUs: bigint; offsetSec: number } {
  const offsetSec = zoneOffsetAtUtc(zone, utcUs);
  return { localUs: utcUs + BigInt(offsetSec) * usPerSecond, offsetSec };
}

// ─── Errors ──────────────────────────────────────────────────────────────────────────────

export type DateTimeKind = 'date' | 'time' | 'timestamp' | 'timestamp with time zone' | 'interval';

function badSyntax(kind: DateTimeKind, text: string): SqlError {
  return new SqlError(SqlState.invalidDatetimeFormat, `invalid input syntax for type ${kind}: "${text}"`);
}

function fieldOverflow(text: string): SqlError {
  return new SqlError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
}

export function timestampOutOfRange(): SqlError {
  return new SqlError(SqlState.datetimeFieldOverflow, 'timestamp out of range');
}

export function dateOutOfRange(): SqlError {
  return new SqlError(SqlState.datetimeFieldOverflow, 'date out of range');
}

// ─── Parsing ─────────────────────────────────────────────────────────────────────────────

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const fullMonthNames = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const dayNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'tues', 'wednes', 'thur', 'thurs'];

function monthFromName(w: string): number | undefined {
  let i = monthNames.indexOf(w);
  if (i < 0) i = fullMonthNames.indexOf(w);
  if (i < 0 && w === 'sept') i = 8;
  return i < 0 ? undefined : i + 1;
}

interface Fields {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  micros?: number;
  bc?: boolean;
  ampm?: 'am' | 'pm';
  zone?: Zone;
  special?: 'epoch' | 'infinity' | '-infinity' | 'now' | 'today' | 'tomorrow' | 'yesterday' | 'allballs';
  /** Numbers without a role yet (e.g. "Jan 2 2024"). */
  loose: { value: number; digits: number }[];
}

type DateOrder = 'MDY' | 'DMY' | 'YMD';

export function dateOrder(dateStyle: string): DateOrder {
  const s = dateStyle.toUpperCase();
  if (s.includes('DMY') || s.includes('EURO')) return 'DMY';
  if (s.includes('YMD')) return 'YMD';
  return 'MDY';
}

function fracToMicros(frac: string | undefined): number {
  if (frac === undefined || frac === '') return 0;
  const d = (frac + '000000').slice(0, 7);
  return Math.round(Number(d) / 10);
}

const timeRe = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?$/;

function parseTimeToken(tok: string, f: Fields, kind: DateTimeKind, text: string): void {
  // Split off a trailing zone: 03:04:05+02, 03:04:05z, 03:04:05-08:00
  const m = /^(\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d*)?)?)(.*)$/.exec(tok);
  if (m === null) throw badSyntax(kind, text);
  const t = timeRe.exec(m[1]!);
  if (t === null) throw badSyntax(kind, text);
  if (f.hour !== undefined) throw badSyntax(kind, text);
  f.hour = Number(t[1]);
  f.minute = Number(t[2]);
  f.second = t[3] === undefined ? 0 : Number(t[3]);
  f.micros = fracToMicros(t[4]);
  let rest = m[2]!;
  const ampm = /^(am|pm|a\.m\.|p\.m\.)/.exec(rest);
  if (ampm !== null) {
    f.ampm = ampm[1]!.startsWith('a') ? 'am' : 'pm';
    rest = rest.slice(ampm[0].length);
  }
  if (rest !== '') {
    const z = rest === 'z' ? resolveZone('utc') : /^[+-]/.test(rest) ? resolveZone(rest) : undefined;
    if (z === undefined) throw badSyntax(kind, text);
    f.zone = z;
  }
}

function twoDigitYear(v: number, digits: number): number {
  if (digits > 2) return v;
  return v < 70 ? 2000 + v : 1900 + v;
}

function parseDateToken(tok: string, f: Fields, order: DateOrder, kind: DateTimeKind, text: string): boolean {
  let m = /^(\d+)([-/.])(\d+)\2(\d+)$/.exec(tok);
  if (m !== null) {
    const a = m[1]!;
    const b = m[3]!;
    const c = m[4]!;
    if (a.length > 2 || order === 'YMD') {
      f.year = twoDigitYear(Number(a), a.length);
      f.month = Number(b);
      f.day = Number(c);
    } else if (order === 'DMY') {
      f.day = Number(a);
      f.month = Number(b);
      f.year = twoDigitYear(Number(c), c.length);
    } else {
      f.month = Number(a);
      f.day = Number(b);
      f.year = twoDigitYear(Number(c), c.length);
    }
    return true;
  }
  m = /^(\d+)-([a-z]+)-(\d+)$/.exec(tok);
  if (m !== null) {
    const mon = monthFromName(m[2]!);
    if (mon === undefined) throw badSyntax(kind, text);
    f.month = mon;
    if (m[1]!.length > 2) {
      f.year = Number(m[1]);
      f.day = Number(m[3]);
    } else {
      f.day = Number(m[1]);
      f.year = twoDigitYear(Number(m[3]), m[3]!.length);
    }
    return true;
  }
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(tok);
  if (m !== null && f.year === undefined && f.month === undefined) {
    f.year = Number(m[1]);
    f.month = Number(m[2]);
    f.day = Number(m[3]);
    return true;
  }
  return false;
}

function tokenize(text: string): string[] {
  let s = text.trim().toLowerCase().replace(/,/g, ' ');
  // ISO 'T' separator between date and time.
  s = s.replace(/^(\d[\d\-/.]*\d)t(\d)/, '$1 $2');
  // A zone glued to a date-only value is not supported; split "+hh" after a time token only.
  return s.split(/\s+/).filter((t) => t !== '');
}

function parseFields(text: string, kind: DateTimeKind, order: DateOrder): Fields {
  const f: Fields = { loose: [] };
  const toks = tokenize(text);
  if (toks.length === 0) throw badSyntax(kind, text);
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    if (/^\d{1,2}:/.test(tok)) {
      parseTimeToken(tok, f, kind, text);
      continue;
    }
    if (/^[+-]\d/.test(tok) && (f.hour !== undefined || f.year !== undefined)) {
      const z = resolveZone(tok);
      if (z === undefined) throw badSyntax(kind, text);
      f.zone = z;
      continue;
    }
    if (/^\d/.test(tok) && /[-/.]/.test(tok) && f.year === undefined) {
      if (parseDateToken(tok, f, order, kind, text)) continue;
      throw badSyntax(kind, text);
    }
    if (/^\d+$/.test(tok)) {
      if (tok.length === 8 && f.year === undefined && f.month === undefined && parseDateToken(tok, f, order, kind, text)) continue;
      f.loose.push({ value: Number(tok), digits: tok.length });
      continue;
    }
    switch (tok) {
      case 'epoch':
      case 'infinity':
      case '-infinity':
      case 'now':
      case 'today':
      case 'tomorrow':
      case 'yesterday':
      case 'allballs':
        f.special = tok;
        continue;
      case '+infinity':
        f.special = 'infinity';
        continue;
      case 'bc':
        f.bc = true;
        continue;
      case 'ad':
        f.bc = false;
        continue;
      case 'am':
      case 'a.m.':
        f.ampm = 'am';
        continue;
      case 'pm':
      case 'p.m.':
        f.ampm = 'pm';
        continue;
      case 'at':
      case 'on':
        continue;
      default:
        break;
    }
    const mon = monthFromName(tok.replace(/\.$/, ''));
    if (mon !== undefined && f.month === undefined) {
      f.month = mon;
      continue;
    }
    if (dayNames.includes(tok.replace(/\.$/, ''))) continue;
    const zoneText = text.trim().split(/\s+/)[i] ?? tok;
    const z = resolveZone(zoneText.includes('/') ? zoneText : tok);
    if (z !== undefined && f.zone === undefined) {
      f.zone = z;
      continue;
    }
    if (z === undefined && /^[a-z_]+\/[a-z0-9_+\-/]+$/i.test(zoneText)) {
      throw new SqlError(SqlState.invalidParameterValue, `time zone "${tok}" not recognized`);
    }
    throw badSyntax(kind, text);
  }
  // Assign loose numbers around a month name: "Jan 2 2024", "2 Jan 2024", "2024 Jan 2".
  if (f.loose.length > 0) {
    if (f.month === undefined || f.loose.length > 2 || (f.year !== undefined && f.day !== undefined)) {
      throw badSyntax(kind, text);
    }
    const [a, b] = f.loose;
    if (b === undefined) {
      if (f.day === undefined && a!.digits <= 2) f.day = a!.value;
      else f.year = a!.value;
    } else if (a!.digits > 2) {
      f.year = a!.value;
      f.day = b.value;
    } else {
      f.day = a!.value;
      f.year = twoDigitYear(b.value, b.digits);
    }
  }
  return f;
}

function checkTimeFields(f: Fields, text: string): bigint {
  let hour = f.hour ?? 0;
  const minute = f.minute ?? 0;
  const second = f.second ?? 0;
  const micros = f.micros ?? 0;
  if (f.ampm !== undefined) {
    if (hour < 1 || hour > 12) throw fieldOverflow(text);
    if (f.ampm === 'am' && hour === 12) hour = 0;
    else if (f.ampm === 'pm' && hour !== 12) hour += 12;
  }
  if (hour > 24 || minute > 59 || second > 60 || (hour === 24 && (minute > 0 || second > 0 || micros > 0))) {
    throw fieldOverflow(text);
  }
  return BigInt(hour) * usPerHour + BigInt(minute) * usPerMinute + BigInt(second) * usPerSecond + BigInt(micros);
}

function checkDateFields(f: Fields, kind: DateTimeKind, text: string): number {
  if (f.year === undefined || f.month === undefined || f.day === undefined) throw badSyntax(kind, text);
  if (f.bc === true && f.year <= 0) throw fieldOverflow(text);
  const year = f.bc === true ? 1 - f.year : f.year;
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31) {
    // DTERR_MD_FIELD_OVERFLOW: the month/day order may be the culprit.
    throw new SqlError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`, {
      hint: 'Perhaps you need a different "datestyle" setting.',
    });
  }
  if (f.year > 5874897 * 2 || f.day > daysInMonth(year, f.month)) throw fieldOverflow(text);
  if (f.year === 0 && f.bc !== true) throw fieldOverflow(text);
  return daysFromCivil(year, f.month, f.day);
}

export interface NowSource {
  /** Transaction start (µs since 2000-01-01 UTC) for 'now', 'today' inputs. */
  readonly nowMicros?: bigint;
}

function nowUs(src: NowSource): bigint {
  return src.nowMicros ?? (BigInt(Date.now()) - BigInt(unixEpochToPgEpochDays) * 86400000n) * 1000n;
}

export function parseDate(text: string, dateStyle: string, zone: Zone, src: NowSource = {}): number {
  const f = parseFields(text, 'date', dateOrder(dateStyle));
  if (f.special !== undefined) {
    const today = (): number => splitMicros(utcToLocal(nowUs(src), zone).localUs).days;
    switch (f.special) {
      case 'epoch':
        return -unixEpochToPgEpochDays;
      case 'infinity':
        return Infinity;
      case '-infinity':
        return -Infinity;
      case 'now':
      case 'today':
        return today();
      case 'tomorrow':
        return today() + 1;
      case 'yesterday':
        return today() - 1;
      case 'allballs':
        throw badSyntax('date', text);
    }
  }
  if (f.hour !== undefined && f.year === undefined) throw badSyntax('date', text);
  const days = checkDateFields(f, 'date', text);
  if (days < dateDaysMin || days > dateDaysMax) {
    throw new SqlError(SqlState.datetimeFieldOverflow, `date out of range: "${text}"`);
  }
  return days;
}

export function parseTime(text: string): bigint {
  const f = parseFields(text, 'time', 'MDY');
  if (f.special === 'allballs') return 0n;
  if (f.special === 'now') throw new SqlError(SqlState.featureNotSupported, 'time input "now" is not supported');
  if (f.special !== undefined || f.hour === undefined) throw badSyntax('time', text);
  return checkTimeFields(f, text);
}

/** timestamp (withZone false: zone in the text is ignored, as PostgreSQL does) or timestamptz → µs. */
export function parseTimestamp(text: string, withZone: boolean, dateStyle: string, sessionZone: Zone, src: NowSource = {}): bigint {
  const kind: DateTimeKind = withZone ? 'timestamp with time zone' : 'timestamp';
  const f = parseFields(text, kind, dateOrder(dateStyle));
  const zone = f.zone ?? sessionZone;
  if (f.special !== undefined) {
    const now = nowUs(src);
    const localMidnight = (deltaDays: number): bigint => {
      const local = splitMicros(utcToLocal(now, sessionZone).localUs).days + deltaDays;
      const localUs = BigInt(local) * usPerDay;
      return withZone ? localToUtc(localUs, sessionZone) : localUs;
    };
    switch (f.special) {
      case 'epoch':
        return BigInt(-unixEpochToPgEpochDays) * usPerDay;
      case 'infinity':
        return TIMESTAMP_INFINITY;
      case '-infinity':
        return TIMESTAMP_NEG_INFINITY;
      case 'now':
        return withZone ? now : utcToLocal(now, sessionZone).localUs;
      case 'today':
        return localMidnight(0);
      case 'tomorrow':
        return localMidnight(1);
      case 'yesterday':
        return localMidnight(-1);
      case 'allballs':
        throw badSyntax(kind, text);
    }
  }
  const days = checkDateFields(f, kind, text);
  const timeUs = checkTimeFields(f, text);
  const localUs = BigInt(days) * usPerDay + timeUs;
  const us = withZone ? localToUtc(localUs, zone) : localUs;
  if (us < timestampMicrosMin || us > timestampMicrosEnd) {
    throw new SqlError(SqlState.datetimeFieldOverflow, `timestamp out of range: "${text}"`);
  }
  return us;
}

// ─── Formatting ──────────────────────────────────────────────────────────────────────────

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** ".ffffff" with trailing zeros removed, or '' for whole seconds. */
function fracText(us: number): string {
  if (us === 0) return '';
  return ('.' + pad(us, 6)).replace(/0+$/, '');
}

function ymdText(days: number): { text: string; bc: boolean; y: number; m: number; d: number } {
  const { year, month, day } = civilFromDays(days);
  const bc = year <= 0;
  const y = bc ? 1 - year : year;
  return { text: `${pad(y, 4)}-${pad(month, 2)}-${pad(day, 2)}`, bc, y, m: month, d: day };
}

function dateStyleName(dateStyle: string): 'ISO' | 'SQL' | 'Postgres' | 'German' {
  const s = dateStyle.toUpperCase();
  if (s.includes('SQL')) return 'SQL';
  if (s.includes('POSTGRES')) return 'Postgres';
  if (s.includes('GERMAN')) return 'German';
  return 'ISO';
}

export function formatDate(days: number, dateStyle: string): string {
  if (days === Infinity) return 'infinity';
  if (days === -Infinity) return '-infinity';
  const { text, bc, y, m, d } = ymdText(days);
  const order = dateOrder(dateStyle);
  let out: string;
  switch (dateStyleName(dateStyle)) {
    case 'ISO':
      out = text;
      break;
    case 'SQL':
      out = order === 'DMY' ? `${pad(d, 2)}/${pad(m, 2)}/${pad(y, 4)}` : `${pad(m, 2)}/${pad(d, 2)}/${pad(y, 4)}`;
      break;
    case 'Postgres':
      out = order === 'DMY' ? `${pad(d, 2)}-${pad(m, 2)}-${pad(y, 4)}` : `${pad(m, 2)}-${pad(d, 2)}-${pad(y, 4)}`;
      break;
    case 'German':
      out = `${pad(d, 2)}.${pad(m, 2)}.${pad(y, 4)}`;
      break;
  }
  return bc ? out + ' BC' : out;
}

export function formatTime(us: bigint): string {
  const h = Number(us / usPerHour);
  const mi = Number((us % usPerHour) / usPerMinute);
  const s = Number((us % usPerMinute) / usPerSecond);
  const f = Number(us % usPerSecond);
  return `${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${fracText(f)}`;
}

function offsetText(offsetSec: number): string {
  const sign = offsetSec < 0 ? '-' : '+';
  const a = Math.abs(offsetSec);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return sign + pad(h, 2) + (m !== 0 || s !== 0 ? ':' + pad(m, 2) : '') + (s !== 0 ? ':' + pad(s, 2) : '');
}

const weekdayShort = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const monthShort = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Zone abbreviation for non-ISO styles; numeric offset when the zone has no alphabetic one. */
function zoneAbbrev(zone: Zone, utcUs: bigint, offsetSec: number): string {
  if (zone.kind === 'iana') {
    const ms = Number(floorDiv(utcUs, 1000n)) + unixEpochToPgEpochDays * 86400000;
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone.name, timeZoneName: 'short' })
      .formatToParts(new Date(Math.max(-intlMsMax, Math.min(intlMsMax, ms))))
      .find((p) => p.type === 'timeZoneName')?.value;
    if (name !== undefined && /^[A-Z]{2,5}$/.test(name)) return name;
  }
  if (offsetSec === 0) return 'UTC';
  return offsetText(offsetSec);
}

/** timestamp (zone undefined) or timestamptz output. */
export function formatTimestamp(us: bigint, dateStyle: string, zone: Zone | undefined): string {
  if (us === TIMESTAMP_INFINITY) return 'infinity';
  if (us === TIMESTAMP_NEG_INFINITY) return '-infinity';
  let local = us;
  let offsetSec = 0;
  if (zone !== undefined) ({ localUs: local, offsetSec } = utcToLocal(us, zone));
  const { days, timeUs } = splitMicros(local);
  const { text, bc, y, m, d } = ymdText(days);
  const time = formatTime(timeUs);
  const order = dateOrder(dateStyle);
  let out: string;
  switch (dateStyleName(dateStyle)) {
    case 'ISO':
      out = `${text} ${time}${zone !== undefined ? offsetText(offsetSec) : ''}`;
      break;
    case 'SQL': {
      const dt = order === 'DMY' ? `${pad(d, 2)}/${pad(m, 2)}/${pad(y, 4)}` : `${pad(m, 2)}/${pad(d, 2)}/${pad(y, 4)}`;
      out = `${dt} ${time}${zone !== undefined ? ' ' + zoneAbbrev(zone, us, offsetSec) : ''}`;
      break;
    }
    case 'German':
      out = `${pad(d, 2)}.${pad(m, 2)}.${pad(y, 4)} ${time}${zone !== undefined ? ' ' + zoneAbbrev(zone, us, offsetSec) : ''}`;
      break;
    case 'Postgres': {
      const wd = weekdayShort[(((days + 6) % 7) + 7) % 7]!;
      const md = order === 'DMY' ? `${pad(d, 2)} ${monthShort[m - 1]}` : `${monthShort[m - 1]} ${pad(d, 2)}`;
      out = `${wd} ${md} ${time} ${pad(y, 4)}${zone !== undefined ? ' ' + zoneAbbrev(zone, us, offsetSec) : ''}`;
      break;
    }
  }
  return bc ? out + ' BC' : out;
}

// ─── Interval ────────────────────────────────────────────────────────────────────────────

const intervalUnits: ReadonlyMap<string, 'us' | 'ms' | 's' | 'min' | 'h' | 'd' | 'w' | 'mon' | 'y' | 'dec' | 'c' | 'mil'> = new Map([
  ...(['microsecond', 'microseconds', 'us', 'usec', 'usecs', 'useconds'] as const).map((u) => [u, 'us'] as const),
  ...(['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'mseconds'] as const).map((u) => [u, 'ms'] as const),
  ...(['second', 'seconds', 's', 'sec', 'secs'] as const).map((u) => [u, 's'] as const),
  ...(['minute', 'minutes', 'm', 'min', 'mins'] as const).map((u) => [u, 'min'] as const),
  ...(['hour', 'hours', 'h', 'hr', 'hrs'] as const).map((u) => [u, 'h'] as const),
  ...(['day', 'days', 'd'] as const).map((u) => [u, 'd'] as const),
  ...(['week', 'weeks', 'w'] as const).map((u) => [u, 'w'] as const),
  ...(['month', 'months', 'mon', 'mons'] as const).map((u) => [u, 'mon'] as const),
  ...(['year', 'years', 'y', 'yr', 'yrs'] as const).map((u) => [u, 'y'] as const),
  ...(['decade', 'decades', 'dec', 'decs'] as const).map((u) => [u, 'dec'] as const),
  ...(['century', 'centuries', 'c', 'cent'] as const).map((u) => [u, 'c'] as const),
  ...(['millennium', 'millennia', 'mil', 'mils'] as const).map((u) => [u, 'mil'] as const),
]);

const daysPerMonth = 30;

class IntervalAcc {
  months = 0;
  days = 0;
  micros = 0n;
  addMonths(v: number): void {
    const whole = Math.trunc(v);
    this.months += whole;
    this.addDays((v - whole) * daysPerMonth);
  }
  addDays(v: number): void {
    const whole = Math.trunc(v);
    this.days += whole;
    this.addMicros((v - whole) * 86400e6);
  }
  addMicros(v: number): void {
    this.micros += BigInt(Math.round(v));
  }
}

function addUnit(acc: IntervalAcc, value: number, unit: string): boolean {
  const u = intervalUnits.get(unit);
  if (u === undefined) return false;
  switch (u) {
    case 'us': acc.addMicros(value); break;
    case 'ms': acc.addMicros(value * 1000); break;
    case 's': acc.addMicros(value * 1e6); break;
    case 'min': acc.addMicros(value * 60e6); break;
    case 'h': acc.addMicros(value * 3600e6); break;
    case 'd': acc.addDays(value); break;
    case 'w': acc.addDays(value * 7); break;
    case 'mon': acc.addMonths(value); break;
    case 'y': acc.addMonths(value * 12); break;
    case 'dec': acc.addMonths(value * 120); break;
    case 'c': acc.addMonths(value * 1200); break;
    case 'mil': acc.addMonths(value * 12000); break;
  }
  return true;
}

function parseIsoInterval(text: string, s: string): Interval {
  const m = /^p(?:([-\d.]+)y)?(?:([-\d.]+)m)?(?:([-\d.]+)w)?(?:([-\d.]+)d)?(?:t(?:([-\d.]+)h)?(?:([-\d.]+)m)?(?:([-\d.]+)s)?)?$/.exec(s);
  if (m === null || s === 'p' || s.endsWith('t')) throw badSyntax('interval', text);
  const acc = new IntervalAcc();
  const num = (x: string | undefined): number => {
    if (x === undefined) return 0;
    const v = Number(x);
    if (!Number.isFinite(v)) throw badSyntax('interval', text);
    return v;
  };
  acc.addMonths(num(m[1]) * 12 + num(m[2]));
  acc.addDays(num(m[3]) * 7 + num(m[4]));
  acc.addMicros(num(m[5]) * 3600e6 + num(m[6]) * 60e6 + num(m[7]) * 1e6);
  return new Interval(acc.months, acc.days, acc.micros);
}

export function parseInterval(text: string): Interval {
  let s = text.trim().toLowerCase();
  if (s.startsWith('p')) return parseIsoInterval(text, s);
  if (s.startsWith('@')) s = s.slice(1).trim();
  const toks = s.split(/\s+/).filter((t) => t !== '');
  if (toks.length === 0) throw badSyntax('interval', text);
  let ago = false;
  if (toks[toks.length - 1] === 'ago') {
    ago = true;
    toks.pop();
  }
  const acc = new IntervalAcc();
  let seen = false;
  const fieldsSeen = new Set<string>();
  const once = (field: string): void => {
    if (fieldsSeen.has(field)) throw badSyntax('interval', text);
    fieldsSeen.add(field);
  };
  for (let i = 0; i < toks.length; i++) {
    let tok = toks[i]!;
    // "1day" → "1" "day"
    const glued = /^([+-]?\d*\.?\d+)([a-z]+)$/.exec(tok);
    if (glued !== null) {
      toks.splice(i + 1, 0, glued[2]!);
      tok = glued[1]!;
    }
    const time = /^([+-])?(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?)?$/.exec(tok);
    if (time !== null) {
      const sign = time[1] === '-' ? -1n : 1n;
      const us =
        BigInt(time[2]!) * usPerHour + BigInt(time[3]!) * usPerMinute + BigInt(time[4] ?? 0) * usPerSecond + BigInt(fracToMicros(time[5]));
      if (Number(time[3]) > 59 || Number(time[4] ?? 0) > 59) throw fieldOverflow(text);
      acc.micros += sign * us;
      seen = true;
      continue;
    }
    const ym = /^([+-])?(\d+)-(\d+)$/.exec(tok);
    if (ym !== null) {
      const sign = ym[1] === '-' ? -1 : 1;
      if (Number(ym[3]) > 11) throw fieldOverflow(text);
      acc.months += sign * (Number(ym[2]) * 12 + Number(ym[3]));
      seen = true;
      continue;
    }
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      const value = Number(tok);
      const unit = toks[i + 1];
      if (unit !== undefined && intervalUnits.has(unit)) {
        once(intervalUnits.get(unit)!);
        addUnit(acc, value, unit);
        i++;
      } else if (unit === undefined) {
        // A bare number is seconds (or days when followed by a time: '1 02:00').
        acc.addMicros(value * 1e6);
      } else if (/^[+-]?\d+:/.test(unit) && Number.isInteger(value)) {
        acc.days += value;
      } else {
        throw badSyntax('interval', text);
      }
      seen = true;
      continue;
    }
    throw badSyntax('interval', text);
  }
  if (!seen) throw badSyntax('interval', text);
  if (ago) return new Interval(-acc.months, -acc.days, -acc.micros);
  return new Interval(acc.months, acc.days, acc.micros);
}

function intervalParts(iv: Interval): { year: number; mon: number; day: number; hour: number; min: number; sec: number; fsec: number } {
  const year = Math.trunc(iv.months / 12);
  const mon = iv.months % 12;
  const hour = Number(iv.micros / usPerHour);
  const rem = iv.micros % usPerHour;
  const min = Number(rem / usPerMinute);
  const sec = Number((rem % usPerMinute) / usPerSecond);
  const fsec = Number(rem % usPerSecond);
  return { year, mon: mon === 0 ? 0 : mon, day: iv.days, hour, min, sec, fsec };
}

function secondsText(sec: number, fsec: number): string {
  return pad(Math.abs(sec), 2) + fracText(Math.abs(fsec));
}

export function formatInterval(iv: Interval, style: string): string {
  const p = intervalParts(iv);
  switch (style.toLowerCase()) {
    case 'iso_8601':
      return formatIso8601(p);
    case 'sql_standard':
      return formatSqlStandard(p);
    case 'postgres_verbose':
      return formatVerbose(p);
    default:
      return formatPostgres(p);
  }
}

type Parts = ReturnType<typeof intervalParts>;

function formatPostgres(p: Parts): string {
  let out = '';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    out += `${isZero ? '' : ' '}${isBefore && value > 0 ? '+' : ''}${value} ${unit}${value !== 1 ? 's' : ''}`;
    isBefore = value < 0;
    isZero = false;
  };
  part(p.year, 'year');
  part(p.mon, 'mon');
  part(p.day, 'day');
  if (isZero || p.hour !== 0 || p.min !== 0 || p.sec !== 0 || p.fsec !== 0) {
    const minus = p.hour < 0 || p.min < 0 || p.sec < 0 || p.fsec < 0;
    out += `${isZero ? '' : ' '}${minus ? '-' : isBefore ? '+' : ''}${pad(Math.abs(p.hour), 2)}:${pad(Math.abs(p.min), 2)}:${secondsText(p.sec, p.fsec)}`;
  }
  return out;
}

function formatVerbose(p: Parts): string {
  let out = '@';
  let isZero = true;
  let isBefore = false;
  const part = (value: number, unit: string): void => {
    if (value === 0) return;
    let v = value;
    if (isZero) {
      isBefore = v < 0;
      v = Math.abs(v);
    } else if (isBefore) v = -v;
    out += ` ${v} ${unit}${v === 1 ? '' : 's'}`;
    isZero = false;
  };
  part(p.year, 'year');
  part(p.mon, 'mon');
  part(p.day, 'day');
  part(p.hour, 'hour');
  part(p.min, 'min');
  if (p.sec !== 0 || p.fsec !== 0) {
    out += ' ';
    if (p.sec < 0 || (p.sec === 0 && p.fsec < 0)) {
      if (isZero) isBefore = true;
      else if (!isBefore) out += '-';
    } else if (isBefore) out += '-';
    out += `${Math.abs(p.sec)}${fracText(Math.abs(p.fsec))} sec${Math.abs(p.sec) !== 1 || p.fsec !== 0 ? 's' : ''}`;
    isZero = false;
  }
  if (isZero) out += ' 0';
  if (isBefore) out += ' ago';
  return out;
}

function formatIso8601(p: Parts): string {
  if (p.year === 0 && p.mon === 0 && p.day === 0 && p.hour === 0 && p.min === 0 && p.sec === 0 && p.fsec === 0) return 'PT0S';
  let out = 'P';
  if (p.year !== 0) out += `${p.year}Y`;
  if (p.mon !== 0) out += `${p.mon}M`;
  if (p.day !== 0) out += `${p.day}D`;
  if (p.hour !== 0 || p.min !== 0 || p.sec !== 0 || p.fsec !== 0) {
    out += 'T';
    if (p.hour !== 0) out += `${p.hour}H`;
    if (p.min !== 0) out += `${p.min}M`;
    if (p.sec !== 0 || p.fsec !== 0) {
      const neg = p.sec < 0 || p.fsec < 0;
      out += `${neg ? '-' : ''}${Math.abs(p.sec)}${fracText(Math.abs(p.fsec))}S`;
    }
  }
  return out;
}

function formatSqlStandard(p0: Parts): string {
  const p = { ...p0 };
  const hasNegative = p.year < 0 || p.mon < 0 || p.day < 0 || p.hour < 0 || p.min < 0 || p.sec < 0 || p.fsec < 0;
  const hasPositive = p.year > 0 || p.mon > 0 || p.day > 0 || p.hour > 0 || p.min > 0 || p.sec > 0 || p.fsec > 0;
  const hasYearMonth = p.year !== 0 || p.mon !== 0;
  const hasDayTime = p.day !== 0 || p.hour !== 0 || p.min !== 0 || p.sec !== 0 || p.fsec !== 0;
  const standard = !(hasNegative && hasPositive) && !(hasYearMonth && hasDayTime);
  let out = '';
  if (hasNegative && standard) {
    out = '-';
    p.year = -p.year;
    p.mon = -p.mon;
    p.day = -p.day;
    p.hour = -p.hour;
    p.min = -p.min;
    p.sec = -p.sec;
    p.fsec = -p.fsec;
  }
  if (!hasNegative && !hasPositive) return '0';
  if (!standard) {
    const ys = p.year < 0 || p.mon < 0 ? '-' : '+';
    const ds = p.day < 0 ? '-' : '+';
    const ss = p.hour < 0 || p.min < 0 || p.sec < 0 || p.fsec < 0 ? '-' : '+';
    return `${ys}${Math.abs(p.year)}-${Math.abs(p.mon)} ${ds}${Math.abs(p.day)} ${ss}${Math.abs(p.hour)}:${pad(Math.abs(p.min), 2)}:${secondsText(p.sec, p.fsec)}`;
  }
  if (hasYearMonth) return `${out}${p.year}-${p.mon}`;
  if (p.day !== 0) return `${out}${p.day} ${p.hour}:${pad(p.min, 2)}:${secondsText(p.sec, p.fsec)}`;
  return `${out}${p.hour}:${pad(p.min, 2)}:${secondsText(p.sec, p.fsec)}`;
}

// ─── Typmod helpers ──────────────────────────────────────────────────────────────────────

/** Rounds µs to `precision` fractional digits, half away from zero (AdjustTimestampForTypmod). */
export function roundMicros(us: bigint, precision: number): bigint {
  if (precision >= 6) return us;
  const scale = 10n ** BigInt(6 - precision);
  const half = scale / 2n;
  if (us >= 0n) return ((us + half) / scale) * scale;
  return -(((-us + half) / scale) * scale);
}

/** Comparable µs for interval ordering (30-day months, 24-hour days), as interval_cmp does. */
export function intervalSpanMicros(iv: Interval): bigint {
  return BigInt(iv.months) * 30n * usPerDay + BigInt(iv.days) * usPerDay + iv.micros;
}
