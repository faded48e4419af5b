/**
 * Sequences: option resolution (PostgreSQL's init_params in commands/sequence.c, same
 * messages) and the stored value state under system table 3 (one key per sequence oid;
 * the engine advances it with kv.atomicUpdate so nextval is never rolled back).
 */
import type { SequenceOptions } from '../sql/ast.js';
import { Oid as TypeOid } from '../sql/types/datum.js';
import { assert } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type { SequenceDescriptor } from './descriptors.js';

/** The resolved options a sequence descriptor stores. */
export interface SequenceSpec {
  readonly typeOid: number;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}

const typeRange: ReadonlyMap<number, { min: bigint; max: bigint; name: string }> = new Map([
  [TypeOid.int2, { min: -32768n, max: 32767n, name: 'smallint' }],
  [TypeOid.int4, { min: -2147483648n, max: 2147483647n, name: 'integer' }],
  [TypeOid.int8, { min: -9223372036854775808n, max: 9223372036854775807n, name: 'bigint' }],
]);

function invalid(message: string): SqlError {
  return new SqlError(SqlState.invalidParameterValue, message);
}

function parseInt8(text: string): bigint {
  if (!/^[+-]?\d+$/.test(text.trim())) {
    throw new SqlError(SqlState.invalidTextRepresentation, `invalid input syntax for type bigint: "${text}"`);
  }
  const v = BigInt(text.trim());
  const r = typeRange.get(TypeOid.int8)!;
  if (v < r.min || v > r.max) {
    throw new SqlError(SqlState.numericValueOutOfRange, `value "${text}" is out of range for type bigint`);
  }
  return v;
}

/** Whether `typeOid` may back a sequence (int2/int4/int8). */
export function isSequenceType(typeOid: number): boolean {
  return typeRange.has(typeOid);
}

/**
 * Resolves CREATE SEQUENCE / ALTER SEQUENCE options. `typeOid` is the AS type already resolved
 * (or the column type for serial/identity); `base` is the current spec for ALTER.
 * Returns the spec and, for ALTER ... RESTART, the restart value.
 */
export function resolveSequenceOptions(
  options: SequenceOptions,
  typeOid: number | undefined,
  base: SequenceSpec | undefined,
): { spec: SequenceSpec; restart?: bigint } {
  const newTypeOid = typeOid ?? base?.typeOid ?? TypeOid.int8;
  const range = typeRange.get(newTypeOid);
  if (range === undefined) throw invalid('sequence type must be smallint, integer, or bigint');
  const oldRange = base === undefined ? undefined : typeRange.get(base.typeOid);

  const increment = options.increment !== undefined ? parseInt8(options.increment) : base !== undefined ? BigInt(base.increment) : 1n;
  if (increment === 0n) throw invalid('INCREMENT must not be zero');
  const ascending = increment > 0n;

  let max: bigint;
  if (options.maxValue !== undefined && options.maxValue !== null) max = parseInt8(options.maxValue);
  else if (options.maxValue === null || base === undefined) max = ascending ? range.max : -1n;
  else if (typeOid !== undefined && oldRange !== undefined && BigInt(base.max) === oldRange.max) max = range.max;
  else max = BigInt(base.max);
  if (max < range.min || max > range.max) {
    throw invalid(`MAXVALUE (${max}) is out of range for sequence data type ${range.name}`);
  }

  let min: bigint;
  if (options.minValue !== undefined && options.minValue !== null) min = parseInt8(options.minValue);
  else if (options.minValue === null || base === undefined) min = ascending ? 1n : range.min;
  else if (typeOid !== undefined && oldRange !== undefined && BigInt(base.min) === oldRange.min) min = range.min;
  else min = BigInt(base.min);
  if (min < range.min || min > range.max) {
    throw invalid(`MINVALUE (${min}) is out of range for sequence data type ${range.name}`);
  }
  if (min >= max) throw invalid(`MINVALUE (${min}) must be less than MAXVALUE (${max})`);

  let start: bigint;
  if (options.start !== undefined) start = parseInt8(options.start);
  else if (base !== undefined) start = BigInt(base.start);
  else start = ascending ? min : max;
  if (start < min) throw invalid(`START value (${start}) cannot be less than MINVALUE (${min})`);
  if (start > max) throw invalid(`START value (${start}) cannot be greater than MAXVALUE (${max})`);

  let restart: bigint | undefined;
  if (options.restart !== undefined) {
    restart = options.restart === '' ? start : parseInt8(options.restart);
    if (restart < min) throw invalid(`RESTART value (${restart}) cannot be less than MINVALUE (${min})`);
    if (restart > max) throw invalid(`RESTART value (${restart}) cannot be greater than MAXVALUE (${max})`);
  }

  const cache = options.cache !== undefined ? parseInt8(options.cache) : base !== undefined ? BigInt(base.cache) : 1n;
  if (cache <= 0n) throw invalid(`CACHE (${cache}) must be greater than zero`);

  const cycle = options.cycle ?? base?.cycle ?? false;
  const spec: SequenceSpec = {
    typeOid: newTypeOid,
    start: start.toString(),
    increment: increment.toString(),
    min: min.toString(),
    max: max.toString(),
    cache: cache.toString(),
    cycle,
  };
  return restart === undefined ? { spec } : { spec, restart };
}

// ─── stored value ────────────────────────────────────────────────────────────────────────

/** pg_sequence_data: last_value and is_called. An absent key = (start, false). */
export interface SequenceValue {
  readonly last: bigint;
  readonly isCalled: boolean;
}

const sequenceValueBytes = 9;
/** SQLSTATE 2200H (sequence_generator_limit_exceeded). */
const sequenceGeneratorLimitExceeded = '2200H';

export function encodeSequenceValue(v: SequenceValue): Uint8Array {
  const out = new Uint8Array(sequenceValueBytes);
  new DataView(out.buffer).setBigInt64(0, v.last);
  out[8] = v.isCalled ? 1 : 0;
  return out;
}

export function decodeSequenceValue(bytes: Uint8Array): SequenceValue {
  assert(bytes.length === sequenceValueBytes, `sequence value must be ${sequenceValueBytes} bytes`);
  const last = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigInt64(0);
  assert(bytes[8] === 0 || bytes[8] === 1, 'bad is_called byte');
  return { last, isCalled: bytes[8] === 1 };
}

/** The state of a sequence whose key is absent (never called, or just restarted). */
export function initialSequenceValue(seq: SequenceDescriptor): SequenceValue {
  return { last: BigInt(seq.start), isCalled: false };
}

/**
 * nextval's step (pure): the value handed out and the new state; 2200H at the bounds without
 * CYCLE with PostgreSQL's message.
 */
export function advanceSequence(seq: SequenceDescriptor, current: SequenceValue): { value: bigint; next: SequenceValue } {
  if (!current.isCalled) return { value: current.last, next: { last: current.last, isCalled: true } };
  const inc = BigInt(seq.increment);
  const min = BigInt(seq.min);
  const max = BigInt(seq.max);
  let value = current.last + inc;
  if (inc > 0n && value > max) {
    if (!seq.cycle) {
      throw new SqlError(sequenceGeneratorLimitExceeded, `nextval: reached maximum value of sequence "${seq.name}" (${max})`);
    }
    value = min;
  } else if (inc < 0n && value < min) {
    if (!seq.cycle) {
      throw new SqlError(sequenceGeneratorLimitExceeded, `nextval: reached minimum value of sequence "${seq.name}" (${min})`);
    }
    value = max;
  }
  return { value, next: { last: value, isCalled: true } };
}
