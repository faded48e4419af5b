/**
 * The read side of durable Raft state as the core sees it, and an in-memory
 * implementation. The core only reads storage; the host writes it while handling a Ready
 * (append entries, apply a snapshot, set the hard state) and compacts it.
 */
import { assert } from '../../util/assert.js';
import type { ConfState, Entry, HardState, Snapshot, SnapshotMeta } from './types.js';
import { entryBytes, noNode } from './types.js';

export interface LogStorage {
  initialState(): { hardState: HardState; confState: ConfState };
  /** Index of the first entry still held (snapshot index + 1). */
  firstIndex(): number;
  lastIndex(): number;
  /** Term of entry i for i in [firstIndex-1, lastIndex]; undefined outside. */
  term(i: number): number | undefined;
  /** Entries [lo, hi), at least one if lo < hi, then at most `bytesMax` bytes. */
  entries(lo: number, hi: number, bytesMax: number): Entry[];
  snapshot(): Snapshot;
}

export const emptyConfState: ConfState = { voters: [], learners: [] };

/** An in-memory log. The multi-raft host keeps one per group as the cache of what is on disk. */
export class MemoryStorage implements LogStorage {
  private hard: HardState = { term: 0, vote: noNode, commit: 0 };
  private snap: Snapshot = { meta: { index: 0, term: 0, confState: emptyConfState }, data: new Uint8Array() };
  /** ents[k] has index snap.meta.index + 1 + k. */
  private ents: Entry[] = [];

  static bootstrap(confState: ConfState, data: Uint8Array = new Uint8Array()): MemoryStorage {
    const s = new MemoryStorage();
    // The bootstrap config lives in a snapshot at index 1 so that a node joining later
    // learns it from a snapshot like any other config.
    s.applySnapshot({ meta: { index: 1, term: 1, confState }, data });
    s.setHardState({ term: 1, vote: noNode, commit: 1 });
    return s;
  }

  /** Rebuilds the cache of a group from what was read back from disk. */
  static restore(snap: Snapshot, entries: readonly Entry[], hardState: HardState): MemoryStorage {
    const s = new MemoryStorage();
    s.snap = snap;
    s.append(entries);
    s.hard = hardState;
    assert(hardState.commit <= s.lastIndex(), `restored commit ${hardState.commit} past last index ${s.lastIndex()}`);
    return s;
  }

  initialState(): { hardState: HardState; confState: ConfState } {
    return { hardState: this.hard, confState: this.snap.meta.confState };
  }
  hardState(): HardState {
    return this.hard;
  }
  firstIndex(): number {
    return this.snap.meta.index + 1;
  }
  lastIndex(): number {
    return this.snap.meta.index + this.ents.length;
  }
  term(i: number): number | undefined {
    const snapIndex = this.snap.meta.index;
    if (i === snapIndex) return this.snap.meta.term;
    if (i < snapIndex || i > this.lastIndex()) return undefined;
    const e = this.ents[i - snapIndex - 1];
    assert(e !== undefined && e.index === i, 'storage entry index mismatch');
    return e.term;
  }
  entries(lo: number, hi: number, bytesMax: number): Entry[] {
    assert(lo >= this.firstIndex(), `entries lo ${lo} below first index ${this.firstIndex()}`);
    assert(hi <= this.lastIndex() + 1, `entries hi ${hi} past last index ${this.lastIndex()}`);
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i < hi; i++) {
      const e = this.ents[i - this.snap.meta.index - 1];
      assert(e !== undefined, 'storage entry missing');
      bytes += entryBytes(e);
      if (out.length > 0 && bytes > bytesMax) break;
      out.push(e);
    }
    return out;
  }
  snapshot(): Snapshot {
    return this.snap;
  }
  allEntries(): readonly Entry[] {
    return this.ents;
  }

  setHardState(hs: HardState): void {
    assert(hs.term >= this.hard.term, 'hard state term went backwards');
    this.hard = hs;
  }

  /** Appends, truncating any conflicting suffix first. */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = entries[0]!.index;
    assert(first > this.snap.meta.index, `append at ${first} below snapshot ${this.snap.meta.index}`);
    assert(first <= this.lastIndex() + 1, `append at ${first} leaves a gap after ${this.lastIndex()}`);
    this.ents.length = first - this.snap.meta.index - 1;
    for (const e of entries) {
      assert(e.index === this.lastIndex() + 1, 'appended entries must be contiguous');
      this.ents.push(e);
    }
  }

  /** Replaces the whole log by a snapshot (a follower installing one), keeping a matching suffix. */
  applySnapshot(snap: Snapshot): void {
    const m = snap.meta;
    assert(m.index >= this.snap.meta.index, 'snapshot older than the current one');
    const keep = this.term(m.index) === m.term ? this.ents.slice(m.index - this.snap.meta.index) : [];
    this.snap = snap;
    this.ents = keep;
  }

  /** Records a snapshot the local state machine took at `meta.index` and drops the log before it. */
  createSnapshot(meta: SnapshotMeta, data: Uint8Array): void {
    assert(meta.index > this.snap.meta.index, 'snapshot must move forward');
    assert(meta.index <= this.lastIndex(), 'snapshot past last index');
    assert(this.term(meta.index) === meta.term, 'snapshot term mismatch');
    const drop = meta.index - this.snap.meta.index;
    this.ents = this.ents.slice(drop);
    this.snap = { meta, data };
  }
}
