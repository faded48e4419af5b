/**
 * Wire and state types of the Raft core. Every message is a member of one discriminated
 * union tagged by `type`; every switch over it ends in assertNever.
 */

export type NodeId = number;
/** "No node": used for `vote` and `lead` when there is none. */
export const noNode: NodeId = 0;

/** One single-step membership change. A config change in flight blocks the next one. */
export type ConfChange =
  | { readonly kind: 'addLearner'; readonly nodeId: NodeId }
  | { readonly kind: 'promote'; readonly nodeId: NodeId }
  | { readonly kind: 'demote'; readonly nodeId: NodeId }
  | { readonly kind: 'remove'; readonly nodeId: NodeId };

export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export type Entry =
  | { readonly kind: 'normal'; readonly term: number; readonly index: number; readonly data: Uint8Array }
  | { readonly kind: 'confChange'; readonly term: number; readonly index: number; readonly change: ConfChange };

export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

export interface SnapshotMeta {
  readonly index: number;
  readonly term: number;
  readonly confState: ConfState;
}

export interface Snapshot {
  readonly meta: SnapshotMeta;
  /** Opaque state-machine image, produced and consumed by the host. */
  readonly data: Uint8Array;
}

export interface ReadState {
  /** The read may be served once the local state machine has applied this index. */
  readonly index: number;
  readonly ctx: Uint8Array;
}

interface Base {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

export type MsgApp = Base & {
  readonly type: 'app';
  /** Index and term of the entry immediately before `entries`. */
  readonly index: number;
  readonly logTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
};
export type MsgAppResp = Base & {
  readonly type: 'appResp';
  readonly index: number;
  readonly reject: boolean;
  /** On reject: the follower's best guess of the conflict point, and its term there (fast backtracking). */
  readonly rejectHint: number;
  readonly logTerm: number;
};
export type MsgVote = Base & {
  readonly type: 'vote' | 'preVote';
  readonly index: number;
  readonly logTerm: number;
  /** Set by leadership transfer: voters ignore their leader lease. */
  readonly force: boolean;
};
export type MsgVoteResp = Base & { readonly type: 'voteResp' | 'preVoteResp'; readonly reject: boolean };
export type MsgHeartbeat = Base & { readonly type: 'heartbeat'; readonly commit: number; readonly round: number };
export type MsgHeartbeatResp = Base & { readonly type: 'heartbeatResp'; readonly round: number };
export type MsgSnap = Base & {
  readonly type: 'snap';
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly totalBytes: number;
  readonly chunk: Uint8Array;
};
export type MsgSnapResp = Base & {
  readonly type: 'snapResp';
  readonly snapIndex: number;
  /** The byte offset the follower expects next for this snapshot. */
  readonly nextOffset: number;
};
export type MsgTimeoutNow = Base & { readonly type: 'timeoutNow' };
export type MsgProp = Base & { readonly type: 'prop'; readonly datas: readonly Uint8Array[] };
export type MsgPropReject = Base & {
  readonly type: 'propReject';
  readonly datas: readonly Uint8Array[];
  readonly leaderHint: NodeId;
};
export type MsgReadIndex = Base & { readonly type: 'readIndex'; readonly ctx: Uint8Array };
export type MsgReadIndexResp = Base & {
  readonly type: 'readIndexResp';
  readonly ctx: Uint8Array;
  readonly index: number;
  readonly reject: boolean;
  readonly leaderHint: NodeId;
};

export type Message =
  | MsgApp
  | MsgAppResp
  | MsgVote
  | MsgVoteResp
  | MsgHeartbeat
  | MsgHeartbeatResp
  | MsgSnap
  | MsgSnapResp
  | MsgTimeoutNow
  | MsgProp
  | MsgPropReject
  | MsgReadIndex
  | MsgReadIndexResp;

export type MessageType = Message['type'];

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

/** Why a proposal or read was refused. The caller decides whether to retry at `leaderHint`. */
export type RejectReason =
  | 'noLeader'
  | 'notLeader'
  | 'transferring'
  | 'confChangePending'
  | 'queueFull'
  | 'invalidConfChange'
  | 'notMember';

export type ProposeResult =
  | { readonly kind: 'appended'; readonly index: number; readonly term: number }
  | { readonly kind: 'forwarded'; readonly to: NodeId }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly leaderHint: NodeId };

export type ReadResult =
  | { readonly kind: 'pending' }
  | { readonly kind: 'forwarded'; readonly to: NodeId }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly leaderHint: NodeId };

/** A proposal that was forwarded and then refused by the node it reached. */
export interface RejectedProposal {
  readonly data: Uint8Array;
  readonly leaderHint: NodeId;
}

/** A forwarded read that the node it reached refused. */
export interface RejectedRead {
  readonly ctx: Uint8Array;
  readonly leaderHint: NodeId;
}

export function entryBytes(e: Entry): number {
  const overheadBytes = 24;
  return e.kind === 'normal' ? e.data.length + overheadBytes : overheadBytes + 8;
}

export function isResponse(m: Message): boolean {
  return (
    m.type === 'appResp' ||
    m.type === 'voteResp' ||
    m.type === 'preVoteResp' ||
    m.type === 'heartbeatResp' ||
    m.type === 'snapResp'
  );
}
