/**
 * In-memory row lock table of one node: exclusive / shared locks per key, FIFO waiters,
 * nowait / skip locked / lock timeout / AbortSignal, and deadlock detection on the waits-for
 * graph (checked whenever a transaction starts to wait; the one that would close a cycle gets
 * 40P01). Nothing here is durable: after a crash no transaction is in flight, so no lock matters.
 */
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';

export type LockMode = 'exclusive' | 'shared';

export interface AcquireOptions {
  readonly mode: LockMode;
  readonly nowait?: boolean;
  readonly skipLocked?: boolean;
  readonly lockTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

export type AcquireResult = { readonly kind: 'granted' } | { readonly kind: 'skipped' };

interface Waiter {
  readonly owner: string;
  readonly mode: LockMode;
  readonly upgrade: boolean;
  /** Wall clock (ms since the epoch) when the wait began (pg_locks.waitstart). */
  readonly sinceMs: number;
  resolve(): void;
  reject(err: Error): void;
}

interface LockEntry {
  readonly holders: Map<string, LockMode>;
  readonly waiters: Waiter[];
}

/** Deadlock search visits at most this many transactions (a bound, not an expected size). */
export const deadlockSearchNodesMax = 100_000;

export interface LockTableStats {
  readonly lockedKeys: number;
  readonly waiters: number;
}

/** One lock held or waited for, as pg_locks shows it (waitStartMs only for waiters). */
export interface LockSnapshotEntry {
  readonly owner: string;
  readonly key: Uint8Array;
  readonly mode: LockMode;
  readonly granted: boolean;
  readonly waitStartMs: number | null;
}

export function keyString(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}

function compatible(a: LockMode, b: LockMode): boolean {
  return a === 'shared' && b === 'shared';
}

const granted: AcquireResult = Object.freeze({ kind: 'granted' });
const skipped: AcquireResult = Object.freeze({ kind: 'skipped' });

export class LockTable {
  private readonly entries = new Map<string, LockEntry>();
  /** owner -> keys it holds (for release) */
  private readonly held = new Map<string, Set<string>>();
  /** owner -> key it waits on (at most one at a time) and how to end that wait */
  private readonly waitingOn = new Map<string, { readonly key: string; cancel(err: Error): void }>();

  /** Mode `owner` holds on `key`, if any. */
  holds(owner: string, key: string): LockMode | undefined {
    return this.entries.get(key)?.holders.get(owner);
  }

  acquire(owner: string, key: string, opts: AcquireOptions): AcquireResult | Promise<AcquireResult> {
    assert(!this.waitingOn.has(owner), 'a transaction waits for one lock at a time');
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { holders: new Map(), waiters: [] };
      this.entries.set(key, entry);
    }
    const heldMode = entry.holders.get(owner);
    if (heldMode === 'exclusive' || heldMode === opts.mode) return granted;
    const upgrade = heldMode === 'shared';
    if (this.grantable(entry, owner, opts.mode, upgrade)) {
      this.grant(entry, owner, key, opts.mode);
      return granted;
    }
    if (opts.skipLocked) return skipped;
    if (opts.nowait) throw new SqlError(SqlState.lockNotAvailable, 'could not obtain lock on row');
    if (opts.signal?.aborted) throw abortError(opts.signal);
    return this.wait(entry, owner, key, opts, upgrade);
  }

  /** Ends a pending wait of `owner` (if any) with `err`, then releases every lock it holds. */
  releaseAll(owner: string, waitError?: () => Error): void {
    const waiting = this.waitingOn.get(owner);
    if (waiting !== undefined) {
      waiting.cancel(waitError?.() ?? new SqlError(SqlState.queryCanceled, 'canceling statement due to user request'));
    }
    assert(!this.waitingOn.has(owner), 'wait survived its cancellation');
    const keys = this.held.get(owner);
    if (keys === undefined) return;
    this.held.delete(owner);
    for (const key of keys) {
      const entry = this.entries.get(key);
      assert(entry !== undefined && entry.holders.has(owner), 'held lock missing from table');
      entry.holders.delete(owner);
      this.wake(key, entry);
    }
  }

  /** Every lock held and every wait, holders first per key (a copy: pg_locks reads it). */
  snapshot(): LockSnapshotEntry[] {
    const out: LockSnapshotEntry[] = [];
    for (const [k, e] of this.entries) {
      const key = new Uint8Array(Buffer.from(k, 'latin1'));
      for (const [owner, mode] of e.holders) out.push({ owner, key, mode, granted: true, waitStartMs: null });
      for (const w of e.waiters) out.push({ owner: w.owner, key, mode: w.mode, granted: false, waitStartMs: w.sinceMs });
    }
    return out;
  }

  stats(): LockTableStats {
    let waiters = 0;
    for (const e of this.entries.values()) waiters += e.waiters.length;
    return { lockedKeys: this.entries.size, waiters };
  }

  private grantable(entry: LockEntry, owner: string, mode: LockMode, upgrade: boolean): boolean {
    // FIFO: a newcomer never overtakes a waiter (an upgrade goes first: it already holds).
    if (!upgrade && entry.waiters.length > 0) return false;
    for (const [holder, heldMode] of entry.holders) {
      if (holder !== owner && !compatible(mode, heldMode)) return false;
    }
    return true;
  }

  private grant(entry: LockEntry, owner: string, key: string, mode: LockMode): void {
    entry.holders.set(owner, mode);
    let keys = this.held.get(owner);
    if (keys === undefined) {
      keys = new Set();
      this.held.set(owner, keys);
    }
    keys.add(key);
  }

  private wait(entry: LockEntry, owner: string, key: string, opts: AcquireOptions, upgrade: boolean): Promise<AcquireResult> {
    return new Promise<AcquireResult>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cleanup = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.waitingOn.delete(owner);
      };
      const waiter: Waiter = {
        owner,
        mode: opts.mode,
        upgrade,
        sinceMs: Date.now(),
        resolve: () => {
          cleanup();
          resolve(granted);
        },
        reject: (err) => {
          cleanup();
          reject(err);
        },
      };
      const giveUp = (err: Error): void => {
        const i = entry.waiters.indexOf(waiter);
        if (i < 0) return; // already granted
        entry.waiters.splice(i, 1);
        waiter.reject(err);
        this.wake(key, entry);
      };
      const onAbort = (): void => giveUp(abortError(opts.signal!));
      if (upgrade) {
        let i = 0;
        while (i < entry.waiters.length && entry.waiters[i]!.upgrade) i++;
        entry.waiters.splice(i, 0, waiter);
      } else {
        entry.waiters.push(waiter);
      }
      this.waitingOn.set(owner, { key, cancel: giveUp });
      if (this.closesCycle(owner)) {
        giveUp(new SqlError(SqlState.deadlockDetected, 'deadlock detected', {
          detail: 'Process is waiting for a row lock held by a transaction that waits for it.',
        }));
        return;
      }
      if (opts.lockTimeoutMs !== undefined && opts.lockTimeoutMs > 0) {
        timer = setTimeout(
          () => giveUp(new SqlError(SqlState.lockNotAvailable, 'canceling statement due to lock timeout')),
          opts.lockTimeoutMs,
        );
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Grants waiters from the head of the queue while they are compatible; drops empty entries. */
  private wake(key: string, entry: LockEntry): void {
    while (entry.waiters.length > 0) {
      const head = entry.waiters[0]!;
      let ok = true;
      for (const [holder, heldMode] of entry.holders) {
        if (holder !== head.owner && !compatible(head.mode, heldMode)) ok = false;
      }
      if (!ok) break;
      entry.waiters.shift();
      this.grant(entry, head.owner, key, head.mode);
      head.resolve();
    }
    if (entry.holders.size === 0 && entry.waiters.length === 0) this.entries.delete(key);
  }

  /** Transactions `owner` waits for: incompatible holders and incompatible waiters ahead of it. */
  private blockers(owner: string): string[] {
    const key = this.waitingOn.get(owner)?.key;
    if (key === undefined) return [];
    const entry = this.entries.get(key);
    assert(entry !== undefined, 'waiting on a missing lock entry');
    const me = entry.waiters.find((w) => w.owner === owner);
    assert(me !== undefined, 'waiter missing from its queue');
    const out: string[] = [];
    for (const [holder, mode] of entry.holders) {
      if (holder !== owner && !compatible(me.mode, mode)) out.push(holder);
    }
    for (const w of entry.waiters) {
      if (w === me) break;
      if (w.owner !== owner && !compatible(me.mode, w.mode)) out.push(w.owner);
    }
    return out;
  }

  private closesCycle(start: string): boolean {
    const seen = new Set<string>();
    const stack = this.blockers(start);
    while (stack.length > 0) {
      const t = stack.pop()!;
      if (t === start) return true;
      if (seen.has(t)) continue;
      seen.add(t);
      assert(seen.size <= deadlockSearchNodesMax, 'deadlock search exceeded its bound');
      for (const b of this.blockers(t)) stack.push(b);
    }
    return false;
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof SqlError) return reason;
  return new SqlError(SqlState.queryCanceled, 'canceling statement due to user request');
}
