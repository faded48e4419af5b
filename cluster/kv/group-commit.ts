/**
 * Group commit: concurrent commits coalesce into one durable batch. Commits are built one at a
 * time, in arrival order, each at a fresh commit timestamp taken when its batch is built, so
 * building sees every earlier batch applied. While a batch is being built or made durable,
 * `readCap()` tells readers to read just below its first commit timestamp: a snapshot taken
 * then can never later "grow" a commit it did not see, and every acknowledged commit is below it.
 */
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { compareTs, prevTs, type Hlc, type Timestamp } from '../hlc/hlc.js';
import type { DurableLog, WriteOp } from '../storage/engine.js';

export interface CommitContext {
  readonly commitTs: Timestamp;
  /** Keys (latin1 strings) written by earlier commits of the same batch, not yet in storage. */
  readonly batchKeys: ReadonlySet<string>;
}

export interface BuiltCommit {
  readonly ops: WriteOp[];
  /** Keys written (latin1 strings), added to the batch's key set. */
  readonly keys: readonly string[];
}

export interface CommitJob {
  /** Expected op count, used to bound the batch before building. */
  readonly opsEstimate: number;
  /** Called once, inside the pipeline; may throw (e.g. serializable validation) to fail only this commit. */
  build(ctx: CommitContext): BuiltCommit | Promise<BuiltCommit>;
}

export interface GroupCommitBounds {
  /** A batch stops growing once it holds this many ops (a single larger commit goes alone). */
  readonly groupCommitOpsMax: number;
  readonly groupCommitJobsMax: number;
  /** Commits waiting for a batch; beyond this, commit fails with 53000-class backpressure. */
  readonly commitQueueJobsMax: number;
}

export const groupCommitBoundsDefault: GroupCommitBounds = Object.freeze({
  groupCommitOpsMax: 20_000,
  groupCommitJobsMax: 512,
  commitQueueJobsMax: 20_000,
});

export interface GroupCommitStats {
  readonly batches: number;
  readonly commits: number;
  readonly ops: number;
  readonly failedCommits: number;
  readonly largestBatchCommits: number;
}

interface Pending {
  readonly job: CommitJob;
  resolve(ts: Timestamp): void;
  reject(err: unknown): void;
}

export class GroupCommitter {
  private readonly queue: Pending[] = [];
  private running = false;
  private inflightMinTs: Timestamp | undefined;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private counters = { batches: 0, commits: 0, ops: 0, failedCommits: 0, largestBatchCommits: 0 };

  /**
   * `stampOp(maxCommitTs)`, when given, adds one op to every batch that carries commits (the
   * storage layer persists the clock's high-water mark with it, so a restart never reuses time).
   */
  constructor(
    private readonly log: DurableLog,
    private readonly clock: Hlc,
    private readonly bounds: GroupCommitBounds = groupCommitBoundsDefault,
    private readonly stampOp?: (maxCommitTs: Timestamp) => WriteOp,
  ) {
    assert(bounds.groupCommitOpsMax > 0 && bounds.groupCommitJobsMax > 0, 'group commit bounds must be positive');
    assert(bounds.commitQueueJobsMax >= bounds.groupCommitJobsMax, 'queue bound below batch bound');
  }

  /** Resolves with the commit timestamp once the commit's batch is durable and readable. */
  submit(job: CommitJob): Promise<Timestamp> {
    if (this.closed) return Promise.reject(new SqlError(SqlState.adminShutdown, 'storage is shutting down'));
    if (this.queue.length >= this.bounds.commitQueueJobsMax) {
      return Promise.reject(new SqlError(SqlState.programLimitExceeded, 'too many commits waiting for durability'));
    }
    return new Promise<Timestamp>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  get opsMax(): number {
    return this.bounds.groupCommitOpsMax;
  }

  /** Upper bound for a new read timestamp (undefined: no batch in flight). */
  readCap(): Timestamp | undefined {
    return this.inflightMinTs === undefined ? undefined : prevTs(this.inflightMinTs);
  }

  /** A read timestamp that sees every acknowledged commit and no partially applied batch. */
  readTimestamp(): Timestamp {
    const now = this.clock.now();
    const cap = this.readCap();
    return cap !== undefined && compareTs(now, cap) > 0 ? cap : now;
  }

  stats(): GroupCommitStats {
    return { ...this.counters };
  }

  /** Stops accepting commits and waits for queued ones to finish. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    let ops = 0;
    while (this.queue.length > 0 && batch.length < this.bounds.groupCommitJobsMax) {
      const next = this.queue[0]!;
      if (batch.length > 0 && ops + next.job.opsEstimate > this.bounds.groupCommitOpsMax) break;
      this.queue.shift();
      batch.push(next);
      ops += next.job.opsEstimate;
    }
    assert(batch.length > 0, 'empty group commit batch');
    return batch;
  }

  private async run(): Promise<void> {
    assert(!this.running, 'group committer already running');
    this.running = true;
    try {
      while (this.queue.length > 0) await this.runBatch(this.takeBatch());
    } finally {
      this.running = false;
      this.inflightMinTs = undefined;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    const ops: WriteOp[] = [];
    const batchKeys = new Set<string>();
    const built: { p: Pending; ts: Timestamp }[] = [];
    for (const p of batch) {
      const commitTs = this.clock.now();
      if (this.inflightMinTs === undefined) this.inflightMinTs = commitTs;
      try {
        const b = await p.job.build({ commitTs, batchKeys });
        for (const k of b.keys) {
          assert(!batchKeys.has(k), 'two commits of one batch write the same key (lock bug)');
          batchKeys.add(k);
        }
        for (const op of b.ops) ops.push(op);
        built.push({ p, ts: commitTs });
      } catch (err) {
        this.counters.failedCommits++;
        p.reject(err);
      }
    }
    const last = built[built.length - 1];
    if (last !== undefined && this.stampOp !== undefined && ops.length > 0) ops.push(this.stampOp(last.ts));
    try {
      await this.log.append(ops);
      this.counters.batches++;
      this.counters.commits += built.length;
      this.counters.ops += ops.length;
      this.counters.largestBatchCommits = Math.max(this.counters.largestBatchCommits, built.length);
      this.inflightMinTs = undefined;
      for (const { p, ts } of built) p.resolve(ts);
    } catch (err) {
      this.inflightMinTs = undefined;
      this.counters.failedCommits += built.length;
      for (const { p } of built) p.reject(err);
    }
  }
}
