/**
 * The host's transport: one batch per destination node per turn. Heartbeats and their
 * responses of all groups between one pair of nodes are coalesced into compact tuples.
 * In-memory implementation here; the gRPC bidirectional stream implements the same
 * interface when the cluster is wired up.
 */
import { assert } from '../../util/assert.js';
import type { Message, NodeId } from '../raft/types.js';

export interface GroupMessage {
  readonly groupId: number;
  readonly msg: Message;
}

/** A heartbeat of one group, without the repeated from/to fields. */
export interface CoalescedHeartbeat {
  readonly groupId: number;
  readonly term: number;
  readonly commit: number;
  readonly round: number;
}

export interface CoalescedHeartbeatResp {
  readonly groupId: number;
  readonly term: number;
  readonly round: number;
}

export interface HostBatch {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly messages: readonly GroupMessage[];
  readonly heartbeats: readonly CoalescedHeartbeat[];
  readonly heartbeatResps: readonly CoalescedHeartbeatResp[];
}

export interface Transport {
  /** Fire and forget: a batch may be lost; Raft retries. */
  send(batch: HostBatch): void;
  /** Registers the receiver of batches addressed to this node. */
  onReceive(handler: (batch: HostBatch) => void): void;
}

/** Expands a batch back into per-group Raft messages. */
export function expandBatch(b: HostBatch): GroupMessage[] {
  const out: GroupMessage[] = [...b.messages];
  for (const h of b.heartbeats) {
    out.push({ groupId: h.groupId, msg: { type: 'heartbeat', from: b.from, to: b.to, term: h.term, commit: h.commit, round: h.round } });
  }
  for (const h of b.heartbeatResps) {
    out.push({ groupId: h.groupId, msg: { type: 'heartbeatResp', from: b.from, to: b.to, term: h.term, round: h.round } });
  }
  return out;
}

/** Builds one batch per destination node from a turn's messages. */
export class BatchBuilder {
  private byPeer = new Map<NodeId, { messages: GroupMessage[]; heartbeats: CoalescedHeartbeat[]; heartbeatResps: CoalescedHeartbeatResp[] }>();
  constructor(private readonly self: NodeId) {}

  add(groupId: number, m: Message): void {
    assert(m.from === this.self, 'batched message from another node');
    let b = this.byPeer.get(m.to);
    if (b === undefined) {
      b = { messages: [], heartbeats: [], heartbeatResps: [] };
      this.byPeer.set(m.to, b);
    }
    if (m.type === 'heartbeat') b.heartbeats.push({ groupId, term: m.term, commit: m.commit, round: m.round });
    else if (m.type === 'heartbeatResp') b.heartbeatResps.push({ groupId, term: m.term, round: m.round });
    else b.messages.push({ groupId, msg: m });
  }

  flush(transport: Transport): number {
    let sent = 0;
    for (const [to, b] of this.byPeer) {
      transport.send({ from: this.self, to, ...b });
      sent++;
    }
    this.byPeer = new Map();
    return sent;
  }
}

/** Delivers batches between hosts in one process, asynchronously, with optional cuts. */
export class InMemoryNetwork {
  private handlers = new Map<NodeId, (b: HostBatch) => void>();
  private cut = new Set<string>();
  delivered = 0;
  dropped = 0;

  transport(node: NodeId): Transport {
    return {
      send: (batch) => {
        assert(batch.from === node, 'batch sent from the wrong transport');
        setImmediate(() => this.deliver(batch));
      },
      onReceive: (handler) => {
        this.handlers.set(node, handler);
      },
    };
  }

  private deliver(batch: HostBatch): void {
    const h = this.handlers.get(batch.to);
    if (h === undefined || this.cut.has(`${batch.from}>${batch.to}`)) {
      this.dropped++;
      return;
    }
    this.delivered++;
    h(batch);
  }

  /** Cuts the link from -> to (one direction). */
  partition(from: NodeId, to: NodeId): void {
    this.cut.add(`${from}>${to}`);
  }
  isolate(node: NodeId, others: readonly NodeId[]): void {
    for (const o of others) if (o !== node) this.partition(node, o), this.partition(o, node);
  }
  heal(): void {
    this.cut.clear();
  }
  disconnect(node: NodeId): void {
    this.handlers.delete(node);
  }
}
