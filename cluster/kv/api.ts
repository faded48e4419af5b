/**
 * The KV API: the only seam between sql/ (and catalog/) and the cluster.
 * Single-node and multi-node implement the same interface. Keys and values are raw
 * bytes; ordering is unsigned lexicographic byte order.
 */
import type { LockSnapshotEntry } from './lock-table.js';

export type ReadConsistency =
  | { readonly kind: 'strong' }
  | { readonly kind: 'bounded_staleness'; readonly stalenessMs: number }
  | { readonly kind: 'eventual' };

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

export interface TxnOptions {
  readonly isolation: Isolation;
  readonly readOnly: boolean;
  readonly consistency: ReadConsistency;
}

export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Half-open span [start, end). */
export interface Span {
  readonly start: Uint8Array;
  readonly end: Uint8Array;
}

export interface ScanOptions {
  /** Stop after this many rows. */
  readonly limit?: number;
  readonly reverse?: boolean;
}

export interface LockOptions {
  /** Fail at once with 55P03 instead of waiting for another holder. */
  readonly nowait?: boolean;
  /** Return 'skipped' instead of waiting (SELECT ... SKIP LOCKED). */
  readonly skipLocked?: boolean;
  /** Give up waiting after this long with 55P03 (lock_timeout); 0 or absent = no limit. */
  readonly lockTimeoutMs?: number;
  /** Aborting the signal ends the wait with 57014 (cancel / statement_timeout). */
  readonly signal?: AbortSignal;
  /** 'exclusive' (FOR UPDATE / writes, default) or 'shared' (FOR SHARE). */
  readonly mode?: 'exclusive' | 'shared';
  /**
   * False when the caller ignores LockResult.value (table locks): READ COMMITTED then skips the
   * storage read and returns value undefined. REPEATABLE READ / SERIALIZABLE still read the key
   * for their conflict check (and still throw 40001). Default true.
   */
  readonly readValue?: boolean;
}

export type LockResult =
  | { readonly kind: 'locked'; readonly value: Uint8Array | undefined }
  | { readonly kind: 'skipped' };

export interface Txn {
  readonly id: string;
  readonly options: TxnOptions;
  /**
   * Start of a new statement. Under READ COMMITTED this takes a fresh read timestamp so the
   * statement sees everything committed before it; under REPEATABLE READ / SERIALIZABLE it is
   * a no-op (one snapshot for the whole transaction).
   */
  stepStatement(): void;
  /** Snapshot read (sees this transaction's own writes). */
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  /**
   * `get` without a promise when the answer is at hand (the latest version is visible, as for most
   * reads on one node); a promise only when an older version must be looked up. Lets a point
   * lookup run without a microtask per row.
   */
  read(key: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** Snapshot read of many keys in one round trip; result[i] answers keys[i]. */
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Snapshot scan (sees own writes), in key order. */
  scan(span: Span, opts?: ScanOptions): AsyncIterable<KeyValue>;
  /**
   * Take a row lock on `key`, waiting for any other transaction holding it to finish (deadlocks
   * end in 40P01). Returns the LATEST committed value (or this transaction's own write), not the
   * snapshot value: this is how READ COMMITTED re-reads a row after waiting. Under REPEATABLE
   * READ / SERIALIZABLE, if a version newer than the snapshot was committed, throws 40001.
   */
  lock(key: Uint8Array, opts?: LockOptions): Promise<LockResult>;
  /** Buffered write. Callers lock the key first; commit locks any key still unlocked. */
  put(key: Uint8Array, value: Uint8Array): void;
  /** Buffered delete (a tombstone at commit). */
  delete(key: Uint8Array): void;
  /** Buffered delete of every key in the span (TRUNCATE / DROP). */
  deleteRange(span: Span): void;
  /**
   * A read-only view pinned at this moment: it reads at the current read timestamp and sees the
   * writes this transaction made so far, but not those it makes later nor what others commit
   * later (a cursor's or a suspended portal's snapshot, as PostgreSQL's). O(1) to take. Its
   * writes fail (25006); its locks are this transaction's. GC keeps the versions it can read
   * until it is released or the transaction ends.
   */
  readView(): ReadView;
  /**
   * Like readView, but reading at the latest committed state instead of the transaction's
   * snapshot (the crosscheck of REPEATABLE READ / SERIALIZABLE foreign-key actions: a referencing
   * row committed after the snapshot must not be missed).
   */
  latestView(): ReadView;
  /** Marks the current write buffer position (SAVEPOINT). */
  savepoint(): number;
  /** Discards writes made after the savepoint (ROLLBACK TO SAVEPOINT); locks are kept, as in PostgreSQL. */
  rollbackToSavepoint(savepoint: number): void;
  /** Durable when it resolves. Throws a SqlError (40001, 23505 never: that is sql's job). */
  commit(): Promise<void>;
  rollback(): Promise<void>;
  readonly state: 'open' | 'committed' | 'aborted';
}

/** A pinned snapshot of a transaction (Txn.readView); the Txn methods that write throw 25006. */
export interface ReadView extends Txn {
  /** Unpins the snapshot (idempotent); reads afterwards fail. Also implied by the transaction's end. */
  release(): void;
}

export interface GcStats {
  readonly versionsRemoved: number;
  readonly keysScanned: number;
}

export interface Kv {
  begin(opts: TxnOptions): Txn;
  /**
   * Non-transactional atomic read-modify-write of one key (sequences: nextval is not rolled
   * back, as in PostgreSQL). `fn` gets the current value and returns the new one; the new value
   * is durable when the promise resolves.
   */
  atomicUpdate(key: Uint8Array, fn: (old: Uint8Array | undefined) => Uint8Array): Promise<Uint8Array>;
  /** MVCC garbage collection below the GC threshold and the oldest active read (VACUUM). */
  gc(span?: Span): Promise<GcStats>;
  /** Approximate bytes stored for a span (pg_relation_size). */
  approximateSize(span: Span): Promise<number>;
  /** Row/table locks held and waited for on this node, by transaction id (pg_locks); absent => pg_locks is 0A000. */
  lockSnapshot?(): readonly LockSnapshotEntry[];
  close(): Promise<void>;
}
