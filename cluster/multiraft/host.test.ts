import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StorageEngine } from '../storage/engine.js';
import { openStorage } from '../storage/engine.js';
import type { Entry, NodeId, Snapshot } from '../raft/types.js';
import type { GroupStateMachine } from './host.js';
import { MultiRaftHost, RaftRejectedError } from './host.js';
import type { RaftDisk } from './log-store.js';
import { MemoryDisk } from './memory-disk.js';
import { InMemoryNetwork } from './transport.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const deadlineMs = 10_000;

/** A state machine that records applied commands per group. */
class ListMachine implements GroupStateMachine {
  readonly applied = new Map<number, string[]>();
  list(g: number): string[] {
    let l = this.applied.get(g);
    if (l === undefined) this.applied.set(g, (l = []));
    return l;
  }
  apply(g: number, entries: readonly Entry[]): void {
    for (const e of entries) if (e.kind === 'normal' && e.data.length > 0) this.list(g).push(decoder.decode(e.data));
  }
  snapshot(g: number): Uint8Array {
    return encoder.encode(JSON.stringify(this.list(g)));
  }
  restore(g: number, snap: Snapshot): void {
    this.applied.set(g, snap.data.length > 0 ? (JSON.parse(decoder.decode(snap.data)) as string[]) : []);
  }
}

interface Cluster {
  net: InMemoryNetwork;
  hosts: Map<NodeId, MultiRaftHost>;
  machines: Map<NodeId, ListMachine>;
  disks: Map<NodeId, RaftDisk>;
}

function makeHost(c: Cluster, id: NodeId, disk: RaftDisk, compactAfterEntries = 10_000): MultiRaftHost {
  const h = new MultiRaftHost({ nodeId: id, disk, transport: c.net.transport(id), seed: id, compactAfterEntries, tuning: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 2 } });
  c.hosts.set(id, h);
  c.disks.set(id, disk);
  if (!c.machines.has(id)) c.machines.set(id, new ListMachine());
  return h;
}

/** Ticks every host until `cond` holds, failing after a deadline (no fixed sleeps). */
async function until(c: Cluster, what: string, cond: () => boolean): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    for (const h of c.hosts.values()) h.tick();
    await new Promise((r) => setTimeout(r, 1));
  }
}

function leaderOf(c: Cluster, groupId: number): MultiRaftHost | undefined {
  for (const h of c.hosts.values()) if (h.status(groupId)?.role === 'leader') return h;
  return undefined;
}

async function threeNodes(groups: number[], diskFor: (id: NodeId) => RaftDisk = () => new MemoryDisk(), compact = 10_000): Promise<Cluster> {
  const c: Cluster = { net: new InMemoryNetwork(), hosts: new Map(), machines: new Map(), disks: new Map() };
  for (const id of [1, 2, 3]) {
    const h = makeHost(c, id, diskFor(id), compact);
    for (const g of groups) await h.createGroup({ groupId: g, bootstrap: { voters: [1, 2, 3], learners: [] }, stateMachine: c.machines.get(id)! });
  }
  return c;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('MultiRaftHost', () => {
  it('runs several groups, replicates proposals in order, and coalesces traffic per peer', async () => {
    const c = await threeNodes([10, 20]);
    c.hosts.get(1)!.campaign(10);
    c.hosts.get(2)!.campaign(20);
    await until(c, 'leaders', () => leaderOf(c, 10) !== undefined && leaderOf(c, 20) !== undefined);
    const l10 = leaderOf(c, 10)!;
    const l20 = leaderOf(c, 20)!;
    const idx = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => l10.propose(10, encoder.encode(`a${i}`))),
      ...Array.from({ length: 20 }, (_, i) => l20.propose(20, encoder.encode(`b${i}`))),
    ]);
    expect(new Set(idx.slice(0, 20)).size).toBe(20);
    await until(c, 'all applied', () => [1, 2, 3].every((id) => c.machines.get(id)!.list(10).length === 20 && c.machines.get(id)!.list(20).length === 20));
    for (const id of [1, 2, 3]) {
      expect(c.machines.get(id)!.list(10)).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));
      expect(c.machines.get(id)!.list(20)).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
    }
    // One synced batch per turn covers both groups: fewer batches than entries persisted.
    const h1 = c.hosts.get(1)!;
    expect(h1.stats.syncedBatches).toBeLessThan(h1.stats.entriesApplied);
    for (const h of c.hosts.values()) h.stop();
  });

  it('rejects proposals on a follower with the leader hint, serves ReadIndex and applied-index watchers', async () => {
    const c = await threeNodes([1]);
    c.hosts.get(1)!.campaign(1);
    await until(c, 'leader', () => leaderOf(c, 1) !== undefined);
    const leader = leaderOf(c, 1)!;
    const follower = [...c.hosts.values()].find((h) => h !== leader)!;
    await until(c, 'follower knows leader', () => follower.status(1)?.lead === leader.nodeId);
    await expect(follower.propose(1, encoder.encode('x'))).rejects.toMatchObject({ reason: 'notLeader', leaderHint: leader.nodeId });
    const index = await leader.propose(1, encoder.encode('y'));
    const watched = follower.waitApplied(1, index);
    const readAt = follower.readIndex(1);
    await until(c, 'follower applied', () => follower.status(1)!.applied >= index);
    await watched;
    expect(await readAt).toBeGreaterThanOrEqual(index);
    expect(c.machines.get(follower.nodeId)!.list(1)).toContain('y');
  });

  it('rejects a forwarded read whose answer is lost instead of leaving it pending', async () => {
    const c = await threeNodes([2]);
    c.hosts.get(1)!.campaign(2);
    await until(c, 'leader', () => leaderOf(c, 2) !== undefined);
    const leader = leaderOf(c, 2)!;
    const follower = [...c.hosts.values()].find((h) => h !== leader)!;
    await until(c, 'follower knows leader', () => follower.status(2)?.lead === leader.nodeId);
    c.net.partition(leader.nodeId, follower.nodeId);
    const read = follower.readIndex(2);
    let outcome: unknown;
    read.then(
      () => (outcome = 'served'),
      (e: unknown) => (outcome = e),
    );
    await until(c, 'read settled', () => outcome !== undefined);
    expect(outcome).toMatchObject({ reason: 'timeout' });
  });

  it('adds a learner that catches up by snapshot after compaction, and destroys a group', async () => {
    const c = await threeNodes([5], () => new MemoryDisk(), 8);
    c.hosts.get(1)!.campaign(5);
    await until(c, 'leader', () => leaderOf(c, 5) !== undefined);
    const leader = leaderOf(c, 5)!;
    for (let i = 0; i < 30; i++) await leader.propose(5, encoder.encode(`v${i}`));
    await until(c, 'compacted', () => true);
    const h4 = makeHost(c, 4, new MemoryDisk());
    await h4.createGroup({ groupId: 5, stateMachine: c.machines.get(4)! });
    await leader.proposeConfChange(5, { kind: 'addLearner', nodeId: 4 });
    await until(c, 'learner caught up', () => c.machines.get(4)!.list(5).length === 30);
    expect(c.machines.get(4)!.list(5)).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`));
    await leader.proposeConfChange(5, { kind: 'promote', nodeId: 4 });
    await until(c, 'promoted', () => h4.status(5)!.confState.voters.includes(4));
    const disk4 = c.disks.get(4) as MemoryDisk;
    expect(disk4.keyCount()).toBeGreaterThan(0);
    h4.destroyGroup(5);
    await until(c, 'destroyed', () => !h4.hasGroup(5));
    await h4.idle();
    expect(disk4.keyCount()).toBe(0);
  });

  it('survives a restart on classic-level: the log is reloaded and re-applied', async () => {
    const dirFor = new Map<NodeId, string>();
    const engines: StorageEngine[] = [];
    for (const id of [1, 2, 3]) {
      const d = mkdtempSync(join(tmpdir(), `nodedb-mr-${id}-`));
      dirs.push(d);
      dirFor.set(id, d);
      engines.push(await openStorage(d));
    }
    const c = await threeNodes([7], (id) => engines[id - 1]!);
    c.hosts.get(1)!.campaign(7);
    await until(c, 'leader', () => leaderOf(c, 7) !== undefined);
    const leader = leaderOf(c, 7)!;
    for (let i = 0; i < 10; i++) await leader.propose(7, encoder.encode(`d${i}`));
    const victim = [...c.hosts.values()].find((h) => h !== leader)!;
    await until(c, 'victim applied', () => victim.status(7)!.applied >= leader.status(7)!.applied);
    victim.stop();
    await victim.idle();
    c.net.disconnect(victim.nodeId);
    c.hosts.delete(victim.nodeId);
    await engines[victim.nodeId - 1]!.close();
    const reopened = await openStorage(dirFor.get(victim.nodeId)!);
    engines[victim.nodeId - 1] = reopened;
    c.machines.set(victim.nodeId, new ListMachine());
    const again = makeHost(c, victim.nodeId, reopened);
    await again.createGroup({ groupId: 7, stateMachine: c.machines.get(victim.nodeId)! });
    await until(c, 're-applied', () => c.machines.get(victim.nodeId)!.list(7).length === 10);
    expect(c.machines.get(victim.nodeId)!.list(7)).toEqual(Array.from({ length: 10 }, (_, i) => `d${i}`));
    for (const h of c.hosts.values()) {
      h.stop();
      await h.idle();
    }
    for (const e of engines) await e.close();
  });

  it('stops for good when a disk write fails', async () => {
    const disks = new Map<NodeId, MemoryDisk>();
    const c = await threeNodes([3], (id) => {
      const d = new MemoryDisk();
      disks.set(id, d);
      return d;
    });
    c.hosts.get(1)!.campaign(3);
    await until(c, 'leader', () => leaderOf(c, 3) !== undefined);
    const leader = leaderOf(c, 3)!;
    disks.get(leader.nodeId)!.failNext = true;
    await expect(leader.propose(3, encoder.encode('lost'))).rejects.toBeInstanceOf(RaftRejectedError);
    expect(leader.failure()?.message).toContain('injected');
    await expect(leader.propose(3, encoder.encode('after'))).rejects.toMatchObject({ reason: 'hostFailed' });
  });
});
