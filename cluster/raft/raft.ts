/**
 * The Raft state machine. Pure and deterministic: no timers, I/O, clock or randomness
 * of its own. Inputs are tick(), step(), propose(), proposeConfChange(), readIndex(),
 * transferLeadership(); outputs are collected by RawNode into a Ready.
 */
import { assert, assertNever } from '../../util/assert.js';
import type { RaftConfig } from './config.js';
import { validateConfig } from './config.js';
import { RaftLog } from './log.js';
import { Progress, quorumIndex } from './progress.js';
import type {
  ConfChange,
  ConfState,
  Entry,
  Message,
  MsgApp,
  MsgAppResp,
  MsgHeartbeat,
  MsgSnap,
  MsgSnapResp,
  MsgVote,
  MsgVoteResp,
  NodeId,
  ProposeResult,
  ReadResult,
  ReadState,
  RejectedProposal,
  RejectedRead,
  Role,
  Snapshot,
  SnapshotMeta,
} from './types.js';
import { entryBytes, noNode } from './types.js';

type CampaignKind = 'preElection' | 'election' | 'transfer';
type VoteResult = 'won' | 'lost' | 'pending';

interface PendingRead {
  readonly ctx: Uint8Array;
  readonly index: number;
  readonly round: number;
  readonly from: NodeId;
}

interface SnapshotAssembly {
  /** Two leaders may send different encodings of a snapshot at one index: never mix them. */
  readonly from: NodeId;
  readonly term: number;
  readonly meta: SnapshotMeta;
  readonly totalBytes: number;
  readonly parts: Uint8Array[];
  receivedBytes: number;
}

/** Distributes a message by type; a follower, candidate and leader each handle a subset. */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = noNode;
  lead: NodeId = noNode;
  role: Role = 'follower';
  readonly log: RaftLog;
  readonly cfg: RaftConfig;

  voters = new Set<NodeId>();
  learners = new Set<NodeId>();
  prs = new Map<NodeId, Progress>();
  private votes = new Map<NodeId, boolean>();

  msgs: Message[] = [];
  readStates: ReadState[] = [];
  rejectedProposals: RejectedProposal[] = [];
  rejectedReads: RejectedRead[] = [];

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  /** Local tick count: the only clock the core has (leases). */
  private tickCount = 0;
  /** Ticks since start: a restarted node refuses votes for one election timeout (lease safety). */
  private startGuardTicks = 0;

  pendingConfIndex = 0;
  leadTransferee: NodeId = noNode;
  private leaseGivenAway = false;
  private leaseExpiryTick = 0;
  private round = 0;
  private roundSentTick = new Map<number, number>();
  private pendingReads: PendingRead[] = [];
  private readsAwaitingCommit: { ctx: Uint8Array; from: NodeId }[] = [];
  private snapAssembly: SnapshotAssembly | undefined;
  /** Leader: bytes appended but not yet handed out committed (bounded by uncommittedBytesMax). */
  private uncommittedBytes = 0;
  /** Reads registered since the last heartbeat round; one round serves them all (see flushReadRound). */
  readRoundWanted = false;

  constructor(cfg: RaftConfig) {
    validateConfig(cfg);
    this.cfg = cfg;
    this.id = cfg.id;
    this.log = new RaftLog(cfg.storage, cfg.applied);
    const { hardState, confState } = cfg.storage.initialState();
    this.applyConfState(confState);
    this.term = hardState.term;
    this.vote = hardState.vote;
    this.becomeFollower(this.term, noNode);
    this.startGuardTicks = cfg.readMode === 'lease' ? cfg.electionTimeoutTicks : 0;
  }

  // ---------------------------------------------------------------- config

  confState(): ConfState {
    return { voters: [...this.voters].sort((a, b) => a - b), learners: [...this.learners].sort((a, b) => a - b) };
  }

  promotable(): boolean {
    return this.voters.has(this.id);
  }

  private applyConfState(cs: ConfState): void {
    this.voters = new Set(cs.voters);
    this.learners = new Set(cs.learners);
    for (const v of cs.voters) assert(!this.learners.has(v), `node ${v} is both voter and learner`);
    this.resetProgress();
  }

  private resetProgress(): void {
    const next = this.log.lastIndex() + 1;
    this.prs = new Map();
    for (const id of [...this.voters, ...this.learners]) {
      const pr = new Progress(id, next, this.learners.has(id), this.cfg.inflightMsgsMax, this.cfg.inflightBytesMax);
      if (id === this.id) pr.match = this.log.lastIndex();
      this.prs.set(id, pr);
    }
  }

  /** Validates a change against the current config. */
  confChangeValid(cc: ConfChange): boolean {
    switch (cc.kind) {
      case 'addLearner':
        return !this.voters.has(cc.nodeId) && !this.learners.has(cc.nodeId);
      case 'promote':
        return this.learners.has(cc.nodeId);
      case 'demote':
        return this.voters.has(cc.nodeId) && this.voters.size > 1;
      case 'remove':
        return this.learners.has(cc.nodeId) || (this.voters.has(cc.nodeId) && this.voters.size > 1);
      default:
        return assertNever(cc, 'conf change');
    }
  }

  /** Called when a committed config-change entry is applied. */
  applyConfChange(cc: ConfChange): void {
    assert(this.confChangeValid(cc), `invalid conf change at apply: ${JSON.stringify(cc)}`);
    switch (cc.kind) {
      case 'addLearner':
        this.learners.add(cc.nodeId);
        break;
      case 'promote':
        this.learners.delete(cc.nodeId);
        this.voters.add(cc.nodeId);
        break;
      case 'demote':
        this.voters.delete(cc.nodeId);
        this.learners.add(cc.nodeId);
        break;
      case 'remove':
        this.voters.delete(cc.nodeId);
        this.learners.delete(cc.nodeId);
        break;
      default:
        assertNever(cc, 'conf change');
    }
    if (this.role !== 'leader') {
      this.resetProgress();
      return;
    }
    this.syncLeaderProgress();
    if (!this.voters.has(this.id)) {
      this.handOffAfterRemoval();
      return;
    }
    if (this.leadTransferee !== noNode && !this.voters.has(this.leadTransferee)) this.abortTransfer();
    if (this.maybeCommit()) this.bcastAppend();
    else this.releaseReads();
  }

  /**
   * The leader was removed or demoted: hand leadership to a caught-up voter at once
   * (TimeoutNow) instead of leaving the group leaderless for an election timeout.
   */
  private handOffAfterRemoval(): void {
    let best: Progress | undefined;
    for (const id of [...this.voters].sort((a, b) => a - b)) {
      const pr = this.prs.get(id);
      if (pr !== undefined && (best === undefined || pr.match > best.match)) best = pr;
    }
    if (best !== undefined && best.match === this.log.lastIndex()) this.sendTimeoutNow(best.id);
    this.becomeFollower(this.term, noNode);
  }

  private syncLeaderProgress(): void {
    for (const id of [...this.prs.keys()]) {
      if (!this.voters.has(id) && !this.learners.has(id)) this.prs.delete(id);
    }
    for (const id of [...this.voters, ...this.learners]) {
      const existing = this.prs.get(id);
      if (existing !== undefined) {
        existing.isLearner = this.learners.has(id);
        continue;
      }
      const pr = new Progress(id, this.log.lastIndex() + 1, this.learners.has(id), this.cfg.inflightMsgsMax, this.cfg.inflightBytesMax);
      pr.recentActive = true;
      this.prs.set(id, pr);
      this.sendAppend(id, true);
    }
  }

  // ---------------------------------------------------------------- role changes

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = noNode;
    }
    this.lead = noNode;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTimeoutTicks + this.cfg.rng.intBelow(this.cfg.electionTimeoutTicks);
    this.abortTransfer();
    this.votes = new Map();
    this.resetProgress();
    this.pendingConfIndex = 0;
    this.leaseGivenAway = false;
    this.leaseExpiryTick = 0;
    this.roundSentTick = new Map();
    this.uncommittedBytes = 0;
    this.readRoundWanted = false;
    this.failPendingReads();
  }

  private failPendingReads(): void {
    const all = [...this.pendingReads, ...this.readsAwaitingCommit];
    this.pendingReads = [];
    this.readsAwaitingCommit = [];
    for (const r of all) this.rejectRead(r.ctx, r.from, this.lead);
  }

  private rejectRead(ctx: Uint8Array, from: NodeId, leaderHint: NodeId): void {
    if (from === this.id) this.rejectedReads.push({ ctx, leaderHint });
    else this.send({ type: 'readIndexResp', from: this.id, to: from, term: 0, ctx, index: 0, reject: true, leaderHint });
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.role = 'follower';
    this.lead = lead;
  }

  private becomePreCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become pre-candidate');
    // PreVote does not change the term or the vote.
    this.votes = new Map();
    this.lead = noNode;
    this.role = 'preCandidate';
  }

  private becomeCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot become candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.reset(this.term);
    this.role = 'leader';
    this.lead = this.id;
    for (const pr of this.prs.values()) pr.recentActive = true;
    const empty: Entry = { kind: 'normal', term: this.term, index: this.log.lastIndex() + 1, data: new Uint8Array() };
    this.appendEntries([empty]);
    // No config change until everything before this term's first entry is applied.
    this.pendingConfIndex = this.log.lastIndex();
    this.bcastAppend();
  }

  private campaign(kind: CampaignKind): void {
    if (!this.promotable()) return;
    let voteType: 'vote' | 'preVote';
    let term: number;
    if (kind === 'preElection') {
      this.becomePreCandidate();
      voteType = 'preVote';
      term = this.term + 1;
    } else {
      this.becomeCandidate();
      voteType = 'vote';
      term = this.term;
    }
    this.votes.set(this.id, true);
    if (this.poll() === 'won') {
      if (kind === 'preElection') this.campaign('election');
      else this.becomeLeader();
      return;
    }
    for (const id of this.voters) {
      if (id === this.id) continue;
      this.send({
        type: voteType,
        from: this.id,
        to: id,
        term,
        index: this.log.lastIndex(),
        logTerm: this.log.lastTerm(),
        force: kind === 'transfer',
      });
    }
  }

  private poll(): VoteResult {
    let granted = 0;
    let rejected = 0;
    for (const id of this.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      else if (v === false) rejected++;
    }
    const quorum = Math.floor(this.voters.size / 2) + 1;
    if (granted >= quorum) return 'won';
    if (rejected >= quorum || this.voters.size - rejected < quorum) return 'lost';
    return 'pending';
  }

  // ---------------------------------------------------------------- tick

  tick(): void {
    this.tickCount++;
    if (this.startGuardTicks > 0) this.startGuardTicks--;
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.campaign(this.cfg.preVote ? 'preElection' : 'election');
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTimeoutTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum && !this.quorumActive()) {
        this.becomeFollower(this.term, noNode);
        return;
      }
      if (this.leadTransferee !== noNode) this.abortTransfer();
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatIntervalTicks) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  private quorumActive(): boolean {
    let active = 0;
    for (const id of this.voters) {
      const pr = this.prs.get(id);
      if (id === this.id || pr?.recentActive === true) active++;
      if (pr !== undefined && id !== this.id) pr.recentActive = false;
    }
    return active >= Math.floor(this.voters.size / 2) + 1;
  }

  // ---------------------------------------------------------------- step

  step(m: Message): void {
    assert(m.to === this.id, `message for ${m.to} delivered to ${this.id}`);
    if (m.term > 0 && !this.stepTerm(m)) return;
    switch (m.type) {
      case 'vote':
      case 'preVote':
        this.handleVote(m);
        return;
      case 'propReject':
        for (const data of m.datas) this.rejectedProposals.push({ data, leaderHint: m.leaderHint });
        return;
      case 'readIndexResp':
        if (m.reject) this.rejectedReads.push({ ctx: m.ctx, leaderHint: m.leaderHint });
        else this.readStates.push({ index: m.index, ctx: m.ctx });
        return;
      default:
        break;
    }
    switch (this.role) {
      case 'leader':
        this.stepLeader(m);
        return;
      case 'candidate':
      case 'preCandidate':
        this.stepCandidate(m);
        return;
      case 'follower':
        this.stepFollower(m);
        return;
      default:
        assertNever(this.role, 'role');
    }
  }

  /** Term bookkeeping common to all roles. Returns false when the message is to be ignored. */
  private stepTerm(m: Message): boolean {
    if (m.term > this.term) {
      if (m.type === 'vote' || m.type === 'preVote') {
        const inLease =
          this.cfg.checkQuorum &&
          ((this.lead !== noNode && this.electionElapsed < this.cfg.electionTimeoutTicks) || this.startGuardTicks > 0);
        if (!m.force && inLease) return false;
      }
      if (m.type === 'preVote' || (m.type === 'preVoteResp' && !m.reject)) return true;
      const fromLeader = m.type === 'app' || m.type === 'heartbeat' || m.type === 'snap';
      this.becomeFollower(m.term, fromLeader ? m.from : noNode);
      return true;
    }
    if (m.term < this.term) {
      if ((this.cfg.checkQuorum || this.cfg.preVote) && (m.type === 'app' || m.type === 'heartbeat')) {
        // Tell a stale leader about the newer term so it steps down.
        this.send({ type: 'appResp', from: this.id, to: m.from, term: this.term, index: 0, reject: false, rejectHint: 0, logTerm: 0 });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', from: this.id, to: m.from, term: this.term, reject: true });
      }
      return false;
    }
    return true;
  }

  private handleVote(m: MsgVote): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === noNode && this.lead === noNode) ||
      (m.type === 'preVote' && m.term > this.term);
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: respType, from: this.id, to: m.from, term: m.term, reject: false });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, from: this.id, to: m.from, term: this.term, reject: true });
    }
  }

  private stepFollower(m: Message): void {
    switch (m.type) {
      case 'app':
      case 'heartbeat':
      case 'snap':
        this.electionElapsed = 0;
        this.lead = m.from;
        this.handleFromLeader(m);
        return;
      case 'timeoutNow':
        this.campaign('transfer');
        return;
      case 'prop':
        this.send({ type: 'propReject', from: this.id, to: m.from, term: 0, datas: m.datas, leaderHint: this.lead });
        return;
      case 'readIndex':
        this.rejectRead(m.ctx, m.from, this.lead);
        return;
      default:
        return; // responses from an earlier role: nothing to do
    }
  }

  private stepCandidate(m: Message): void {
    switch (m.type) {
      case 'app':
      case 'heartbeat':
      case 'snap':
        this.becomeFollower(m.term, m.from);
        this.handleFromLeader(m);
        return;
      case 'voteResp':
      case 'preVoteResp':
        this.handleVoteResp(m);
        return;
      case 'prop':
        this.send({ type: 'propReject', from: this.id, to: m.from, term: 0, datas: m.datas, leaderHint: noNode });
        return;
      case 'readIndex':
        this.rejectRead(m.ctx, m.from, noNode);
        return;
      default:
        return;
    }
  }

  private handleVoteResp(m: MsgVoteResp): void {
    const expected = this.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
    if (m.type !== expected) return;
    this.votes.set(m.from, !m.reject);
    switch (this.poll()) {
      case 'won':
        if (this.role === 'preCandidate') this.campaign('election');
        else this.becomeLeader();
        return;
      case 'lost':
        this.becomeFollower(this.term, noNode);
        return;
      case 'pending':
        return;
    }
  }

  private handleFromLeader(m: MsgApp | MsgHeartbeat | MsgSnap): void {
    switch (m.type) {
      case 'app':
        this.handleApp(m);
        return;
      case 'heartbeat':
        this.log.commitTo(m.commit);
        this.send({ type: 'heartbeatResp', from: this.id, to: m.from, term: this.term, round: m.round });
        return;
      case 'snap':
        this.handleSnapChunk(m);
        return;
      default:
        assertNever(m, 'leader message');
    }
  }

  private handleApp(m: MsgApp): void {
    if (m.index < this.log.committed) {
      this.sendAppResp(m.from, this.log.committed);
      return;
    }
    const lastNew = this.log.maybeAppend(m.index, m.logTerm, m.commit, m.entries);
    if (lastNew !== undefined) {
      this.sendAppResp(m.from, lastNew);
      return;
    }
    let hint = Math.min(m.index, this.log.lastIndex());
    hint = this.log.findConflictByTerm(hint, m.logTerm);
    const hintTerm = this.log.term(hint) ?? 0;
    this.send({ type: 'appResp', from: this.id, to: m.from, term: this.term, index: m.index, reject: true, rejectHint: hint, logTerm: hintTerm });
  }

  private sendAppResp(to: NodeId, index: number): void {
    this.send({ type: 'appResp', from: this.id, to, term: this.term, index, reject: false, rejectHint: 0, logTerm: 0 });
  }

  private handleSnapChunk(m: MsgSnap): void {
    if (m.meta.index <= this.log.committed) {
      this.snapAssembly = undefined;
      this.sendAppResp(m.from, this.log.committed);
      return;
    }
    let a = this.snapAssembly;
    const same =
      a !== undefined &&
      a.from === m.from &&
      a.term === m.term &&
      a.totalBytes === m.totalBytes &&
      a.meta.index === m.meta.index &&
      a.meta.term === m.meta.term;
    if (!same) {
      if (m.offset !== 0) {
        this.sendSnapResp(m.from, m.meta.index, 0);
        return;
      }
      a = { from: m.from, term: m.term, meta: m.meta, totalBytes: m.totalBytes, parts: [], receivedBytes: 0 };
      this.snapAssembly = a;
    }
    assert(a !== undefined, 'snapshot assembly missing');
    if (m.offset !== a.receivedBytes) {
      this.sendSnapResp(m.from, m.meta.index, a.receivedBytes);
      return;
    }
    a.parts.push(m.chunk);
    a.receivedBytes += m.chunk.length;
    assert(a.receivedBytes <= a.totalBytes, 'snapshot chunks exceed total size');
    if (a.receivedBytes < a.totalBytes) {
      this.sendSnapResp(m.from, m.meta.index, a.receivedBytes);
      return;
    }
    this.snapAssembly = undefined;
    const data = Buffer.concat(a.parts);
    this.restore({ meta: a.meta, data: new Uint8Array(data.buffer, data.byteOffset, data.length) });
    this.sendAppResp(m.from, this.log.committed);
  }

  private sendSnapResp(to: NodeId, snapIndex: number, nextOffset: number): void {
    this.send({ type: 'snapResp', from: this.id, to, term: this.term, snapIndex, nextOffset });
  }

  /** Installs a snapshot received from the leader. Returns whether the log was replaced. */
  private restore(snap: Snapshot): boolean {
    if (snap.meta.index <= this.log.committed) return false;
    if (this.log.matchTerm(snap.meta.index, snap.meta.term)) {
      this.log.commitTo(snap.meta.index);
      return false;
    }
    this.log.restore(snap);
    this.applyConfState(snap.meta.confState);
    return true;
  }

  // ---------------------------------------------------------------- leader

  private stepLeader(m: Message): void {
    const pr = this.prs.get(m.from);
    switch (m.type) {
      case 'prop':
        this.handleForwardedProp(m.from, m.datas);
        return;
      case 'readIndex':
        this.handleRead(m.ctx, m.from);
        return;
      case 'appResp':
        if (pr !== undefined) this.handleAppResp(pr, m);
        return;
      case 'heartbeatResp':
        if (pr !== undefined) this.handleHeartbeatResp(pr, m.round);
        return;
      case 'snapResp':
        if (pr !== undefined) this.handleSnapResp(pr, m);
        return;
      case 'app':
      case 'heartbeat':
      case 'snap':
        assert(false, `two leaders in term ${this.term}: ${this.id} and ${m.from}`);
        return;
      default:
        return;
    }
  }

  private handleForwardedProp(from: NodeId, datas: readonly Uint8Array[]): void {
    const bytes = datas.reduce((n, d) => n + d.length, 0);
    if (this.leadTransferee !== noNode || this.overUncommittedBound(bytes)) {
      const hint = this.leadTransferee !== noNode ? this.leadTransferee : this.id;
      this.send({ type: 'propReject', from: this.id, to: from, term: 0, datas, leaderHint: hint });
      return;
    }
    let index = this.log.lastIndex();
    const entries: Entry[] = datas.map((data) => ({ kind: 'normal', term: this.term, index: ++index, data }));
    this.appendEntries(entries);
    this.bcastAppend();
  }

  private handleAppResp(pr: Progress, m: MsgAppResp): void {
    pr.recentActive = true;
    if (m.reject) {
      let probe = m.rejectHint;
      if (m.logTerm > 0) probe = this.log.findConflictByTerm(m.rejectHint, m.logTerm);
      if (pr.maybeDecrTo(m.index, probe)) {
        if (pr.state === 'replicate') pr.becomeProbe();
        this.sendAppend(pr.id, true);
      }
      return;
    }
    if (!pr.maybeUpdate(m.index)) return;
    if (pr.state === 'probe') pr.becomeReplicate();
    else if (pr.state === 'snapshot' && pr.match + 1 >= this.log.firstIndex()) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === 'replicate') pr.inflights.freeLE(m.index);
    if (this.maybeCommit()) this.bcastAppend();
    else this.sendAppend(pr.id, false);
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex()) this.sendTimeoutNow(pr.id);
  }

  private handleHeartbeatResp(pr: Progress, round: number): void {
    pr.recentActive = true;
    pr.probeSent = false;
    if (round > pr.ackedRound) pr.ackedRound = round;
    // Appends may have been lost: free one slot so a full window cannot stall forever.
    if (pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
    if (pr.state === 'snapshot') {
      pr.snapshotSentOffset = pr.snapshotAckedOffset;
      pr.snapshotSentAll = false;
      this.sendSnapshotChunks(pr);
    } else if (pr.match < this.log.lastIndex()) {
      // An empty append probes a follower whose appends were lost (it rejects, we back off).
      this.sendAppend(pr.id, true);
    }
    this.releaseReads();
  }

  private handleSnapResp(pr: Progress, m: MsgSnapResp): void {
    pr.recentActive = true;
    if (pr.state !== 'snapshot' || m.snapIndex !== pr.pendingSnapshot) return;
    pr.snapshotAckedOffset = m.nextOffset;
    if (pr.snapshotSentOffset < m.nextOffset || m.nextOffset === 0) {
      pr.snapshotSentOffset = m.nextOffset;
      pr.snapshotSentAll = false;
    }
    this.sendSnapshotChunks(pr);
  }

  private overUncommittedBound(bytes: number): boolean {
    return this.uncommittedBytes > 0 && this.uncommittedBytes + bytes > this.cfg.uncommittedBytesMax;
  }

  /** Committed entries were handed to the host: they no longer count against the bound. */
  reduceUncommitted(entries: readonly Entry[]): void {
    if (this.role !== 'leader') return;
    for (const e of entries) this.uncommittedBytes -= entryBytes(e);
    if (this.uncommittedBytes < 0) this.uncommittedBytes = 0;
  }

  private appendEntries(entries: Entry[]): void {
    for (const e of entries) this.uncommittedBytes += entryBytes(e);
    const last = this.log.append(entries);
    const self = this.prs.get(this.id);
    assert(self !== undefined, 'leader has no progress for itself');
    self.maybeUpdate(last);
    this.maybeCommit();
  }

  /** Commits the quorum match index if it is from the current term. */
  private maybeCommit(): boolean {
    const matches: number[] = [];
    for (const id of this.voters) matches.push(this.prs.get(id)?.match ?? 0);
    const before = this.log.committed;
    const committedInTermBefore = this.log.term(before) === this.term;
    if (!this.log.maybeCommit(quorumIndex(matches), this.term)) return false;
    if (!committedInTermBefore) this.startAwaitingReads();
    return true;
  }

  private bcastAppend(): void {
    for (const id of this.prs.keys()) if (id !== this.id) this.sendAppend(id, true);
  }

  /** Sends entries (or a snapshot) to `to` if its flow control allows. */
  private sendAppend(to: NodeId, sendIfEmpty: boolean): void {
    const pr = this.prs.get(to);
    if (pr === undefined || pr.isPaused()) return;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.term(prevIndex);
    if (prevTerm === undefined || pr.next < this.log.firstIndex()) {
      this.startSnapshot(pr);
      return;
    }
    const entries = pr.next <= this.log.lastIndex() ? this.log.slice(pr.next, this.log.lastIndex() + 1, this.cfg.msgBytesMax) : [];
    if (entries.length === 0 && !sendIfEmpty) return;
    let bytes = 0;
    for (const e of entries) bytes += e.kind === 'normal' ? e.data.length : 8;
    this.send({
      type: 'app',
      from: this.id,
      to,
      term: this.term,
      index: prevIndex,
      logTerm: prevTerm,
      entries,
      commit: this.log.committed,
    });
    pr.sentEntries(prevIndex + entries.length, bytes, entries.length);
  }

  private startSnapshot(pr: Progress): void {
    if (!pr.recentActive) return;
    const snap = this.log.snapshot();
    pr.becomeSnapshot(snap.meta.index);
    this.sendSnapshotChunks(pr);
  }

  private sendSnapshotChunks(pr: Progress): void {
    const snap = this.log.snapshot();
    if (snap.meta.index !== pr.pendingSnapshot) {
      pr.becomeSnapshot(snap.meta.index); // a newer snapshot replaced the one being sent
    }
    const total = snap.data.length;
    const windowBytes = this.cfg.snapshotChunkBytesMax * this.cfg.snapshotChunksInflightMax;
    while (!pr.snapshotSentAll && pr.snapshotSentOffset - pr.snapshotAckedOffset < windowBytes) {
      const offset = pr.snapshotSentOffset;
      const chunk = snap.data.subarray(offset, Math.min(total, offset + this.cfg.snapshotChunkBytesMax));
      this.send({ type: 'snap', from: this.id, to: pr.id, term: this.term, meta: snap.meta, offset, totalBytes: total, chunk });
      pr.snapshotSentOffset = offset + chunk.length;
      if (pr.snapshotSentOffset >= total) pr.snapshotSentAll = true;
    }
  }

  private bcastHeartbeat(): void {
    this.readRoundWanted = false;
    this.round++;
    this.roundSentTick.set(this.round, this.tickCount);
    for (const [id, pr] of this.prs) {
      if (id === this.id) continue;
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'heartbeat', from: this.id, to: id, term: this.term, commit, round: this.round });
    }
    this.releaseReads();
  }

  private sendTimeoutNow(to: NodeId): void {
    this.leaseGivenAway = true;
    this.send({ type: 'timeoutNow', from: this.id, to, term: this.term });
  }

  private abortTransfer(): void {
    this.leadTransferee = noNode;
  }

  // ---------------------------------------------------------------- reads

  private committedInTerm(): boolean {
    return this.log.term(this.log.committed) === this.term;
  }

  private leaseValid(): boolean {
    if (this.cfg.readMode !== 'lease' || this.leaseGivenAway || this.leadTransferee !== noNode) return false;
    if (this.voters.size === 1 && this.voters.has(this.id)) return true;
    return this.tickCount < this.leaseExpiryTick;
  }

  private handleRead(ctx: Uint8Array, from: NodeId): void {
    if (!this.committedInTerm()) {
      if (this.readsAwaitingCommit.length >= this.cfg.pendingReadsMax) this.rejectRead(ctx, from, this.id);
      else this.readsAwaitingCommit.push({ ctx, from });
      return;
    }
    this.startRead(ctx, from);
  }

  private startAwaitingReads(): void {
    const waiting = this.readsAwaitingCommit;
    this.readsAwaitingCommit = [];
    for (const r of waiting) this.startRead(r.ctx, r.from);
  }

  private startRead(ctx: Uint8Array, from: NodeId): void {
    if (this.leaseValid()) {
      this.deliverRead({ ctx, from, index: this.log.committed, round: 0 });
      return;
    }
    if (this.pendingReads.length >= this.cfg.pendingReadsMax) {
      this.rejectRead(ctx, from, this.id);
      return;
    }
    this.pendingReads.push({ ctx, from, index: this.log.committed, round: this.round + 1 });
    this.readRoundWanted = true;
  }

  /** Sends the heartbeat round that the reads registered since the last one wait for. */
  flushReadRound(): void {
    if (this.readRoundWanted && this.role === 'leader') this.bcastHeartbeat();
    this.readRoundWanted = false;
  }

  private deliverRead(r: PendingRead): void {
    if (r.from === this.id) this.readStates.push({ index: r.index, ctx: r.ctx });
    else this.send({ type: 'readIndexResp', from: this.id, to: r.from, term: 0, ctx: r.ctx, index: r.index, reject: false, leaderHint: this.id });
  }

  /** Releases reads whose heartbeat round a quorum acknowledged, and extends the lease. */
  private releaseReads(): void {
    if (this.role !== 'leader') return;
    const acked: number[] = [];
    for (const id of this.voters) acked.push(id === this.id ? this.round : this.prs.get(id)?.ackedRound ?? 0);
    const quorumRound = quorumIndex(acked);
    const sentTick = this.roundSentTick.get(quorumRound);
    if (sentTick !== undefined) {
      const expiry = sentTick + this.cfg.electionTimeoutTicks - this.cfg.clockDriftBoundTicks;
      if (expiry > this.leaseExpiryTick) this.leaseExpiryTick = expiry;
    }
    for (const r of this.roundSentTick.keys()) if (r < quorumRound) this.roundSentTick.delete(r);
    while (this.pendingReads.length > 0 && this.pendingReads[0]!.round <= quorumRound) {
      this.deliverRead(this.pendingReads.shift()!);
    }
  }

  // ---------------------------------------------------------------- local inputs

  propose(data: Uint8Array): ProposeResult {
    if (this.role === 'leader') {
      if (this.leadTransferee !== noNode) return { kind: 'rejected', reason: 'transferring', leaderHint: this.leadTransferee };
      if (this.overUncommittedBound(data.length)) return { kind: 'rejected', reason: 'queueFull', leaderHint: this.id };
      const index = this.log.lastIndex() + 1;
      this.appendEntries([{ kind: 'normal', term: this.term, index, data }]);
      this.bcastAppend();
      return { kind: 'appended', index, term: this.term };
    }
    if (this.lead === noNode) return { kind: 'rejected', reason: 'noLeader', leaderHint: noNode };
    if (!this.cfg.proposalForwarding) return { kind: 'rejected', reason: 'notLeader', leaderHint: this.lead };
    this.send({ type: 'prop', from: this.id, to: this.lead, term: 0, datas: [data] });
    return { kind: 'forwarded', to: this.lead };
  }

  proposeConfChange(change: ConfChange): ProposeResult {
    if (this.role !== 'leader') {
      return { kind: 'rejected', reason: this.lead === noNode ? 'noLeader' : 'notLeader', leaderHint: this.lead };
    }
    if (this.leadTransferee !== noNode) return { kind: 'rejected', reason: 'transferring', leaderHint: this.leadTransferee };
    if (this.pendingConfIndex > this.log.applied) return { kind: 'rejected', reason: 'confChangePending', leaderHint: this.id };
    if (!this.confChangeValid(change)) return { kind: 'rejected', reason: 'invalidConfChange', leaderHint: this.id };
    const index = this.log.lastIndex() + 1;
    this.appendEntries([{ kind: 'confChange', term: this.term, index, change }]);
    this.pendingConfIndex = index;
    this.bcastAppend();
    return { kind: 'appended', index, term: this.term };
  }

  readIndex(ctx: Uint8Array): ReadResult {
    if (this.role === 'leader') {
      this.handleRead(ctx, this.id);
      return { kind: 'pending' };
    }
    if (this.lead === noNode) return { kind: 'rejected', reason: 'noLeader', leaderHint: noNode };
    this.send({ type: 'readIndex', from: this.id, to: this.lead, term: 0, ctx });
    return { kind: 'forwarded', to: this.lead };
  }

  /** Starts moving leadership to `to` (which must be a voter); proposals are refused meanwhile. */
  transferLeadership(to: NodeId): ProposeResult {
    if (this.role !== 'leader') return { kind: 'rejected', reason: 'notLeader', leaderHint: this.lead };
    if (!this.voters.has(to) || to === this.id) return { kind: 'rejected', reason: 'notMember', leaderHint: this.id };
    if (this.leadTransferee === to) return { kind: 'appended', index: this.log.lastIndex(), term: this.term };
    this.leadTransferee = to;
    this.electionElapsed = 0;
    const pr = this.prs.get(to);
    assert(pr !== undefined, 'transferee has no progress');
    if (pr.match === this.log.lastIndex()) this.sendTimeoutNow(to);
    else this.sendAppend(to, true);
    return { kind: 'appended', index: this.log.lastIndex(), term: this.term };
  }

  /** Starts an election now (tests and bootstrap of a single node). */
  campaignNow(): void {
    if (this.role !== 'leader') this.campaign(this.cfg.preVote ? 'preElection' : 'election');
  }

  // ---------------------------------------------------------------- plumbing

  private send(m: Message): void {
    assert(m.from === this.id, 'message from another node');
    assert(m.to !== this.id, 'message to self');
    this.msgs.push(m);
  }

  leaseExpiry(): number {
    return this.leaseExpiryTick;
  }
  ticks(): number {
    return this.tickCount;
  }
}
