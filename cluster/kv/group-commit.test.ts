import { describe, expect, it } from 'vitest';
import { compareTs, Hlc, type Timestamp } from '../hlc/hlc.js';
import type { DurableLog, WriteOp } from '../storage/engine.js';
import { GroupCommitter, type CommitJob } from './group-commit.js';
import { waitFor } from '../../util/wait-for.js';

/** A log whose appends complete only when the test says so. */
class ManualLog implements DurableLog {
  readonly appended: WriteOp[][] = [];
  private pending: (() => void)[] = [];
  append(ops: readonly WriteOp[]): Promise<void> {
    this.appended.push([...ops]);
    return new Promise((resolve) => this.pending.push(resolve));
  }
  get inFlight(): number {
    return this.pending.length;
  }
  completeAll(): void {
    const p = this.pending;
    this.pending = [];
    for (const r of p) r();
  }
}

function job(name: string, opsCount = 1): CommitJob {
  return {
    opsEstimate: opsCount,
    build: () => ({
      ops: Array.from({ length: opsCount }, (_, i) => ({ kind: 'put' as const, key: Buffer.from(`${name}/${i}`), value: Buffer.from('v') })),
      keys: [`${name}`],
    }),
  };
}

describe('group commit', () => {
  it('coalesces commits queued behind an in-flight batch; readers stay below the in-flight batch', async () => {
    const log = new ManualLog();
    const clock = new Hlc();
    const gc = new GroupCommitter(log, clock);
    const done: string[] = [];
    const pa = gc.submit(job('a')).then((ts) => (done.push('a'), ts));
    await waitFor(() => log.inFlight === 1, 2000);
    const cap = gc.readCap();
    expect(cap).toBeDefined();
    const readTs = gc.readTimestamp();
    const pb = gc.submit(job('b')).then((ts) => (done.push('b'), ts));
    const pc = gc.submit(job('c')).then((ts) => (done.push('c'), ts));
    await new Promise((r) => setImmediate(r));
    expect(done).toEqual([]); // nothing resolves before its batch is durable
    log.completeAll();
    const tsA: Timestamp = await pa;
    expect(compareTs(readTs, tsA)).toBeLessThan(0); // a reader during the batch cannot miss-then-see it
    await waitFor(() => log.inFlight === 1, 2000);
    expect(log.appended[1]!.length).toBe(2); // b and c in one batch
    log.completeAll();
    const [tsB, tsC] = await Promise.all([pb, pc]);
    expect(compareTs(tsA, tsB)).toBeLessThan(0);
    expect(compareTs(tsB, tsC)).toBeLessThan(0);
    expect(gc.readCap()).toBeUndefined();
    expect(gc.stats()).toMatchObject({ batches: 2, commits: 3, largestBatchCommits: 2 });
  });

  it('bounds a batch by ops and lets one oversized commit go alone', async () => {
    const log = new ManualLog();
    const gc = new GroupCommitter(log, new Hlc(), { groupCommitOpsMax: 4, groupCommitJobsMax: 10, commitQueueJobsMax: 10 });
    const first = gc.submit(job('first'));
    await waitFor(() => log.inFlight === 1, 2000);
    const rest = [gc.submit(job('x', 3)), gc.submit(job('y', 2)), gc.submit(job('big', 9)), gc.submit(job('z', 1))];
    for (let i = 0; i < 4; i++) {
      log.completeAll();
      await waitFor(() => log.inFlight === 1 || log.appended.length === 5, 2000);
    }
    log.completeAll();
    await Promise.all([first, ...rest]);
    expect(log.appended.map((b) => b.length)).toEqual([1, 3, 2, 9, 1]);
  });

  it('a failing build rejects only its own commit; a full queue refuses more', async () => {
    const log = new ManualLog();
    const gc = new GroupCommitter(log, new Hlc(), { groupCommitOpsMax: 100, groupCommitJobsMax: 2, commitQueueJobsMax: 2 });
    const first = gc.submit(job('first'));
    await waitFor(() => log.inFlight === 1, 2000);
    const bad = gc.submit({ opsEstimate: 1, build: () => { throw new Error('validation failed'); } });
    const good = gc.submit(job('good'));
    await expect(gc.submit(job('overflow'))).rejects.toMatchObject({ code: '54000' });
    log.completeAll();
    await first;
    await expect(bad).rejects.toThrow('validation failed');
    await waitFor(() => log.inFlight === 1, 2000);
    log.completeAll();
    await good;
    expect(gc.stats()).toMatchObject({ commits: 2, failedCommits: 1 });
  });
});
