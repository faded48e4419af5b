/**
 * LocalKv: the single-node storage engine behind the KV API.
 *
 * Layers (each replaceable on its own):
 *   - cluster/hlc       timestamps
 *   - cluster/storage   classic-level, key layout, MVCC reads and version writes, and the
 *                       `DurableLog` port through which a batch becomes durable
 *   - cluster/kv        lock table, write buffer, group commit, and the transactions below.
 *                       When Raft replication arrives, only the `DurableLog` given to the
 *                       GroupCommitter changes (propose the batch, resolve on apply).
 *
 * Isolation (as PostgreSQL): READ COMMITTED takes a fresh read timestamp per statement
 * (`stepStatement`); REPEATABLE READ and SERIALIZABLE read one snapshot and fail with 40001 when
 * they lock or write a row that someone committed after it; SERIALIZABLE also validates, inside
 * the commit pipeline, that nothing was committed into its read spans after its snapshot.
 * Writes are buffered and become durable in one synced batch at a commit timestamp later than any
 * read timestamp that could have missed them (see group-commit.ts).
 *
 * Read consistency: TxnOptions.consistency is accepted for every level ('strong',
 * 'bounded_staleness', 'eventual'). On a single node there is exactly one replica, which is also
 * the leaseholder, so every level reads it and sees the latest committed data: the levels do not
 * behave differently here (they will once ranges have followers).
 *
 * Spans: `end` is exclusive; an empty `end` means "to the end of the key space".
 */
import { randomBytes } from 'node:crypto';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Hlc, minTs, tsLessEq, type PhysicalClock, type Timestamp } from '../hlc/hlc.js';
import { openStorage, type DurableLog, type StorageEngine, type WriteOp } from '../storage/engine.js';
import { decodeTimestampValue, encodeTimestampValue, hlcHighWaterKey, latestKey } from '../storage/keys.js';
import {
  historySpanBounds,
  latestSpanBounds,
  planGc,
  readAt,
  readLatest,
  scanAt,
  scanLatestLive,
  spanChangedAfter,
  versionOps,
  type GcPlan,
  type MvccSpan,
} from '../storage/mvcc.js';
import type {
  GcStats,
  KeyValue,
  Kv,
  LockOptions,
  LockResult,
  ReadView,
  ScanOptions,
  Span,
  Txn,
  TxnOptions,
} from './api.js';
import { GroupCommitter, groupCommitBoundsDefault, type GroupCommitBounds, type GroupCommitStats } from './group-commit.js';
import { keyString, LockTable, type LockSnapshotEntry, type LockTableStats } from './lock-table.js';
import { compareBytes, inSpan, WriteBuffer, type BufferEntry, type BufferLookup, type BufferReader, type PinnedBuffer } from './write-buffer.js';

export interface LocalKvOptions {
  readonly dir: string;
  /** Versions shadowed longer than this are garbage (default 25 h, as CockroachDB). */
  readonly gcTtlMs?: number;
  /** Upper bound for any lock wait (caps LockOptions.lockTimeoutMs, applies when it is absent); 0 = none. */
  readonly lockWaitMsMax?: number;
  /**
   * How a commit batch becomes durable; default: straight into the storage engine (synced).
   * The seam for Raft: a range replica proposes the batch and resolves once it is applied.
   */
  readonly durableLog?: (storage: StorageEngine) => DurableLog;
  readonly physicalClock?: PhysicalClock;
  readonly groupCommit?: Partial<GroupCommitBounds>;
  /** Keys per gc chunk (default gcChunkKeysMax). */
  readonly gcChunkKeys?: number;
}

export const gcTtlMsDefault = 25 * 60 * 60 * 1000;
/** approximateSize samples at most this many entries when LevelDB reports 0 (data still in the memtable). */
export const sizeSampleEntriesMax = 10_000;
/** gc() plans and applies at most this many keys' versions at a time (bounded memory). */
export const gcChunkKeysMax = 10_000;
/** Read spans a SERIALIZABLE transaction keeps before it merges them into one covering span. */
export const readSpansMax = 10_000;

/** Callers of atomicUpdate queued on one key while a round is in flight. */
export const atomicUpdatesQueuedMax = 100_000;

interface AtomicCall {
  readonly fn: (old: Uint8Array | undefined) => Uint8Array;
  resolve(value: Uint8Array): void;
  reject(err: unknown): void;
}

interface AtomicQueue {
  readonly key: Uint8Array;
  readonly pending: AtomicCall[];
  running: boolean;
}

export interface LocalKvStats {
  readonly activeTxns: number;
  readonly locks: LockTableStats;
  readonly groupCommit: GroupCommitStats;
}

export interface LocalKv extends Kv {
  stats(): LocalKvStats;
  /** The node clock (for tests and for the future Raft/closed-timestamp layer). */
  readonly clock: Hlc;
}

export async function openLocalKv(opts: LocalKvOptions): Promise<LocalKv> {
  const engine = await openStorage(opts.dir);
  return new LocalKvImpl(engine, opts);
}

function txnEndedError(): SqlError {
  return new SqlError(SqlState.queryCanceled, 'canceling statement: its transaction ended');
}

function serializationFailure(message: string): SqlError {
  return new SqlError(SqlState.serializationFailure, message);
}

function keySuccessor(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out.set(key, 0);
  return out;
}

class LocalKvImpl implements LocalKv {
  readonly clock: Hlc;
  readonly engine: StorageEngine;
  readonly locks = new LockTable();
  readonly committer: GroupCommitter;
  readonly active = new Map<string, LocalTxn>();
  private readonly atomicQueues = new Map<string, AtomicQueue>();
  readonly gcTtlMs: number;
  readonly lockWaitMsMax: number;
  readonly gcChunkKeys: number;
  private readonly idPrefix = randomBytes(4).toString('hex');
  private nextId = 1;
  private closed = false;

  constructor(engine: StorageEngine, opts: LocalKvOptions) {
    this.engine = engine;
    this.clock = new Hlc({ physicalClock: opts.physicalClock ?? Date.now });
    const highWater = engine.getSync(hlcHighWaterKey);
    if (highWater !== undefined) this.clock.restoreAtLeast(decodeTimestampValue(highWater));
    const log = opts.durableLog?.(engine) ?? engine;
    this.committer = new GroupCommitter(log, this.clock, { ...groupCommitBoundsDefault, ...opts.groupCommit }, (ts) => ({
      kind: 'put',
      key: hlcHighWaterKey,
      value: encodeTimestampValue(ts),
    }));
    this.gcTtlMs = opts.gcTtlMs ?? gcTtlMsDefault;
    this.lockWaitMsMax = opts.lockWaitMsMax ?? 0;
    this.gcChunkKeys = opts.gcChunkKeys ?? gcChunkKeysMax;
    assert(this.gcChunkKeys > 0 && this.gcChunkKeys <= gcChunkKeysMax, 'gcChunkKeys out of range');
    assert(this.gcTtlMs >= 0 && this.lockWaitMsMax >= 0, 'negative bound');
  }

  begin(opts: TxnOptions): Txn {
    this.checkOpen();
    const txn = new LocalTxn(this, `${this.idPrefix}-${this.nextId++}`, opts);
    this.active.set(txn.id, txn);
    return txn;
  }

  newOwnerId(kind: string): string {
    return `${this.idPrefix}-${kind}-${this.nextId++}`;
  }

  /**
   * Concurrent updates of one key coalesce: callers queue their functions, and one round at a
   * time takes the key's row lock, applies every queued function in order to the latest value in
   * one commit, and resolves each caller with the value its own function produced. N concurrent
   * nextval calls cost one synced batch instead of N.
   */
  atomicUpdate(key: Uint8Array, fn: (old: Uint8Array | undefined) => Uint8Array): Promise<Uint8Array> {
    this.checkOpen();
    const ks = keyString(key);
    let queue = this.atomicQueues.get(ks);
    if (queue === undefined) {
      queue = { key: Uint8Array.prototype.slice.call(key), pending: [], running: false };
      this.atomicQueues.set(ks, queue);
    }
    if (queue.pending.length >= atomicUpdatesQueuedMax) {
      return Promise.reject(new SqlError(SqlState.programLimitExceeded, 'too many concurrent updates of one sequence'));
    }
    const q = queue;
    return new Promise<Uint8Array>((resolve, reject) => {
      q.pending.push({ fn, resolve, reject });
      if (!q.running) void this.runAtomicRounds(ks, q);
    });
  }

  private async runAtomicRounds(ks: string, q: AtomicQueue): Promise<void> {
    assert(!q.running, 'atomic round already running');
    q.running = true;
    try {
      while (q.pending.length > 0) {
        const round = q.pending.splice(0, q.pending.length);
        await this.runAtomicRound(ks, q.key, round);
      }
    } finally {
      q.running = false;
      this.atomicQueues.delete(ks);
    }
  }

  private async runAtomicRound(ks: string, key: Uint8Array, round: AtomicCall[]): Promise<void> {
    const owner = this.newOwnerId('atomic');
    const outcomes: ({ ok: true; value: Uint8Array } | { ok: false; err: unknown })[] = [];
    try {
      await this.locks.acquire(owner, ks, { mode: 'exclusive' });
      await this.committer.submit({
        opsEstimate: 2,
        build: ({ commitTs }) => {
          outcomes.length = 0;
          let current = readLatest(this.engine, key)?.value;
          for (const call of round) {
            try {
              const next = call.fn(current);
              outcomes.push({ ok: true, value: next });
              current = next;
            } catch (err) {
              outcomes.push({ ok: false, err });
            }
          }
          const changed = outcomes.some((o) => o.ok);
          return { ops: changed ? versionOps(this.engine, key, current, commitTs) : [], keys: changed ? [ks] : [] };
        },
      });
    } catch (err) {
      for (const call of round) call.reject(err);
      return;
    } finally {
      this.locks.releaseAll(owner);
    }
    assert(outcomes.length === round.length, 'atomic round lost a caller');
    round.forEach((call, i) => {
      const o = outcomes[i]!;
      if (o.ok) call.resolve(o.value);
      else call.reject(o.err);
    });
  }

  /** No reader at or above this timestamp exists now or can start later. */
  gcThreshold(): Timestamp {
    const now = this.clock.now();
    let threshold: Timestamp = { wallMs: Math.max(0, now.wallMs - this.gcTtlMs), logical: 0 };
    const cap = this.committer.readCap();
    if (cap !== undefined) threshold = minTs(threshold, cap);
    // Includes the snapshots pinned by open cursors / suspended portals (Txn.readView).
    for (const txn of this.active.values()) threshold = minTs(threshold, txn.oldestReadTs());
    return threshold;
  }

  async gc(span?: Span): Promise<GcStats> {
    this.checkOpen();
    const threshold = this.gcThreshold();
    const whole: MvccSpan = span ?? { start: new Uint8Array(0), end: new Uint8Array(0) };
    let removed = 0;
    let keysScanned = 0;
    let start: Uint8Array | undefined = whole.start;
    while (start !== undefined) {
      const plan = await planGc(this.engine, { start, end: whole.end }, threshold, this.gcChunkKeys);
      removed += await this.applyGcPlan(plan);
      keysScanned += plan.keysScanned;
      start = plan.nextStart;
    }
    return { versionsRemoved: removed, keysScanned };
  }

  private async applyGcPlan(plan: GcPlan): Promise<number> {
    let removed = 0;
    const chunkOps = this.committer.opsMax;
    for (let i = 0; i < plan.historyDeletes.length; i += chunkOps) {
      const ops: WriteOp[] = plan.historyDeletes.slice(i, i + chunkOps).map((key) => ({ kind: 'del', key }));
      await this.committer.submit({ opsEstimate: ops.length, build: () => ({ ops, keys: [] }) });
      removed += ops.length;
    }
    for (let i = 0; i < plan.tombstoneDeletes.length; i += chunkOps) {
      const chunk = plan.tombstoneDeletes.slice(i, i + chunkOps);
      let deleted = 0;
      await this.committer.submit({
        opsEstimate: chunk.length,
        build: ({ batchKeys }) => {
          // Re-checked at build time: a commit since planning may have written a newer version.
          const ops: WriteOp[] = [];
          for (const t of chunk) {
            if (batchKeys.has(keyString(t.userKey))) continue;
            const latest = readLatest(this.engine, t.userKey);
            if (latest === undefined || latest.value !== undefined) continue;
            if (latest.ts.wallMs !== t.ts.wallMs || latest.ts.logical !== t.ts.logical) continue;
            ops.push({ kind: 'del', key: latestKey(t.userKey) });
          }
          deleted = ops.length;
          return { ops, keys: [] };
        },
      });
      removed += deleted;
    }
    return removed;
  }

  lockSnapshot(): readonly LockSnapshotEntry[] {
    return this.locks.snapshot();
  }

  async approximateSize(span: Span): Promise<number> {
    this.checkOpen();
    const latest = latestSpanBounds(span);
    const history = historySpanBounds(span);
    const fromFiles =
      (await this.engine.approximateSize(latest.gte, latest.lt)) +
      (await this.engine.approximateSize(history.gte, history.lt));
    // LevelDB counts only table files, not the memtable holding recent writes: also count the
    // first entries of the span directly (bounded) and report the larger of the two.
    const it = this.engine.iterate({ ...latest, limit: sizeSampleEntriesMax });
    let bytes = 0;
    try {
      for (;;) {
        const rows = await it.nextBatch(1000);
        if (rows.length === 0) break;
        for (const r of rows) bytes += r.key.length + r.value.length;
      }
    } finally {
      await it.close();
    }
    return Math.max(fromFiles, bytes);
  }

  stats(): LocalKvStats {
    return { activeTxns: this.active.size, locks: this.locks.stats(), groupCommit: this.committer.stats() };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const txn of [...this.active.values()]) await txn.rollback();
    await this.committer.close();
    await this.engine.close();
  }

  checkOpen(): void {
    if (this.closed) throw new SqlError(SqlState.adminShutdown, 'storage is closed');
  }
}

type TxnState = 'open' | 'committed' | 'aborted';

class LocalTxn implements Txn {
  state: TxnState = 'open';
  readTs: Timestamp;
  /** Created by the first write or savepoint: a read-only transaction allocates none. */
  private writes: WriteBuffer | undefined;
  private readSpans: MvccSpan[] = [];
  /** Read views not yet released (their read timestamps hold GC back). */
  private readonly views = new Set<LocalReadView>();
  private readonly serializable: boolean;
  private readonly snapshot: boolean;
  private committing = false;

  constructor(
    private readonly kv: LocalKvImpl,
    readonly id: string,
    readonly options: TxnOptions,
  ) {
    this.readTs = kv.committer.readTimestamp();
    switch (options.isolation) {
      case 'read committed':
        this.snapshot = false;
        this.serializable = false;
        break;
      case 'repeatable read':
        this.snapshot = true;
        this.serializable = false;
        break;
      case 'serializable':
        this.snapshot = true;
        this.serializable = true;
        break;
      default:
        assertNever(options.isolation, 'isolation');
    }
    switch (options.consistency.kind) {
      case 'bounded_staleness':
        if (!(Number.isFinite(options.consistency.stalenessMs) && options.consistency.stalenessMs >= 0)) {
          throw new SqlError(SqlState.invalidParameterValue, `invalid staleness bound: ${options.consistency.stalenessMs} ms`);
        }
        break; // one replica, always current: the bound holds trivially (see the file comment)
      case 'strong':
      case 'eventual':
        break; // one replica: every level reads it (see the file comment)
      default:
        assertNever(options.consistency, 'read consistency');
    }
  }

  private get buffer(): WriteBuffer {
    return (this.writes ??= new WriteBuffer());
  }

  private get hasWrites(): boolean {
    return this.writes !== undefined && !this.writes.isEmpty;
  }

  stepStatement(): void {
    this.checkOpen();
    if (!this.snapshot) this.readTs = this.kv.committer.readTimestamp();
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.checkOpen();
    return this.readOne(key);
  }

  read(key: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    this.checkOpen();
    return this.readOne(key);
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.checkOpen();
    const out: (Uint8Array | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = await this.readOne(keys[i]!);
    return out;
  }

  readView(): ReadView {
    this.checkOpen();
    return this.pinView(this.readTs, this.writes?.pin());
  }

  latestView(): ReadView {
    this.checkOpen();
    return this.pinView(this.kv.committer.readTimestamp(), this.writes?.pin());
  }

  /** A view at `readTs` over `writes` (a pin the view now holds; undefined = no own writes). */
  pinView(readTs: Timestamp, writes: PinnedBuffer | undefined): LocalReadView {
    const view = new LocalReadView(this, readTs, writes);
    this.views.add(view);
    return view;
  }

  unpinView(view: LocalReadView): void {
    this.views.delete(view);
  }

  /** The oldest timestamp this transaction can still read at (its own, or a pinned view's). */
  oldestReadTs(): Timestamp {
    let ts = this.readTs;
    for (const v of this.views) ts = minTs(ts, v.readTs);
    return ts;
  }

  checkReadable(): void {
    this.checkOpen();
  }

  private readOne(key: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    return this.readOneAt(key, this.readTs, this.hasWrites ? this.buffer : undefined);
  }

  /** A read at `readTs` seeing the own writes of `writes` (the live buffer or a view's pin). */
  readOneAt(key: Uint8Array, readTs: Timestamp, writes: BufferReader | undefined): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    const own = writes !== undefined && !writes.isEmpty ? writes.lookup(key) : undefined;
    if (own !== undefined) {
      switch (own.kind) {
        case 'written':
          return own.value;
        case 'rangeDeleted':
          return undefined;
        case 'absent':
          break;
        default:
          assertNever(own, 'buffer lookup');
      }
    }
    if (this.serializable) this.recordRead({ start: key, end: keySuccessor(key) });
    return readAt(this.kv.engine, key, readTs);
  }

  scan(span: Span, opts: ScanOptions = {}): AsyncIterable<KeyValue> {
    this.checkOpen();
    return this.scanGen(span, opts, this.readTs, this.buffer);
  }

  /** A scan at `readTs` merging the own writes of `writes` (the live buffer or a view's pin). */
  async *scanGen(span: Span, opts: ScanOptions, readTs: Timestamp, writes: BufferReader): AsyncGenerator<KeyValue> {
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    assert(limit >= 0, 'negative scan limit');
    if (limit === 0) return;
    const reverse = opts.reverse ?? false;
    const own = writes.entriesIn(span);
    if (reverse) own.reverse();
    const hasRanges = writes.hasRanges;
    let oi = 0;
    let produced = 0;
    let lastKey: Uint8Array | undefined;
    let exhausted = false;
    const before = (a: Uint8Array, b: Uint8Array): boolean => (reverse ? compareBytes(a, b) > 0 : compareBytes(a, b) < 0);
    try {
      const expectedRows = Number.isFinite(limit) ? limit : 0;
      for await (const batch of scanAt(this.kv.engine, span, readTs, { reverse, expectedRows })) {
        for (const row of batch) {
          while (oi < own.length && before(own[oi]!.key, row.key)) {
            const e = own[oi++]!;
            lastKey = e.key;
            if (e.value !== undefined) {
              yield { key: e.key, value: e.value };
              if (++produced >= limit) return;
            }
          }
          lastKey = row.key;
          if (oi < own.length && compareBytes(own[oi]!.key, row.key) === 0) {
            const e = own[oi++]!;
            if (e.value === undefined) continue;
            yield { key: e.key, value: e.value };
          } else {
            if (hasRanges && writes.rangeDeleted(row.key)) continue;
            yield row;
          }
          if (++produced >= limit) return;
        }
      }
      while (oi < own.length) {
        const e: BufferEntry = own[oi++]!;
        lastKey = e.key;
        if (e.value !== undefined) {
          yield { key: e.key, value: e.value };
          if (++produced >= limit) return;
        }
      }
      exhausted = true;
    } finally {
      if (this.serializable && this.state === 'open') this.recordScanned(span, reverse, exhausted, lastKey);
    }
  }

  /** Records the part of `span` a scan looked at (all of it, or up to its last key). */
  private recordScanned(span: Span, reverse: boolean, exhausted: boolean, lastKey: Uint8Array | undefined): void {
    if (exhausted || lastKey === undefined) {
      this.recordRead(exhausted ? span : reverse ? { start: span.end, end: span.end } : { start: span.start, end: span.start });
      return;
    }
    this.recordRead(reverse ? { start: lastKey, end: span.end } : { start: span.start, end: keySuccessor(lastKey) });
  }

  private recordRead(span: MvccSpan): void {
    if (span.end.length > 0 && compareBytes(span.start, span.end) >= 0) return;
    this.readSpans.push({ start: Uint8Array.prototype.slice.call(span.start), end: Uint8Array.prototype.slice.call(span.end) });
    if (this.readSpans.length > readSpansMax) this.readSpans = [coverAll(this.readSpans)];
  }

  async lock(key: Uint8Array, opts: LockOptions = {}): Promise<LockResult> {
    this.checkOpen();
    const ks = keyString(key);
    const acquired = await this.kv.locks.acquire(this.id, ks, {
      mode: opts.mode ?? 'exclusive',
      nowait: opts.nowait,
      skipLocked: opts.skipLocked,
      lockTimeoutMs: effectiveLockTimeoutMs(opts.lockTimeoutMs, this.kv.lockWaitMsMax),
      signal: opts.signal,
    });
    switch (acquired.kind) {
      case 'skipped':
        return { kind: 'skipped' };
      case 'granted':
        break;
      default:
        assertNever(acquired, 'lock result');
    }
    this.checkOpen();
    const own = this.hasWrites ? this.buffer.lookup(key) : absent;
    switch (own.kind) {
      case 'written':
        return { kind: 'locked', value: own.value };
      case 'rangeDeleted':
        return { kind: 'locked', value: undefined };
      case 'absent':
        break;
      default:
        assertNever(own, 'buffer lookup');
    }
    // READ COMMITTED checks nothing against the latest version: a caller that ignores the value needs no read.
    if (opts.readValue === false && !this.snapshot) return { kind: 'locked', value: undefined };
    const latest = readLatest(this.kv.engine, key);
    if (this.snapshot && latest !== undefined && !tsLessEq(latest.ts, this.readTs)) {
      throw serializationFailure('could not serialize access due to concurrent update');
    }
    if (this.serializable) this.recordRead({ start: key, end: keySuccessor(key) });
    return { kind: 'locked', value: latest?.value };
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.checkWritable();
    this.buffer.put(key, value);
  }

  delete(key: Uint8Array): void {
    this.checkWritable();
    this.buffer.delete(key);
  }

  deleteRange(span: Span): void {
    this.checkWritable();
    this.buffer.deleteRange(span);
  }

  savepoint(): number {
    this.checkOpen();
    return this.buffer.savepoint();
  }

  rollbackToSavepoint(savepoint: number): void {
    this.checkOpen();
    this.buffer.rollbackTo(savepoint);
  }

  async commit(): Promise<void> {
    this.checkOpen();
    assert(!this.committing, 'commit called twice concurrently');
    this.committing = true;
    try {
      if (this.hasWrites) await this.commitWrites();
      this.state = 'committed';
    } catch (err) {
      this.state = 'aborted';
      throw err;
    } finally {
      this.finish();
    }
  }

  /** No-op once finished; during commit() the commit decides the outcome. */
  async rollback(): Promise<void> {
    if (this.state !== 'open' || this.committing) return;
    this.state = 'aborted';
    this.finish();
  }

  private finish(): void {
    for (const v of [...this.views]) v.release();
    this.kv.locks.releaseAll(this.id, txnEndedError);
    this.kv.active.delete(this.id);
  }

  /** Every key this commit writes, with range deletes resolved into tombstones of live keys. */
  private async resolveWrites(): Promise<BufferEntry[]> {
    const writes = new Map<string, BufferEntry>();
    for (const range of this.buffer.allRanges()) {
      for await (const keys of scanLatestLive(this.kv.engine, range)) {
        for (const key of keys) {
          const ks = keyString(key);
          writes.set(ks, { key: Uint8Array.prototype.slice.call(key), ks, value: undefined });
        }
      }
    }
    if (writes.size === 0) return [...this.buffer.allEntries()].sort(byKeyString);
    for (const e of this.buffer.allEntries()) writes.set(e.ks, e);
    return [...writes.values()].sort(byKeyString);
  }

  private async commitWrites(): Promise<void> {
    const writes = await this.resolveWrites();
    const lockOpts = { mode: 'exclusive', lockTimeoutMs: this.kv.lockWaitMsMax } as const;
    for (const w of writes) {
      const acquired = this.kv.locks.acquire(this.id, w.ks, lockOpts);
      if (acquired instanceof Promise) {
        await acquired;
        this.checkOpen();
      }
      if (this.snapshot) {
        const latest = readLatest(this.kv.engine, w.key);
        if (latest !== undefined && !tsLessEq(latest.ts, this.readTs)) {
          throw serializationFailure('could not serialize access due to concurrent update');
        }
      }
    }
    const readSpans = this.serializable ? this.readSpans : [];
    const readTs = this.readTs;
    const engine = this.kv.engine;
    await this.kv.committer.submit({
      opsEstimate: writes.length * 2,
      build: async ({ commitTs, batchKeys }) => {
        for (const span of readSpans) {
          if (await spanChangedAfter(engine, span, readTs)) {
            throw serializationFailure('could not serialize access due to read/write dependencies among transactions');
          }
        }
        if (readSpans.length > 0 && batchKeys.size > 0) {
          for (const ks of batchKeys) {
            const key = Buffer.from(ks, 'latin1');
            if (readSpans.some((s) => inSpan(key, s))) {
              throw serializationFailure('could not serialize access due to read/write dependencies among transactions');
            }
          }
        }
        const ops: WriteOp[] = [];
        const keys: string[] = [];
        for (const w of writes) {
          for (const op of versionOps(engine, w.key, w.value, commitTs)) ops.push(op);
          keys.push(w.ks);
        }
        return { ops, keys };
      },
    });
  }

  private checkOpen(): void {
    if (this.state !== 'open') {
      throw new SqlError(SqlState.invalidTransactionState, `transaction ${this.id} is ${this.state}`);
    }
  }

  private checkWritable(): void {
    this.checkOpen();
    if (this.options.readOnly) {
      throw new SqlError(SqlState.readOnlySqlTransaction, 'cannot execute write in a read-only transaction');
    }
  }
}

const absent: BufferLookup = Object.freeze({ kind: 'absent' });

/** Own writes of a view pinned before the transaction wrote anything. */
const noWrites: BufferReader = new WriteBuffer();

function viewWriteError(): SqlError {
  return new SqlError(SqlState.readOnlySqlTransaction, 'cannot write through a pinned read snapshot (cursor)');
}

/** Txn.readView: reads at a fixed timestamp and own-writes state; locks go to the transaction. */
class LocalReadView implements ReadView {
  private released = false;

  constructor(
    private readonly txn: LocalTxn,
    readonly readTs: Timestamp,
    private readonly writes: PinnedBuffer | undefined,
  ) {}

  get id(): string {
    return this.txn.id;
  }

  get options(): TxnOptions {
    return this.txn.options;
  }

  get state(): 'open' | 'committed' | 'aborted' {
    return this.txn.state;
  }

  /** The snapshot is fixed: a new statement does not move it. */
  stepStatement(): void {
    this.check();
  }

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    this.check();
    return this.txn.readOneAt(key, this.readTs, this.writes);
  }

  read(key: Uint8Array): Uint8Array | undefined | Promise<Uint8Array | undefined> {
    this.check();
    return this.txn.readOneAt(key, this.readTs, this.writes);
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    this.check();
    const out: (Uint8Array | undefined)[] = new Array(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = await this.txn.readOneAt(keys[i]!, this.readTs, this.writes);
    return out;
  }

  scan(span: Span, opts: ScanOptions = {}): AsyncIterable<KeyValue> {
    this.check();
    return this.txn.scanGen(span, opts, this.readTs, this.writes ?? noWrites);
  }

  lock(key: Uint8Array, opts?: LockOptions): Promise<LockResult> {
    this.check();
    return this.txn.lock(key, opts);
  }

  readView(): ReadView {
    this.check();
    this.writes?.retain();
    return this.txn.pinView(this.readTs, this.writes);
  }

  latestView(): ReadView {
    this.check();
    return this.txn.latestView();
  }

  put(): void {
    throw viewWriteError();
  }

  delete(): void {
    throw viewWriteError();
  }

  deleteRange(): void {
    throw viewWriteError();
  }

  savepoint(): number {
    throw viewWriteError();
  }

  rollbackToSavepoint(): void {
    throw viewWriteError();
  }

  commit(): Promise<void> {
    return Promise.reject(new SqlError(SqlState.invalidTransactionState, 'a read snapshot cannot commit its transaction'));
  }

  /** Ends the view only (the transaction is not the view's to end). */
  async rollback(): Promise<void> {
    this.release();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.writes?.release();
    this.txn.unpinView(this);
  }

  private check(): void {
    this.txn.checkReadable();
    if (this.released) throw new SqlError(SqlState.invalidTransactionState, 'read snapshot already released');
  }
}

function byKeyString(a: BufferEntry, b: BufferEntry): number {
  return a.ks < b.ks ? -1 : a.ks > b.ks ? 1 : 0;
}

/** The shorter of the statement's lock_timeout and the store's lockWaitMsMax (0 = no limit). */
function effectiveLockTimeoutMs(requestedMs: number | undefined, maxMs: number): number {
  const requested = requestedMs !== undefined && requestedMs > 0 ? requestedMs : 0;
  if (requested === 0) return maxMs;
  if (maxMs === 0) return requested;
  return Math.min(requested, maxMs);
}

/** One span covering all of `spans` (conservative: more conflicts, never fewer). */
function coverAll(spans: readonly MvccSpan[]): MvccSpan {
  assert(spans.length > 0, 'cover of no spans');
  let start = spans[0]!.start;
  let end = spans[0]!.end;
  for (const s of spans) {
    if (compareBytes(s.start, start) < 0) start = s.start;
    if (end.length > 0 && (s.end.length === 0 || compareBytes(s.end, end) > 0)) end = s.end;
  }
  return { start, end };
}

