/**
 * The multi-raft host: many Raft groups in one process, driven in turns. One turn:
 *   1. feed queued inputs (ticks, received messages, proposals, reads, ...) to each group;
 *   2. collect the Ready of every group;
 *   3. send the leaders' appends/heartbeats at once (they may precede local persistence);
 *   4. write every group's entries, snapshot and hard state in ONE synced disk batch;
 *   5. send the remaining messages, batched per destination node, heartbeats coalesced;
 *   6. apply committed entries through each group's state machine, resolve proposals,
 *      reads and applied-index watchers; advance every group.
 * No input reaches a group between its ready() and advance(): inputs are queued while a
 * turn runs, which also batches concurrent proposals into one append and one fsync.
 *
 * A hard state that differs from the durable one only in its commit index is not worth an
 * fsync of its own: Raft's safety does not depend on the commit index being durable (a
 * restarted node learns it again from the leader). Such writes ride along with the next
 * batch that has to be synced anyway.
 */
import { assert, assertNever } from '../../util/assert.js';
import type { RaftConfig } from '../raft/config.js';
import { defaultRaftConfig } from '../raft/config.js';
import type { Ready } from '../raft/rawnode.js';
import { RawNode, sendableBeforePersist } from '../raft/rawnode.js';
import { SeededRng } from '../raft/rng.js';
import type { MemoryStorage } from '../raft/storage.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, ProposeResult, RejectReason, Snapshot } from '../raft/types.js';
import { noNode } from '../raft/types.js';
import type { RaftDisk, WriteOp } from './log-store.js';
import { RaftLogStore } from './log-store.js';
import type { HostBatch, Transport } from './transport.js';
import { BatchBuilder, expandBatch } from './transport.js';

/**
 * A group's state machine. At start the host restores the group's latest snapshot and then
 * re-applies the committed log after it: a state machine with durable state of its own must
 * treat indexes it already applied as a replay (skip them).
 */
export interface GroupStateMachine {
  /** Applies committed entries in log order (conf-change entries included, for information). */
  apply(groupId: number, entries: readonly Entry[]): void | Promise<void>;
  /** The state image at the last applied index (for log compaction). */
  snapshot(groupId: number): Uint8Array;
  /** Replaces the state by a snapshot received from the leader (or loaded at start). */
  restore(groupId: number, snap: Snapshot): void | Promise<void>;
}

export interface CreateGroupOptions {
  readonly groupId: number;
  /** Initial config of a brand-new group (every initial replica passes the same). Omit for a replica that joins later. */
  readonly bootstrap?: ConfState;
  readonly stateMachine: GroupStateMachine;
}

export type RaftTuning = Omit<RaftConfig, 'id' | 'storage' | 'rng' | 'applied' | 'proposalForwarding'>;

export interface HostOptions {
  readonly nodeId: NodeId;
  readonly disk: RaftDisk;
  readonly transport: Transport;
  /** Seeds the election-timeout randomness (tests pass fixed seeds). */
  readonly seed: number;
  readonly tuning?: Partial<RaftTuning>;
  /** Compact a group's log once this many applied entries sit before the applied index. */
  readonly compactAfterEntries?: number;
  /** Ticks fed to each group in one turn at most (a stalled process does not trigger elections in bursts). */
  readonly ticksPerTurnMax?: number;
  readonly groupInputsMax?: number;
  readonly appliedWaitersMax?: number;
  /** A read whose answer has not come back after this many ticks (e.g. lost on the way) is rejected. */
  readonly readTimeoutTicks?: number;
}

/** A proposal, read or config change that the group refused; retry at `leaderHint` if set. */
export class RaftRejectedError extends Error {
  override name = 'RaftRejectedError';
  constructor(readonly reason: RejectReason | 'leadershipLost' | 'groupDestroyed' | 'hostFailed' | 'timeout', readonly leaderHint: NodeId) {
    super(`raft: ${reason}${leaderHint !== noNode ? ` (leader hint ${leaderHint})` : ''}`);
  }
}

type Input =
  | { readonly kind: 'step'; readonly msg: Message }
  | { readonly kind: 'propose'; readonly data: Uint8Array; readonly done: Settle<number> }
  | { readonly kind: 'confChange'; readonly change: ConfChange; readonly done: Settle<number> }
  | { readonly kind: 'read'; readonly done: Settle<number> }
  | { readonly kind: 'transfer'; readonly to: NodeId }
  | { readonly kind: 'campaign' };

interface Settle<T> {
  resolve(v: T): void;
  reject(e: Error): void;
}

interface Group {
  readonly id: number;
  readonly raw: RawNode;
  readonly mem: MemoryStorage;
  readonly sm: GroupStateMachine;
  inputs: Input[];
  applied: number;
  readonly proposals: Map<number, { term: number; done: Settle<number> }>;
  readonly reads: Map<string, { done: Settle<number>; startTick: number }>;
  waiters: { index: number; resolve: () => void }[];
  wasLeader: boolean;
  /** Term and vote last written to disk; a commit-only change is deferred into `lazyHardState`. */
  durableTerm: number;
  durableVote: NodeId;
  lazyHardState: HardState | undefined;
}

export interface HostStats {
  turns: number;
  syncedBatches: number;
  batchesSent: number;
  entriesApplied: number;
}

export class MultiRaftHost {
  readonly nodeId: NodeId;
  private readonly groups = new Map<number, Group>();
  private readonly store: RaftLogStore;
  private readonly rng: SeededRng;
  private pendingTicks = 0;
  private pendingOps: WriteOp[] = [];
  private pendingDestroys: number[] = [];
  private turnRunning = false;
  private turnScheduled = false;
  private failed: Error | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readCounter = 0;
  private idleResolvers: (() => void)[] = [];
  readonly stats: HostStats = { turns: 0, syncedBatches: 0, batchesSent: 0, entriesApplied: 0 };
  private readonly compactAfterEntries: number;
  private readonly ticksPerTurnMax: number;
  private readonly groupInputsMax: number;
  private readonly appliedWaitersMax: number;
  private readonly readTimeoutTicks: number;
  private ticksFed = 0;

  constructor(private readonly opts: HostOptions) {
    this.nodeId = opts.nodeId;
    this.store = new RaftLogStore(opts.disk);
    this.rng = new SeededRng(opts.seed);
    this.compactAfterEntries = opts.compactAfterEntries ?? 10_000;
    this.ticksPerTurnMax = opts.ticksPerTurnMax ?? 3;
    this.groupInputsMax = opts.groupInputsMax ?? 100_000;
    this.appliedWaitersMax = opts.appliedWaitersMax ?? 100_000;
    this.readTimeoutTicks = opts.readTimeoutTicks ?? 50;
    assert(this.compactAfterEntries > 0 && this.ticksPerTurnMax > 0, 'host bounds must be positive');
    opts.transport.onReceive((b) => this.receive(b));
  }

  // ------------------------------------------------------------ lifecycle

  /** Ticks every `tickMs` from a timer (tests call tick() themselves instead). */
  start(tickMs: number): void {
    assert(this.timer === undefined, 'host already started');
    this.timer = setInterval(() => this.tick(), tickMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(): void {
    this.pendingTicks++;
    this.kick();
  }

  async createGroup(o: CreateGroupOptions): Promise<void> {
    this.checkHealthy();
    assert(!this.groups.has(o.groupId), `group ${o.groupId} exists`);
    let mem = await this.store.load(o.groupId);
    if (mem === undefined) {
      const ops: WriteOp[] = [];
      mem = o.bootstrap !== undefined ? this.store.bootstrap(o.groupId, o.bootstrap, ops) : this.store.empty(o.groupId, ops);
      await this.opts.disk.append(ops);
    }
    const snap = mem.snapshot();
    await o.stateMachine.restore(o.groupId, snap);
    const cfg: RaftConfig = {
      ...defaultRaftConfig,
      ...this.opts.tuning,
      id: this.nodeId,
      storage: mem,
      rng: new SeededRng(this.rng.intBelow(2 ** 31) + o.groupId),
      applied: snap.meta.index,
      proposalForwarding: false,
    };
    const raw = new RawNode(cfg);
    this.groups.set(o.groupId, {
      id: o.groupId,
      raw,
      mem,
      sm: o.stateMachine,
      inputs: [],
      applied: snap.meta.index,
      proposals: new Map(),
      reads: new Map(),
      waiters: [],
      wasLeader: false,
      durableTerm: mem.hardState().term,
      durableVote: mem.hardState().vote,
      lazyHardState: undefined,
    });
    this.kick();
  }

  /** Removes a group and deletes its Raft state (in the next turn's batch). */
  destroyGroup(groupId: number): void {
    assert(this.groups.has(groupId), `no group ${groupId}`);
    this.pendingDestroys.push(groupId);
    this.kick();
  }

  hasGroup(groupId: number): boolean {
    return this.groups.has(groupId);
  }

  // ------------------------------------------------------------ API

  /** Resolves with the entry's index once it is committed and applied here (this node must lead). */
  propose(groupId: number, data: Uint8Array): Promise<number> {
    return new Promise((resolve, reject) => this.input(groupId, { kind: 'propose', data, done: { resolve, reject } }, reject));
  }

  proposeConfChange(groupId: number, change: ConfChange): Promise<number> {
    return new Promise((resolve, reject) => this.input(groupId, { kind: 'confChange', change, done: { resolve, reject } }, reject));
  }

  /** Linearizable read barrier: resolves with an index once this node has applied it. */
  readIndex(groupId: number): Promise<number> {
    return new Promise((resolve, reject) => this.input(groupId, { kind: 'read', done: { resolve, reject } }, reject));
  }

  transferLeadership(groupId: number, to: NodeId): void {
    this.input(groupId, { kind: 'transfer', to }, () => {});
  }

  campaign(groupId: number): void {
    this.input(groupId, { kind: 'campaign' }, () => {});
  }

  /** Resolves once the group has applied `index` on this node. */
  waitApplied(groupId: number, index: number): Promise<void> {
    const g = this.groups.get(groupId);
    if (g === undefined) return Promise.reject(new RaftRejectedError('groupDestroyed', noNode));
    if (g.applied >= index) return Promise.resolve();
    if (g.waiters.length >= this.appliedWaitersMax) return Promise.reject(new RaftRejectedError('queueFull', noNode));
    return new Promise((resolve) => {
      g.waiters.push({ index, resolve });
      g.waiters.sort((a, b) => a.index - b.index);
    });
  }

  status(groupId: number): { role: string; term: number; lead: NodeId; commit: number; applied: number; confState: ConfState } | undefined {
    const g = this.groups.get(groupId);
    if (g === undefined) return undefined;
    const r = g.raw.raft;
    return { role: r.role, term: r.term, lead: r.lead, commit: r.log.committed, applied: g.applied, confState: r.confState() };
  }

  /** Resolves when no turn is running or queued (tests). */
  idle(): Promise<void> {
    if (!this.turnRunning && !this.turnScheduled) return Promise.resolve();
    return new Promise((resolve) => this.idleResolvers.push(resolve));
  }

  private checkHealthy(): void {
    if (this.failed !== undefined) throw new RaftRejectedError('hostFailed', noNode);
  }

  private input(groupId: number, i: Input, reject: (e: Error) => void): void {
    if (this.failed !== undefined) return reject(new RaftRejectedError('hostFailed', noNode));
    const g = this.groups.get(groupId);
    if (g === undefined) return reject(new RaftRejectedError('groupDestroyed', noNode));
    if (g.inputs.length >= this.groupInputsMax) return reject(new RaftRejectedError('queueFull', g.raw.raft.lead));
    g.inputs.push(i);
    this.kick();
  }

  private receive(b: HostBatch): void {
    if (this.failed !== undefined) return;
    for (const gm of expandBatch(b)) {
      const g = this.groups.get(gm.groupId);
      // Unknown group (not created yet, or destroyed) or overload: Raft retransmits.
      if (g === undefined || g.inputs.length >= this.groupInputsMax) continue;
      g.inputs.push({ kind: 'step', msg: gm.msg });
    }
    this.kick();
  }

  // ------------------------------------------------------------ the turn

  private kick(): void {
    if (this.turnRunning || this.turnScheduled || this.failed !== undefined) return;
    this.turnScheduled = true;
    setImmediate(() => {
      this.turnScheduled = false;
      void this.runTurn();
    });
  }

  private hasWork(): boolean {
    if (this.pendingTicks > 0 || this.pendingOps.length > 0 || this.pendingDestroys.length > 0) return true;
    for (const g of this.groups.values()) if (g.inputs.length > 0 || g.raw.hasReady()) return true;
    return false;
  }

  private async runTurn(): Promise<void> {
    this.turnRunning = true;
    try {
      await this.turn();
    } catch (e) {
      this.fail(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.turnRunning = false;
    }
    if (this.failed === undefined && this.hasWork()) this.kick();
    else {
      const rs = this.idleResolvers;
      this.idleResolvers = [];
      for (const r of rs) r();
    }
  }

  private async turn(): Promise<void> {
    this.stats.turns++;
    const ops = this.pendingOps;
    this.pendingOps = [];
    this.destroyPending(ops);
    const ticks = Math.min(this.pendingTicks, this.ticksPerTurnMax);
    this.pendingTicks = 0;
    this.ticksFed += ticks;
    const work: [Group, Ready][] = [];
    for (const g of this.groups.values()) {
      for (let t = 0; t < ticks; t++) g.raw.tick();
      if (ticks > 0) this.expireReads(g);
      this.feed(g);
      this.maybeCompact(g, ops);
      if (g.raw.hasReady()) work.push([g, g.raw.ready()]);
    }
    const early = new BatchBuilder(this.nodeId);
    const late = new BatchBuilder(this.nodeId);
    for (const [g, rd] of work) {
      for (const m of rd.messages) (sendableBeforePersist(m) ? early : late).add(g.id, m);
      this.store.persistReady(g.id, g.mem, rd.snapshot, rd.entries, this.hardStateToSync(g, rd), ops);
    }
    this.stats.batchesSent += early.flush(this.opts.transport);
    if (ops.length > 0) {
      this.addLazyHardStates(ops);
      await this.opts.disk.append(ops);
      this.stats.syncedBatches++;
    }
    this.stats.batchesSent += late.flush(this.opts.transport);
    for (const [g, rd] of work) {
      await this.applyReady(g, rd);
      g.raw.advance(rd);
    }
  }

  /** The hard state this Ready must sync, or undefined when only the commit index moved. */
  private hardStateToSync(g: Group, rd: Ready): HardState | undefined {
    const hs = rd.hardState;
    if (hs === undefined) return undefined;
    const commitOnly = hs.term === g.durableTerm && hs.vote === g.durableVote && rd.entries.length === 0 && rd.snapshot === undefined;
    if (commitOnly) {
      g.lazyHardState = hs;
      return undefined;
    }
    g.durableTerm = hs.term;
    g.durableVote = hs.vote;
    g.lazyHardState = undefined;
    return hs;
  }

  private addLazyHardStates(ops: WriteOp[]): void {
    for (const g of this.groups.values()) {
      if (g.lazyHardState === undefined) continue;
      this.store.persistReady(g.id, g.mem, undefined, [], g.lazyHardState, ops);
      g.lazyHardState = undefined;
    }
  }

  private feed(g: Group): void {
    const inputs = g.inputs;
    g.inputs = [];
    for (const i of inputs) {
      switch (i.kind) {
        case 'step':
          if (i.msg.to === this.nodeId) g.raw.step(i.msg);
          break;
        case 'propose':
          this.settleProposal(g, g.raw.propose(i.data), i.done);
          break;
        case 'confChange':
          this.settleProposal(g, g.raw.proposeConfChange(i.change), i.done);
          break;
        case 'read':
          this.startRead(g, i.done);
          break;
        case 'transfer':
          g.raw.transferLeadership(i.to);
          break;
        case 'campaign':
          g.raw.campaign();
          break;
        default:
          assertNever(i, 'host input');
      }
    }
  }

  private settleProposal(g: Group, res: ProposeResult, done: Settle<number>): void {
    switch (res.kind) {
      case 'appended':
        g.proposals.set(res.index, { term: res.term, done });
        return;
      case 'forwarded':
        assert(false, 'the host disables proposal forwarding');
        return;
      case 'rejected':
        done.reject(new RaftRejectedError(res.reason, res.leaderHint));
        return;
    }
  }

  private startRead(g: Group, done: Settle<number>): void {
    const ctx = new Uint8Array(8);
    new DataView(ctx.buffer).setFloat64(0, ++this.readCounter);
    const res = g.raw.readIndex(ctx);
    switch (res.kind) {
      case 'pending':
      case 'forwarded':
        g.reads.set(Buffer.from(ctx).toString('hex'), { done, startTick: this.ticksFed });
        return;
      case 'rejected':
        done.reject(new RaftRejectedError(res.reason, res.leaderHint));
        return;
    }
  }

  /** Rejects reads whose request or answer was lost: the caller retries, nothing hangs. */
  private expireReads(g: Group): void {
    for (const [key, r] of g.reads) {
      if (this.ticksFed - r.startTick <= this.readTimeoutTicks) continue;
      g.reads.delete(key);
      r.done.reject(new RaftRejectedError('timeout', g.raw.raft.lead));
    }
  }

  private maybeCompact(g: Group, ops: WriteOp[]): void {
    if (g.applied - g.mem.firstIndex() < this.compactAfterEntries) return;
    assert(g.raw.applied() === g.applied, 'host and raft disagree on applied index');
    const term = g.mem.term(g.applied);
    assert(term !== undefined, 'applied entry missing from the log');
    const snap: Snapshot = { meta: { index: g.applied, term, confState: g.raw.confState() }, data: g.sm.snapshot(g.id) };
    this.store.compact(g.id, g.mem, snap, ops);
  }

  private async applyReady(g: Group, rd: Ready): Promise<void> {
    if (rd.snapshot !== undefined) {
      await g.sm.restore(g.id, rd.snapshot);
      g.applied = rd.snapshot.meta.index;
    }
    if (rd.committedEntries.length > 0) {
      await g.sm.apply(g.id, rd.committedEntries);
      for (const e of rd.committedEntries) this.settleApplied(g, e);
      g.applied = rd.committedEntries[rd.committedEntries.length - 1]!.index;
      this.stats.entriesApplied += rd.committedEntries.length;
    }
    this.wakeWaiters(g);
    for (const rs of rd.readStates) {
      const key = Buffer.from(rs.ctx).toString('hex');
      const pending = g.reads.get(key);
      if (pending === undefined) continue; // a duplicate answer to a read already served
      g.reads.delete(key);
      this.waitApplied(g.id, rs.index).then(() => pending.done.resolve(rs.index), pending.done.reject);
    }
    for (const rr of rd.rejectedReads) {
      const key = Buffer.from(rr.ctx).toString('hex');
      g.reads.get(key)?.done.reject(new RaftRejectedError('notLeader', rr.leaderHint));
      g.reads.delete(key);
    }
    if (rd.softState !== undefined) this.onRoleChange(g, rd.softState.role === 'leader');
  }

  private settleApplied(g: Group, e: Entry): void {
    const p = g.proposals.get(e.index);
    if (p === undefined) return;
    g.proposals.delete(e.index);
    if (p.term === e.term) p.done.resolve(e.index);
    else p.done.reject(new RaftRejectedError('leadershipLost', g.raw.raft.lead));
  }

  /** A leader that steps down cannot tell whether its pending proposals will commit. */
  private onRoleChange(g: Group, isLeader: boolean): void {
    if (g.wasLeader && !isLeader) {
      for (const p of g.proposals.values()) p.done.reject(new RaftRejectedError('leadershipLost', g.raw.raft.lead));
      g.proposals.clear();
    }
    g.wasLeader = isLeader;
  }

  private wakeWaiters(g: Group): void {
    let n = 0;
    while (n < g.waiters.length && g.waiters[n]!.index <= g.applied) g.waiters[n++]!.resolve();
    if (n > 0) g.waiters = g.waiters.slice(n);
  }

  private destroyPending(ops: WriteOp[]): void {
    for (const id of this.pendingDestroys) {
      const g = this.groups.get(id);
      if (g === undefined) continue;
      this.store.destroy(id, g.mem, ops);
      this.groups.delete(id);
      this.rejectAll(g, new RaftRejectedError('groupDestroyed', noNode));
    }
    this.pendingDestroys = [];
  }

  private rejectAll(g: Group, e: RaftRejectedError): void {
    for (const p of g.proposals.values()) p.done.reject(e);
    g.proposals.clear();
    for (const r of g.reads.values()) r.done.reject(e);
    g.reads.clear();
    for (const i of g.inputs) if (i.kind === 'propose' || i.kind === 'confChange' || i.kind === 'read') i.done.reject(e);
    g.inputs = [];
  }

  /** A failed disk write stops the host: continuing could acknowledge what is not durable. */
  private fail(e: Error): void {
    this.failed = e;
    this.stop();
    for (const g of this.groups.values()) this.rejectAll(g, new RaftRejectedError('hostFailed', noNode));
    const rs = this.idleResolvers;
    this.idleResolvers = [];
    for (const r of rs) r();
  }

  failure(): Error | undefined {
    return this.failed;
  }
}
