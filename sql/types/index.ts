/**
 * Public API of sql/types: the type registry, text and binary I/O, casts, comparison and
 * hashing, operators, functions and aggregates. Everything PostgreSQL-visible here follows
 * PostgreSQL 15 (messages, output formats, rounding). Datums are represented as described
 * in ./datum.ts; every function that takes a Datum expects a non-null one unless noted.
 */
import type { Datum, PgArray, SqlType } from './datum.js';
import * as registry from './registry.js';
import * as datetime from './datetime.js';
import * as textIo from './text-io.js';
import * as cmp from './compare.js';
import * as casts from './casts.js';
import * as ops from './operators.js';
import * as binIo from './binary-io.js';
import * as fns from './functions.js';
import * as aggs from './aggregates.js';

export * from './datum.js';

// ─── Contexts ────────────────────────────────────────────────────────────────────────────

/** Session settings that change how values are read and printed. */
export interface FormatContext {
  /** IANA zone name ('UTC', 'Europe/Berlin') or a POSIX-style/ISO offset ('+02', 'UTC+3'). */
  readonly timeZone: string;
  /** DateStyle, e.g. 'ISO, MDY'. */
  readonly dateStyle: string;
  /** IntervalStyle: 'postgres' | 'postgres_verbose' | 'sql_standard' | 'iso_8601'. */
  readonly intervalStyle: string;
  /** extra_float_digits: >0 = shortest round-trip output (PostgreSQL 12+ default 1). */
  readonly extraFloatDigits: number;
  readonly byteaOutput: 'hex' | 'escape';
  /**
   * Names for reg* output (regclass, regproc, regnamespace, regrole) from the statement's
   * catalog (pg_catalog/functions.ts regObjectName); absent or undefined => the number.
   */
  readonly regName?: (typeOid: number, oid: number) => string | undefined;
}

/** Everything a function/operator evaluation may need besides its arguments. */
export interface EvalContext extends FormatContext {
  /** now() / current_timestamp: transaction start, µs since 2000-01-01 UTC. */
  readonly txnTimestampMicros: bigint;
  /** statement_timestamp(): µs since 2000-01-01 UTC. */
  readonly statementTimestampMicros: bigint;
  /** clock_timestamp(): the current wall clock, µs since 2000-01-01 UTC. */
  clockTimestampMicros(): bigint;
  /** random(): uniform in [0, 1). Injected so tests can seed it. */
  random(): number;
  /** Text returned by version(). */
  readonly versionString: string;
  /** The session's configuration parameters (current_setting / set_config); absent outside a session. */
  readonly settings?: SessionSettingsAccess;
}

/** What current_setting() and set_config() reach: the session's parameters. */
export interface SessionSettingsAccess {
  /** The SHOW value; with missingOk, null for an unknown parameter instead of 42704. */
  get(name: string, missingOk: boolean): string | null;
  /** SET (or SET LOCAL); returns the new SHOW value. */
  set(name: string, value: string, local: boolean): string;
}

export const defaultFormatContext: FormatContext = Object.freeze({
  timeZone: 'UTC',
  dateStyle: 'ISO, MDY',
  intervalStyle: 'postgres',
  extraFloatDigits: 1,
  byteaOutput: 'hex',
});

export const defaultVersionString =
  'PostgreSQL 15.0 (nodedb 0.1.0) on x86_64-pc-linux-gnu, compiled by TypeScript, 64-bit';

/**
 * Whether `name` is a TimeZone value this module understands (IANA names in any case, 'UTC',
 * abbreviations, bare hour offsets '5' / '-7', POSIX specs 'UTC+3' / '+05:30'), so SET
 * TimeZone can validate with the same rules formatText/parseText use.
 */
export function isValidTimeZone(name: string): boolean {
  try {
    datetime.zoneOrThrow(name);
    return true;
  } catch {
    return false;
  }
}

/** µs since 2000-01-01 UTC of the current wall clock. */
export function wallClockMicros(): bigint {
  return BigInt(Date.now()) * 1000n - 946684800000000n;
}

/**
 * An EvalContext from session settings; defaults: defaultFormatContext, the wall clock for
 * all three timestamps, Math.random, defaultVersionString. The session layer passes real
 * transaction/statement start times and may inject a seeded random source.
 */
export function makeEvalContext(opts: Partial<EvalContext> = {}): EvalContext {
  const now = wallClockMicros();
  return {
    ...defaultFormatContext,
    txnTimestampMicros: now,
    statementTimestampMicros: now,
    clockTimestampMicros: wallClockMicros,
    random: Math.random,
    versionString: defaultVersionString,
    ...opts,
  };
}


// ─── 1. Type registry ────────────────────────────────────────────────────────────────────

/** A pg_type row (the columns other layers need). */
export interface TypeInfo {
  readonly oid: number;
  /** pg_type.typname, e.g. 'int4', '_int4', 'varchar'. */
  readonly name: string;
  /** -1 varlena, -2 cstring, else fixed size in bytes. */
  readonly typlen: number;
  readonly typbyval: boolean;
  /** 'b' base, 'p' pseudo. */
  readonly typtype: 'b' | 'p' | 'c' | 'd' | 'e' | 'r' | 'm';
  /** PostgreSQL type category letter: 'N' numeric, 'S' string, 'D' datetime, 'A' array, ... */
  readonly typcategory: string;
  readonly typispreferred: boolean;
  /** Element type for arrays (0 otherwise). */
  readonly typelem: number;
  /** Array type whose element is this type (0 if none). */
  readonly typarray: number;
  readonly typdelim: string;
  readonly typinput: string;
  readonly typoutput: string;
  readonly typreceive: string;
  readonly typsend: string;
  /** 'c' char, 's' short, 'i' int, 'd' double. */
  readonly typalign: 'c' | 's' | 'i' | 'd';
  /** 'p' plain, 'x' extended, 'm' main, 'e' external. */
  readonly typstorage: 'p' | 'x' | 'm' | 'e';
}

/** The pg_type row for a built-in type OID; throws 42704 for an unknown OID. */
export function typeInfo(oid: number): TypeInfo {
  return registry.typeInfo(oid);
}

/** The pg_type row, or undefined for an unknown OID. */
export function findTypeInfo(oid: number): TypeInfo | undefined {
  return registry.findTypeInfo(oid);
}

/** Every registered type (for pg_catalog.pg_type). */
export function allTypes(): readonly TypeInfo[] {
  return registry.allTypes();
}

/** Element type OID of an array type, or 0 when `oid` is not an array. */
export function arrayElemOid(oid: number): number {
  return registry.arrayElemOid(oid);
}

/** Array type OID for an element type; throws 42704 when the type has no array type. */
export function arrayTypeOf(elemOid: number): number {
  return registry.arrayTypeOf(elemOid);
}

/**
 * What a type name in DDL/casts resolves to. serial/bigserial/smallserial come back as
 * `serial` so the DDL layer creates the sequence and the default; `type` is the integer type.
 */
export type ResolvedTypeName =
  | { readonly kind: 'type'; readonly type: SqlType }
  | { readonly kind: 'serial'; readonly type: SqlType };

/**
 * Resolves a parser type name: names as given (['pg_catalog','int4'], ['varchar'],
 * ['double precision'] never occurs — the parser gives ['pg_catalog','float8']), typmods
 * as the literal integers written (varchar(10) → [10], numeric(10,2) → [10,2]), and the
 * number of array bounds ([] → 1). Errors: 42704 `type "foo" does not exist`, 22023 for
 * bad typmods (e.g. `length for type varchar must be at least 1`).
 */
export function resolveTypeName(
  names: readonly string[],
  typmods: readonly number[],
  arrayBounds: number,
): ResolvedTypeName {
  return registry.resolveTypeName(names, typmods, arrayBounds);
}

/** PostgreSQL's format_type(oid, typmod): 'character varying(10)', 'numeric(10,2)', 'integer[]'. */
export function formatType(type: SqlType): string {
  return registry.formatType(type);
}

// ─── 2. Text I/O ─────────────────────────────────────────────────────────────────────────

/**
 * The type's input function, then typmod coercion (as an assignment would do it for
 * char/varchar: too long → 22001, except trailing spaces; numeric rounding / 22003).
 * Errors are PostgreSQL's: 22P02 `invalid input syntax for type integer: "x"`, 22003, 22007, 22008.
 */
export function parseText(type: SqlType, text: string, ctx: FormatContext): Datum {
  return textIo.parseText(type, text, ctx);
}

/** The type's output function, byte-exact with PostgreSQL 15. `datum` must not be null. */
export function formatText(type: SqlType, datum: Datum, ctx: FormatContext): string {
  return textIo.formatText(type, datum, ctx);
}

// ─── 3. Binary I/O ───────────────────────────────────────────────────────────────────────

/** The type's receive function (PostgreSQL binary format). 22P03 on malformed input. */
export function decodeBinary(type: SqlType, bytes: Uint8Array, ctx: FormatContext): Datum {
  return binIo.decodeBinary(type, bytes, ctx);
}

/** The type's send function (PostgreSQL binary format). `datum` must not be null. */
export function encodeBinary(type: SqlType, datum: Datum, ctx: FormatContext): Uint8Array {
  return binIo.encodeBinary(type, datum, ctx);
}

// ─── 4. Casts ────────────────────────────────────────────────────────────────────────────

export type CastContext = 'implicit' | 'assignment' | 'explicit';

/** Converts a non-null datum; includes the target typmod coercion for the cast context. */
export type CastFn = (datum: Datum, ctx: EvalContext) => Datum;

/**
 * The cast from `from` to `to` allowed in `context` (pg_cast rules: implicit ⊂ assignment ⊂
 * explicit; I/O conversion to text is assignment, from text explicit), or undefined.
 * from = Oid.unknown (an untyped literal, a string) is always castable through the input function.
 * The function applies the target typmod: varchar(n) overflow is 22001 for implicit/assignment,
 * silent truncation for explicit; numeric(p,s) rounds, 22003 `numeric field overflow`.
 */
export function findCast(from: SqlType, to: SqlType, context: CastContext): CastFn | undefined {
  return casts.findCast(from, to, context);
}

/** findCast or 42846 `cannot cast type integer to date` (context explicit) / 42804-style message. */
export function castOrThrow(from: SqlType, to: SqlType, context: CastContext): CastFn {
  return casts.castOrThrow(from, to, context);
}

/** Applies `type.typmod` to a datum already of `type.oid` (length/precision coercion). */
export function applyTypmod(type: SqlType, datum: Datum, context: CastContext = 'assignment'): Datum {
  return textIo.applyTypmod(type, datum, context);
}

// ─── 5. Comparison and hashing ───────────────────────────────────────────────────────────

/** Total order of non-null datums of one type (btree order: NaN last, text in "C" collation). */
export function compare(type: SqlType, a: Datum, b: Datum): number {
  return cmp.compare(type, a, b);
}

/** compare(type, a, b) === 0. */
export function equals(type: SqlType, a: Datum, b: Datum): boolean {
  return cmp.equals(type, a, b);
}

/** A Map key: equal datums (numeric 1.0 = 1.00, float -0 = 0) give equal keys. Null allowed. */
export function hashKey(type: SqlType, datum: Datum): string | number {
  return cmp.hashKey(type, datum);
}

// ─── 6. Operators ────────────────────────────────────────────────────────────────────────

export interface ResolvedOperator {
  readonly name: string;
  /** null for a prefix operator's left side. */
  readonly leftType: SqlType | null;
  readonly rightType: SqlType;
  readonly resultType: SqlType;
  /** Operators are strict: the caller returns NULL when an argument is NULL; `a` is null for prefix. */
  eval(a: Datum, b: Datum, ctx: EvalContext): Datum;
}

/**
 * PostgreSQL operator resolution: exact match, unknown literals take the other side's
 * type, then implicit casts preferring preferred types. `left` null = prefix operator.
 * Callers cast arguments to leftType/rightType (findCast(..., 'implicit')) before eval.
 * Errors: 42883 `operator does not exist: integer + text` with PG's hint; 42725 ambiguous.
 */
export function resolveOperator(name: string, left: SqlType | null, right: SqlType): ResolvedOperator {
  return ops.resolveOperator(name, left, right);
}

/** arr[i][j]...: 1-based per dimension's lower bound; NULL (null) when out of range. */
export function arraySubscript(arr: PgArray, subscripts: readonly number[]): Datum {
  return ops.arraySubscript(arr, subscripts);
}

/** arr[lo:hi] slices (one pair per dimension; undefined = open end). */
export function arraySlice(
  arr: PgArray,
  bounds: readonly { readonly lower: number | undefined; readonly upper: number | undefined }[],
): PgArray {
  return ops.arraySlice(arr, bounds);
}

// ─── 7. Functions ────────────────────────────────────────────────────────────────────────

export type Volatility = 'immutable' | 'stable' | 'volatile';

export interface ResolvedFunction {
  readonly name: string;
  /** Types the arguments must be cast to (implicit casts) before eval. */
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  readonly volatility: Volatility;
  /** Strict: the caller returns NULL without calling eval when any argument is NULL. */
  readonly strict: boolean;
  eval(args: readonly Datum[], ctx: EvalContext): Datum;
}

/**
 * PostgreSQL function overload resolution over the built-in set (unknown literals adapt,
 * implicit casts, preferred types, polymorphic anyelement/anyarray, variadic "any").
 * Errors: 42883 `function foo(integer) does not exist` + hint, 42725 ambiguous.
 */
export function resolveFunction(name: string, argTypes: readonly SqlType[]): ResolvedFunction {
  return fns.resolveFunction(name, argTypes);
}

/** True when `name` names a built-in function (any overload); lets the binder tell aggregates apart. */
export function isFunctionName(name: string): boolean {
  return fns.isFunctionName(name);
}

// ─── 8. Aggregates ───────────────────────────────────────────────────────────────────────

/** Opaque per-group accumulator state, owned by the aggregate that created it. */
export type AggState = unknown;

export interface ResolvedAggregate {
  readonly name: string;
  /** Types the arguments must be cast to; [] for count(*). */
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  /** Strict aggregates skip rows where any argument is NULL (the caller does that). */
  readonly strict: boolean;
  init(): AggState;
  step(state: AggState, args: readonly Datum[], ctx: EvalContext): AggState;
  final(state: AggState, ctx: EvalContext): Datum;
}

/**
 * count(*) is name 'count' with argTypes []. Result types as PostgreSQL: sum(int4) int8,
 * sum(int8) numeric, avg(int) numeric, ... Errors as resolveFunction.
 */
export function resolveAggregate(name: string, argTypes: readonly SqlType[]): ResolvedAggregate {
  return aggs.resolveAggregate(name, argTypes);
}

/** True when `name` names a built-in aggregate. */
export function isAggregateName(name: string): boolean {
  return aggs.isAggregateName(name);
}
