/**
 * Safety properties checked on every step of a simulation: election safety, log
 * matching, leader completeness, state-machine safety, and linearizable reads.
 */
import type { Entry, NodeId } from '../types.js';

export class SimViolation extends Error {
  override name = 'SimViolation';
}

const fnvPrime = 0x01000193;

export function fnv1a(h: number, bytes: Uint8Array): number {
  let x = h >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    x ^= bytes[i]!;
    x = Math.imul(x, fnvPrime) >>> 0;
  }
  return x;
}

export const fnvOffset = 0x811c9dc5;

/** The fingerprint of one entry's content (term-independent: what the state machine sees). */
export function entryHash(e: Entry): number {
  switch (e.kind) {
    case 'normal':
      return fnv1a(fnv1a(fnvOffset, Uint8Array.of(1)), e.data);
    case 'confChange':
      return fnv1a(fnvOffset, Uint8Array.of(2, e.change.kind.length, e.change.nodeId & 0xff));
  }
}

export function chainHash(prev: number, e: Entry): number {
  const h = entryHash(e);
  return fnv1a(prev, Uint8Array.of(h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff, h >>> 24));
}

export class SafetyChecker {
  private leaderOfTerm = new Map<number, NodeId>();
  /** (index:term) -> [content hash, term of index-1]: the log matching witness. */
  private entryAt = new Map<string, { hash: number; prevTerm: number }>();
  /** index -> state-machine chain hash after applying it (any node). */
  private chainAt = new Map<number, number>();
  /** index -> content hash applied at that index (any node). */
  private appliedAt = new Map<number, number>();
  /** The highest index known committed, with its term. */
  maxCommitted = { index: 0, term: 0 };
  /** Per term T: the highest entry known committed by a node in term T (so committed in a term <= T). */
  private committedKnownAt = new Map<number, { index: number; term: number }>();

  private fail(msg: string): never {
    throw new SimViolation(msg);
  }

  leader(node: NodeId, term: number): void {
    const prev = this.leaderOfTerm.get(term);
    if (prev !== undefined && prev !== node) this.fail(`election safety: ${prev} and ${node} both lead term ${term}`);
    this.leaderOfTerm.set(term, node);
  }

  /** A node persisted `e`, whose predecessor in its log has term `prevTerm`. */
  persisted(node: NodeId, e: Entry, prevTerm: number): void {
    const key = `${e.index}:${e.term}`;
    const hash = entryHash(e);
    const seen = this.entryAt.get(key);
    if (seen === undefined) {
      this.entryAt.set(key, { hash, prevTerm });
      return;
    }
    if (seen.hash !== hash) this.fail(`log matching: node ${node} entry ${key} differs in content`);
    if (seen.prevTerm !== prevTerm) {
      this.fail(`log matching: node ${node} entry ${key} preceded by term ${prevTerm}, elsewhere ${seen.prevTerm}`);
    }
  }

  /** A node at term `knownAtTerm` persisted commit index `index`, whose entry has term `term`. */
  committed(index: number, term: number, knownAtTerm: number): void {
    if (index > this.maxCommitted.index) this.maxCommitted = { index, term };
    const prev = this.committedKnownAt.get(knownAtTerm);
    if (prev === undefined || index > prev.index) this.committedKnownAt.set(knownAtTerm, { index, term });
  }

  /**
   * Leader completeness: a leader of term L holds every entry committed in a term < L
   * (checked for the highest such entry; log matching covers the ones before it). A
   * leader of an older term elected late (it never heard of term L) owes nothing.
   */
  leaderCompleteness(node: NodeId, leaderTerm: number, termAt: (i: number) => number | undefined, firstIndex: number, lastIndex: number): void {
    let c = { index: 0, term: 0 };
    for (const [t, e] of this.committedKnownAt) if (t < leaderTerm && e.index > c.index) c = e;
    if (c.index < firstIndex - 1) return;
    if (c.index > lastIndex) this.fail(`leader completeness: leader ${node} last index ${lastIndex} < committed ${c.index}`);
    const t = termAt(c.index);
    if (t !== c.term) this.fail(`leader completeness: leader ${node} has term ${t} at committed ${c.index}, expected ${c.term}`);
  }

  applied(node: NodeId, e: Entry, chain: number): void {
    const h = entryHash(e);
    const seen = this.appliedAt.get(e.index);
    if (seen !== undefined && seen !== h) this.fail(`state machine safety: node ${node} applied a different command at ${e.index}`);
    this.appliedAt.set(e.index, h);
    const seenChain = this.chainAt.get(e.index);
    if (seenChain !== undefined && seenChain !== chain) this.fail(`state machine safety: node ${node} state diverged at ${e.index}`);
    this.chainAt.set(e.index, chain);
  }

  snapshotInstalled(node: NodeId, index: number, chain: number): void {
    const seen = this.chainAt.get(index);
    if (seen !== undefined && seen !== chain) this.fail(`state machine safety: node ${node} installed a divergent snapshot at ${index}`);
    this.chainAt.set(index, chain);
  }

  /** A read that started when `requiredIndex` was committed returned `index`. */
  read(node: NodeId, index: number, requiredIndex: number): void {
    if (index < requiredIndex) this.fail(`linearizable read: node ${node} read at ${index}, but ${requiredIndex} was committed before the read began`);
  }
}
