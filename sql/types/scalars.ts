/** Input/output functions of the simple scalar types (bool, integers, floats, bytea, uuid, text). */
import { SqlError, SqlState } from '../../util/errors.js';

export const int2Min = -32768;
export const int2Max = 32767;
export const int4Min = -2147483648;
export const int4Max = 2147483647;
export const int8Min = -9223372036854775808n;
export const int8Max = 9223372036854775807n;
export const nameBytesMax = 63;

function invalidSyntax(typeName: string, text: string): SqlError {
  return new SqlError(SqlState.invalidTextRepresentation, `invalid input syntax for type ${typeName}: "${text}"`);
}

function outOfRangeValue(typeName: string, text: string): SqlError {
  return new SqlError(SqlState.numericValueOutOfRange, `value "${text}" is out of range for type ${typeName}`);
}

export function parseBool(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t.length > 0) {
    if ('true'.startsWith(t) || 'yes'.startsWith(t) || t === 'on' || t === '1') return true;
    if ('false'.startsWith(t) || 'no'.startsWith(t) || t === 'off' || t === 'of' || t === '0') return false;
  }
  throw invalidSyntax('boolean', text);
}

const intRe = /^\s*([+-]?\d+)\s*$/;

export function parseInt8Text(text: string): bigint {
  const m = intRe.exec(text);
  if (m === null) throw invalidSyntax('bigint', text);
  const v = BigInt(m[1]!);
  if (v < int8Min || v > int8Max) throw outOfRangeValue('bigint', text);
  return v;
}

export function parseInt4Text(text: string, typeName: 'integer' | 'smallint' = 'integer'): number {
  const m = intRe.exec(text);
  if (m === null) throw invalidSyntax(typeName, text);
  const v = BigInt(m[1]!);
  const [lo, hi] = typeName === 'integer' ? [int4Min, int4Max] : [int2Min, int2Max];
  if (v < BigInt(lo) || v > BigInt(hi)) throw outOfRangeValue(typeName, text);
  return Number(v);
}

export function parseOid(text: string): number {
  const m = intRe.exec(text);
  if (m === null) throw invalidSyntax('oid', text);
  const v = BigInt(m[1]!);
  if (v < -2147483648n || v > 4294967295n) throw outOfRangeValue('oid', text);
  return Number(v < 0n ? v + 4294967296n : v);
}

const floatRe = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** float8in / float4in. */
export function parseFloat(text: string, float4: boolean): number {
  const typeName = float4 ? 'real' : 'double precision';
  const t = text.trim();
  const lower = t.toLowerCase();
  switch (lower) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'infinity':
    case '+infinity':
    case 'inf':
    case '+inf':
      return Infinity;
    case '-infinity':
    case '-inf':
      return -Infinity;
  }
  if (!floatRe.test(t)) throw invalidSyntax(typeName, text);
  let v = Number(t);
  const mantissaNonZero = /[1-9]/.test(t.replace(/[eE].*$/, ''));
  if (float4) {
    const f = Math.fround(v);
    if (!Number.isFinite(f) || (f === 0 && mantissaNonZero)) {
      throw new SqlError(SqlState.numericValueOutOfRange, `"${text}" is out of range for type real`);
    }
    v = f;
  } else if (!Number.isFinite(v) || (v === 0 && mantissaNonZero)) {
    throw new SqlError(SqlState.numericValueOutOfRange, `"${text}" is out of range for type double precision`);
  }
  return v;
}

/** %e-style exponent with at least two digits: e+06, e-05, e+100. */
function fmtExp(digits: string, exp: number): string {
  const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
  const e = Math.abs(exp);
  return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' + e : e}`;
}

/** Digits (no dot, no trailing zeros) and decimal exponent of |v| rendered with `sig` digits or shortest. */
function decimalDigits(v: number, sig: number | undefined): { digits: string; exp: number } {
  const s = sig === undefined ? Math.abs(v).toExponential() : Math.abs(v).toExponential(sig - 1);
  const [m, e] = s.split('e') as [string, string];
  const digits = m.replace('.', '').replace(/0+$/, '') || '0';
  return { digits, exp: Number(e) };
}

function placeDigits(digits: string, exp: number, sciIfExpBelow: number, sciIfExpAtLeast: number): string {
  if (exp < sciIfExpBelow || exp >= sciIfExpAtLeast) return fmtExp(digits, exp);
  if (exp < 0) return '0.' + '0'.repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return digits + '0'.repeat(exp + 1 - digits.length);
  return digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
}

/** Shortest digits that round-trip through float32. */
function shortestFloat4Digits(v: number): { digits: string; exp: number } {
  for (let p = 1; p < 9; p++) {
    const s = Math.abs(v).toPrecision(p);
    if (Math.fround(Number(s)) === Math.abs(v)) return decimalDigits(Number(s), p);
  }
  return decimalDigits(v, 9);
}

/** float8out / float4out honouring extra_float_digits. */
export function formatFloat(v: number, float4: boolean, extraFloatDigits: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const sign = v < 0 ? '-' : '';
  const digMax = float4 ? 6 : 15; // FLT_DIG / DBL_DIG
  if (extraFloatDigits > 0) {
    const { digits, exp } = float4 ? shortestFloat4Digits(v) : decimalDigits(v, undefined);
    return sign + placeDigits(digits, exp, -4, digMax);
  }
  const precision = Math.max(1, digMax + extraFloatDigits);
  const { digits, exp } = decimalDigits(v, precision);
  return sign + placeDigits(digits, exp, -4, precision);
}

const hexDigits = '0123456789abcdef';

export function parseBytea(text: string): Uint8Array {
  if (text.startsWith('\\x')) {
    const out: number[] = [];
    let i = 2;
    while (i < text.length) {
      const c = text[i]!;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        i++;
        continue;
      }
      const hi = hexDigits.indexOf(c.toLowerCase());
      if (hi < 0) throw new SqlError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${c}"`);
      if (i + 1 >= text.length) {
        throw new SqlError(SqlState.invalidParameterValue, 'invalid hexadecimal data: odd number of digits');
      }
      const c2 = text[i + 1]!;
      const lo = hexDigits.indexOf(c2.toLowerCase());
      if (lo < 0) throw new SqlError(SqlState.invalidParameterValue, `invalid hexadecimal digit: "${c2}"`);
      out.push(hi * 16 + lo);
      i += 2;
    }
    return Uint8Array.from(out);
  }
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const b = src[i]!;
    if (b !== 0x5c) {
      out.push(b);
      continue;
    }
    if (src[i + 1] === 0x5c) {
      out.push(0x5c);
      i++;
      continue;
    }
    const o = src.subarray(i + 1, i + 4).toString('latin1');
    if (/^[0-3][0-7][0-7]$/.test(o)) {
      out.push(parseInt(o, 8));
      i += 3;
      continue;
    }
    throw invalidSyntax('bytea', text);
  }
  return Uint8Array.from(out);
}

export function formatBytea(b: Uint8Array, style: 'hex' | 'escape'): string {
  if (style === 'hex') return '\\x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
  let s = '';
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c < 0x20 || c > 0x7e) s += '\\' + c.toString(8).padStart(3, '0');
    else s += String.fromCharCode(c);
  }
  return s;
}

export function parseUuid(text: string): string {
  let s = text;
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) throw invalidSyntax('uuid', text);
    s = s.slice(1, -1);
  }
  let hex = '';
  let i = 0;
  while (hex.length < 32) {
    const pair = s.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) throw invalidSyntax('uuid', text);
    hex += pair.toLowerCase();
    i += 2;
    if (s[i] === '-' && hex.length % 4 === 0 && hex.length < 32) i++;
  }
  if (i !== s.length) throw invalidSyntax('uuid', text);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Rejects NUL characters like PostgreSQL's UTF8 verifier. */
export function checkText(text: string): string {
  if (text.includes('\0')) {
    throw new SqlError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8": 0x00');
  }
  return text;
}

/** Number of characters (code points). */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

/** First `n` characters (code points). */
export function charPrefix(s: string, n: number): string {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) continue;
    if (count === n) return s.slice(0, i);
    count++;
  }
  return s;
}

/**
 * varchar(n)/char(n) length coercion. Explicit casts truncate silently; otherwise a value
 * longer than n is an error unless the excess is all spaces. char(n) pads with spaces.
 */
export function coerceCharLength(s: string, n: number, padded: boolean, explicit: boolean): string {
  const len = charLength(s);
  if (len > n) {
    const head = charPrefix(s, n);
    if (!explicit && /[^ ]/.test(s.slice(head.length))) {
      const typeText = padded ? `character(${n})` : `character varying(${n})`;
      throw new SqlError(SqlState.stringDataRightTruncation, `value too long for type ${typeText}`);
    }
    return head;
  }
  return padded && len < n ? s + ' '.repeat(n - len) : s;
}

/** name: truncated to 63 bytes on a character boundary. */
export function truncateName(s: string): string {
  if (Buffer.byteLength(s) <= nameBytesMax) return s;
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > nameBytesMax) break;
    out += ch;
  }
  return out;
}
