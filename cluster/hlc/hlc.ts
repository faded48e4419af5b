/**
 * Hybrid logical clock: physical milliseconds plus a logical counter. Timestamps handed out by
 * one clock strictly increase; `update(remote)` folds in a timestamp seen from another node so
 * causality survives clock skew. The physical clock is injected (tests drive it by hand).
 */
import { assert } from '../../util/assert.js';

export interface Timestamp {
  readonly wallMs: number;
  readonly logical: number;
}

export type PhysicalClock = () => number;

/** Bytes of an encoded timestamp: 8 bytes wall ms + 4 bytes logical, big-endian. */
export const timestampBytes = 12;
/** Largest logical counter before the clock refuses (it would need 2^32 events in one ms). */
export const logicalMax = 0xffff_ffff;
/** A remote timestamp further ahead of our physical clock than this is rejected (clock sanity). */
export const maxOffsetMsDefault = 500_000;

export const zeroTimestamp: Timestamp = Object.freeze({ wallMs: 0, logical: 0 });
export const maxTimestamp: Timestamp = Object.freeze({ wallMs: Number.MAX_SAFE_INTEGER, logical: logicalMax });

export function compareTs(a: Timestamp, b: Timestamp): number {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  return 0;
}

export function tsLessEq(a: Timestamp, b: Timestamp): boolean {
  return a.wallMs < b.wallMs || (a.wallMs === b.wallMs && a.logical <= b.logical);
}

export function minTs(a: Timestamp, b: Timestamp): Timestamp {
  return compareTs(a, b) <= 0 ? a : b;
}

/** The timestamp right below `ts` (used to read "just before" an in-flight commit). */
export function prevTs(ts: Timestamp): Timestamp {
  if (ts.logical > 0) return { wallMs: ts.wallMs, logical: ts.logical - 1 };
  assert(ts.wallMs > 0, 'prevTs of zero timestamp');
  return { wallMs: ts.wallMs - 1, logical: logicalMax };
}

export function tsToString(ts: Timestamp): string {
  return `${ts.wallMs}.${ts.logical}`;
}

/** Writes `ts` big-endian into out[offset..offset+12); `invert` flips every bit (newest sorts first). */
export function encodeTs(ts: Timestamp, out: Uint8Array, offset: number, invert: boolean): void {
  assert(Number.isSafeInteger(ts.wallMs) && ts.wallMs >= 0, 'wallMs out of range');
  assert(Number.isInteger(ts.logical) && ts.logical >= 0 && ts.logical <= logicalMax, 'logical out of range');
  const hi = Math.floor(ts.wallMs / 0x1_0000_0000);
  const lo = ts.wallMs >>> 0;
  const view = new DataView(out.buffer, out.byteOffset + offset, timestampBytes);
  const mask = invert ? 0xffff_ffff : 0;
  view.setUint32(0, (hi ^ mask) >>> 0);
  view.setUint32(4, (lo ^ mask) >>> 0);
  view.setUint32(8, (ts.logical ^ mask) >>> 0);
}

export function decodeTs(buf: Uint8Array, offset: number, invert: boolean): Timestamp {
  assert(buf.length >= offset + timestampBytes, 'timestamp truncated');
  const view = new DataView(buf.buffer, buf.byteOffset + offset, timestampBytes);
  const mask = invert ? 0xffff_ffff : 0;
  const hi = (view.getUint32(0) ^ mask) >>> 0;
  const lo = (view.getUint32(4) ^ mask) >>> 0;
  const logical = (view.getUint32(8) ^ mask) >>> 0;
  return { wallMs: hi * 0x1_0000_0000 + lo, logical };
}

export interface HlcOptions {
  readonly physicalClock?: PhysicalClock;
  readonly maxOffsetMs?: number;
}

export class Hlc {
  private readonly physicalClock: PhysicalClock;
  private readonly maxOffsetMs: number;
  private last: Timestamp = zeroTimestamp;

  constructor(opts: HlcOptions = {}) {
    this.physicalClock = opts.physicalClock ?? Date.now;
    this.maxOffsetMs = opts.maxOffsetMs ?? maxOffsetMsDefault;
    assert(this.maxOffsetMs > 0, 'maxOffsetMs must be positive');
  }

  /** A timestamp strictly greater than every timestamp this clock returned or saw before. */
  now(): Timestamp {
    const physicalMs = this.physicalClock();
    const next =
      physicalMs > this.last.wallMs
        ? { wallMs: physicalMs, logical: 0 }
        : this.bumpLogical(this.last.wallMs, this.last.logical);
    assert(compareTs(next, this.last) > 0, 'hlc went backwards');
    this.last = next;
    return next;
  }

  /** Folds a remote timestamp in: every later now() is greater than `remote`. */
  update(remote: Timestamp): void {
    const physicalMs = this.physicalClock();
    if (remote.wallMs - physicalMs > this.maxOffsetMs) {
      throw new Error(`remote timestamp ${tsToString(remote)} is ${remote.wallMs - physicalMs} ms ahead of the local clock (max ${this.maxOffsetMs})`);
    }
    if (compareTs(remote, this.last) > 0) this.last = remote;
  }

  /**
   * Moves the clock to at least `ts` without the skew check: recovery after a restart, where `ts`
   * is the highest timestamp this node ever persisted (its own, so trusted).
   */
  restoreAtLeast(ts: Timestamp): void {
    if (compareTs(ts, this.last) > 0) this.last = ts;
  }

  /** The last timestamp handed out or seen (no advance). */
  peek(): Timestamp {
    return this.last;
  }

  private bumpLogical(wallMs: number, logical: number): Timestamp {
    if (logical >= logicalMax) return { wallMs: wallMs + 1, logical: 0 };
    return { wallMs, logical: logical + 1 };
  }
}
