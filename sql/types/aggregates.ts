/** Built-in aggregates: transition state, step and final as PostgreSQL computes them. */
import { isEnumOid } from './enum.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Decimal, Interval, Oid, PgArray, sqlType, type Datum, type SqlType } from './datum.js';
import { intervalAdd, intervalDiv } from './arith.js';
import { checkInt } from './casts.js';
import { compare } from './compare.js';
import type { AggState, EvalContext, ResolvedAggregate } from './index.js';
import { N, numericAdd, numericDiv, numericFromInt, numericMul, numericScale, numericSqrt, numericSub, withScale, divScale } from './numeric.js';
import { selectCandidate } from './operators.js';
import { arrayElemOid, arrayTypeOf, formatTypeOid } from './registry.js';

interface AggImpl<S> {
  init(): S;
  step(state: S, args: readonly Datum[], ctx: EvalContext): S;
  final(state: S, ctx: EvalContext): Datum;
}

interface AggDef {
  readonly name: string;
  readonly params: readonly number[];
  readonly result: number;
  readonly strict: boolean;
  make(argTypes: readonly SqlType[]): AggImpl<unknown>;
}

const aggTable = new Map<string, AggDef[]>();

/** Registers an aggregate; the one place where the typed state is erased to AggState. */
function def<S>(name: string, params: readonly number[], result: number, make: (argTypes: readonly SqlType[]) => AggImpl<S>, strict = true): void {
  let list = aggTable.get(name);
  if (list === undefined) aggTable.set(name, (list = []));
  list.push({ name, params, result, strict, make: make as (argTypes: readonly SqlType[]) => AggImpl<unknown> });
}

const ANY = Oid.any;
const ANYNONARRAY = Oid.anynonarray;
const ints = [Oid.int2, Oid.int4, Oid.int8] as const;
const floats = [Oid.float4, Oid.float8] as const;

// count
def('count', [], Oid.int8, () => ({ init: () => 0n, step: (s: bigint) => s + 1n, final: (s: bigint) => s }), false);
def('count', [ANY], Oid.int8, () => ({ init: () => 0n, step: (s: bigint) => s + 1n, final: (s: bigint) => s }));

// sum
interface Opt<T> { v: T | null }
for (const t of [Oid.int2, Oid.int4]) {
  def('sum', [t], Oid.int8, () => ({
    init: (): Opt<bigint> => ({ v: null }),
    step: (s: Opt<bigint>, a) => ({ v: checkInt(Oid.int8, (s.v ?? 0n) + BigInt(a[0] as number)) as bigint }),
    final: (s: Opt<bigint>) => s.v,
  }));
}
def('sum', [Oid.int8], Oid.numeric, () => ({
  init: (): Opt<bigint> => ({ v: null }),
  step: (s: Opt<bigint>, a) => ({ v: (s.v ?? 0n) + (a[0] as bigint) }),
  final: (s: Opt<bigint>) => (s.v === null ? null : numericFromInt(s.v)),
}));
for (const t of floats) {
  def('sum', [t], t, () => ({
    init: (): Opt<number> => ({ v: null }),
    step: (s: Opt<number>, a) => {
      const r = (s.v ?? 0) + (a[0] as number);
      return { v: t === Oid.float4 ? Math.fround(r) : r };
    },
    final: (s: Opt<number>) => s.v,
  }));
}
def('sum', [Oid.numeric], Oid.numeric, () => ({
  init: (): Opt<Decimal> => ({ v: null }),
  step: (s: Opt<Decimal>, a) => ({ v: s.v === null ? (a[0] as Decimal) : numericAdd(s.v, a[0] as Decimal) }),
  final: (s: Opt<Decimal>) => s.v,
}));
def('sum', [Oid.interval], Oid.interval, () => ({
  init: (): Opt<Interval> => ({ v: null }),
  step: (s: Opt<Interval>, a) => ({ v: s.v === null ? (a[0] as Interval) : intervalAdd(s.v, a[0] as Interval) }),
  final: (s: Opt<Interval>) => s.v,
}));

// avg
interface NumAcc { n: bigint; sum: Decimal; sumSq: Decimal }
const numAccInit = (): NumAcc => ({ n: 0n, sum: withScale(new N(0), 0), sumSq: withScale(new N(0), 0) });
const toNumeric = (d: Datum): Decimal => (typeof d === 'number' || typeof d === 'bigint' ? numericFromInt(d) : (d as Decimal));
const numStep = (s: NumAcc, a: readonly Datum[]): NumAcc => {
  const x = toNumeric(a[0]!);
  return { n: s.n + 1n, sum: numericAdd(s.sum, x), sumSq: numericAdd(s.sumSq, numericMul(x, x)) };
};
for (const t of [...ints, Oid.numeric]) {
  def('avg', [t], Oid.numeric, () => ({
    init: numAccInit,
    step: numStep,
    final: (s: NumAcc) => (s.n === 0n ? null : numericDiv(s.sum, numericFromInt(s.n))),
  }));
}
interface FloatAcc { n: number; sx: number; sxx: number }
const floatInit = (): FloatAcc => ({ n: 0, sx: 0, sxx: 0 });
const floatStep = (s: FloatAcc, a: readonly Datum[]): FloatAcc => {
  const x = a[0] as number;
  const n = s.n + 1;
  const sx = s.sx + x;
  let sxx = s.sxx;
  if (n > 1) {
    const tmp = x * n - sx;
    sxx += (tmp * tmp) / (n * (n - 1));
  } else if (!Number.isFinite(x)) sxx = NaN;
  return { n, sx, sxx };
};
for (const t of floats) {
  def('avg', [t], Oid.float8, () => ({ init: floatInit, step: floatStep, final: (s: FloatAcc) => (s.n === 0 ? null : s.sx / s.n) }));
}
def('avg', [Oid.interval], Oid.interval, () => ({
  init: () => ({ n: 0, sum: new Interval(0, 0, 0n) }),
  step: (s: { n: number; sum: Interval }, a) => ({ n: s.n + 1, sum: intervalAdd(s.sum, a[0] as Interval) }),
  final: (s: { n: number; sum: Interval }) => (s.n === 0 ? null : intervalDiv(s.sum, s.n)),
}));

// variance / stddev
type VarKind = { sample: boolean; stddev: boolean };
const varNames: readonly (readonly [string, VarKind])[] = [
  ['variance', { sample: true, stddev: false }],
  ['var_samp', { sample: true, stddev: false }],
  ['var_pop', { sample: false, stddev: false }],
  ['stddev', { sample: true, stddev: true }],
  ['stddev_samp', { sample: true, stddev: true }],
  ['stddev_pop', { sample: false, stddev: true }],
];
function numericVariance(s: NumAcc, k: VarKind): Datum {
  if (s.n === 0n || (k.sample && s.n === 1n)) return null;
  const n = numericFromInt(s.n);
  const denom = numericFromInt(k.sample ? s.n * (s.n - 1n) : s.n * s.n);
  const rscale = numericScale(s.sum) * 2;
  const sumSq = withScale(new N(s.sum).times(s.sum), rscale);
  const nSumX2 = withScale(new N(n).times(s.sumSq), rscale);
  const num = numericSub(nSumX2, sumSq);
  if (num.lte(0)) return withScale(new N(0), 0);
  const scale = divScale(num, denom);
  const v = withScale(new N(num).div(denom), scale);
  return k.stddev ? withScale(numericSqrt(v), scale) : v;
}
for (const [name, k] of varNames) {
  for (const t of [...ints, Oid.numeric]) {
    def(name, [t], Oid.numeric, () => ({ init: numAccInit, step: numStep, final: (s: NumAcc) => numericVariance(s, k) }));
  }
  for (const t of floats) {
    def(name, [t], Oid.float8, () => ({
      init: floatInit,
      step: floatStep,
      final: (s: FloatAcc) => {
        if (s.n === 0 || (k.sample && s.n === 1)) return null;
        const v = s.sxx / (k.sample ? s.n - 1 : s.n);
        return k.stddev ? Math.sqrt(v) : v;
      },
    }));
  }
}

// min / max
const comparableOids = [
  Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric, Oid.text, Oid.bpchar, Oid.name, Oid.bytea, Oid.date,
  Oid.time, Oid.timestamp, Oid.timestamptz, Oid.interval, Oid.oid, Oid.uuid, Oid.jsonb, Oid.bool, Oid.char,
] as number[];
for (const [name, sign] of [['min', -1], ['max', 1]] as const) {
  // Oid.anyenum: min/max(anyenum) for every enum type (enum_smaller / enum_larger).
  for (const t of [...comparableOids, Oid.anyenum]) {
    def(name, [t], t, (types) => {
      const ty = types[0] ?? sqlType(t);
      return {
        init: (): Opt<Datum> => ({ v: null }),
        step: (s: Opt<Datum>, a) => (s.v === null || Math.sign(compare(ty, a[0]!, s.v)) === sign ? { v: a[0]! } : s),
        final: (s: Opt<Datum>) => s.v,
      };
    });
  }
}

// bool
const boolAgg = (isAnd: boolean) => () => ({
  init: (): Opt<boolean> => ({ v: null }),
  step: (s: Opt<boolean>, a: readonly Datum[]) => ({ v: s.v === null ? (a[0] as boolean) : isAnd ? s.v && (a[0] as boolean) : s.v || (a[0] as boolean) }),
  final: (s: Opt<boolean>) => s.v,
});
def('bool_and', [Oid.bool], Oid.bool, boolAgg(true));
def('every', [Oid.bool], Oid.bool, boolAgg(true));
def('bool_or', [Oid.bool], Oid.bool, boolAgg(false));

// string_agg: non-strict (NULL values skipped, NULL delimiter = '')
def('string_agg', [Oid.text, Oid.text], Oid.text, () => ({
  init: (): Opt<string> => ({ v: null }),
  step: (s: Opt<string>, a) => {
    if (a[0] === null) return s;
    return { v: s.v === null ? (a[0] as string) : s.v + ((a[1] as string | null) ?? '') + (a[0] as string) };
  },
  final: (s: Opt<string>) => s.v,
}), false);
def('string_agg', [Oid.bytea, Oid.bytea], Oid.bytea, () => ({
  init: (): Opt<Buffer> => ({ v: null }),
  step: (s: Opt<Buffer>, a) => {
    if (a[0] === null) return s;
    const x = Buffer.from(a[0] as Uint8Array);
    return { v: s.v === null ? x : Buffer.concat([s.v, Buffer.from((a[1] as Uint8Array | null) ?? new Uint8Array(0)), x]) };
  },
  final: (s: Opt<Buffer>) => (s.v === null ? null : Uint8Array.from(s.v)),
}), false);

// array_agg: non-strict (NULLs kept)
def('array_agg', [ANYNONARRAY], Oid.anyarray, (types) => {
  const elem = types[0]!.oid;
  return {
    init: (): Datum[] | null => null,
    step: (s: Datum[] | null, a) => {
      const acc = s ?? [];
      acc.push(a[0]!);
      return acc;
    },
    final: (s: Datum[] | null) => (s === null ? null : new PgArray(elem, s)),
  };
}, false);

// ─── Resolution ──────────────────────────────────────────────────────────────────────────

function concrete(d: AggDef, inputs: readonly number[]): number[] | undefined {
  if (d.params.length !== inputs.length) return undefined;
  if (d.params.some((p, i) => p === Oid.anyenum && !isEnumOid(inputs[i]!))) return undefined;
  return d.params.map((p, i) => {
    const t = inputs[i]!;
    if (p === ANY) return t === Oid.unknown ? Oid.text : t;
    if (p === ANYNONARRAY) return t === Oid.unknown ? Oid.text : t;
    if (p === Oid.anyenum) return t;
    return p;
  });
}

export function resolveAggregate(aname: string, argTypes: readonly SqlType[]): ResolvedAggregate {
  const name = aname.toLowerCase();
  const defs = aggTable.get(name);
  const sig = `${aname}(${argTypes.map((t) => formatTypeOid(t.oid, -1)).join(', ')})`;
  const notFound = (): SqlError =>
    new SqlError(SqlState.undefinedFunction, `function ${sig} does not exist`, {
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  if (defs === undefined) throw notFound();
  const inputs = argTypes.map((t) => t.oid);
  const cands: { d: AggDef; params: number[] }[] = [];
  for (const d of defs) {
    const params = concrete(d, inputs);
    if (params !== undefined) cands.push({ d, params });
  }
  let chosen = cands.find((c) => c.params.every((p, i) => p === inputs[i]));
  if (chosen === undefined) {
    const idx = selectCandidate(inputs, cands.map((c) => c.params));
    if (idx === -2) {
      throw new SqlError(SqlState.ambiguousFunction, `function ${sig} is not unique`, {
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      });
    }
    if (idx < 0) throw notFound();
    chosen = cands[idx]!;
  }
  const { d, params } = chosen;
  if (d.params[0] === ANYNONARRAY && arrayElemOid(params[0]!) !== 0) {
    throw new SqlError(SqlState.featureNotSupported, 'array_agg of array values is not supported');
  }
  const types = params.map((p, i) => (p === inputs[i] ? argTypes[i]! : sqlType(p)));
  const result = d.result === Oid.anyarray ? sqlType(arrayTypeOf(params[0]!)) : d.result === types[0]?.oid || d.result === Oid.anyenum ? types[0]! : sqlType(d.result);
  const impl = d.make(types);
  return {
    name,
    argTypes: types,
    resultType: result,
    strict: d.strict,
    init: (): AggState => impl.init(),
    step: (state: AggState, args: readonly Datum[], ctx: EvalContext): AggState => impl.step(state, args, ctx),
    final: (state: AggState, ctx: EvalContext): Datum => impl.final(state, ctx),
  };
}

export function isAggregateName(name: string): boolean {
  return aggTable.has(name.toLowerCase());
}
