/**
 * Raft state of every group, kept under one key prefix of the node's single
 * classic-level database (the disk is injected; this file never opens a path):
 *
 *   <prefix> <groupId u64> 0x01              hard state
 *   <prefix> <groupId u64> 0x02              latest snapshot (meta + data)
 *   <prefix> <groupId u64> 0x03 <index u64>  log entry
 *
 * The in-memory MemoryStorage of each group is the cache the core reads; this store
 * turns each change of it into write ops for the host's one synced batch per turn.
 */
import { assert } from '../../util/assert.js';
import { MemoryStorage } from '../raft/storage.js';
import type { ConfState, Entry, HardState, Snapshot } from '../raft/types.js';
import { noNode } from '../raft/types.js';
import { decodeEntry, decodeHardState, decodeSnapshot, encodeEntry, encodeHardState, encodeSnapshot } from './codec.js';

export type WriteOp =
  | { readonly kind: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'del'; readonly key: Uint8Array };

export interface RawEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * The disk port: one atomic synced batch, point reads, range iteration. The node's
 * storage engine (cluster/storage) satisfies it structurally.
 */
export interface RaftDisk {
  append(ops: readonly WriteOp[]): Promise<void>;
  getSync(key: Uint8Array): Uint8Array | undefined;
  iterate(opts: { readonly gte: Uint8Array; readonly lt: Uint8Array }): {
    nextBatch(sizeMax: number): Promise<readonly RawEntry[]>;
    close(): Promise<void>;
  };
}

/** Key prefix reserved for Raft in the node's keyspace (see cluster/storage/keys.ts). */
export const raftKeyPrefix = 0x02;
const suffixHardState = 0x01;
const suffixSnapshot = 0x02;
const suffixEntry = 0x03;
const loadBatchEntriesMax = 1024;

function groupKey(groupId: number, suffix: number, index?: number): Buffer {
  const k = Buffer.allocUnsafe(index === undefined ? 10 : 18);
  k.writeUInt8(raftKeyPrefix, 0);
  k.writeBigUInt64BE(BigInt(groupId), 1);
  k.writeUInt8(suffix, 9);
  if (index !== undefined) k.writeBigUInt64BE(BigInt(index), 10);
  return k;
}

export function entryKey(groupId: number, index: number): Buffer {
  return groupKey(groupId, suffixEntry, index);
}

export class RaftLogStore {
  constructor(private readonly disk: RaftDisk) {}

  /** Reads a group back; undefined if nothing was ever persisted for it. */
  async load(groupId: number): Promise<MemoryStorage | undefined> {
    const hsRaw = this.disk.getSync(groupKey(groupId, suffixHardState));
    const snapRaw = this.disk.getSync(groupKey(groupId, suffixSnapshot));
    if (hsRaw === undefined && snapRaw === undefined) return undefined;
    assert(hsRaw !== undefined && snapRaw !== undefined, `group ${groupId}: hard state and snapshot must exist together`);
    const snap = decodeSnapshot(snapRaw);
    const hs = decodeHardState(hsRaw);
    const entries: Entry[] = [];
    const it = this.disk.iterate({ gte: entryKey(groupId, snap.meta.index + 1), lt: groupKey(groupId, suffixEntry + 1) });
    try {
      for (;;) {
        const rows = await it.nextBatch(loadBatchEntriesMax);
        if (rows.length === 0) break;
        for (const r of rows) {
          const e = decodeEntry(r.value);
          const expected = snap.meta.index + 1 + entries.length;
          assert(e.index === expected, `group ${groupId}: log gap, found ${e.index} expected ${expected}`);
          entries.push(e);
        }
      }
    } finally {
      await it.close();
    }
    return MemoryStorage.restore(snap, entries, hs);
  }

  /** A new group's initial state: the bootstrap config as a snapshot at index 1. */
  bootstrap(groupId: number, confState: ConfState, ops: WriteOp[]): MemoryStorage {
    const mem = MemoryStorage.bootstrap(confState);
    ops.push({ kind: 'put', key: groupKey(groupId, suffixSnapshot), value: encodeSnapshot(mem.snapshot()) });
    ops.push({ kind: 'put', key: groupKey(groupId, suffixHardState), value: encodeHardState(mem.hardState()) });
    return mem;
  }

  /** An empty replica that will learn everything from its leader. */
  empty(groupId: number, ops: WriteOp[]): MemoryStorage {
    const mem = new MemoryStorage();
    ops.push({ kind: 'put', key: groupKey(groupId, suffixSnapshot), value: encodeSnapshot(mem.snapshot()) });
    ops.push({ kind: 'put', key: groupKey(groupId, suffixHardState), value: encodeHardState({ term: 0, vote: noNode, commit: 0 }) });
    return mem;
  }

  /** Ops that persist a Ready's snapshot, entries and hard state; applies them to `mem` too. */
  persistReady(groupId: number, mem: MemoryStorage, snap: Snapshot | undefined, entries: readonly Entry[], hs: HardState | undefined, ops: WriteOp[]): void {
    if (snap !== undefined) {
      const oldFirst = mem.firstIndex();
      const oldLast = mem.lastIndex();
      mem.applySnapshot(snap);
      // Kept: a matching suffix (snapshot index, new last]; everything else of the old log goes.
      for (let i = oldFirst; i <= oldLast; i++) {
        if (i <= snap.meta.index || i > mem.lastIndex()) ops.push({ kind: 'del', key: entryKey(groupId, i) });
      }
      ops.push({ kind: 'put', key: groupKey(groupId, suffixSnapshot), value: encodeSnapshot(snap) });
    }
    if (entries.length > 0) {
      const oldLast = mem.lastIndex();
      mem.append(entries);
      const newLast = mem.lastIndex();
      for (const e of entries) ops.push({ kind: 'put', key: entryKey(groupId, e.index), value: encodeEntry(e) });
      for (let i = newLast + 1; i <= oldLast; i++) ops.push({ kind: 'del', key: entryKey(groupId, i) });
    }
    if (hs !== undefined) {
      mem.setHardState(hs);
      ops.push({ kind: 'put', key: groupKey(groupId, suffixHardState), value: encodeHardState(hs) });
    }
  }

  /** Records a local snapshot and drops the log it covers. */
  compact(groupId: number, mem: MemoryStorage, snap: Snapshot, ops: WriteOp[]): void {
    const oldFirst = mem.firstIndex();
    mem.createSnapshot(snap.meta, snap.data);
    for (let i = oldFirst; i <= snap.meta.index; i++) ops.push({ kind: 'del', key: entryKey(groupId, i) });
    ops.push({ kind: 'put', key: groupKey(groupId, suffixSnapshot), value: encodeSnapshot(snap) });
  }

  /** Ops that delete everything of a group. */
  destroy(groupId: number, mem: MemoryStorage, ops: WriteOp[]): void {
    for (let i = mem.firstIndex(); i <= mem.lastIndex(); i++) ops.push({ kind: 'del', key: entryKey(groupId, i) });
    ops.push({ kind: 'del', key: groupKey(groupId, suffixSnapshot) });
    ops.push({ kind: 'del', key: groupKey(groupId, suffixHardState) });
  }
}
