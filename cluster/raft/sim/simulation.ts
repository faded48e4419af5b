/**
 * Deterministic cluster simulation: whole Raft clusters in one process under a simulated
 * clock, network and disk. Everything random comes from one seed, so any failure replays.
 *
 * A scenario alternates chaos phases (drops, duplicates, reordering, delays, symmetric
 * and asymmetric partitions, crashes that lose unsynced state, failing disk writes,
 * membership changes, leadership transfers, compaction) with heal phases, after which a
 * leader must be elected and a proposal must commit within `livenessTicksMax`.
 */
import { AssertionError } from '../../../util/assert.js';
import type { RaftConfig, ReadMode } from '../config.js';
import { defaultRaftConfig } from '../config.js';
import { describeMessage } from '../describe.js';
import type { Ready } from '../rawnode.js';
import { RawNode, sendableBeforePersist } from '../rawnode.js';
import { SeededRng } from '../rng.js';
import { MemoryStorage } from '../storage.js';
import type { ConfChange, Message, NodeId } from '../types.js';
import { SafetyChecker, SimViolation, chainHash, fnvOffset } from './checker.js';

const electionTimeoutTicks = 10;
const chaosTicksPerCycle = 150;
const cyclesPerScenario = 2;
const livenessTicksMax = 250;
const deliveryRoundsPerTickMax = 8;
const readyLoopsMax = 16;
const nodesTotalMax = 8;
const inflightMessagesMax = 20_000;

interface AppState {
  index: number;
  chain: number;
}

interface SimNode {
  readonly id: NodeId;
  readonly disk: MemoryStorage;
  raw: RawNode | undefined;
  app: AppState;
  readonly rng: SeededRng;
  /** Clock drift: this node skips one tick in every `skipEvery` (0: never), at most 2 per election timeout. */
  readonly skipEvery: number;
}

interface InFlight {
  readonly msg: Message;
  readonly at: number;
}

interface Faults {
  dropP: number;
  dupP: number;
  delayP: number;
  diskFailP: number;
  crashP: number;
  partitionP: number;
}

export interface ScenarioResult {
  readonly seed: number;
  readonly violation: string | undefined;
  readonly ticks: number;
  readonly commits: number;
  readonly elections: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encodeApp(app: AppState, fillerBytes: number): Uint8Array {
  const out = new Uint8Array(10 + fillerBytes);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, app.index);
  dv.setUint32(4, app.chain);
  dv.setUint16(8, fillerBytes);
  for (let i = 0; i < fillerBytes; i++) out[10 + i] = (i * 31 + app.index) & 0xff;
  return out;
}

function decodeApp(data: Uint8Array, snapIndex: number): AppState {
  if (data.length === 0) return { index: snapIndex, chain: fnvOffset };
  const dv = new DataView(data.buffer, data.byteOffset, data.length);
  const app = { index: dv.getUint32(0), chain: dv.getUint32(4) };
  const filler = dv.getUint16(8);
  if (data.length !== 10 + filler) throw new SimViolation(`snapshot data length ${data.length} != ${10 + filler}`);
  for (let i = 0; i < filler; i++) {
    if (data[10 + i] !== ((i * 31 + app.index) & 0xff)) throw new SimViolation('snapshot data corrupted in transfer');
  }
  if (app.index !== snapIndex) throw new SimViolation(`snapshot at ${snapIndex} holds state of ${app.index}`);
  return app;
}

export class Simulation {
  private readonly rng: SeededRng;
  private readonly nodes = new Map<NodeId, SimNode>();
  private inflight: InFlight[] = [];
  private blocked = new Set<string>();
  private readonly checker = new SafetyChecker();
  private now = 0;
  private faults: Faults;
  private readonly readMode: ReadMode;
  private readonly preVote: boolean;
  private readonly checkQuorum: boolean;
  private readonly forwarding: boolean;
  private readonly msgBytesMax: number;
  private nextId: NodeId = 1;
  private seq = 0;
  private readRequired = new Map<string, number>();
  private livenessTokens = new Set<string>();
  private livenessApplied = false;
  private commits = 0;
  private elections = 0;

  constructor(readonly seed: number, private readonly trace: ((line: string) => void) | undefined = undefined) {
    this.rng = new SeededRng(seed);
    this.readMode = this.rng.chance(0.5) ? 'lease' : 'readIndex';
    this.preVote = this.rng.chance(0.8);
    this.checkQuorum = this.readMode === 'lease' || this.rng.chance(0.7);
    this.forwarding = this.rng.chance(0.5);
    // Small messages carry one entry each, which opens the windows of partial replication.
    this.msgBytesMax = this.rng.pick([30, 200, 4096]);
    this.faults = this.chaosFaults();
  }

  private log(line: string): void {
    if (this.trace !== undefined) this.trace(`[t=${this.now}] ${line}`);
  }

  /** Fault rates for one chaos phase; a third of the phases are storms of leader churn. */
  private chaosFaults(): Faults {
    const r = this.rng;
    const storm = r.chance(0.35) ? 5 : 1;
    return {
      dropP: r.next() * 0.2,
      dupP: r.next() * 0.05,
      delayP: r.next() * 0.3,
      diskFailP: r.next() * 0.004 * storm,
      crashP: r.next() * 0.01 * storm,
      partitionP: r.next() * 0.03 * storm,
    };
  }

  run(): ScenarioResult {
    let violation: string | undefined;
    try {
      this.bootstrap();
      for (let c = 0; c < cyclesPerScenario; c++) {
        this.faults = this.chaosFaults();
        for (let t = 0; t < chaosTicksPerCycle; t++) this.chaosTick();
        this.heal();
        this.checkLiveness();
      }
    } catch (e) {
      if (e instanceof SimViolation || e instanceof AssertionError) violation = `${e.name}: ${e.message}`;
      else throw e;
    }
    return { seed: this.seed, violation, ticks: this.now, commits: this.commits, elections: this.elections };
  }

  // ------------------------------------------------------------ nodes

  private bootstrap(): void {
    const voterCount = this.rng.chance(0.5) ? 3 : 5;
    const learnerCount = this.rng.intBelow(2);
    const voters: NodeId[] = [];
    const learners: NodeId[] = [];
    for (let i = 0; i < voterCount; i++) voters.push(this.nextId++);
    for (let i = 0; i < learnerCount; i++) learners.push(this.nextId++);
    this.log(`bootstrap voters=${voters} learners=${learners} read=${this.readMode} preVote=${this.preVote} checkQuorum=${this.checkQuorum} forward=${this.forwarding}`);
    for (const id of [...voters, ...learners]) this.addNode(id, MemoryStorage.bootstrap({ voters, learners }));
  }

  private addNode(id: NodeId, disk: MemoryStorage): SimNode {
    const skipEvery = this.rng.chance(0.5) ? 0 : 5 + this.rng.intBelow(6);
    const n: SimNode = { id, disk, raw: undefined, app: { index: 0, chain: fnvOffset }, rng: new SeededRng(this.seed * 131 + id), skipEvery };
    this.nodes.set(id, n);
    this.start(n);
    return n;
  }

  private config(n: SimNode, applied: number): RaftConfig {
    return {
      ...defaultRaftConfig,
      id: n.id,
      storage: n.disk,
      rng: n.rng,
      applied,
      electionTimeoutTicks,
      heartbeatIntervalTicks: 2,
      preVote: this.preVote,
      checkQuorum: this.checkQuorum,
      readMode: this.readMode,
      clockDriftBoundTicks: 2,
      proposalForwarding: this.forwarding,
      inflightMsgsMax: 4,
      inflightBytesMax: 4096,
      msgBytesMax: this.msgBytesMax,
      snapshotChunkBytesMax: 64,
      snapshotChunksInflightMax: 2,
      committedBytesMax: 400,
      pendingReadsMax: 64,
      uncommittedBytesMax: 2000,
    };
  }

  private start(n: SimNode): void {
    const snap = n.disk.snapshot();
    n.app = decodeApp(snap.data, snap.meta.index);
    n.raw = new RawNode(this.config(n, snap.meta.index));
    this.log(`start ${n.id} applied=${snap.meta.index}`);
    this.handle(n);
  }

  private crash(n: SimNode, why: string): void {
    this.log(`crash ${n.id}: ${why}`);
    n.raw = undefined;
  }

  private live(): SimNode[] {
    return [...this.nodes.values()].filter((n) => n.raw !== undefined);
  }

  private leader(): SimNode | undefined {
    let best: SimNode | undefined;
    for (const n of this.live()) {
      const r = n.raw!.raft;
      if (r.role === 'leader' && (best === undefined || r.term > best.raw!.raft.term)) best = n;
    }
    return best;
  }

  // ------------------------------------------------------------ ready handling

  private handle(n: SimNode): void {
    for (let k = 0; k < readyLoopsMax && n.raw !== undefined && n.raw.hasReady(); k++) this.processReady(n, n.raw);
  }

  private processReady(n: SimNode, raw: RawNode): void {
    const rd = raw.ready();
    if (rd.softState?.role === 'leader') this.onLeader(n, raw);
    for (const m of rd.messages) if (sendableBeforePersist(m)) this.enqueue(m);
    if (this.rng.chance(this.faults.diskFailP)) {
      this.crash(n, 'disk write failed');
      return;
    }
    this.persist(n, rd);
    for (const m of rd.messages) if (!sendableBeforePersist(m)) this.enqueue(m);
    this.apply(n, rd);
    raw.advance(rd);
  }

  private onLeader(n: SimNode, raw: RawNode): void {
    const r = raw.raft;
    this.elections++;
    this.log(`${n.id} became leader of term ${r.term}`);
    this.checker.leader(n.id, r.term);
    this.checker.leaderCompleteness(n.id, r.term, (i) => r.log.term(i), r.log.firstIndex(), r.log.lastIndex());
  }

  private persist(n: SimNode, rd: Ready): void {
    if (rd.snapshot !== undefined) n.disk.applySnapshot(rd.snapshot);
    n.disk.append(rd.entries);
    for (const e of rd.entries) {
      const prevTerm = n.disk.term(e.index - 1);
      if (prevTerm === undefined) throw new SimViolation(`node ${n.id} persisted ${e.index} without its predecessor`);
      this.checker.persisted(n.id, e, prevTerm);
    }
    if (rd.hardState !== undefined) {
      n.disk.setHardState(rd.hardState);
      const t = n.disk.term(rd.hardState.commit);
      if (t !== undefined) this.checker.committed(rd.hardState.commit, t, rd.hardState.term);
    }
  }

  private apply(n: SimNode, rd: Ready): void {
    if (rd.snapshot !== undefined) {
      n.app = decodeApp(rd.snapshot.data, rd.snapshot.meta.index);
      this.checker.snapshotInstalled(n.id, n.app.index, n.app.chain);
    }
    for (const e of rd.committedEntries) {
      if (e.index !== n.app.index + 1) throw new SimViolation(`node ${n.id} applies ${e.index} after ${n.app.index}`);
      n.app = { index: e.index, chain: chainHash(n.app.chain, e) };
      this.checker.applied(n.id, e, n.app.chain);
      this.commits++;
      if (e.kind === 'normal' && this.livenessTokens.has(decoder.decode(e.data))) {
        this.livenessApplied = true;
      }
    }
    for (const rs of rd.readStates) {
      const ctx = decoder.decode(rs.ctx);
      const required = this.readRequired.get(ctx);
      if (required === undefined) throw new SimViolation(`node ${n.id} got a read state for unknown ctx ${ctx}`);
      this.checker.read(n.id, rs.index, required);
    }
  }

  // ------------------------------------------------------------ network

  private enqueue(m: Message): void {
    if (this.inflight.length >= inflightMessagesMax) return; // network overload: dropped
    let delay = 0;
    if (this.rng.chance(this.faults.delayP)) delay = 1 + this.rng.intBelow(this.rng.chance(0.1) ? 15 : 3);
    this.inflight.push({ msg: m, at: this.now + delay });
  }

  private deliverDue(): void {
    for (let round = 0; round < deliveryRoundsPerTickMax; round++) {
      const due: InFlight[] = [];
      const later: InFlight[] = [];
      for (const f of this.inflight) (f.at <= this.now ? due : later).push(f);
      if (due.length === 0) return;
      this.inflight = later;
      for (let i = due.length - 1; i > 0; i--) {
        const j = this.rng.intBelow(i + 1);
        [due[i], due[j]] = [due[j]!, due[i]!];
      }
      for (const f of due) this.deliver(f.msg);
    }
  }

  private deliver(m: Message): void {
    if (this.blocked.has(`${m.from}>${m.to}`) || this.rng.chance(this.faults.dropP)) return;
    if (this.rng.chance(this.faults.dupP)) this.inflight.push({ msg: m, at: this.now + this.rng.intBelow(3) });
    const n = this.nodes.get(m.to);
    if (n?.raw === undefined) return;
    if (this.trace !== undefined) this.log(`deliver ${describeMessage(m)}`);
    n.raw.step(m);
    this.handle(n);
  }

  // ------------------------------------------------------------ chaos

  private chaosTick(): void {
    this.now++;
    this.randomEvents();
    this.tickAll();
    this.deliverDue();
  }

  /** Ticks every live node, except those whose clock runs slow this tick (bounded drift). */
  private tickAll(): void {
    for (const n of this.live()) {
      if (n.skipEvery > 0 && (this.now + n.id) % n.skipEvery === 0) continue;
      n.raw!.tick();
      this.handle(n);
    }
  }

  private randomEvents(): void {
    const r = this.rng;
    if (r.chance(0.3)) this.propose();
    if (r.chance(0.1)) this.read();
    if (r.chance(this.faults.partitionP)) this.partition();
    if (r.chance(0.02)) this.blocked.clear();
    if (r.chance(this.faults.crashP)) {
      const live = this.live();
      const l = this.leader();
      if (l !== undefined && r.chance(0.5)) this.crash(l, 'crash leader');
      else if (live.length > 0) this.crash(r.pick(live), 'crash');
    }
    if (r.chance(0.03)) {
      const down = [...this.nodes.values()].filter((n) => n.raw === undefined);
      if (down.length > 0) this.start(r.pick(down));
    }
    if (r.chance(0.02)) this.confChange();
    if (r.chance(0.01)) this.transfer();
    if (r.chance(0.02)) this.compact();
  }

  private propose(): void {
    const live = this.live();
    if (live.length === 0) return;
    const n = this.rng.pick(live);
    const res = n.raw!.propose(encoder.encode(`p${++this.seq}`));
    this.log(`propose at ${n.id}: ${res.kind}`);
    this.handle(n);
  }

  private read(): void {
    const live = this.live();
    if (live.length === 0) return;
    const n = this.rng.pick(live);
    const ctx = `r${++this.seq}`;
    this.readRequired.set(ctx, this.checker.maxCommitted.index);
    n.raw!.readIndex(encoder.encode(ctx));
    this.handle(n);
  }

  private partition(): void {
    const ids = [...this.nodes.keys()];
    const a = this.rng.chance(0.4) ? (this.leader()?.id ?? this.rng.pick(ids)) : this.rng.pick(ids);
    const kind = this.rng.intBelow(3);
    if (kind === 0) {
      for (const b of ids) if (b !== a) this.blocked.add(`${a}>${b}`).add(`${b}>${a}`);
      this.log(`partition: isolate ${a}`);
    } else if (kind === 1) {
      const b = this.rng.pick(ids);
      if (b !== a) this.blocked.add(`${a}>${b}`);
      this.log(`partition: cut ${a}->${b} only`);
    } else {
      const side = new Set(ids.filter(() => this.rng.chance(0.5)));
      for (const x of ids) for (const y of ids) if (side.has(x) !== side.has(y)) this.blocked.add(`${x}>${y}`);
      this.log(`partition: split {${[...side]}}`);
    }
  }

  private confChange(): void {
    const l = this.leader();
    if (l === undefined) return;
    const r = l.raw!.raft;
    const voters = [...r.voters];
    const learners = [...r.learners];
    const options: ConfChange[] = [];
    if (this.nodes.size < nodesTotalMax) options.push({ kind: 'addLearner', nodeId: this.nextId });
    for (const id of learners) {
      if (voters.length < 5) options.push({ kind: 'promote', nodeId: id });
      options.push({ kind: 'remove', nodeId: id });
    }
    if (voters.length > 3) for (const id of voters) options.push({ kind: 'demote', nodeId: id }, { kind: 'remove', nodeId: id });
    if (options.length === 0) return;
    const cc = this.rng.pick(options);
    const res = l.raw!.proposeConfChange(cc);
    this.log(`conf change ${cc.kind}(${cc.nodeId}) at ${l.id}: ${res.kind}`);
    if (res.kind === 'appended' && cc.kind === 'addLearner') this.addNode(this.nextId++, new MemoryStorage());
    this.handle(l);
  }

  private transfer(): void {
    const l = this.leader();
    if (l === undefined) return;
    const others = [...l.raw!.raft.voters].filter((id) => id !== l.id);
    if (others.length === 0) return;
    const to = this.rng.pick(others);
    this.log(`transfer ${l.id} -> ${to}: ${l.raw!.transferLeadership(to).kind}`);
    this.handle(l);
  }

  private compact(): void {
    const live = this.live();
    if (live.length === 0) return;
    const n = this.rng.pick(live);
    const raw = n.raw!;
    if (n.app.index <= n.disk.firstIndex() + 2) return;
    if (raw.applied() !== n.app.index) throw new SimViolation(`node ${n.id} app at ${n.app.index}, raft applied ${raw.applied()}`);
    const term = n.disk.term(n.app.index);
    if (term === undefined) throw new SimViolation(`node ${n.id} applied ${n.app.index} that is not on disk`);
    const data = encodeApp(n.app, this.rng.intBelow(300));
    n.disk.createSnapshot({ index: n.app.index, term, confState: raw.confState() }, data);
    this.log(`compact ${n.id} at ${n.app.index}`);
  }

  // ------------------------------------------------------------ heal and liveness

  private heal(): void {
    this.blocked.clear();
    this.faults = { dropP: 0, dupP: 0, delayP: 0, diskFailP: 0, crashP: 0, partitionP: 0 };
    for (const n of this.nodes.values()) if (n.raw === undefined) this.start(n);
    this.log('heal');
  }

  private checkLiveness(): void {
    this.livenessApplied = false;
    this.livenessTokens.clear();
    let proposedAt = -Infinity;
    const deadline = this.now + livenessTicksMax;
    while (this.now < deadline) {
      this.now++;
      this.tickAll();
      this.deliverDue();
      if (this.livenessApplied) return;
      const l = this.leader();
      if (l !== undefined && this.now - proposedAt > 2 * electionTimeoutTicks) {
        const token = `live${++this.seq}`;
        this.livenessTokens.add(token);
        const res = l.raw!.propose(encoder.encode(token));
        if (res.kind === 'appended') proposedAt = this.now;
        this.handle(l);
      }
    }
    throw new SimViolation(`liveness: no leader committed a proposal within ${livenessTicksMax} ticks after heal`);
  }
}

export function runScenario(seed: number, trace?: (line: string) => void): ScenarioResult {
  return new Simulation(seed, trace).run();
}
