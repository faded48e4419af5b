/**
 * A transaction's buffered writes: puts, deletes and range deletes, with savepoints. The op log
 * is the truth (a savepoint is a log position; rolling back replays the prefix); `entries` and
 * `ranges` are its materialized view for reads: an entry beats a range, a later range removes
 * earlier entries it covers.
 */
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
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

/**
 * Bytes one transaction may buffer before commit, charged as key + value + `bufferedOpOverheadBytes`
 * per write (what the op log, the entry map, the key string and the buffers cost on the heap:
 * ~900 bytes for a pgbench account row). Past it the write fails with 54000 instead of the node
 * running out of heap (the default V8 heap is ~4 GiB and a transaction's writes live in memory
 * until commit, which needs about as much again to build its batch).
 */
export const writeBufferBytesMax = 1024 * 1024 * 1024;
/** Heap cost of one buffered write beyond its key and value bytes (measured; see above). */
export const bufferedOpOverheadBytes = 768;

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

export function inSpan(key: Uint8Array, span: BufferSpan): boolean {
  return compareBytes(key, span.start) >= 0 && (span.end.length === 0 || compareBytes(key, span.end) < 0);
}

/** What reads of buffered writes need: the live buffer, or a pinned snapshot of it. */
export interface BufferReader {
  readonly isEmpty: boolean;
  readonly hasRanges: boolean;
  lookup(key: Uint8Array): BufferLookup;
  rangeDeleted(key: Uint8Array): boolean;
  entriesIn(span: BufferSpan): BufferEntry[];
}

/**
 * The buffer as it was when pinned (a cursor's snapshot of its transaction's own writes). O(1)
 * to take: it reads the live buffer until the buffer's next change, which first hands every
 * still-held pin one frozen copy of the state (copy-on-write, once per pinned state).
 */
export class PinnedBuffer implements BufferReader {
  private holders = 1;

  constructor(private state: BufferReader) {}

  get held(): boolean {
    return this.holders > 0;
  }

  retain(): void {
    assert(this.holders > 0, 'retain of a released buffer pin');
    this.holders++;
  }

  release(): void {
    assert(this.holders > 0, 'buffer pin released twice');
    this.holders--;
  }

  /** Called by the buffer before it changes. */
  freeze(copy: BufferReader): void {
    this.state = copy;
  }

  get isEmpty(): boolean {
    return this.state.isEmpty;
  }

  get hasRanges(): boolean {
    return this.state.hasRanges;
  }

  lookup(key: Uint8Array): BufferLookup {
    return this.state.lookup(key);
  }

  rangeDeleted(key: Uint8Array): boolean {
    return this.state.rangeDeleted(key);
  }

  entriesIn(span: BufferSpan): BufferEntry[] {
    return this.state.entriesIn(span);
  }
}

export class WriteBuffer implements BufferReader {
  private readonly log: BufferOp[] = [];
  /** Charged bytes of `log` (see writeBufferBytesMax). */
  private bytes = 0;

  constructor(private readonly bytesMax: number = writeBufferBytesMax) {}
  /** The pin of the current state, shared by every pin taken since the last change. */
  private pinned: PinnedBuffer | undefined;
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

  /** A read-only snapshot of the current state (release it when done; see PinnedBuffer). */
  pin(): PinnedBuffer {
    if (this.pinned !== undefined && this.pinned.held) this.pinned.retain();
    else this.pinned = new PinnedBuffer(this);
    return this.pinned;
  }

  /** Before a change: a pin still held gets a frozen copy of the state it was taken at. */
  private beforeChange(): void {
    const p = this.pinned;
    if (p === undefined) return;
    this.pinned = undefined;
    if (!p.held) return;
    const copy = new WriteBuffer();
    copy.entries = new Map(this.entries);
    copy.ranges = [...this.ranges];
    copy.sorted = this.sorted; // replaced, never changed in place
    p.freeze(copy);
  }

  rollbackTo(savepoint: number): void {
    assert(Number.isInteger(savepoint) && savepoint >= 0 && savepoint <= this.log.length, 'bad savepoint');
    this.beforeChange();
    const kept = this.log.slice(0, savepoint);
    this.log.length = 0;
    this.bytes = 0;
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
    const bytes = this.bytes + chargedBytes(op);
    if (bytes > this.bytesMax) {
      throw new SqlError(SqlState.programLimitExceeded, 'transaction is too large', {
        detail: `A transaction may buffer at most ${Math.floor(this.bytesMax / (1024 * 1024))} MB of writes before COMMIT; this one needed more.`,
        hint: 'Split the work into several transactions (for COPY: load the file in parts).',
      });
    }
    this.beforeChange();
    this.bytes = bytes;
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

function chargedBytes(op: BufferOp): number {
  switch (op.kind) {
    case 'put':
      return bufferedOpOverheadBytes + op.key.length + op.value.length;
    case 'delete':
      return bufferedOpOverheadBytes + op.key.length;
    case 'deleteRange':
      return bufferedOpOverheadBytes + op.span.start.length + op.span.end.length;
    default:
      return assertNever(op, 'buffer op');
  }
}
