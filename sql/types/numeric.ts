/**
 * numeric: decimal.js values plus PostgreSQL's display scale (dscale). Decimal drops
 * trailing zeros, so the dscale of every value this module creates is kept in a side table
 * keyed by the (immutable) Decimal instance; values created elsewhere default to their
 * own number of decimal places.
 */
import { Decimal } from './datum.js';
import { SqlError, SqlState } from '../../util/errors.js';

/** Working precision (significant digits) for numeric arithmetic. */
export const numericPrecisionDigits = 2000;
export const numericDisplayScaleMax = 1000;
export const numericMinSigDigits = 16;

/** Exact-ish arithmetic; results are rounded to their PostgreSQL scale afterwards. */
export const N = Decimal.clone({
  precision: numericPrecisionDigits,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});
/** Division helper: truncates so a later half-up rounding to rscale is never a double rounding. */
const ND = N.clone({ rounding: Decimal.ROUND_DOWN });
/** Transcendental functions: decimal.js caps ln/exp precision near 1000 digits (its LN10 constant). */
export const transcendentalPrecisionDigits = 1000;
const NT = N.clone({ precision: transcendentalPrecisionDigits, rounding: Decimal.ROUND_DOWN });

const scales = new WeakMap<Decimal, number>();

export function withScale(d: Decimal, dscale: number): Decimal {
  const s = Math.max(0, dscale);
  const fresh = d.constructor === N && !scales.has(d);
  const r = fresh && (!d.isFinite() || d.decimalPlaces() <= s) ? d : d.isFinite() ? new N(d.toDecimalPlaces(s, Decimal.ROUND_HALF_UP)) : new N(d);
  scales.set(r, s);
  return r;
}

export function numericScale(d: Decimal): number {
  const s = scales.get(d);
  if (s !== undefined) return s;
  return d.isFinite() ? d.decimalPlaces() : 0;
}

export function numericFromInt(n: number | bigint): Decimal {
  return withScale(new N(n.toString()), 0);
}

const numericRe = /^\s*([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?\s*$/;

export function parseNumeric(text: string): Decimal {
  const m = numericRe.exec(text);
  if (m === null) {
    const t = text.trim().toLowerCase();
    if (t === 'nan') return withScale(new N(NaN), 0);
    if (t === 'infinity' || t === '+infinity' || t === 'inf' || t === '+inf') return withScale(new N(Infinity), 0);
    if (t === '-infinity' || t === '-inf') return withScale(new N(-Infinity), 0);
    throw new SqlError(SqlState.invalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
  }
  const mantissa = m[2]!;
  const dot = mantissa.indexOf('.');
  const fracDigits = dot < 0 ? 0 : mantissa.length - dot - 1;
  const exp = m[3] === undefined ? 0 : Number(m[3]);
  if (Math.abs(exp) > 1000) {
    throw new SqlError(SqlState.invalidTextRepresentation, `invalid input syntax for type numeric: "${text}"`);
  }
  const d = new N(m[1] + mantissa + (m[3] === undefined ? '' : 'e' + m[3]));
  return withScale(d, Math.max(0, fracDigits - exp));
}

export function formatNumeric(d: Decimal): string {
  if (d.isNaN()) return 'NaN';
  if (!d.isFinite()) return d.isNegative() ? '-Infinity' : 'Infinity';
  const scale = numericScale(d);
  // toString of our clone never uses exponent notation and is ~10x cheaper than toFixed.
  let s: string;
  if (d.constructor === N && d.decimalPlaces() <= scale) {
    s = d.toString();
    const dot = s.indexOf('.');
    const have = dot < 0 ? 0 : s.length - dot - 1;
    if (have < scale) s += (dot < 0 ? '.' : '') + '0'.repeat(scale - have);
  } else {
    s = d.toFixed(scale);
  }
  return s.startsWith('-') && /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Base-10000 weight of the most significant digit and that digit (for PG's scale rules). */
export function numericWeight(d: Decimal): { weight: number; firstDigit: number } {
  if (d.isZero() || !d.isFinite()) return { weight: 0, firstDigit: 0 };
  const e = d.e; // base-10 exponent of the most significant digit
  const weight = Math.floor(e / 4);
  const firstDigit = d.abs().div(new N(10000).pow(weight)).floor().toNumber();
  return { weight, firstDigit };
}

function clampScale(s: number): number {
  return Math.min(Math.max(s, 0), numericDisplayScaleMax);
}

export function numericAdd(a: Decimal, b: Decimal): Decimal {
  return withScale(new N(a).plus(b), Math.max(numericScale(a), numericScale(b)));
}

export function numericSub(a: Decimal, b: Decimal): Decimal {
  return withScale(new N(a).minus(b), Math.max(numericScale(a), numericScale(b)));
}

export function numericMul(a: Decimal, b: Decimal): Decimal {
  return withScale(new N(a).times(b), numericScale(a) + numericScale(b));
}

function divisionByZero(): SqlError {
  return new SqlError(SqlState.divisionByZero, 'division by zero');
}

/** PostgreSQL's select_div_scale. */
export function divScale(a: Decimal, b: Decimal): number {
  const wa = numericWeight(a);
  const wb = numericWeight(b);
  let qweight = wa.weight - wb.weight;
  if (wa.firstDigit <= wb.firstDigit) qweight--;
  let rscale = numericMinSigDigits - qweight * 4;
  rscale = Math.max(rscale, numericScale(a), numericScale(b));
  return clampScale(rscale);
}

export function numericDiv(a: Decimal, b: Decimal): Decimal {
  if (b.isZero() && !a.isNaN()) throw divisionByZero();
  if (a.isNaN() || b.isNaN()) return withScale(new N(NaN), 0);
  if (!a.isFinite() || !b.isFinite()) return withScale(new N(a).div(b), 0);
  const rscale = divScale(a, b);
  return withScale(new ND(a).div(b), rscale);
}

/** Integer division truncating toward zero (div()). */
export function numericDivTrunc(a: Decimal, b: Decimal): Decimal {
  if (b.isZero() && !a.isNaN()) throw divisionByZero();
  return withScale(new ND(a).div(b).trunc(), 0);
}

export function numericMod(a: Decimal, b: Decimal): Decimal {
  if (b.isZero() && !a.isNaN()) throw divisionByZero();
  if (a.isNaN() || b.isNaN()) return withScale(new N(NaN), 0);
  const q = new ND(a).div(b).trunc();
  return withScale(new N(a).minus(q.times(b)), Math.max(numericScale(a), numericScale(b)));
}

export function numericNeg(a: Decimal): Decimal {
  return withScale(new N(a).neg(), numericScale(a));
}

export function numericAbs(a: Decimal): Decimal {
  return withScale(new N(a).abs(), numericScale(a));
}

/** round(x, s): half away from zero; negative s rounds left of the point. */
export function numericRound(a: Decimal, s: number): Decimal {
  if (!a.isFinite()) return a;
  if (s >= 0) return withScale(new N(a).toDecimalPlaces(s, Decimal.ROUND_HALF_UP), s);
  const f = new N(10).pow(-s);
  return withScale(new N(a).div(f).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(f), 0);
}

export function numericTrunc(a: Decimal, s: number): Decimal {
  if (!a.isFinite()) return a;
  if (s >= 0) return withScale(new N(a).toDecimalPlaces(s, Decimal.ROUND_DOWN), s);
  const f = new N(10).pow(-s);
  return withScale(new N(a).div(f).trunc().times(f), 0);
}

export function numericCeil(a: Decimal): Decimal {
  return a.isFinite() ? withScale(new N(a).ceil(), 0) : a;
}

export function numericFloor(a: Decimal): Decimal {
  return a.isFinite() ? withScale(new N(a).floor(), 0) : a;
}

export function numericSqrt(a: Decimal): Decimal {
  if (a.isNegative() && !a.isZero()) {
    throw new SqlError('2201F', 'cannot take square root of a negative number');
  }
  if (!a.isFinite()) return a;
  const { weight } = numericWeight(a);
  const sweight = Math.floor(((weight + 1) * 4) / 2) - 1;
  const rscale = clampScale(Math.max(numericMinSigDigits - sweight, numericScale(a)));
  return withScale(new ND(a).sqrt(), rscale);
}

export function numericExp(a: Decimal): Decimal {
  if (!a.isFinite()) return a.isNaN() || a.isPositive() ? a : withScale(new N(0), 0);
  let val = a.toNumber() * 0.434294481903252;
  val = Math.max(-numericDisplayScaleMax, Math.min(numericDisplayScaleMax, val));
  const rscale = clampScale(Math.max(numericMinSigDigits - Math.trunc(val), numericScale(a)));
  return withScale(new NT(a).exp(), rscale);
}

/** PostgreSQL's estimate_ln_dweight. */
function lnDweight(a: Decimal): number {
  const x = a.toNumber();
  if (x >= 0.9 && x <= 1.1) {
    const diff = new N(a).minus(1).abs();
    if (diff.isZero()) return 0;
    return diff.e;
  }
  const v = Math.trunc(Math.log10(Math.abs(new NT(a).ln().toNumber())));
  return Number.isFinite(v) ? v : 0;
}

export function numericLn(a: Decimal): Decimal {
  if (a.isZero()) throw new SqlError('2201E', 'cannot take logarithm of zero');
  if (a.isNegative()) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
  if (!a.isFinite()) return a;
  const rscale = clampScale(Math.max(numericMinSigDigits - lnDweight(a), numericScale(a)));
  return withScale(new NT(a).ln(), rscale);
}

export function numericLog10(a: Decimal): Decimal {
  return numericLogBase(withScale(new N(10), 0), a);
}

export function numericLogBase(base: Decimal, x: Decimal): Decimal {
  for (const v of [base, x]) {
    if (v.isZero()) throw new SqlError('2201E', 'cannot take logarithm of zero');
    if (v.isNegative()) throw new SqlError('2201E', 'cannot take logarithm of a negative number');
  }
  if (base.eq(1)) throw divisionByZero();
  const ln1 = new NT(base).ln();
  const ln2 = new NT(x).ln();
  const dw1 = lnDweight(base);
  const dw2 = lnDweight(x);
  const rscale = clampScale(
    Math.max(numericMinSigDigits - (dw2 - dw1), numericScale(base), numericScale(x)),
  );
  return withScale(ln2.div(ln1), rscale);
}

export function numericPower(a: Decimal, b: Decimal): Decimal {
  if (a.isZero() && b.isNegative()) {
    throw new SqlError('2201F', 'zero raised to a negative power is undefined');
  }
  if (a.isNegative() && !b.isInteger()) {
    throw new SqlError('2201F', 'a negative number raised to a non-integer power yields a complex result');
  }
  if (b.isInteger()) {
    const rscale = clampScale(Math.max(numericMinSigDigits, numericScale(a)));
    return withScale(new NT(a).pow(b), rscale);
  }
  const val = Math.log(Math.abs(a.toNumber())) * b.toNumber() * 0.434294481903252;
  const rscale = clampScale(Math.max(numericMinSigDigits - Math.trunc(val), numericScale(a), numericScale(b)));
  return withScale(new NT(a).pow(b), rscale);
}

/**
 * numeric(p,s) coercion: round to s places, then 22003 when the integer part needs more
 * than p - s digits.
 */
export function applyNumericTypmod(d: Decimal, precision: number, scale: number): Decimal {
  if (!d.isFinite()) {
    if (d.isNaN()) return d;
    throw new SqlError(SqlState.numericValueOutOfRange, 'numeric field overflow', {
      detail: `A field with precision ${precision}, scale ${scale} cannot hold an infinite value.`,
    });
  }
  const r = numericRound(d, scale);
  const maxDigits = precision - scale;
  if (!r.isZero() && r.e + 1 > maxDigits) {
    const detail =
      maxDigits > 0
        ? `A field with precision ${precision}, scale ${scale} must round to an absolute value less than 10^${maxDigits}.`
        : `A field with precision ${precision}, scale ${scale} must round to an absolute value less than 1.`;
    throw new SqlError(SqlState.numericValueOutOfRange, 'numeric field overflow', { detail });
  }
  return withScale(r, Math.max(scale, 0));
}

/** Rounds half away from zero to an integer and range-checks (numeric → int2/int4/int8). */
export function numericToBigInt(d: Decimal, typeLabel: 'smallint' | 'integer' | 'bigint'): bigint {
  if (d.isNaN()) throw new SqlError(SqlState.featureNotSupported, `cannot convert NaN to ${typeLabel}`);
  if (!d.isFinite()) throw new SqlError(SqlState.featureNotSupported, `cannot convert infinity to ${typeLabel}`);
  const r = new N(d).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return BigInt(r.toFixed(0));
}

export function isNumeric(d: unknown): d is Decimal {
  return Decimal.isDecimal(d);
}
