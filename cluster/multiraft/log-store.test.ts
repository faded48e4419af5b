import { describe, expect, it } from 'vitest';
import { SeededRng } from '../raft/rng.js';
import type { MemoryStorage } from '../raft/storage.js';
import type { Entry, Snapshot } from '../raft/types.js';
import { decodeEntry, decodeHardState, decodeSnapshot, encodeEntry, encodeHardState, encodeSnapshot } from './codec.js';
import type { WriteOp } from './log-store.js';
import { RaftLogStore } from './log-store.js';
import { MemoryDisk } from './memory-disk.js';

const groupId = 42;
const stepsPerSeed = 60;
const seedsCount = 40;

function view(m: MemoryStorage): unknown {
  return { snap: m.snapshot(), entries: m.allEntries(), hs: m.hardState() };
}

describe('RaftLogStore', () => {
  it('round-trips every record type through the codec', () => {
    const e1: Entry = { kind: 'normal', term: 3, index: 9, data: Uint8Array.of(1, 2, 3) };
    const e2: Entry = { kind: 'confChange', term: 4, index: 10, change: { kind: 'promote', nodeId: 7 } };
    expect(decodeEntry(encodeEntry(e1))).toEqual(e1);
    expect(decodeEntry(encodeEntry(e2))).toEqual(e2);
    const hs = { term: 5, vote: 2, commit: 99 };
    expect(decodeHardState(encodeHardState(hs))).toEqual(hs);
    const snap: Snapshot = { meta: { index: 8, term: 3, confState: { voters: [1, 2, 3], learners: [9] } }, data: Uint8Array.of(7, 7) };
    expect(decodeSnapshot(encodeSnapshot(snap))).toEqual(snap);
  });

  it('reloads exactly what was persisted after random appends, truncations, snapshots and compactions', async () => {
    for (let seed = 1; seed <= seedsCount; seed++) {
      const rng = new SeededRng(seed);
      const disk = new MemoryDisk();
      const store = new RaftLogStore(disk);
      const boot: WriteOp[] = [];
      const mem = store.bootstrap(groupId, { voters: [1, 2, 3], learners: [] }, boot);
      await disk.append(boot);
      let term = 1;
      for (let step = 0; step < stepsPerSeed; step++) {
        const ops: WriteOp[] = [];
        const r = rng.intBelow(10);
        const commit = mem.hardState().commit;
        if (r < 6) {
          // append, possibly overwriting an uncommitted suffix with a newer term
          const from = Math.max(commit + 1, mem.firstIndex(), mem.lastIndex() + 1 - rng.intBelow(3));
          if (rng.chance(0.3)) term++;
          const entries: Entry[] = [];
          for (let i = 0; i < 1 + rng.intBelow(4); i++) entries.push({ kind: 'normal', term, index: from + i, data: Uint8Array.of(seed, step, i) });
          const hs = { term, vote: 1, commit: Math.min(from + entries.length - 1, commit + rng.intBelow(3)) };
          store.persistReady(groupId, mem, undefined, entries, hs, ops);
        } else if (r < 8 && mem.hardState().commit > mem.firstIndex()) {
          const idx = mem.firstIndex() + rng.intBelow(mem.hardState().commit - mem.firstIndex() + 1);
          const t = mem.term(idx)!;
          store.compact(groupId, mem, { meta: { index: idx, term: t, confState: { voters: [1, 2, 3], learners: [] } }, data: Uint8Array.of(idx) }, ops);
        } else {
          // a snapshot from the leader past the local log (or matching it)
          term++;
          const idx = mem.lastIndex() + rng.intBelow(3);
          const snapTerm = mem.term(idx) ?? term;
          const snap: Snapshot = { meta: { index: idx, term: snapTerm, confState: { voters: [1, 2, 3], learners: [4] } }, data: Uint8Array.of(9) };
          if (idx > mem.snapshot().meta.index) store.persistReady(groupId, mem, snap, [], { term, vote: 0, commit: idx }, ops);
        }
        await disk.append(ops);
        const loaded = await store.load(groupId);
        expect(loaded, `seed ${seed} step ${step}`).toBeDefined();
        expect(view(loaded!), `seed ${seed} step ${step}`).toEqual(view(mem));
      }
      const ops: WriteOp[] = [];
      store.destroy(groupId, mem, ops);
      await disk.append(ops);
      expect(disk.keyCount(), `seed ${seed}: destroy leaves no keys`).toBe(0);
    }
  });
});
