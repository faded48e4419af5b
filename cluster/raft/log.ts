/**
 * The Raft log as the core sees it: durable storage plus an unstable tail (entries and
 * possibly a snapshot the host has not persisted yet), the commit index and the applied
 * index.
 */
import { assert } from '../../util/assert.js';
import type { LogStorage } from './storage.js';
import type { Entry, Snapshot } from './types.js';
import { entryBytes } from './types.js';

export class RaftLog {
  /** Entries not yet persisted; unstable[k] has index unstableOffset + k. */
  private unstable: Entry[] = [];
  private unstableOffset: number;
  private unstableSnap: Snapshot | undefined;
  committed: number;
  applied: number;

  constructor(readonly storage: LogStorage, applied: number) {
    this.unstableOffset = storage.lastIndex() + 1;
    this.committed = storage.initialState().hardState.commit;
    const snapIndex = storage.firstIndex() - 1;
    if (this.committed < snapIndex) this.committed = snapIndex;
    this.applied = Math.max(applied, snapIndex);
    assert(this.applied <= this.committed, `applied ${this.applied} beyond commit ${this.committed}`);
  }

  firstIndex(): number {
    if (this.unstableSnap !== undefined) return this.unstableSnap.meta.index + 1;
    return this.storage.firstIndex();
  }

  lastIndex(): number {
    if (this.unstable.length > 0) return this.unstableOffset + this.unstable.length - 1;
    if (this.unstableSnap !== undefined) return this.unstableSnap.meta.index;
    return this.storage.lastIndex();
  }

  lastTerm(): number {
    const t = this.term(this.lastIndex());
    assert(t !== undefined, 'last term unavailable');
    return t;
  }

  term(i: number): number | undefined {
    if (i >= this.unstableOffset && i < this.unstableOffset + this.unstable.length) {
      return this.unstable[i - this.unstableOffset]!.term;
    }
    if (this.unstableSnap !== undefined) {
      if (i === this.unstableSnap.meta.index) return this.unstableSnap.meta.term;
      if (i < this.unstableSnap.meta.index) return undefined;
    }
    if (i >= this.unstableOffset) return undefined;
    return this.storage.term(i);
  }

  matchTerm(i: number, term: number): boolean {
    return this.term(i) === term;
  }

  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  /** Entries [lo, hi) limited to bytesMax (at least one). */
  slice(lo: number, hi: number, bytesMax: number): Entry[] {
    assert(lo >= this.firstIndex(), `slice lo ${lo} below first index ${this.firstIndex()}`);
    assert(hi <= this.lastIndex() + 1, `slice hi ${hi} past last ${this.lastIndex()}`);
    if (lo >= hi) return [];
    let out: Entry[] = [];
    if (lo < this.unstableOffset) {
      out = this.storage.entries(lo, Math.min(hi, this.unstableOffset), bytesMax);
      if (out.length < Math.min(hi, this.unstableOffset) - lo) return out;
    }
    let bytes = 0;
    for (const e of out) bytes += entryBytes(e);
    for (let i = Math.max(lo, this.unstableOffset); i < hi; i++) {
      const e = this.unstable[i - this.unstableOffset]!;
      bytes += entryBytes(e);
      if (out.length > 0 && bytes > bytesMax) break;
      out.push(e);
    }
    return out;
  }

  /** Index of the first entry in `entries` that conflicts with or extends the log, 0 if none. */
  private findConflict(entries: readonly Entry[]): number {
    for (const e of entries) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term` (fast backtracking, etcd's
   * findConflictByTerm). Returns 0 when not found in the available log.
   */
  findConflictByTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    for (; i >= this.firstIndex() - 1; i--) {
      const t = this.term(i);
      if (t === undefined || t <= term) return i;
    }
    return Math.max(0, i);
  }

  /** Follower append: returns the new last index, or undefined if (index, logTerm) does not match. */
  maybeAppend(index: number, logTerm: number, committed: number, entries: readonly Entry[]): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + entries.length;
    const ci = this.findConflict(entries);
    if (ci !== 0) {
      assert(ci > this.committed, `conflict at ${ci} within committed ${this.committed}`);
      this.append(entries.slice(ci - index - 1));
    }
    this.commitTo(Math.min(committed, lastNew));
    return lastNew;
  }

  append(entries: readonly Entry[]): number {
    if (entries.length === 0) return this.lastIndex();
    const after = entries[0]!.index - 1;
    assert(after >= this.committed, `append after ${after} would overwrite committed ${this.committed}`);
    assert(after <= this.lastIndex(), 'append leaves a gap');
    if (after + 1 < this.unstableOffset) {
      // Truncating into stable entries: the unstable tail restarts there.
      this.unstableOffset = after + 1;
      this.unstable = [];
    } else {
      this.unstable.length = after + 1 - this.unstableOffset;
    }
    for (const e of entries) this.unstable.push(e);
    return this.lastIndex();
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    assert(index <= this.lastIndex(), `commit ${index} past last index ${this.lastIndex()}`);
    this.committed = index;
  }

  maybeCommit(index: number, term: number): boolean {
    if (index > this.committed && this.term(index) === term) {
      this.commitTo(index);
      return true;
    }
    return false;
  }

  restore(snap: Snapshot): void {
    this.unstableSnap = snap;
    this.unstable = [];
    this.unstableOffset = snap.meta.index + 1;
    this.committed = snap.meta.index;
  }

  unstableEntries(): Entry[] {
    return this.unstable.slice();
  }
  unstableSnapshot(): Snapshot | undefined {
    return this.unstableSnap;
  }

  /** Committed entries not yet handed to the host, bounded in bytes. */
  nextCommitted(bytesMax: number): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed < lo) return [];
    return this.slice(lo, this.committed + 1, bytesMax);
  }

  hasNextCommitted(): boolean {
    return this.committed > Math.max(this.applied, this.firstIndex() - 1);
  }

  /** The host persisted entries up to (index, term). */
  stableTo(index: number, term: number): void {
    if (this.term(index) !== term || index < this.unstableOffset) return;
    const n = index - this.unstableOffset + 1;
    this.unstable = this.unstable.slice(n);
    this.unstableOffset = index + 1;
  }

  stableSnapTo(index: number): void {
    if (this.unstableSnap !== undefined && this.unstableSnap.meta.index === index) this.unstableSnap = undefined;
  }

  appliedTo(index: number): void {
    assert(index <= this.committed, `applied ${index} beyond commit ${this.committed}`);
    assert(index >= this.applied, `applied went backwards ${index} < ${this.applied}`);
    this.applied = index;
  }

  snapshot(): Snapshot {
    return this.unstableSnap ?? this.storage.snapshot();
  }
}
