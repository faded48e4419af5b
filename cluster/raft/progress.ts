/**
 * What the leader knows about each follower's log, and the flow control of appends to it.
 */
import { assert } from '../../util/assert.js';
import type { NodeId } from './types.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

/** Bounded window of in-flight append messages (count and bytes). */
export class Inflights {
  private lastIndexes: number[] = [];
  private bytesList: number[] = [];
  private bytesTotal = 0;
  constructor(readonly countMax: number, readonly bytesMax: number) {
    assert(countMax > 0, 'inflight count bound must be positive');
    assert(bytesMax > 0, 'inflight bytes bound must be positive');
  }
  add(lastIndex: number, bytes: number): void {
    assert(!this.full(), 'inflights overflow');
    const prev = this.lastIndexes[this.lastIndexes.length - 1];
    assert(prev === undefined || lastIndex > prev, 'inflight indexes must increase');
    this.lastIndexes.push(lastIndex);
    this.bytesList.push(bytes);
    this.bytesTotal += bytes;
  }
  /** Frees every message whose last index is <= `index`. */
  freeLE(index: number): void {
    let n = 0;
    while (n < this.lastIndexes.length && this.lastIndexes[n]! <= index) {
      this.bytesTotal -= this.bytesList[n]!;
      n++;
    }
    if (n > 0) {
      this.lastIndexes = this.lastIndexes.slice(n);
      this.bytesList = this.bytesList.slice(n);
    }
    assert(this.bytesTotal >= 0, 'inflight bytes negative');
  }
  freeFirstOne(): void {
    const first = this.lastIndexes[0];
    if (first !== undefined) this.freeLE(first);
  }
  full(): boolean {
    return this.lastIndexes.length >= this.countMax || this.bytesTotal >= this.bytesMax;
  }
  count(): number {
    return this.lastIndexes.length;
  }
  reset(): void {
    this.lastIndexes = [];
    this.bytesList = [];
    this.bytesTotal = 0;
  }
}

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  /** In probe state: one append is outstanding until the next heartbeat response. */
  probeSent = false;
  /** Snapshot being sent: its index, and the byte offset the follower acknowledged. */
  pendingSnapshot = 0;
  snapshotAckedOffset = 0;
  snapshotSentOffset = 0;
  snapshotSentAll = false;
  recentActive = false;
  /** Last heartbeat round this peer acknowledged (ReadIndex and lease). */
  ackedRound = 0;
  readonly inflights: Inflights;

  constructor(readonly id: NodeId, next: number, public isLearner: boolean, inflightCountMax: number, inflightBytesMax: number) {
    this.next = next;
    this.inflights = new Inflights(inflightCountMax, inflightBytesMax);
  }

  private resetState(state: ProgressState): void {
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotAckedOffset = 0;
    this.snapshotSentOffset = 0;
    this.snapshotSentAll = false;
    this.state = state;
    this.inflights.reset();
  }
  becomeProbe(): void {
    if (this.state === 'snapshot') {
      const pending = this.pendingSnapshot;
      this.resetState('probe');
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.resetState('probe');
      this.next = this.match + 1;
    }
  }
  becomeReplicate(): void {
    this.resetState('replicate');
    this.next = this.match + 1;
  }
  becomeSnapshot(snapIndex: number): void {
    this.resetState('snapshot');
    this.pendingSnapshot = snapIndex;
  }

  /** An append was acknowledged up to n. Returns whether match moved. */
  maybeUpdate(n: number): boolean {
    let updated = false;
    if (this.match < n) {
      this.match = n;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /** An append after `rejected` was refused; move next back toward `matchHint`. */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false; // stale
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false; // stale
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1, 1);
    this.probeSent = false;
    return true;
  }

  /** Optimistically advances next after sending entries up to lastIndex. */
  sentEntries(lastIndex: number, bytes: number, count: number): void {
    if (this.state === 'replicate') {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    } else {
      assert(false, `sending entries in state ${this.state}`);
    }
  }

  isPaused(): boolean {
    switch (this.state) {
      case 'probe':
        return this.probeSent;
      case 'replicate':
        return this.inflights.full();
      case 'snapshot':
        return true;
    }
  }
}

/** The largest index that a quorum (majority) of `matches` has reached. */
export function quorumIndex(matches: number[]): number {
  if (matches.length === 0) return 0;
  const sorted = matches.slice().sort((a, b) => b - a);
  return sorted[Math.floor(sorted.length / 2)]!;
}
