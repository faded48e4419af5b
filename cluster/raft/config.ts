import { assert } from '../../util/assert.js';
import type { LogStorage } from './storage.js';
import type { NodeId } from './types.js';

/** Injected randomness: the core never calls Math.random. */
export interface Rng {
  /** A uniformly distributed integer in [0, n). */
  intBelow(n: number): number;
}

/** Linearizable read strategy. Leases are valid only under `clockDriftBoundTicks`. */
export type ReadMode = 'readIndex' | 'lease';

export interface RaftConfig {
  readonly id: NodeId;
  readonly storage: LogStorage;
  readonly rng: Rng;
  /** The index the host's state machine has applied (and persisted, if it persists). */
  readonly applied: number;
  /** Base election timeout; the randomized one is drawn from [base, 2*base). */
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  readonly preVote: boolean;
  readonly checkQuorum: boolean;
  readonly readMode: ReadMode;
  /**
   * Leader lease assumption: over any interval of `electionTimeoutTicks` ticks, two
   * nodes' tick counts differ by at most this much. The lease is shortened by it.
   */
  readonly clockDriftBoundTicks: number;
  /** Follower proposals are forwarded to the leader (true) or rejected with a hint (false). */
  readonly proposalForwarding: boolean;
  readonly inflightMsgsMax: number;
  readonly inflightBytesMax: number;
  /** Bytes of entries in one append message (at least one entry is always sent). */
  readonly msgBytesMax: number;
  readonly snapshotChunkBytesMax: number;
  readonly snapshotChunksInflightMax: number;
  /** Bytes of committed entries handed out in one Ready. */
  readonly committedBytesMax: number;
  readonly pendingReadsMax: number;
  /** Bytes of uncommitted entries a leader accepts before refusing proposals (queueFull). */
  readonly uncommittedBytesMax: number;
}

export const defaultRaftConfig = {
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 1,
  preVote: true,
  checkQuorum: true,
  readMode: 'readIndex' as ReadMode,
  clockDriftBoundTicks: 2,
  proposalForwarding: true,
  inflightMsgsMax: 256,
  inflightBytesMax: 8 * 1024 * 1024,
  msgBytesMax: 1024 * 1024,
  snapshotChunkBytesMax: 256 * 1024,
  snapshotChunksInflightMax: 4,
  committedBytesMax: 8 * 1024 * 1024,
  pendingReadsMax: 4096,
  uncommittedBytesMax: 64 * 1024 * 1024,
} as const;

export function validateConfig(c: RaftConfig): void {
  assert(c.id > 0, 'node id must be positive');
  assert(c.electionTimeoutTicks > c.heartbeatIntervalTicks, 'election timeout must exceed heartbeat interval');
  assert(c.heartbeatIntervalTicks > 0, 'heartbeat interval must be positive');
  assert(c.readMode !== 'lease' || c.checkQuorum, 'leader leases require checkQuorum');
  assert(
    c.readMode !== 'lease' || (c.clockDriftBoundTicks >= 1 && c.clockDriftBoundTicks < c.electionTimeoutTicks),
    'lease needs 1 <= clockDriftBoundTicks < electionTimeoutTicks',
  );
  assert(c.msgBytesMax > 0 && c.snapshotChunkBytesMax > 0, 'message byte bounds must be positive');
  assert(c.snapshotChunksInflightMax > 0, 'snapshot chunk window must be positive');
  assert(c.pendingReadsMax > 0, 'pending read bound must be positive');
  assert(c.uncommittedBytesMax > 0, 'uncommitted bytes bound must be positive');
}
