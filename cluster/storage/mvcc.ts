/**
 * MVCC reads and version writes over the key layout of keys.ts. Pure storage logic: no locks,
 * no transactions. Writers must guarantee that no two batches in flight touch the same user key
 * (cluster/kv does it with row locks), because a new version moves the current latest record into
 * the history space, computed from what `getSync` sees when the batch is built.
 */
import { assert } from '../../util/assert.js';
import { tsLessEq, type Timestamp } from '../hlc/hlc.js';
import type { RawEntry, StorageEngine, WriteOp } from './engine.js';
import {
  decodeHistoryKey,
  decodeHistoryValue,
  decodeLatestValue,
  encodeHistoryValue,
  encodeLatestValue,
  historyBound,
  historyKey,
  historyKeyPrefix,
  latestKey,
  prefixEnd,
  prefixMvccHistory,
  prefixMvccLatest,
  type LatestRecord,
} from './keys.js';

export interface MvccSpan {
  readonly start: Uint8Array;
  /** Exclusive; an empty end means "to the end of the key space". */
  readonly end: Uint8Array;
}

export interface MvccEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Entries fetched per iterator call: starts small (LIMIT 1 stays cheap), grows geometrically. */
export const scanBatchRowsMin = 16;
export const scanBatchRowsMax = 1024;

export function readLatest(engine: StorageEngine, userKey: Uint8Array): LatestRecord | undefined {
  const raw = engine.getSync(latestKey(userKey));
  return raw === undefined ? undefined : decodeLatestValue(raw);
}

/**
 * Value of `userKey` visible at `readTs`. Synchronous when the latest version is visible (the
 * common case), a promise only when an older version must be found in the history space.
 */
export function readAt(
  engine: StorageEngine,
  userKey: Uint8Array,
  readTs: Timestamp,
): Uint8Array | undefined | Promise<Uint8Array | undefined> {
  const latest = readLatest(engine, userKey);
  if (latest === undefined) return undefined;
  if (tsLessEq(latest.ts, readTs)) return latest.value;
  return readHistoryAt(engine, userKey, readTs);
}

export async function readHistoryAt(
  engine: StorageEngine,
  userKey: Uint8Array,
  readTs: Timestamp,
): Promise<Uint8Array | undefined> {
  const prefix = historyKeyPrefix(userKey);
  const end = Buffer.concat([prefix, Buffer.alloc(13, 0xff)]);
  const it = engine.iterate({ gte: historyKey(userKey, readTs), lt: end, limit: 1 });
  try {
    const rows = await it.nextBatch(1);
    if (rows.length === 0) return undefined;
    const row = rows[0]!;
    const decoded = decodeHistoryKey(row.key);
    assert(decoded.userKey.equals(userKey), 'history seek left its key');
    assert(tsLessEq(decoded.ts, readTs), 'history seek returned a future version');
    return decodeHistoryValue(row.value);
  } finally {
    await it.close();
  }
}

export function latestSpanBounds(span: MvccSpan): { gte: Buffer; lt: Buffer } {
  return {
    gte: latestKey(span.start),
    lt: span.end.length === 0 ? prefixEnd(prefixMvccLatest) : latestKey(span.end),
  };
}

export function historySpanBounds(span: MvccSpan): { gte: Buffer; lt: Buffer } {
  return {
    gte: historyBound(span.start),
    lt: span.end.length === 0 ? prefixEnd(prefixMvccHistory) : historyBound(span.end),
  };
}

export interface ScanAtOptions {
  readonly reverse?: boolean;
  /** Hint: rows the caller expects to consume (sizes the first batch). */
  readonly expectedRows?: number;
}

/** Visible (non-tombstone) entries of `span` at `readTs`, in key order, in batches. */
export async function* scanAt(
  engine: StorageEngine,
  span: MvccSpan,
  readTs: Timestamp,
  opts: ScanAtOptions = {},
): AsyncGenerator<MvccEntry[]> {
  const it = engine.iterate({ ...latestSpanBounds(span), reverse: opts.reverse ?? false });
  let batchRows = Math.min(scanBatchRowsMax, Math.max(scanBatchRowsMin, opts.expectedRows ?? 0));
  try {
    for (;;) {
      const rows = await it.nextBatch(batchRows);
      if (rows.length === 0) return;
      const out: MvccEntry[] = [];
      for (const row of rows) {
        const userKey = row.key.subarray(1);
        const latest = decodeLatestValue(row.value);
        const value = tsLessEq(latest.ts, readTs) ? latest.value : await readHistoryAt(engine, userKey, readTs);
        if (value !== undefined) out.push({ key: userKey, value });
      }
      if (out.length > 0) yield out;
      batchRows = Math.min(scanBatchRowsMax, batchRows * 2);
    }
  } finally {
    await it.close();
  }
}

/** Live keys of `span` at the latest version (for deleteRange at commit). */
export async function* scanLatestLive(engine: StorageEngine, span: MvccSpan): AsyncGenerator<Uint8Array[]> {
  const it = engine.iterate(latestSpanBounds(span));
  try {
    for (;;) {
      const rows = await it.nextBatch(scanBatchRowsMax);
      if (rows.length === 0) return;
      const out: Uint8Array[] = [];
      for (const row of rows) {
        if (decodeLatestValue(row.value).value !== undefined) out.push(row.key.subarray(1));
      }
      if (out.length > 0) yield out;
    }
  } finally {
    await it.close();
  }
}

/** True when some version in `span` was committed after `readTs` (serializable validation). */
export async function spanChangedAfter(engine: StorageEngine, span: MvccSpan, readTs: Timestamp): Promise<boolean> {
  const it = engine.iterate(latestSpanBounds(span));
  try {
    for (;;) {
      const rows = await it.nextBatch(scanBatchRowsMax);
      if (rows.length === 0) return false;
      for (const row of rows) {
        if (!tsLessEq(decodeLatestValue(row.value).ts, readTs)) return true;
      }
    }
  } finally {
    await it.close();
  }
}

/**
 * Ops that make `value` (undefined = tombstone) the latest version of `userKey` at `ts`,
 * moving the current latest version into history. Empty when deleting a key that has no live
 * version (nothing to hide).
 */
export function versionOps(
  engine: StorageEngine,
  userKey: Uint8Array,
  value: Uint8Array | undefined,
  ts: Timestamp,
): WriteOp[] {
  const current = readLatest(engine, userKey);
  if (value === undefined && (current === undefined || current.value === undefined)) return [];
  const ops: WriteOp[] = [];
  if (current !== undefined) {
    assert(!tsLessEq(ts, current.ts), 'new version must be newer than the latest one');
    ops.push({ kind: 'put', key: historyKey(userKey, current.ts), value: encodeHistoryValue(current.value) });
  }
  ops.push({ kind: 'put', key: latestKey(userKey), value: encodeLatestValue(ts, value) });
  return ops;
}

export interface GcPlan {
  /** History entries to delete (immutable once written: safe to delete any time). */
  readonly historyDeletes: Uint8Array[];
  /** Latest tombstones to delete if still the latest record at apply time. */
  readonly tombstoneDeletes: { readonly userKey: Uint8Array; readonly ts: Timestamp }[];
  readonly keysScanned: number;
  /** Where the next chunk starts; undefined when the span is done. */
  readonly nextStart: Uint8Array | undefined;
}

/**
 * Versions of the first `keysMax` keys of `span` that no reader at or above `thresholdTs` can
 * see: history versions shadowed by a newer version at or below the threshold, and latest
 * tombstones at or below it. Callers loop on `nextStart` (bounded memory per chunk).
 */
export async function planGc(engine: StorageEngine, span: MvccSpan, thresholdTs: Timestamp, keysMax: number): Promise<GcPlan> {
  assert(keysMax > 0, 'gc chunk must hold keys');
  const historyDeletes: Uint8Array[] = [];
  const tombstoneDeletes: { userKey: Uint8Array; ts: Timestamp }[] = [];
  let keysScanned = 0;
  let lastKey: Uint8Array | undefined;
  const latestIt = engine.iterate({ ...latestSpanBounds(span), limit: keysMax });
  try {
    for (;;) {
      const rows = await latestIt.nextBatch(scanBatchRowsMax);
      if (rows.length === 0) break;
      for (const row of rows) {
        keysScanned++;
        lastKey = row.key.subarray(1);
        const latest = decodeLatestValue(row.value);
        if (latest.value === undefined && tsLessEq(latest.ts, thresholdTs)) {
          tombstoneDeletes.push({ userKey: lastKey, ts: latest.ts });
        }
      }
    }
  } finally {
    await latestIt.close();
  }
  let nextStart: Uint8Array | undefined;
  let chunk = span;
  if (keysScanned === keysMax && lastKey !== undefined) {
    nextStart = Buffer.concat([lastKey, Buffer.from([0])]);
    chunk = { start: span.start, end: nextStart };
  }
  const historyIt = engine.iterate(historySpanBounds(chunk));
  try {
    let current: { userKey: Buffer; shadowTs: Timestamp | undefined } | undefined;
    for (;;) {
      const rows: RawEntry[] = await historyIt.nextBatch(scanBatchRowsMax);
      if (rows.length === 0) break;
      for (const row of rows) {
        const decoded = decodeHistoryKey(row.key);
        if (current === undefined || !current.userKey.equals(decoded.userKey)) {
          // The newest history version is shadowed by the latest record.
          current = { userKey: decoded.userKey, shadowTs: readLatest(engine, decoded.userKey)?.ts };
        }
        const shadow = current.shadowTs;
        if (shadow !== undefined && tsLessEq(shadow, thresholdTs)) historyDeletes.push(row.key);
        current.shadowTs = decoded.ts;
      }
    }
  } finally {
    await historyIt.close();
  }
  return { historyDeletes, tombstoneDeletes, keysScanned, nextStart };
}
