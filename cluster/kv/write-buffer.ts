/**
 * A transaction's buffered writes: puts, deletes and range deletes, with savepoints. The op log
 * is the truth (a savepoint is a log position; rolling back replays the prefix); `entries` and
 * `ranges` are its materialized view for reads: an entry beats a range, a later range removes
 * earlier entries it covers.
 */
import { assert, assertNever } from '../../util/assert.js';
import { keyString } from './lock-table.js';

export interface BufferSpan {
  readonly start: Uint8Array;
  /** Exclusive; empty = unbounded. */
  readonly end: Uint8Array;
}

export type BufferOp =
  | { readonly kind: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'delete'; readonly key: Uint8Array }
  | { readonly kind: 'deleteRange'; readonly span: BufferSpan };

export interface BufferEntry {
  readonly key: Uint8Array;
  /** `key` as a latin1 string (map / lock-table key; compares like the bytes). */
  readonly ks: string;
  /** undefined = deleted */
  readonly value: Uint8Array | undefined;
}

/** What the buffer says about one key. */
export type BufferLookup =
  | { readonly kind: 'absent' }
  | { readonly kind: 'written'; readonly value: Uint8Array | undefined }
  | { readonly kind: 'rangeDeleted' };

export const writeBufferOpsMax = 10_000_000;

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function inSpan(key: Uint8Array, span: BufferSpan): boolean {
  return compareBytes(key, span.start) >= 0 && (span.end.length === 0 || compareBytes(key, span.end) < 0);
}

export class WriteBuffer {
  private readonly log: BufferOp[] = [];
  private entries = new Map<string, BufferEntry>();
  private ranges: BufferSpan[] = [];
  /** Keys of `entries` in byte order (lazily rebuilt after a new key or a range delete). */
  private sorted: string[] | undefined = [];

  get opCount(): number {
    return this.log.length;
  }

  get isEmpty(): boolean {
    return this.entries.size === 0 && this.ranges.length === 0;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.apply({ kind: 'put', key: copy(key), value: copy(value) });
  }

  delete(key: Uint8Array): void {
    this.apply({ kind: 'delete', key: copy(key) });
  }

  deleteRange(span: BufferSpan): void {
    this.apply({ kind: 'deleteRange', span: { start: copy(span.start), end: copy(span.end) } });
  }

  savepoint(): number {
    return this.log.length;
  }

  rollbackTo(savepoint: number): void {
    assert(Number.isInteger(savepoint) && savepoint >= 0 && savepoint <= this.log.length, 'bad savepoint');
    const kept = this.log.slice(0, savepoint);
    this.log.length = 0;
    this.entries = new Map();
    this.ranges = [];
    this.sorted = [];
    for (const op of kept) this.apply(op);
    assert(this.log.length === savepoint, 'savepoint replay length');
  }

  lookup(key: Uint8Array): BufferLookup {
    if (this.entries.size > 0) {
      const e = this.entries.get(keyString(key));
      if (e !== undefined) return { kind: 'written', value: e.value };
    }
    for (const r of this.ranges) if (inSpan(key, r)) return { kind: 'rangeDeleted' };
    return { kind: 'absent' };
  }

  /** True when storage rows at `key` are hidden by a range delete (and no later entry). */
  rangeDeleted(key: Uint8Array): boolean {
    for (const r of this.ranges) if (inSpan(key, r)) return true;
    return false;
  }

  get hasRanges(): boolean {
    return this.ranges.length > 0;
  }

  /** Entries (puts and deletes) inside `span`, in key order. */
  entriesIn(span: BufferSpan): BufferEntry[] {
    if (this.entries.size === 0) return [];
    if (this.sorted === undefined) {
      this.sorted = [...this.entries.keys()].sort();
    }
    const all = this.sorted;
    let lo = 0;
    let hi = all.length;
    const startStr = keyString(span.start);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (all[mid]! < startStr) lo = mid + 1;
      else hi = mid;
    }
    const out: BufferEntry[] = [];
    for (let i = lo; i < all.length; i++) {
      const e = this.entries.get(all[i]!);
      assert(e !== undefined, 'sorted key missing from buffer');
      if (!inSpan(e.key, span)) break;
      out.push(e);
    }
    return out;
  }

  allEntries(): IterableIterator<BufferEntry> {
    return this.entries.values();
  }

  allRanges(): readonly BufferSpan[] {
    return this.ranges;
  }

  private apply(op: BufferOp): void {
    assert(this.log.length < writeBufferOpsMax, 'write buffer exceeded its bound');
    this.log.push(op);
    switch (op.kind) {
      case 'put':
      case 'delete': {
        const k = keyString(op.key);
        const value = op.kind === 'put' ? op.value : undefined;
        if (!this.entries.has(k)) this.sorted = undefined;
        this.entries.set(k, { key: op.key, ks: k, value });
        return;
      }
      case 'deleteRange': {
        for (const [k, e] of this.entries) if (inSpan(e.key, op.span)) this.entries.delete(k);
        this.ranges.push(op.span);
        this.sorted = undefined;
        return;
      }
      default:
        assertNever(op, 'buffer op');
    }
  }
}

function copy(b: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(b);
}
