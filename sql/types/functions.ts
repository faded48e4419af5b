/** Built-in scalar functions and PostgreSQL-style overload resolution (incl. polymorphic and variadic "any"). */
import { createHash, randomUUID } from 'node:crypto';
import { SqlError, SqlState } from '../../util/errors.js';
import { Decimal, Interval, Oid, PgArray, sqlType, type Datum, type SqlType } from './datum.js';
import { floatPow, floatOverflow } from './arith.js';
import { canImplicit, checkInt } from './casts.js';
import { equals } from './compare.js';
import {
  daysFromCivil,
  daysInMonth,
  localToUtc,
  splitMicros,
  usPerDay,
  utcToLocal,
  zoneForAtTimeZone,
  zoneOrThrow,
  type Zone,
} from './datetime.js';
import {
  age,
  parseWithTemplate,
  charFieldsFromInterval,
  charFieldsFromLocal,
  dateTruncInterval,
  dateTruncTimestamp,
  extractFromDate,
  extractFromInterval,
  extractFromTime,
  extractFromTimestamp,
  toCharDateTime,
  toCharNumber,
} from './datefuncs.js';
import type { EvalContext, FormatContext, ResolvedFunction, Volatility } from './index.js';
import { escapeJsonString, jsonbCanonical, jsonTypeof, parseJson } from './json.js';
import {
  N,
  formatNumeric,
  numericAbs,
  numericCeil,
  numericDivTrunc,
  numericExp,
  numericFloor,
  numericLn,
  numericLog10,
  numericLogBase,
  numericMod,
  numericPower,
  numericRound,
  numericSqrt,
  numericTrunc,
  parseNumeric,
  numericScale as numericScaleOf,
  withScale,
} from './numeric.js';
import { arrayAppend, arrayConcat, arrayPrepend, selectCandidate } from './operators.js';
import { regexMatch, posixRegExp, similarToRegex } from './pattern.js';
import { arrayElemOid, arrayTypeOf, formatTypeOid } from './registry.js';
import { charLength, charPrefix, formatBytea, parseBytea } from './scalars.js';
import { formatText } from './text-io.js';
import { datumToJson } from './tojson.js';
import { checkSafeEnumUse, enumLabels, isEnumOid } from './enum.js';

type Fn = (args: readonly Datum[], ctx: EvalContext, argTypes: readonly SqlType[]) => Datum;

/** Polymorphic parameter markers. */
const ANYARRAY = Oid.anyarray;
const ANYELEMENT = Oid.anyelement;
const VARIADIC_ANY = Oid.any;
/** An enum type (enum_first/enum_last/enum_range); an ANYARRAY result is its array type. */
const ANYENUM = Oid.anyenum;

interface FnDef {
  readonly name: string;
  readonly params: readonly number[];
  /** Result OID, or ANYARRAY/ANYELEMENT resolved from the arguments. */
  readonly result: number;
  readonly volatility: Volatility;
  readonly strict: boolean;
  readonly fn: Fn;
}

const fnTable = new Map<string, FnDef[]>();

function def(name: string, params: readonly number[], result: number, fn: Fn, opts: { volatility?: Volatility; strict?: boolean } = {}): void {
  let list = fnTable.get(name);
  if (list === undefined) fnTable.set(name, (list = []));
  list.push({ name, params, result, volatility: opts.volatility ?? 'immutable', strict: opts.strict ?? true, fn });
}

const T = Oid.text;
const I4 = Oid.int4;
const F8 = Oid.float8;
const NUM = Oid.numeric;
const s = (d: Datum): string => d as string;
const n = (d: Datum): number => d as number;
const dec = (d: Datum): Decimal => d as Decimal;

// ─── Strings ─────────────────────────────────────────────────────────────────────────────
for (const name of ['length', 'char_length', 'character_length']) def(name, [T], I4, (a) => charLength(s(a[0]!)));
def('length', [Oid.bytea], I4, (a) => (a[0] as Uint8Array).length);
def('octet_length', [T], I4, (a) => Buffer.byteLength(s(a[0]!)));
def('octet_length', [Oid.bytea], I4, (a) => (a[0] as Uint8Array).length);
// char(n) counts its padding in bytes (bpcharoctetlen) but not in characters (bpcharlen, via text).
def('octet_length', [Oid.bpchar], I4, (a) => Buffer.byteLength(s(a[0]!)));
def('bit_length', [T], I4, (a) => Buffer.byteLength(s(a[0]!)) * 8);
/** Per-character case mapping (no expansions like ß → SS), as PostgreSQL's towupper/towlower. */
function mapCase(str: string, upper: boolean): string {
  let out = '';
  for (const ch of str) {
    const m = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += [...m].length === 1 ? m : ch;
  }
  return out;
}
const alnumRe = /[\p{L}\p{N}]/u;
def('lower', [T], T, (a) => mapCase(s(a[0]!), false));
def('upper', [T], T, (a) => mapCase(s(a[0]!), true));
def('initcap', [T], T, (a) => {
  let out = '';
  let prevAlnum = false;
  for (const ch of s(a[0]!)) {
    out += mapCase(ch, !prevAlnum);
    prevAlnum = alnumRe.test(ch);
  }
  return out;
});

function substr(str: string, start: number, count: number | undefined): string {
  if (count !== undefined && count < 0) throw new SqlError('22011', 'negative substring length not allowed');
  const cps = [...str];
  const from = start - 1;
  const end = count === undefined ? cps.length : from + count;
  return cps.slice(Math.max(from, 0), Math.max(end, 0)).join('');
}
for (const name of ['substring', 'substr']) {
  def(name, [T, I4], T, (a) => substr(s(a[0]!), n(a[1]!), undefined));
  def(name, [T, I4, I4], T, (a) => substr(s(a[0]!), n(a[1]!), n(a[2]!)));
}
def('substring', [T, T], T, (a) => {
  const m = posixRegExp(s(a[1]!), 'u').exec(s(a[0]!));
  if (m === null) return null;
  return m.length > 1 ? (m[1] ?? null) : m[0];
});
def('substr', [Oid.bytea, I4, I4], Oid.bytea, (a) => {
  const b = a[0] as Uint8Array;
  const from = n(a[1]!) - 1;
  const cnt = n(a[2]!);
  if (cnt < 0) throw new SqlError('22011', 'negative substring length not allowed');
  return b.slice(Math.max(from, 0), Math.max(from + cnt, 0));
});

function strpos(str: string, sub: string): number {
  const i = str.indexOf(sub);
  return i < 0 ? 0 : charLength(str.slice(0, i)) + 1;
}
def('position', [T, T], I4, (a) => strpos(s(a[0]!), s(a[1]!)));
def('strpos', [T, T], I4, (a) => strpos(s(a[0]!), s(a[1]!)));

function trimChars(str: string, chars: string, left: boolean, right: boolean): string {
  const set = new Set([...chars]);
  const cps = [...str];
  let b = 0;
  let e = cps.length;
  if (left) while (b < e && set.has(cps[b]!)) b++;
  if (right) while (e > b && set.has(cps[e - 1]!)) e--;
  return cps.slice(b, e).join('');
}
for (const [name, l, r] of [['btrim', true, true], ['ltrim', true, false], ['rtrim', false, true]] as const) {
  def(name, [T], T, (a) => trimChars(s(a[0]!), ' ', l, r));
  def(name, [T, T], T, (a) => trimChars(s(a[0]!), s(a[1]!), l, r));
}

function pad(str: string, len: number, fill: string, left: boolean): string {
  const cps = [...str];
  if (len <= 0) return '';
  if (cps.length >= len) return cps.slice(0, len).join('');
  const f = [...fill];
  if (f.length === 0) return str;
  const need = len - cps.length;
  const padding: string[] = [];
  for (let i = 0; i < need; i++) padding.push(f[i % f.length]!);
  return left ? padding.join('') + str : str + padding.join('');
}
def('lpad', [T, I4], T, (a) => pad(s(a[0]!), n(a[1]!), ' ', true));
def('lpad', [T, I4, T], T, (a) => pad(s(a[0]!), n(a[1]!), s(a[2]!), true));
def('rpad', [T, I4], T, (a) => pad(s(a[0]!), n(a[1]!), ' ', false));
def('rpad', [T, I4, T], T, (a) => pad(s(a[0]!), n(a[1]!), s(a[2]!), false));
def('replace', [T, T, T], T, (a) => (s(a[1]!) === '' ? s(a[0]!) : s(a[0]!).split(s(a[1]!)).join(s(a[2]!))));
def('left', [T, I4], T, (a) => {
  const cps = [...s(a[0]!)];
  const k = n(a[1]!);
  return cps.slice(0, k >= 0 ? k : Math.max(cps.length + k, 0)).join('');
});
def('right', [T, I4], T, (a) => {
  const cps = [...s(a[0]!)];
  const k = n(a[1]!);
  return k >= 0 ? cps.slice(Math.max(cps.length - k, 0)).join('') : cps.slice(Math.min(-k, cps.length)).join('');
});
export const repeatBytesMax = 1073741823;
def('repeat', [T, I4], T, (a) => {
  const k = Math.max(n(a[1]!), 0);
  if (Buffer.byteLength(s(a[0]!)) * k > repeatBytesMax) throw new SqlError(SqlState.programLimitExceeded, 'requested length too large');
  return s(a[0]!).repeat(k);
});
def('reverse', [T], T, (a) => [...s(a[0]!)].reverse().join(''));
def('split_part', [T, T, I4], T, (a) => {
  const str = s(a[0]!);
  const delim = s(a[1]!);
  const k = n(a[2]!);
  if (k === 0) throw new SqlError(SqlState.invalidParameterValue, 'field position must not be zero');
  const parts = delim === '' ? [str] : str.split(delim);
  const idx = k > 0 ? k - 1 : parts.length + k;
  return parts[idx] ?? '';
});
def('starts_with', [T, T], Oid.bool, (a) => s(a[0]!).startsWith(s(a[1]!)));
def('md5', [T], T, (a) => createHash('md5').update(s(a[0]!)).digest('hex'));
def('md5', [Oid.bytea], T, (a) => createHash('md5').update(a[0] as Uint8Array).digest('hex'));
const bytesOf = (d: Datum): Buffer => Buffer.from(d as Uint8Array);
/** base64 lines are wrapped at 76 characters, as PostgreSQL's encode() does. */
const base64LineChars = 76;
def('encode', [Oid.bytea, T], T, (a) => {
  const b = bytesOf(a[0]!);
  switch (s(a[1]!).toLowerCase()) {
    case 'hex': return b.toString('hex');
    case 'base64': return (b.toString('base64').match(new RegExp(`.{1,${base64LineChars}}`, 'g')) ?? ['']).join('\n');
    case 'escape': return formatBytea(b, 'escape');
    default: throw new SqlError(SqlState.invalidParameterValue, `unrecognized encoding: "${s(a[1]!)}"`);
  }
});
def('decode', [T, T], Oid.bytea, (a) => {
  const t = s(a[0]!);
  switch (s(a[1]!).toLowerCase()) {
    case 'hex': return parseBytea('\\x' + t);
    case 'base64': {
      const clean = t.replace(/[\s]/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new SqlError(SqlState.invalidParameterValue, 'invalid base64 end sequence', { hint: 'Input data is missing padding, is truncated, or is otherwise corrupted.' });
      return Uint8Array.from(Buffer.from(clean, 'base64'));
    }
    case 'escape': return parseBytea(t.startsWith('\\x') ? '\\\\' + t.slice(1) : t);
    default: throw new SqlError(SqlState.invalidParameterValue, `unrecognized encoding: "${s(a[1]!)}"`);
  }
});
for (const alg of ['sha224', 'sha256', 'sha384', 'sha512']) {
  def(alg, [Oid.bytea], Oid.bytea, (a) => Uint8Array.from(createHash(alg).update(a[0] as Uint8Array).digest()));
}
def('num_nulls', [VARIADIC_ANY], I4, (a) => a.filter((x) => x === null).length, { strict: false });
def('num_nonnulls', [VARIADIC_ANY], I4, (a) => a.filter((x) => x !== null).length, { strict: false });
def('ascii', [T], I4, (a) => s(a[0]!).codePointAt(0) ?? 0);
def('chr', [I4], T, (a) => {
  const c = n(a[0]!);
  if (c === 0) throw new SqlError('54000', 'null character not permitted');
  if (c < 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) throw new SqlError(SqlState.programLimitExceeded, 'requested character too large for encoding: ' + c);
  return String.fromCodePoint(c);
});
def('translate', [T, T, T], T, (a) => {
  const from = [...s(a[1]!)];
  const to = [...s(a[2]!)];
  return [...s(a[0]!)].map((c) => {
    const i = from.indexOf(c);
    return i < 0 ? c : (to[i] ?? '');
  }).join('');
});
def('regexp_replace', [T, T, T], T, (a) => s(a[0]!).replace(posixRegExp(s(a[1]!), 'u'), s(a[2]!).replace(/\\(\d)/g, '$$$1').replace(/\\&/g, '$&')));
def('regexp_replace', [T, T, T, T], T, (a) => {
  const flags = s(a[3]!);
  const re = posixRegExp(s(a[1]!), 'u' + (flags.includes('g') ? 'g' : '') + (flags.includes('i') ? 'i' : ''));
  return s(a[0]!).replace(re, s(a[2]!).replace(/\\(\d)/g, '$$$1').replace(/\\&/g, '$&'));
});
def('regexp_like', [T, T], Oid.bool, (a) => regexMatch(s(a[0]!), s(a[1]!), false));
def('to_hex', [I4], T, (a) => (n(a[0]!) >>> 0).toString(16));
def('to_hex', [Oid.int8], T, (a) => BigInt.asUintN(64, a[0] as bigint).toString(16));
def('quote_ident', [T], T, (a) => (/^[a-z_][a-z0-9_$]*$/.test(s(a[0]!)) ? s(a[0]!) : '"' + s(a[0]!).replace(/"/g, '""') + '"'));
def('quote_literal', [T], T, (a) => {
  const v = s(a[0]!);
  const body = "'" + v.replace(/'/g, "''").replace(/\\/g, '\\\\') + "'";
  return v.includes('\\') ? 'E' + body : body;
});

function quoteIdent(v: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(v) ? v : '"' + v.replace(/"/g, '""') + '"';
}
function quoteLiteral(v: string): string {
  const body = "'" + v.replace(/'/g, "''").replace(/\\/g, '\\\\') + "'";
  return v.includes('\\') ? 'E' + body : body;
}
/** format(): %s %I %L %% with optional n$ positions and width/- flags. */
function formatFn(a: readonly Datum[], types: readonly SqlType[], ctx: EvalContext): Datum {
  if (a[0] === null) return null;
  const fmt = s(a[0]);
  let out = '';
  let next = 1;
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^(?:(\d+)\$)?(-)?(\d+)?([sIL%])?/.exec(fmt.slice(i + 1))!;
    if (m[4] === undefined) {
      const spec = fmt[i + 1 + m[0].length];
      if (spec === undefined) throw new SqlError(SqlState.invalidParameterValue, 'unterminated format() type specifier', { hint: 'For a single "%" use "%%".' });
      throw new SqlError(SqlState.invalidParameterValue, `unrecognized format() type specifier "${spec}"`, { hint: 'For a single "%" use "%%".' });
    }
    i += m[0].length;
    if (m[4] === '%') {
      out += '%';
      continue;
    }
    const argNo = m[1] !== undefined ? Number(m[1]) : next;
    next = argNo + 1;
    if (argNo >= a.length) throw new SqlError(SqlState.invalidParameterValue, 'too few arguments for format()');
    const v = a[argNo]!;
    const t = types[argNo]!;
    let text: string;
    if (m[4] === 'L') text = v === null ? 'NULL' : quoteLiteral(textOf(t, v, ctx));
    else if (m[4] === 'I') {
      if (v === null) throw new SqlError(SqlState.nullValueNotAllowed, 'null values cannot be formatted as an SQL identifier');
      text = quoteIdent(textOf(t, v, ctx));
    } else text = v === null ? '' : textOf(t, v, ctx);
    const width = m[3] === undefined ? 0 : Number(m[3]);
    out += m[2] === '-' ? text.padEnd(width, ' ') : text.padStart(width, ' ');
  }
  return out;
}
def('format', [T], T, (a, ctx, t) => formatFn(a, t, ctx), { strict: false, volatility: 'stable' });
def('format', [T, VARIADIC_ANY], T, (a, ctx, t) => formatFn(a, t, ctx), { strict: false, volatility: 'stable' });
def('similar_to_escape', [T], T, (a) => similarToRegex(s(a[0]!), null));
def('similar_to_escape', [T, T], T, (a) => similarToRegex(s(a[0]!), s(a[1]!)));
def('like_escape', [T, T], T, (a) => {
  const pat = s(a[0]!);
  const esc = [...s(a[1]!)];
  if (esc.length > 1) {
    throw new SqlError(SqlState.invalidEscapeSequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  if (esc.length === 0) return pat.replace(/\\/g, '\\\\');
  const e = esc[0]!;
  let out = '';
  const cps = [...pat];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === e) {
      const n = cps[i + 1];
      if (n !== undefined) {
        out += '\\' + n;
        i++;
      } else out += '\\';
    } else out += c === '\\' ? '\\\\' : c;
  }
  return out;
});
function overlay(str: string, repl: string, from: number, count: number): string {
  if (from < 1) throw new SqlError('22011', 'negative substring length not allowed');
  const cps = [...str];
  return cps.slice(0, from - 1).join('') + repl + cps.slice(Math.max(from - 1 + count, 0)).join('');
}
def('overlay', [T, T, I4, I4], T, (a) => overlay(s(a[0]!), s(a[1]!), n(a[2]!), n(a[3]!)));
def('overlay', [T, T, I4], T, (a) => overlay(s(a[0]!), s(a[1]!), n(a[2]!), [...s(a[1]!)].length));
function regexpMatch(str: string, pattern: string, flags: string): Datum {
  const m = posixRegExp(pattern, 'u' + (flags.includes('i') ? 'i' : '')).exec(str);
  if (m === null) return null;
  const groups = m.length > 1 ? m.slice(1).map((g) => g ?? null) : [m[0]];
  return new PgArray(Oid.text, groups);
}
def('regexp_match', [T, T], Oid._text, (a) => regexpMatch(s(a[0]!), s(a[1]!), ''));
def('regexp_match', [T, T, T], Oid._text, (a) => regexpMatch(s(a[0]!), s(a[1]!), s(a[2]!)));
def('to_number', [T, T], NUM, (a) => {
  const str = s(a[0]!);
  const neg = /-|\(.*\)/.test(str);
  const body = str.replace(/[^0-9.]/g, '');
  if (!/\d/.test(body)) throw new SqlError(SqlState.invalidTextRepresentation, `invalid input syntax for type numeric: " "`);
  const v = parseNumeric(body);
  return neg ? withScale(new N(v).neg(), numericScaleOf(v)) : v;
}, { volatility: 'stable' });
def('to_date', [T, T], Oid.date, (a) => {
  const f = parseWithTemplate(s(a[0]!), s(a[1]!));
  return Number(f.us / usPerDay);
}, { volatility: 'stable' });
def('to_timestamp', [T, T], Oid.timestamptz, (a, ctx) => {
  const f = parseWithTemplate(s(a[0]!), s(a[1]!));
  return localToUtc(f.us, zoneOrThrow(ctx.timeZone));
}, { volatility: 'stable' });

function textOf(t: SqlType, d: Datum, ctx: EvalContext): string {
  if (t.oid === Oid.bool) return d === true ? 't' : 'f';
  return formatText(t, d, ctx);
}
def('concat', [VARIADIC_ANY], T, (a, ctx, types) => a.map((d, i) => (d === null ? '' : textOf(types[i]!, d, ctx))).join(''), { strict: false });
def('concat_ws', [T, VARIADIC_ANY], T, (a, ctx, types) => {
  if (a[0] === null) return null;
  return a.slice(1).flatMap((d, i) => (d === null ? [] : [textOf(types[i + 1]!, d, ctx)])).join(s(a[0]!));
}, { strict: false });

// ─── Math ────────────────────────────────────────────────────────────────────────────────
def('abs', [Oid.int2], Oid.int2, (a) => checkInt(Oid.int2, BigInt(Math.abs(n(a[0]!)))));
def('abs', [I4], I4, (a) => checkInt(I4, BigInt(Math.abs(n(a[0]!)))));
def('abs', [Oid.int8], Oid.int8, (a) => checkInt(Oid.int8, (a[0] as bigint) < 0n ? -(a[0] as bigint) : (a[0] as bigint)));
def('abs', [Oid.float4], Oid.float4, (a) => Math.abs(n(a[0]!)));
def('abs', [F8], F8, (a) => Math.abs(n(a[0]!)));
def('abs', [NUM], NUM, (a) => numericAbs(dec(a[0]!)));
for (const name of ['ceil', 'ceiling']) {
  def(name, [F8], F8, (a) => Math.ceil(n(a[0]!)));
  def(name, [NUM], NUM, (a) => numericCeil(dec(a[0]!)));
}
def('floor', [F8], F8, (a) => Math.floor(n(a[0]!)));
def('floor', [NUM], NUM, (a) => numericFloor(dec(a[0]!)));
function rint(v: number): number {
  if (!Number.isFinite(v)) return v;
  const r = Math.round(v);
  const out = Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  return out === 0 && (v < 0 || Object.is(v, -0)) ? -0 : out;
}
def('round', [F8], F8, (a) => rint(n(a[0]!)));
def('round', [NUM], NUM, (a) => numericRound(dec(a[0]!), 0));
def('round', [NUM, I4], NUM, (a) => numericRound(dec(a[0]!), n(a[1]!)));
def('trunc', [F8], F8, (a) => Math.trunc(n(a[0]!)));
def('trunc', [NUM], NUM, (a) => numericTrunc(dec(a[0]!), 0));
def('trunc', [NUM, I4], NUM, (a) => numericTrunc(dec(a[0]!), n(a[1]!)));
for (const t of [Oid.int2, I4, Oid.int8]) {
  def('mod', [t, t], t, (a) => {
    const x = BigInt(a[0] as number | bigint);
    const y = BigInt(a[1] as number | bigint);
    if (y === 0n) throw new SqlError(SqlState.divisionByZero, 'division by zero');
    return checkInt(t, x % y);
  });
}
def('mod', [NUM, NUM], NUM, (a) => numericMod(dec(a[0]!), dec(a[1]!)));
def('div', [NUM, NUM], NUM, (a) => numericDivTrunc(dec(a[0]!), dec(a[1]!)));
for (const name of ['power', 'pow']) {
  def(name, [F8, F8], F8, (a) => floatPow(n(a[0]!), n(a[1]!)));
  def(name, [NUM, NUM], NUM, (a) => numericPower(dec(a[0]!), dec(a[1]!)));
}
def('sqrt', [F8], F8, (a) => {
  if (n(a[0]!) < 0) throw new SqlError('2201F', 'cannot take square root of a negative number');
  return Math.sqrt(n(a[0]!));
});
def('sqrt', [NUM], NUM, (a) => numericSqrt(dec(a[0]!)));
def('cbrt', [F8], F8, (a) => Math.cbrt(n(a[0]!)));
def('exp', [F8], F8, (a) => {
  const r = Math.exp(n(a[0]!));
  if (!Number.isFinite(r) && Number.isFinite(n(a[0]!))) throw floatOverflow();
  return r;
});
def('exp', [NUM], NUM, (a) => numericExp(dec(a[0]!)));
function lnCheck(v: number): void {
  if (v === 0) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (v < 0) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
}
def('ln', [F8], F8, (a) => (lnCheck(n(a[0]!)), Math.log(n(a[0]!))));
def('ln', [NUM], NUM, (a) => numericLn(dec(a[0]!)));
for (const name of ['log', 'log10']) {
  def(name, [F8], F8, (a) => (lnCheck(n(a[0]!)), Math.log10(n(a[0]!))));
  def(name, [NUM], NUM, (a) => numericLog10(dec(a[0]!)));
}
def('log', [NUM, NUM], NUM, (a) => numericLogBase(dec(a[0]!), dec(a[1]!)));
def('sign', [F8], F8, (a) => Math.sign(n(a[0]!)) || 0);
def('sign', [NUM], NUM, (a) => {
  const d = dec(a[0]!);
  return withScale(new N(d.isNaN() ? NaN : d.isZero() ? 0 : d.isNegative() ? -1 : 1), 0);
});
def('pi', [], F8, () => Math.PI);
def('degrees', [F8], F8, (a) => (n(a[0]!) * 180) / Math.PI);
def('radians', [F8], F8, (a) => (n(a[0]!) * Math.PI) / 180);
for (const [name, f] of [['sin', Math.sin], ['cos', Math.cos], ['tan', Math.tan], ['asin', Math.asin], ['acos', Math.acos], ['atan', Math.atan]] as const) {
  def(name, [F8], F8, (a) => f(n(a[0]!)));
}
def('atan2', [F8, F8], F8, (a) => Math.atan2(n(a[0]!), n(a[1]!)));
def('random', [], F8, (_a, ctx) => ctx.random(), { volatility: 'volatile' });
def('gen_random_uuid', [], Oid.uuid, () => randomUUID(), { volatility: 'volatile' });
def('version', [], T, (_a, ctx) => ctx.versionString, { volatility: 'stable' });

// nodedb has no advisory locks, so a session never holds one: releasing all is exactly nothing.
// (pg_advisory_lock and friends are not provided; asyncpg's pool calls this on every release.)
def('pg_advisory_unlock_all', [], Oid.void, () => '', { volatility: 'volatile' });

// ─── Session parameters ──────────────────────────────────────────────────────────────────
function sessionSettings(ctx: EvalContext): NonNullable<EvalContext['settings']> {
  if (ctx.settings === undefined) throw new SqlError(SqlState.featureNotSupported, 'configuration parameters are not available in this context');
  return ctx.settings;
}
def('current_setting', [T], T, (a, ctx) => sessionSettings(ctx).get(s(a[0]!), false), { volatility: 'stable' });
def('current_setting', [T, Oid.bool], T, (a, ctx) => sessionSettings(ctx).get(s(a[0]!), a[1] === true), { volatility: 'stable' });
def(
  'set_config',
  [T, T, Oid.bool],
  T,
  (a, ctx) => {
    if (a[0] === null) throw new SqlError(SqlState.nullValueNotAllowed, 'SET requires parameter name');
    return sessionSettings(ctx).set(s(a[0]), a[1] === null ? '' : s(a[1]), a[2] === true);
  },
  { volatility: 'volatile', strict: false },
);

// ─── Date/time ───────────────────────────────────────────────────────────────────────────
def('now', [], Oid.timestamptz, (_a, ctx) => ctx.txnTimestampMicros, { volatility: 'stable' });
def('transaction_timestamp', [], Oid.timestamptz, (_a, ctx) => ctx.txnTimestampMicros, { volatility: 'stable' });
def('statement_timestamp', [], Oid.timestamptz, (_a, ctx) => ctx.statementTimestampMicros, { volatility: 'stable' });
def('clock_timestamp', [], Oid.timestamptz, (_a, ctx) => ctx.clockTimestampMicros(), { volatility: 'volatile' });
def('timeofday', [], T, (_a, ctx) => formatText(sqlType(Oid.timestamptz), ctx.clockTimestampMicros(), ctx), { volatility: 'volatile' });

function numericText(v: string): Datum {
  return v === 'NULL' ? null : parseNumeric(v);
}
function floatText(v: string): Datum {
  return v === 'NULL' ? null : Number(v);
}
const tsPart = (unit: string, us: bigint, tz: boolean, ctx: EvalContext): string => {
  if (!tz) return extractFromTimestamp(unit, us, us, undefined, 'timestamp without time zone');
  const { localUs, offsetSec } = utcToLocal(us, zoneOrThrow(ctx.timeZone));
  return extractFromTimestamp(unit, localUs, us, offsetSec, 'timestamp with time zone');
};
for (const [name, conv, res] of [['date_part', floatText, F8], ['extract', numericText, NUM]] as const) {
  def(name, [T, Oid.timestamp], res, (a, ctx) => conv(tsPart(s(a[0]!), a[1] as bigint, false, ctx)));
  def(name, [T, Oid.timestamptz], res, (a, ctx) => conv(tsPart(s(a[0]!), a[1] as bigint, true, ctx)), { volatility: 'stable' });
  def(name, [T, Oid.date], res, (a) => conv(extractFromDate(s(a[0]!), n(a[1]!))));
  def(name, [T, Oid.time], res, (a) => conv(extractFromTime(s(a[0]!), a[1] as bigint)));
  def(name, [T, Oid.interval], res, (a) => conv(extractFromInterval(s(a[0]!), a[1] as Interval)));
}
def('date_trunc', [T, Oid.timestamp], Oid.timestamp, (a) => dateTruncTimestamp(s(a[0]!), a[1] as bigint, undefined));
def('date_trunc', [T, Oid.timestamptz], Oid.timestamptz, (a, ctx) => dateTruncTimestamp(s(a[0]!), a[1] as bigint, zoneOrThrow(ctx.timeZone)), { volatility: 'stable' });
def('date_trunc', [T, Oid.timestamptz, T], Oid.timestamptz, (a) => dateTruncTimestamp(s(a[0]!), a[1] as bigint, zoneOrThrow(s(a[2]!))));
def('date_trunc', [T, Oid.interval], Oid.interval, (a) => dateTruncInterval(s(a[0]!), a[1] as Interval));
const localMidnightToday = (ctx: EvalContext): bigint =>
  BigInt(splitMicros(utcToLocal(ctx.txnTimestampMicros, zoneOrThrow(ctx.timeZone)).localUs).days) * usPerDay;
def('age', [Oid.timestamp, Oid.timestamp], Oid.interval, (a) => age(a[0] as bigint, a[1] as bigint));
def('age', [Oid.timestamp], Oid.interval, (a, ctx) => age(localMidnightToday(ctx), a[0] as bigint), { volatility: 'stable' });
def('age', [Oid.timestamptz, Oid.timestamptz], Oid.interval, (a, ctx) => {
  const z = zoneOrThrow(ctx.timeZone);
  return age(utcToLocal(a[0] as bigint, z).localUs, utcToLocal(a[1] as bigint, z).localUs);
}, { volatility: 'stable' });
// AT TIME ZONE (the parser calls timezone(zone, value)).
/** Interval text in error messages is printed in the default style. */
const messageFormat: FormatContext = { timeZone: 'UTC', dateStyle: 'ISO, MDY', intervalStyle: 'postgres', extraFloatDigits: 1, byteaOutput: 'hex' };
const ivZone = (iv: Interval): Zone => {
  if (iv.months !== 0 || iv.days !== 0) {
    throw new SqlError(SqlState.invalidParameterValue, `interval time zone "${formatText(sqlType(Oid.interval), iv, messageFormat)}" must not include months or days`);
  }
  return { kind: 'fixed', offsetSec: Number(iv.micros / 1000000n) };
};
const isInfTs = (us: bigint): boolean => us === 9223372036854775807n || us === -9223372036854775808n;
def('timezone', [T, Oid.timestamptz], Oid.timestamp, (a) => (isInfTs(a[1] as bigint) ? a[1]! : utcToLocal(a[1] as bigint, zoneForAtTimeZone(s(a[0]!))).localUs));
def('timezone', [T, Oid.timestamp], Oid.timestamptz, (a) => (isInfTs(a[1] as bigint) ? a[1]! : localToUtc(a[1] as bigint, zoneForAtTimeZone(s(a[0]!)))));
def('timezone', [Oid.interval, Oid.timestamptz], Oid.timestamp, (a) => (isInfTs(a[1] as bigint) ? a[1]! : utcToLocal(a[1] as bigint, ivZone(a[0] as Interval)).localUs));
def('timezone', [Oid.interval, Oid.timestamp], Oid.timestamptz, (a) => (isInfTs(a[1] as bigint) ? a[1]! : localToUtc(a[1] as bigint, ivZone(a[0] as Interval))));
def('justify_days', [Oid.interval], Oid.interval, (a) => {
  const iv = a[0] as Interval;
  const m = Math.trunc(iv.days / 30);
  return new Interval(iv.months + m, iv.days - m * 30, iv.micros);
});
def('justify_hours', [Oid.interval], Oid.interval, (a) => {
  const iv = a[0] as Interval;
  const d = iv.micros / usPerDay;
  return new Interval(iv.months, iv.days + Number(d), iv.micros - d * usPerDay);
});
def('justify_interval', [Oid.interval], Oid.interval, (a) => {
  const iv = a[0] as Interval;
  const d = iv.micros / usPerDay;
  let days = iv.days + Number(d);
  let micros = iv.micros - d * usPerDay;
  let months = iv.months + Math.trunc(days / 30);
  days -= Math.trunc(days / 30) * 30;
  if (months > 0 && (days < 0 || (days === 0 && micros < 0))) {
    days += 30;
    months--;
  } else if (months < 0 && (days > 0 || (days === 0 && micros > 0))) {
    days -= 30;
    months++;
  }
  if (days > 0 && micros < 0) {
    micros += usPerDay;
    days--;
  } else if (days < 0 && micros > 0) {
    micros -= usPerDay;
    days++;
  }
  return new Interval(months, days, micros);
});
def('isfinite', [Oid.date], Oid.bool, (a) => Number.isFinite(a[0] as number));
def('isfinite', [Oid.timestamp], Oid.bool, (a) => !isInfTs(a[0] as bigint));
def('isfinite', [Oid.timestamptz], Oid.bool, (a) => !isInfTs(a[0] as bigint));
def('isfinite', [Oid.interval], Oid.bool, () => true);
def('make_date', [I4, I4, I4], Oid.date, (a) => {
  const [y, m, d] = [n(a[0]!), n(a[1]!), n(a[2]!)];
  if (y === 0 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y < 0 ? y + 1 : y, m)) {
    throw new SqlError(SqlState.datetimeFieldOverflow, `date field value out of range: ${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  }
  return daysFromCivil(y < 0 ? y + 1 : y, m, d);
});
def('to_timestamp', [F8], Oid.timestamptz, (a) => {
  const v = n(a[0]!);
  if (Number.isNaN(v)) throw new SqlError(SqlState.datetimeFieldOverflow, 'timestamp cannot be NaN');
  if (!Number.isFinite(v)) return v > 0 ? 9223372036854775807n : -9223372036854775808n;
  return BigInt(Math.round(v * 1e6)) - 946684800000000n;
});
const tzAbbrevFor = (offsetSec: number): string => {
  if (offsetSec === 0) return 'UTC';
  const a = Math.abs(offsetSec);
  return (offsetSec < 0 ? '-' : '+') + String(Math.floor(a / 3600)).padStart(2, '0') + (a % 3600 ? String(Math.floor((a % 3600) / 60)).padStart(2, '0') : '');
};
def('to_char', [Oid.timestamp, T], T, (a) => toCharDateTime(charFieldsFromLocal(a[0] as bigint, 0, ''), s(a[1]!)), { volatility: 'stable' });
def('to_char', [Oid.timestamptz, T], T, (a, ctx) => {
  const { localUs, offsetSec } = utcToLocal(a[0] as bigint, zoneOrThrow(ctx.timeZone));
  return toCharDateTime(charFieldsFromLocal(localUs, offsetSec, tzAbbrevFor(offsetSec)), s(a[1]!));
}, { volatility: 'stable' });
def('to_char', [Oid.interval, T], T, (a) => toCharDateTime(charFieldsFromInterval(a[0] as Interval), s(a[1]!)), { volatility: 'stable' });
def('to_char', [NUM, T], T, (a) => toCharNumber(formatNumeric(dec(a[0]!)), s(a[1]!)), { volatility: 'stable' });
def('to_char', [Oid.int8, T], T, (a) => toCharNumber(String(a[0]), s(a[1]!)), { volatility: 'stable' });
def('to_char', [I4, T], T, (a) => toCharNumber(String(a[0]), s(a[1]!)), { volatility: 'stable' });
def('to_char', [F8, T], T, (a) => toCharNumber(String(Number(n(a[0]!).toPrecision(15))), s(a[1]!)), { volatility: 'stable' });

// ─── Arrays ──────────────────────────────────────────────────────────────────────────────
const arr = (d: Datum): PgArray => d as PgArray;
def('array_length', [ANYARRAY, I4], I4, (a) => arr(a[0]!).dims[n(a[1]!) - 1] ?? null);
def('array_upper', [ANYARRAY, I4], I4, (a) => {
  const x = arr(a[0]!);
  const d = n(a[1]!) - 1;
  return x.dims[d] === undefined ? null : x.lbounds[d]! + x.dims[d]! - 1;
});
def('array_lower', [ANYARRAY, I4], I4, (a) => arr(a[0]!).lbounds[n(a[1]!) - 1] ?? null);
def('array_ndims', [ANYARRAY], I4, (a) => (arr(a[0]!).dims.length === 0 ? null : arr(a[0]!).dims.length));
def('array_dims', [ANYARRAY], T, (a) => {
  const x = arr(a[0]!);
  return x.dims.length === 0 ? null : x.dims.map((d, i) => `[${x.lbounds[i]}:${x.lbounds[i]! + d - 1}]`).join('');
});
def('cardinality', [ANYARRAY], I4, (a) => arr(a[0]!).items.length);
def('array_append', [ANYARRAY, ANYELEMENT], ANYARRAY, (a, _c, t) => {
  const x = a[0] === null ? new PgArray(t[1]!.oid, []) : arr(a[0]);
  return arrayAppend(arrayElemOid(t[0]!.oid), x, a[1]!);
}, { strict: false });
def('array_prepend', [ANYELEMENT, ANYARRAY], ANYARRAY, (a, _c, t) => {
  const x = a[1] === null ? new PgArray(t[0]!.oid, []) : arr(a[1]);
  return arrayPrepend(arrayElemOid(t[1]!.oid), a[0]!, x);
}, { strict: false });
def('array_cat', [ANYARRAY, ANYARRAY], ANYARRAY, (a, _c, t) => {
  if (a[0] === null) return a[1]!;
  if (a[1] === null) return a[0];
  return arrayConcat(arrayElemOid(t[0]!.oid), arr(a[0]), arr(a[1]));
}, { strict: false });
def('array_position', [ANYARRAY, ANYELEMENT], I4, (a, _c, t) => {
  if (a[0] === null) return null;
  const x = arr(a[0]);
  if (x.dims.length > 1) throw new SqlError(SqlState.featureNotSupported, 'searching for elements in multidimensional arrays is not supported');
  const et = sqlType(arrayElemOid(t[0]!.oid));
  const i = x.items.findIndex((v) => (a[1] === null ? v === null : v !== null && equals(et, v, a[1]!)));
  return i < 0 ? null : i + (x.lbounds[0] ?? 1);
}, { strict: false });
def('array_remove', [ANYARRAY, ANYELEMENT], ANYARRAY, (a, _c, t) => {
  if (a[0] === null) return null;
  const x = arr(a[0]);
  if (x.dims.length > 1) throw new SqlError(SqlState.featureNotSupported, 'removing elements from multidimensional arrays is not supported');
  const et = sqlType(arrayElemOid(t[0]!.oid));
  const items = x.items.filter((v) => !(a[1] === null ? v === null : v !== null && equals(et, v, a[1]!)));
  return new PgArray(x.elemOid, items);
}, { strict: false });
function arrayToString(x: PgArray, elem: SqlType, delim: string, nullStr: string | null, ctx: EvalContext): string {
  const parts: string[] = [];
  for (const v of x.items) {
    if (v === null) {
      if (nullStr !== null) parts.push(nullStr);
    } else parts.push(formatText(elem, v, ctx));
  }
  return parts.join(delim);
}
def('array_to_string', [ANYARRAY, T], T, (a, ctx, t) => arrayToString(arr(a[0]!), sqlType(arrayElemOid(t[0]!.oid)), s(a[1]!), null, ctx), { volatility: 'stable' });
def('array_to_string', [ANYARRAY, T, T], T, (a, ctx, t) => {
  if (a[0] === null || a[1] === null) return null;
  return arrayToString(arr(a[0]), sqlType(arrayElemOid(t[0]!.oid)), s(a[1]), a[2] === null ? null : s(a[2]), ctx);
}, { volatility: 'stable', strict: false });
function stringToArray(str: string, delim: string | null, nullStr: string | null): PgArray {
  let parts: string[];
  if (str === '') parts = [];
  else if (delim === null) parts = [...str];
  else if (delim === '') parts = [str];
  else parts = str.split(delim);
  return new PgArray(Oid.text, parts.map((p) => (nullStr !== null && p === nullStr ? null : p)));
}
def('string_to_array', [T, T], Oid._text, (a) => (a[0] === null ? null : stringToArray(s(a[0]), a[1] === null ? null : s(a[1]), null)), { strict: false });
def('string_to_array', [T, T, T], Oid._text, (a) => (a[0] === null ? null : stringToArray(s(a[0]), a[1] === null ? null : s(a[1]), a[2] === null ? null : s(a[2]))), { strict: false });

// ─── json ────────────────────────────────────────────────────────────────────────────────
def('jsonb_typeof', [Oid.jsonb], T, (a) => jsonTypeof(parseJson(s(a[0]!), 'jsonb')));
def('json_typeof', [Oid.json], T, (a) => jsonTypeof(parseJson(s(a[0]!), 'json')));
def('to_jsonb', [ANYELEMENT], Oid.jsonb, (a, ctx, t) => jsonbCanonical(parseJson(datumToJson(t[0]!, a[0]!, ctx, true), 'jsonb')), { volatility: 'stable' });
def('to_json', [ANYELEMENT], Oid.json, (a, ctx, t) => datumToJson(t[0]!, a[0]!, ctx, false), { volatility: 'stable' });
function buildObject(a: readonly Datum[], types: readonly SqlType[], ctx: EvalContext, jsonb: boolean): string {
  if (a.length % 2 !== 0) {
    throw new SqlError(SqlState.invalidParameterValue, 'argument list must have even number of elements', {
      hint: `The arguments of ${jsonb ? 'jsonb' : 'json'}_build_object() must consist of alternating keys and values.`,
    });
  }
  const parts: string[] = [];
  for (let i = 0; i < a.length; i += 2) {
    if (a[i] === null) {
      throw new SqlError(SqlState.invalidParameterValue, jsonb ? 'argument 1: key must not be null' : `argument ${i + 1} cannot be null`, jsonb ? {} : { hint: 'Object keys should be text.' });
    }
    const key = textOf(types[i]!, a[i]!, ctx);
    parts.push(`${escapeJsonString(key)}${jsonb ? ': ' : ' : '}${datumToJson(types[i + 1]!, a[i + 1]!, ctx, jsonb)}`);
  }
  const text = jsonb ? '{' + parts.join(', ') + '}' : '{' + parts.join(', ') + '}';
  return jsonb ? jsonbCanonical(parseJson(text, 'jsonb')) : text;
}
def('json_build_object', [VARIADIC_ANY], Oid.json, (a, ctx, t) => buildObject(a, t, ctx, false), { strict: false, volatility: 'stable' });
def('jsonb_build_object', [VARIADIC_ANY], Oid.jsonb, (a, ctx, t) => buildObject(a, t, ctx, true), { strict: false, volatility: 'stable' });
def('json_build_array', [VARIADIC_ANY], Oid.json, (a, ctx, t) => '[' + a.map((d, i) => datumToJson(t[i]!, d, ctx, false)).join(', ') + ']', { strict: false, volatility: 'stable' });
def('jsonb_build_array', [VARIADIC_ANY], Oid.jsonb, (a, ctx, t) => '[' + a.map((d, i) => datumToJson(t[i]!, d, ctx, true)).join(', ') + ']', { strict: false, volatility: 'stable' });
def('json_build_object', [], Oid.json, () => '{}', { volatility: 'stable' });
def('jsonb_build_object', [], Oid.jsonb, () => '{}', { volatility: 'stable' });
def('json_build_array', [], Oid.json, () => '[]', { volatility: 'stable' });
def('jsonb_build_array', [], Oid.jsonb, () => '[]', { volatility: 'stable' });
def('pg_typeof', [VARIADIC_ANY], Oid.regtype, (_a, _c, t) => t[0]!.oid, { strict: false, volatility: 'stable' });
// Enum support functions: the type comes from the argument's type, so NULL::mood works (not strict).
const safeLabel = (oid: number, l: string | undefined): string | null => (l === undefined ? null : checkSafeEnumUse(oid, l));
def('enum_first', [ANYENUM], ANYENUM, (_a, _c, t) => safeLabel(t[0]!.oid, enumLabels(t[0]!.oid)[0]), { strict: false, volatility: 'stable' });
def('enum_last', [ANYENUM], ANYENUM, (_a, _c, t) => safeLabel(t[0]!.oid, enumLabels(t[0]!.oid).at(-1)), { strict: false, volatility: 'stable' });
def('enum_range', [ANYENUM], ANYARRAY, (_a, _c, t) => new PgArray(t[0]!.oid, enumLabels(t[0]!.oid).map((l) => checkSafeEnumUse(t[0]!.oid, l))), { strict: false, volatility: 'stable' });
def('enum_range', [ANYENUM, ANYENUM], ANYARRAY, (a, _c, t) => {
  const labels = enumLabels(t[0]!.oid);
  const lo = a[0] === null ? 0 : labels.indexOf(a[0] as string);
  const hi = a[1] === null ? labels.length - 1 : labels.indexOf(a[1] as string);
  return new PgArray(t[0]!.oid, lo <= hi ? labels.slice(lo, hi + 1).map((l) => checkSafeEnumUse(t[0]!.oid, l)) : []);
}, { strict: false, volatility: 'stable' });

// ─── Resolution ──────────────────────────────────────────────────────────────────────────

function signature(name: string, argTypes: readonly SqlType[]): string {
  return `${name}(${argTypes.map((t) => formatTypeOid(t.oid, -1)).join(', ')})`;
}

function noFunction(name: string, argTypes: readonly SqlType[]): SqlError {
  return new SqlError(SqlState.undefinedFunction, `function ${signature(name, argTypes)} does not exist`, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

/** Concrete parameter types of a candidate for the given inputs, or undefined when it cannot apply. */
function concreteParams(d: FnDef, inputs: readonly number[]): number[] | undefined {
  if (d.params[d.params.length - 1] === VARIADIC_ANY) {
    const fixedCount = d.params.length - 1;
    if (inputs.length <= fixedCount || (d.name === 'pg_typeof' && inputs.length !== 1)) return undefined;
    if (d.name === 'pg_typeof') return [...inputs];
    return inputs.map((t, i) => (i < fixedCount ? d.params[i]! : t === Oid.unknown ? Oid.text : t));
  }
  if (d.params.length !== inputs.length) return undefined;
  if (d.params.includes(ANYENUM)) {
    const known = inputs.filter((t) => t !== Oid.unknown);
    const e = known[0];
    if (e === undefined || !isEnumOid(e) || known.some((t) => t !== e)) return undefined;
    return d.params.map((p) => (p === ANYENUM ? e : p));
  }
  let elem: number | undefined;
  let array: number | undefined;
  d.params.forEach((p, i) => {
    const t = inputs[i]!;
    if (t === Oid.unknown) return;
    if (p === ANYARRAY && arrayElemOid(t) !== 0) array = t;
    if (p === ANYELEMENT) elem = t;
  });
  if (array === undefined && elem === undefined) {
    if (d.params.some((p) => p === ANYARRAY || p === ANYELEMENT)) {
      if (d.params.includes(ANYELEMENT) && !d.params.includes(ANYARRAY)) elem = Oid.text;
      else return undefined;
    }
  }
  if (array !== undefined && elem !== undefined && arrayElemOid(array) !== elem && !canImplicit(elem, arrayElemOid(array))) return undefined;
  if (array === undefined && elem !== undefined && d.params.includes(ANYARRAY)) {
    try {
      array = arrayTypeOf(elem);
    } catch {
      return undefined;
    }
  }
  if (array !== undefined && elem === undefined) elem = arrayElemOid(array);
  if (array !== undefined && d.params.includes(ANYELEMENT)) elem = arrayElemOid(array);
  return d.params.map((p) => (p === ANYARRAY ? array! : p === ANYELEMENT ? elem! : p));
}

function resultOid(d: FnDef, params: readonly number[]): number {
  if (d.params.includes(ANYENUM)) {
    const e = params[d.params.indexOf(ANYENUM)]!;
    return d.result === ANYARRAY ? arrayTypeOf(e) : d.result === ANYENUM ? e : d.result;
  }
  if (d.result === ANYARRAY) return params[d.params.indexOf(ANYARRAY)]!;
  if (d.result === ANYELEMENT) return params[d.params.indexOf(ANYELEMENT)]!;
  return d.result;
}

export function resolveFunction(fname: string, argTypes: readonly SqlType[]): ResolvedFunction {
  const name = fname.toLowerCase();
  const defs = fnTable.get(name);
  if (defs === undefined) throw noFunction(fname, argTypes);
  const inputs = argTypes.map((t) => t.oid);
  const cands: { d: FnDef; params: number[] }[] = [];
  for (const d of defs) {
    const params = concreteParams(d, inputs);
    if (params !== undefined) cands.push({ d, params });
  }
  const exactUnknown = (c: { params: number[] }): boolean =>
    c.params.every((p, i) => p === inputs[i] || (inputs[i] === Oid.unknown && false));
  let chosen = cands.find(exactUnknown);
  if (chosen === undefined) {
    const known = inputs.filter((t) => t !== Oid.unknown);
    const sameType = cands.find((c) => c.params.every((p, i) => (inputs[i] === Oid.unknown ? known.length > 0 && known.every((k) => k === p) : p === inputs[i])));
    chosen = sameType;
  }
  if (chosen === undefined) {
    const idx = selectCandidate(inputs, cands.map((c) => c.params));
    if (idx === -2) {
      throw new SqlError(SqlState.ambiguousFunction, `function ${signature(fname, argTypes)} is not unique`, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      });
    }
    if (idx < 0) throw noFunction(fname, argTypes);
    chosen = cands[idx]!;
  }
  const { d, params } = chosen;
  const types = params.map((p, i) => (p === inputs[i] ? argTypes[i]! : sqlType(p)));
  return {
    name,
    argTypes: types,
    resultType: sqlType(resultOid(d, params)),
    volatility: d.volatility,
    strict: d.strict,
    eval: (args, ctx) => d.fn(args, ctx, types),
  };
}

export function isFunctionName(name: string): boolean {
  return fnTable.has(name.toLowerCase());
}

export function functionNames(): readonly string[] {
  return [...fnTable.keys()];
}
