/**
 * The interpreter behind cluster/raft/testdata/*.txt: drives RawNodes over an explicit
 * message queue so that every Ready and every delivered message appears in the trace.
 */
import { assert } from '../../../util/assert.js';
import type { RaftConfig, ReadMode } from '../config.js';
import { defaultRaftConfig } from '../config.js';
import { describeConfState, describeEntries, describeHardState, describeMessage, describeReady, describeSnapshot } from '../describe.js';
import { RawNode } from '../rawnode.js';
import { SeededRng } from '../rng.js';
import { MemoryStorage } from '../storage.js';
import type { ConfChange, Message, NodeId } from '../types.js';
import type { Directive } from './datadriven.js';

interface EnvNode {
  id: NodeId;
  raw: RawNode;
  storage: MemoryStorage;
  /** Applied normal entries, as text (the state machine). */
  applied: string[];
  appliedIndex: number;
}

interface NodeOptions {
  readMode: ReadMode;
  preVote: boolean;
  checkQuorum: boolean;
  proposalForwarding: boolean;
  snapshotChunkBytesMax: number;
  inflightMsgsMax: number;
  msgBytesMax: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const stabilizeRoundsMax = 1000;

export class InteractionEnv {
  private nodes = new Map<NodeId, EnvNode>();
  private queue: Message[] = [];
  private isolated = new Set<NodeId>();
  private opts: NodeOptions = {
    readMode: 'readIndex',
    preVote: true,
    checkQuorum: true,
    proposalForwarding: true,
    snapshotChunkBytesMax: 1024,
    inflightMsgsMax: 256,
    msgBytesMax: 1024 * 1024,
  };

  run(d: Directive): string {
    const out: string[] = [];
    this.dispatch(d, out);
    return out.length === 0 ? 'ok' : out.join('\n');
  }

  private ids(d: Directive): NodeId[] {
    const ids = d.args.map((a) => Number(a)).filter((n) => Number.isInteger(n) && n > 0);
    return ids.length > 0 ? ids : [...this.nodes.keys()].sort((a, b) => a - b);
  }

  private node(id: NodeId): EnvNode {
    const n = this.nodes.get(id);
    assert(n !== undefined, `no node ${id}`);
    return n;
  }

  private dispatch(d: Directive, out: string[]): void {
    switch (d.cmd) {
      case 'add-nodes':
        return this.addNodes(d, out);
      case 'add-node':
        for (const id of this.ids(d)) this.startNode(id, new MemoryStorage(), out);
        return;
      case 'campaign':
        return this.node(this.ids(d)[0]!).raw.campaign();
      case 'tick':
        return this.tick(d);
      case 'tick-heartbeat':
        for (const id of this.ids(d)) this.node(id).raw.tick();
        return;
      case 'tick-election':
        for (const id of this.ids(d)) this.tickElection(id);
        return;
      case 'propose':
        return this.propose(d, out);
      case 'propose-conf-change':
        return this.proposeConfChange(d, out);
      case 'read-index':
        return this.readIndex(d, out);
      case 'transfer-leadership':
        return this.transfer(d, out);
      case 'process-ready':
        for (const id of this.ids(d)) this.processReady(id, out);
        return;
      case 'deliver-msgs':
        for (const id of this.ids(d)) this.deliver(id, d.args.includes('drop'), out);
        return;
      case 'stabilize':
        return this.stabilize(this.ids(d), out);
      case 'isolate':
        for (const id of this.ids(d)) this.isolated.add(id);
        return;
      case 'heal':
        this.isolated.clear();
        return;
      case 'snapshot':
        for (const id of this.ids(d)) this.snapshot(id, out);
        return;
      case 'restart':
        for (const id of this.ids(d)) this.restart(id, out);
        return;
      case 'status':
        for (const id of this.ids(d)) this.status(id, out);
        return;
      case 'raft-log':
        for (const id of this.ids(d)) this.raftLog(id, out);
        return;
      case 'raft-state':
        return this.raftState(out);
      default:
        throw new Error(`unknown command ${d.cmd} at line ${d.line}`);
    }
  }

  private addNodes(d: Directive, out: string[]): void {
    const list = (k: string): number[] => (d.kv.get(k) ?? '').split(',').filter((s) => s !== '').map(Number);
    this.opts = {
      readMode: d.args.includes('lease') ? 'lease' : 'readIndex',
      preVote: !d.args.includes('noprevote'),
      checkQuorum: !d.args.includes('nocheckquorum'),
      proposalForwarding: !d.args.includes('noforward'),
      snapshotChunkBytesMax: Number(d.kv.get('chunk') ?? '1024'),
      inflightMsgsMax: Number(d.kv.get('inflight') ?? '256'),
      msgBytesMax: Number(d.kv.get('msgbytes') ?? String(1024 * 1024)),
    };
    const voters = list('voters');
    const learners = list('learners');
    for (const id of [...voters, ...learners]) {
      this.startNode(id, MemoryStorage.bootstrap({ voters, learners }), out);
    }
  }

  private config(id: NodeId, storage: MemoryStorage, applied: number): RaftConfig {
    return {
      ...defaultRaftConfig,
      id,
      storage,
      applied,
      rng: new SeededRng(id),
      electionTimeoutTicks: 10,
      heartbeatIntervalTicks: 1,
      ...this.opts,
    };
  }

  private startNode(id: NodeId, storage: MemoryStorage, out: string[]): void {
    const snap = storage.snapshot();
    const applied = snap.meta.index;
    const raw = new RawNode(this.config(id, storage, applied));
    const appliedData = snap.data.length > 0 ? (JSON.parse(decoder.decode(snap.data)) as string[]) : [];
    this.nodes.set(id, { id, raw, storage, applied: appliedData, appliedIndex: applied });
    const hs = storage.hardState();
    out.push(`node ${id}: ${describeHardState(hs)} applied=${applied} ${describeConfState(raw.confState())}`);
  }

  private tick(d: Directive): void {
    const n = Number(d.kv.get('n') ?? '1');
    for (const id of this.ids(d)) for (let k = 0; k < n; k++) this.node(id).raw.tick();
  }

  /** Ticks until the node starts a campaign (or the leader checks its quorum). */
  private tickElection(id: NodeId): void {
    const raw = this.node(id).raw;
    const ticksMax = 2 * raw.raft.cfg.electionTimeoutTicks;
    const roleBefore = raw.raft.role;
    for (let k = 0; k < ticksMax; k++) {
      raw.tick();
      if (raw.raft.role !== roleBefore || raw.raft.msgs.some((m) => m.type === 'vote' || m.type === 'preVote')) return;
    }
  }

  private propose(d: Directive, out: string[]): void {
    const id = Number(d.args[0]);
    const r = this.node(id).raw.propose(encoder.encode(d.args[1] ?? ''));
    if (r.kind !== 'appended') out.push(JSON.stringify(r));
  }

  private proposeConfChange(d: Directive, out: string[]): void {
    const id = Number(d.args[0]);
    const kinds: Record<string, ConfChange['kind']> = {
      'add-learner': 'addLearner',
      promote: 'promote',
      demote: 'demote',
      remove: 'remove',
    };
    const kind = kinds[d.args[1] ?? ''];
    assert(kind !== undefined, `unknown conf change ${d.args[1]}`);
    const r = this.node(id).raw.proposeConfChange({ kind, nodeId: Number(d.args[2]) });
    if (r.kind !== 'appended') out.push(JSON.stringify(r));
  }

  private readIndex(d: Directive, out: string[]): void {
    const r = this.node(Number(d.args[0])).raw.readIndex(encoder.encode(d.args[1] ?? ''));
    if (r.kind !== 'pending') out.push(JSON.stringify(r));
  }

  private transfer(d: Directive, out: string[]): void {
    const r = this.node(Number(d.args[0])).raw.transferLeadership(Number(d.args[1]));
    if (r.kind !== 'appended') out.push(JSON.stringify(r));
  }

  private processReady(id: NodeId, out: string[]): boolean {
    const n = this.node(id);
    if (!n.raw.hasReady()) return false;
    const rd = n.raw.ready();
    out.push(`> ${id} handling Ready`);
    for (const l of describeReady(rd)) out.push(`  ${l}`);
    if (rd.snapshot !== undefined) {
      n.storage.applySnapshot(rd.snapshot);
      n.applied = rd.snapshot.data.length > 0 ? (JSON.parse(decoder.decode(rd.snapshot.data)) as string[]) : [];
      n.appliedIndex = rd.snapshot.meta.index;
    }
    n.storage.append(rd.entries);
    if (rd.hardState !== undefined) n.storage.setHardState(rd.hardState);
    this.queue.push(...rd.messages);
    for (const e of rd.committedEntries) {
      if (e.kind === 'normal' && e.data.length > 0) n.applied.push(decoder.decode(e.data));
      n.appliedIndex = e.index;
    }
    n.raw.advance(rd);
    return true;
  }

  private deliver(id: NodeId, drop: boolean, out: string[]): boolean {
    const mine = this.queue.filter((m) => m.to === id);
    if (mine.length === 0) return false;
    this.queue = this.queue.filter((m) => m.to !== id);
    const n = this.nodes.get(id);
    for (const m of mine) {
      const cut = this.isolated.has(m.from) || this.isolated.has(m.to) || n === undefined;
      if (drop || cut) {
        out.push(`  dropped: ${describeMessage(m)}`);
        continue;
      }
      out.push(`  ${describeMessage(m)}`);
      n.raw.step(m);
    }
    return true;
  }

  private stabilize(ids: NodeId[], out: string[]): void {
    for (let round = 0; round < stabilizeRoundsMax; round++) {
      let progress = false;
      for (const id of ids) if (this.processReady(id, out)) progress = true;
      for (const id of ids) {
        if (this.queue.some((m) => m.to === id)) {
          out.push(`> ${id} receiving messages`);
          this.deliver(id, false, out);
          progress = true;
        }
      }
      if (!progress) return;
    }
    throw new Error('stabilize did not converge');
  }

  private snapshot(id: NodeId, out: string[]): void {
    const n = this.node(id);
    const term = n.storage.term(n.appliedIndex);
    assert(term !== undefined, 'applied entry not in storage');
    const data = encoder.encode(JSON.stringify(n.applied));
    n.storage.createSnapshot({ index: n.appliedIndex, term, confState: n.raw.confState() }, data);
    out.push(`node ${id}: snapshot ${describeSnapshot(n.storage.snapshot())}`);
  }

  private restart(id: NodeId, out: string[]): void {
    const n = this.node(id);
    this.queue = this.queue.filter((m) => m.to !== id);
    this.startNode(id, n.storage, out);
  }

  private status(id: NodeId, out: string[]): void {
    const r = this.node(id).raw.raft;
    out.push(`${id}: ${r.role} term=${r.term} lead=${r.lead} commit=${r.log.committed} applied=${r.log.applied} ${describeConfState(r.confState())}`);
    if (r.role !== 'leader') return;
    for (const [pid, pr] of [...r.prs].sort((a, b) => a[0] - b[0])) {
      if (pid === id) continue;
      out.push(`  ${pid}: ${pr.state} match=${pr.match} next=${pr.next}${pr.isLearner ? ' learner' : ''}`);
    }
  }

  private raftLog(id: NodeId, out: string[]): void {
    const n = this.node(id);
    const log = n.raw.raft.log;
    out.push(`first=${log.firstIndex()} last=${log.lastIndex()} ${describeEntries(log.slice(log.firstIndex(), log.lastIndex() + 1, Infinity))}`);
    out.push(`applied data: ${JSON.stringify(n.applied)}`);
  }

  private raftState(out: string[]): void {
    for (const id of [...this.nodes.keys()].sort((a, b) => a - b)) {
      const r = this.node(id).raw.raft;
      out.push(`${id}: ${r.role} term=${r.term}${this.isolated.has(id) ? ' (isolated)' : ''}`);
    }
  }
}
