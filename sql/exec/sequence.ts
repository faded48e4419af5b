/**
 * nextval / currval / setval / lastval and the hidden rowid counter. Sequence values live under
 * system table 3 (one key per sequence oid) and advance with kv.atomicUpdate: non-transactional,
 * never rolled back, as in PostgreSQL.
 */
import type { Kv } from '../../cluster/kv/api.js';
import type { SequenceDescriptor } from '../../catalog/descriptors.js';
import {
  advanceSequence,
  decodeSequenceValue,
  encodeSequenceValue,
  initialSequenceValue,
  type SequenceValue,
} from '../../catalog/sequence.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { SessionState } from '../plan/api.js';
import { sequenceValueKey } from './keys.js';

/** The rowid counter of a table without a primary key: a sequence 1, 2, 3, ... keyed by the table oid. */
const rowidCounterMax = 9223372036854775807n;

function currentValue(seq: SequenceDescriptor, bytes: Uint8Array | undefined): SequenceValue {
  return bytes === undefined ? initialSequenceValue(seq) : decodeSequenceValue(bytes);
}

/** nextval(seq): advances atomically and remembers the value for currval/lastval. */
export async function nextval(kv: Kv, session: SessionState, seq: SequenceDescriptor): Promise<bigint> {
  let handedOut: bigint | undefined;
  let failure: unknown;
  await kv.atomicUpdate(sequenceValueKey(seq.oid), (old) => {
    const cur = currentValue(seq, old);
    try {
      const step = advanceSequence(seq, cur);
      handedOut = step.value;
      return encodeSequenceValue(step.next);
    } catch (err) {
      failure = err;
      return encodeSequenceValue(cur);
    }
  });
  if (failure !== undefined) throw failure;
  if (handedOut === undefined) throw new SqlError(SqlState.internalError, `nextval of "${seq.name}" produced no value`);
  session.sequenceValues.set(seq.oid, handedOut);
  session.lastSequenceOid = seq.oid;
  return handedOut;
}

/** currval(seq): 55000 when nextval was never called for it in this session. */
export function currval(session: SessionState, seq: SequenceDescriptor): bigint {
  const v = session.sequenceValues.get(seq.oid);
  if (v === undefined) {
    throw new SqlError(
      SqlState.objectNotInPrerequisiteState,
      `currval of sequence "${seq.name}" is not yet defined in this session`,
    );
  }
  return v;
}

/** lastval(): the value most recently returned by nextval in this session. */
export function lastval(session: SessionState): bigint {
  const oid = session.lastSequenceOid;
  const v = oid === undefined ? undefined : session.sequenceValues.get(oid);
  if (v === undefined) {
    throw new SqlError(SqlState.objectNotInPrerequisiteState, 'lastval is not yet defined in this session');
  }
  return v;
}

/** setval(seq, value, isCalled): 22003 outside [min, max] with PostgreSQL's message. */
export async function setval(
  kv: Kv,
  session: SessionState,
  seq: SequenceDescriptor,
  value: bigint,
  isCalled: boolean,
): Promise<bigint> {
  const min = BigInt(seq.min);
  const max = BigInt(seq.max);
  if (value < min || value > max) {
    throw new SqlError(
      SqlState.numericValueOutOfRange,
      `setval: value ${value} is out of bounds for sequence "${seq.name}" (${min}..${max})`,
    );
  }
  await kv.atomicUpdate(sequenceValueKey(seq.oid), () => encodeSequenceValue({ last: value, isCalled }));
  if (isCalled) {
    session.sequenceValues.set(seq.oid, value);
    session.lastSequenceOid = seq.oid;
  }
  return value;
}

/**
 * Rowids are handed out from blocks reserved durably with one atomicUpdate each (like
 * PostgreSQL logging sequence values ahead): a crash skips at most the rest of a block, and a
 * bulk insert costs one fsync per block instead of one per row.
 */
const rowidBlockSize = 1024n;

interface RowidBlock {
  next: bigint;
  end: bigint;
  refill: Promise<void> | undefined;
}

/** Per KV store (not a process-wide singleton): table oid → its current block. */
const rowidBlocks = new WeakMap<Kv, Map<number, RowidBlock>>();

/** The next hidden rowid of a table without a primary key (unique and increasing per node). */
export async function nextRowId(kv: Kv, tableOid: number): Promise<bigint> {
  let tables = rowidBlocks.get(kv);
  if (tables === undefined) {
    tables = new Map();
    rowidBlocks.set(kv, tables);
  }
  let block = tables.get(tableOid);
  if (block === undefined) {
    block = { next: 0n, end: 0n, refill: undefined };
    tables.set(tableOid, block);
  }
  while (block.next >= block.end) {
    if (block.refill === undefined) block.refill = reserveRowids(kv, tableOid, block);
    await block.refill;
  }
  return block.next++;
}

async function reserveRowids(kv: Kv, tableOid: number, block: RowidBlock): Promise<void> {
  try {
    let start = 0n;
    await kv.atomicUpdate(sequenceValueKey(tableOid), (old) => {
      const cur: SequenceValue = old === undefined ? { last: 1n, isCalled: false } : decodeSequenceValue(old);
      start = cur.isCalled ? cur.last + 1n : cur.last;
      let last = start + rowidBlockSize - 1n;
      if (last > rowidCounterMax) last = rowidCounterMax;
      if (start > last) throw new SqlError(SqlState.sequenceGeneratorLimitExceeded, 'rowid counter exhausted');
      return encodeSequenceValue({ last, isCalled: true });
    });
    block.next = start;
    block.end = start + rowidBlockSize > rowidCounterMax ? rowidCounterMax + 1n : start + rowidBlockSize;
  } finally {
    block.refill = undefined;
  }
}
