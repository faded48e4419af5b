/**
 * RawNode wraps the Raft state machine with the Ready/advance contract.
 *
 * Contract for the host, for each Ready, in this order:
 *  1. Persist `snapshot` (if any), then `entries` (truncating any conflicting suffix),
 *     then `hardState` (if any), durably (synced). If persisting fails, the node must stop
 *     (crash): it may restart from what is on disk, never continue.
 *  2. Send `messages`. Those for which `sendableBeforePersist(m)` is true (a leader's
 *     appends, heartbeats, snapshot chunks, TimeoutNow) may be sent before or while step
 *     1 runs; every other message only after step 1 completed.
 *  3. Install `snapshot` into the state machine, then apply `committedEntries` in order
 *     (config changes included; the core applies those to its own config in advance()).
 *  4. Serve `readStates` once the state machine has applied their index.
 *  5. Call advance(ready). No input (tick/step/propose/...) may be given between
 *     ready() and advance(); the host queues them.
 */
import { assert } from '../../util/assert.js';
import type { RaftConfig } from './config.js';
import { Raft } from './raft.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  NodeId,
  ProposeResult,
  ReadResult,
  ReadState,
  RejectedProposal,
  RejectedRead,
  Role,
  Snapshot,
} from './types.js';

export interface SoftState {
  readonly lead: NodeId;
  readonly role: Role;
}

export interface Ready {
  readonly softState: SoftState | undefined;
  readonly hardState: HardState | undefined;
  readonly entries: readonly Entry[];
  readonly snapshot: Snapshot | undefined;
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly rejectedProposals: readonly RejectedProposal[];
  readonly rejectedReads: readonly RejectedRead[];
}

export function sendableBeforePersist(m: Message): boolean {
  return m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap' || m.type === 'timeoutNow';
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export class RawNode {
  readonly raft: Raft;
  private prevHard: HardState;
  private prevSoft: SoftState;
  private readyOutstanding = false;

  constructor(cfg: RaftConfig) {
    this.raft = new Raft(cfg);
    this.prevHard = this.hardState();
    this.prevSoft = this.softState();
  }

  hardState(): HardState {
    return { term: this.raft.term, vote: this.raft.vote, commit: this.raft.log.committed };
  }
  softState(): SoftState {
    return { lead: this.raft.lead, role: this.raft.role };
  }
  confState(): ConfState {
    return this.raft.confState();
  }
  applied(): number {
    return this.raft.log.applied;
  }

  private checkIdle(): void {
    assert(!this.readyOutstanding, 'input given between ready() and advance()');
  }
  tick(): void {
    this.checkIdle();
    this.raft.tick();
  }
  step(m: Message): void {
    this.checkIdle();
    this.raft.step(m);
  }
  propose(data: Uint8Array): ProposeResult {
    this.checkIdle();
    return this.raft.propose(data);
  }
  proposeConfChange(cc: ConfChange): ProposeResult {
    this.checkIdle();
    return this.raft.proposeConfChange(cc);
  }
  readIndex(ctx: Uint8Array): ReadResult {
    this.checkIdle();
    return this.raft.readIndex(ctx);
  }
  transferLeadership(to: NodeId): ProposeResult {
    this.checkIdle();
    return this.raft.transferLeadership(to);
  }
  campaign(): void {
    this.checkIdle();
    this.raft.campaignNow();
  }

  hasReady(): boolean {
    const r = this.raft;
    return (
      !sameHardState(this.hardState(), this.prevHard) ||
      r.lead !== this.prevSoft.lead ||
      r.role !== this.prevSoft.role ||
      r.log.unstableSnapshot() !== undefined ||
      r.log.unstableEntries().length > 0 ||
      r.msgs.length > 0 ||
      r.readRoundWanted ||
      r.log.hasNextCommitted() ||
      r.readStates.length > 0 ||
      r.rejectedProposals.length > 0 ||
      r.rejectedReads.length > 0
    );
  }

  ready(): Ready {
    this.checkIdle();
    const r = this.raft;
    r.flushReadRound();
    const hard = this.hardState();
    const soft = this.softState();
    const rd: Ready = {
      softState: soft.lead !== this.prevSoft.lead || soft.role !== this.prevSoft.role ? soft : undefined,
      hardState: sameHardState(hard, this.prevHard) ? undefined : hard,
      entries: r.log.unstableEntries(),
      snapshot: r.log.unstableSnapshot(),
      messages: r.msgs,
      committedEntries: r.log.nextCommitted(r.cfg.committedBytesMax),
      readStates: r.readStates,
      rejectedProposals: r.rejectedProposals,
      rejectedReads: r.rejectedReads,
    };
    r.msgs = [];
    r.readStates = [];
    r.rejectedProposals = [];
    r.rejectedReads = [];
    if (rd.softState !== undefined) this.prevSoft = rd.softState;
    this.readyOutstanding = true;
    return rd;
  }

  advance(rd: Ready): void {
    assert(this.readyOutstanding, 'advance() without ready()');
    this.readyOutstanding = false;
    const log = this.raft.log;
    if (rd.hardState !== undefined) this.prevHard = rd.hardState;
    if (rd.snapshot !== undefined) {
      log.stableSnapTo(rd.snapshot.meta.index);
      if (rd.snapshot.meta.index > log.applied) log.appliedTo(rd.snapshot.meta.index);
    }
    const last = rd.entries[rd.entries.length - 1];
    if (last !== undefined) log.stableTo(last.index, last.term);
    this.raft.reduceUncommitted(rd.committedEntries);
    for (const e of rd.committedEntries) {
      assert(e.index === log.applied + 1, `applying ${e.index} after ${log.applied}`);
      if (e.kind === 'confChange') this.raft.applyConfChange(e.change);
      log.appliedTo(e.index);
    }
  }
}
