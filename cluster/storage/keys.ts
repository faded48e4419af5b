/**
 * Key space of the node's single classic-level database. The first byte says who owns a key:
 *
 *   0x01 system      node-local metadata (store version, ...)
 *   0x02 raft        reserved for Raft logs and hard state per group (cluster/multiraft)
 *   0x10 mvcc latest  0x10 userKey                       -> flag(1) ts(12) value
 *   0x11 mvcc history 0x11 escaped(userKey) 00 01 ~ts(12) -> flag(1) value
 *
 * The latest committed version of every key lives under its raw user key, so a point read at a
 * recent snapshot is one `getSync` and a scan walks exactly one entry per key. Older versions
 * (shadowed by the latest) move to the history space when a newer version commits; there the user
 * key is escaped (00 -> 00 FF, terminator 00 01) so the encoding is prefix-free and order
 * preserving, and the timestamp is bit-inverted so that seeking to key@readTs lands on the newest
 * version at or below readTs.
 */
import { assert } from '../../util/assert.js';
import { decodeTs, encodeTs, timestampBytes, type Timestamp } from '../hlc/hlc.js';

export const prefixSystem = 0x01;
export const prefixRaft = 0x02;
export const prefixMvccLatest = 0x10;
export const prefixMvccHistory = 0x11;

/** System key holding the highest commit timestamp ever written (restores the HLC on restart). */
export const hlcHighWaterKey: Buffer = Buffer.from([prefixSystem, ...Buffer.from('hlc-high-water')]);

export function encodeTimestampValue(ts: Timestamp): Buffer {
  const out = Buffer.allocUnsafe(timestampBytes);
  encodeTs(ts, out, 0, false);
  return out;
}

export function decodeTimestampValue(raw: Uint8Array): Timestamp {
  assert(raw.length === timestampBytes, 'timestamp value length');
  return decodeTs(raw, 0, false);
}

export const flagValue = 0;
export const flagTombstone = 1;

const escapeByte = 0x00;
const escapedZero = 0xff;
const terminatorByte = 0x01;

export function withPrefix(prefix: number, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(key.length + 1);
  out[0] = prefix;
  out.set(key, 1);
  return out;
}

/** First key after every key starting with `prefix` (prefix byte + 1). */
export function prefixEnd(prefix: number): Buffer {
  assert(prefix < 0xff, 'prefix byte too large');
  return Buffer.from([prefix + 1]);
}

export function latestKey(userKey: Uint8Array): Buffer {
  return withPrefix(prefixMvccLatest, userKey);
}

function escapedLength(userKey: Uint8Array): number {
  let n = userKey.length;
  for (let i = 0; i < userKey.length; i++) if (userKey[i] === escapeByte) n++;
  return n;
}

function writeEscaped(userKey: Uint8Array, out: Buffer, offset: number): number {
  let o = offset;
  for (let i = 0; i < userKey.length; i++) {
    const b = userKey[i]!;
    out[o++] = b;
    if (b === escapeByte) out[o++] = escapedZero;
  }
  return o;
}

/** 0x11 escaped(userKey) 00 01: every history entry of userKey starts with this. */
export function historyKeyPrefix(userKey: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + escapedLength(userKey) + 2);
  out[0] = prefixMvccHistory;
  let o = writeEscaped(userKey, out, 1);
  out[o++] = escapeByte;
  out[o++] = terminatorByte;
  assert(o === out.length, 'history prefix length');
  return out;
}

export function historyKey(userKey: Uint8Array, ts: Timestamp): Buffer {
  const p = historyKeyPrefix(userKey);
  const out = Buffer.allocUnsafe(p.length + timestampBytes);
  out.set(p, 0);
  encodeTs(ts, out, p.length, true);
  return out;
}

/** A bound that sorts before every history key of user keys >= userKey (unterminated escape). */
export function historyBound(userKey: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(1 + escapedLength(userKey));
  out[0] = prefixMvccHistory;
  writeEscaped(userKey, out, 1);
  return out;
}

export interface DecodedHistoryKey {
  readonly userKey: Buffer;
  readonly ts: Timestamp;
}

export function decodeHistoryKey(key: Uint8Array): DecodedHistoryKey {
  assert(key[0] === prefixMvccHistory, 'not a history key');
  assert(key.length >= 1 + 2 + timestampBytes, 'history key too short');
  const bodyEnd = key.length - timestampBytes;
  const bytes: number[] = [];
  let i = 1;
  for (;;) {
    assert(i < bodyEnd, 'history key without terminator');
    const b = key[i]!;
    if (b !== escapeByte) {
      bytes.push(b);
      i++;
      continue;
    }
    const next = key[i + 1];
    if (next === terminatorByte) {
      i += 2;
      break;
    }
    assert(next === escapedZero, 'bad escape in history key');
    bytes.push(0);
    i += 2;
  }
  assert(i === bodyEnd, 'history key has trailing bytes before its timestamp');
  return { userKey: Buffer.from(bytes), ts: decodeTs(key, bodyEnd, true) };
}

/** Latest record: flag(1) ts(12) value. */
export function encodeLatestValue(ts: Timestamp, value: Uint8Array | undefined): Buffer {
  const out = Buffer.allocUnsafe(1 + timestampBytes + (value?.length ?? 0));
  out[0] = value === undefined ? flagTombstone : flagValue;
  encodeTs(ts, out, 1, false);
  if (value !== undefined) out.set(value, 1 + timestampBytes);
  return out;
}

export interface LatestRecord {
  readonly ts: Timestamp;
  /** undefined = tombstone */
  readonly value: Uint8Array | undefined;
}

export function decodeLatestValue(raw: Uint8Array): LatestRecord {
  assert(raw.length >= 1 + timestampBytes, 'latest record too short');
  const flag = raw[0];
  assert(flag === flagValue || flag === flagTombstone, 'bad latest record flag');
  const ts = decodeTs(raw, 1, false);
  if (flag === flagTombstone) {
    assert(raw.length === 1 + timestampBytes, 'tombstone with a value');
    return { ts, value: undefined };
  }
  return { ts, value: raw.subarray(1 + timestampBytes) };
}

/** History record: flag(1) value. */
export function encodeHistoryValue(value: Uint8Array | undefined): Buffer {
  const out = Buffer.allocUnsafe(1 + (value?.length ?? 0));
  out[0] = value === undefined ? flagTombstone : flagValue;
  if (value !== undefined) out.set(value, 1);
  return out;
}

export function decodeHistoryValue(raw: Uint8Array): Uint8Array | undefined {
  assert(raw.length >= 1, 'history record empty');
  const flag = raw[0];
  assert(flag === flagValue || flag === flagTombstone, 'bad history record flag');
  if (flag === flagTombstone) {
    assert(raw.length === 1, 'tombstone with a value');
    return undefined;
  }
  return raw.subarray(1);
}
