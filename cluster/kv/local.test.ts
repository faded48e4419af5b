import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '../../util/errors.js';
import type { Isolation, Txn, TxnOptions } from './api.js';
import { openLocalKv, type LocalKv } from './local.js';
import { waitFor } from '../../util/wait-for.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);
const v = (s: string): Uint8Array => enc.encode(s);
const str = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : dec.decode(b));

function opts(isolation: Isolation = 'read committed', readOnly = false): TxnOptions {
  return { isolation, readOnly, consistency: { kind: 'strong' } };
}

async function collect(txn: Txn, start: string, end: string, o: { limit?: number; reverse?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const kv of txn.scan({ start: k(start), end: k(end) }, o)) out.push(`${dec.decode(kv.key)}=${dec.decode(kv.value)}`);
  return out;
}

async function expectCode(p: Promise<unknown>, code: string): Promise<SqlError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe(code);
    return err as SqlError;
  }
  throw new Error(`expected SQLSTATE ${code}`);
}

async function put(kv: LocalKv, pairs: Record<string, string | null>): Promise<void> {
  const t = kv.begin(opts());
  for (const [key, val] of Object.entries(pairs)) {
    if (val === null) t.delete(k(key));
    else t.put(k(key), v(val));
  }
  await t.commit();
}

let dir: string;
let kv: LocalKv;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodedb-kv-'));
  kv = await openLocalKv({ dir });
});

afterEach(async () => {
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('visibility', () => {
  it('read committed sees commits per statement; repeatable read keeps its snapshot', async () => {
    await put(kv, { a: '1' });
    const rc = kv.begin(opts('read committed'));
    const rr = kv.begin(opts('repeatable read'));
    expect(str(await rc.get(k('a')))).toBe('1');
    expect(str(await rr.get(k('a')))).toBe('1');
    await put(kv, { a: '2', b: 'x' });
    expect(str(await rc.get(k('a')))).toBe('1'); // same statement
    rc.stepStatement();
    rr.stepStatement();
    expect(str(await rc.get(k('a')))).toBe('2');
    expect(str(await rr.get(k('a')))).toBe('1'); // from history
    expect(await collect(rr, 'a', 'z')).toEqual(['a=1']);
    expect(await collect(rc, 'a', 'z')).toEqual(['a=2', 'b=x']);
    await put(kv, { a: null });
    rc.stepStatement();
    expect(await rc.get(k('a'))).toBeUndefined();
    expect(str(await rr.get(k('a')))).toBe('1');
    await rc.commit();
    await rr.commit();
  });

  it('own writes in get and scans (merge, deletes, deleteRange, reverse, limit)', async () => {
    await put(kv, { a: '1', c: '3', e: '5', g: '7' });
    const t = kv.begin(opts());
    t.put(k('b'), v('2'));
    t.put(k('c'), v('33'));
    t.delete(k('e'));
    t.put(k('h'), v('8'));
    expect(str(await t.get(k('c')))).toBe('33');
    expect(await t.get(k('e'))).toBeUndefined();
    expect(await collect(t, 'a', 'z')).toEqual(['a=1', 'b=2', 'c=33', 'g=7', 'h=8']);
    expect(await collect(t, 'a', 'z', { reverse: true })).toEqual(['h=8', 'g=7', 'c=33', 'b=2', 'a=1']);
    expect(await collect(t, 'a', 'z', { limit: 2 })).toEqual(['a=1', 'b=2']);
    expect(await collect(t, 'b', 'g')).toEqual(['b=2', 'c=33']);
    t.deleteRange({ start: k('b'), end: k('h') });
    t.put(k('d'), v('4'));
    expect(await collect(t, 'a', 'z')).toEqual(['a=1', 'd=4', 'h=8']);
    expect(await t.get(k('g'))).toBeUndefined();
    await t.commit();
    const r = kv.begin(opts());
    expect(await collect(r, '', '')).toEqual(['a=1', 'd=4', 'h=8']);
    await r.commit();
  });

  it('savepoints discard later writes and keep earlier ones', async () => {
    const t = kv.begin(opts());
    t.put(k('a'), v('1'));
    const sp = t.savepoint();
    t.put(k('a'), v('2'));
    t.put(k('b'), v('2'));
    t.deleteRange({ start: k('a'), end: k('z') });
    expect(await collect(t, 'a', 'z')).toEqual([]);
    t.rollbackToSavepoint(sp);
    expect(await collect(t, 'a', 'z')).toEqual(['a=1']);
    await t.commit();
    const r = kv.begin(opts());
    expect(await collect(r, 'a', 'z')).toEqual(['a=1']);
    await r.rollback();
  });

  it('rollback discards writes; read-only txns refuse writes', async () => {
    const t = kv.begin(opts());
    t.put(k('a'), v('1'));
    await t.rollback();
    const ro = kv.begin(opts('read committed', true));
    expect(await ro.get(k('a'))).toBeUndefined();
    expect(() => ro.put(k('a'), v('1'))).toThrow(SqlError);
    await ro.commit();
    expect(kv.stats().activeTxns).toBe(0);
  });

  it('every read consistency level reads the single replica; a negative staleness bound is 22023', async () => {
    await put(kv, { a: '1' });
    for (const consistency of [
      { kind: 'strong' as const },
      { kind: 'bounded_staleness' as const, stalenessMs: 5000 },
      { kind: 'eventual' as const },
    ]) {
      const t = kv.begin({ isolation: 'read committed', readOnly: true, consistency });
      expect(str(await t.get(k('a')))).toBe('1');
      await t.commit();
    }
    expect(() => kv.begin({ isolation: 'read committed', readOnly: true, consistency: { kind: 'bounded_staleness', stalenessMs: -1 } })).toThrow(
      expect.objectContaining({ code: '22023' }),
    );
    expect(kv.stats().activeTxns).toBe(0);
  });

  it('keys that are prefixes of each other and contain zero bytes keep their order and history', async () => {
    const keys = [new Uint8Array([1]), new Uint8Array([1, 0]), new Uint8Array([1, 0, 0]), new Uint8Array([1, 1])];
    for (const key of keys) {
      const t = kv.begin(opts());
      t.put(key, new Uint8Array([key.length]));
      await t.commit();
    }
    const rr = kv.begin(opts('repeatable read'));
    for (const key of keys) {
      const t = kv.begin(opts());
      t.put(key, new Uint8Array([99]));
      await t.commit();
    }
    for (const key of keys) expect([...(await rr.get(key))!]).toEqual([key.length]);
    const seen: number[][] = [];
    for await (const e of rr.scan({ start: new Uint8Array([1]), end: new Uint8Array([2]) })) seen.push([...e.key]);
    expect(seen).toEqual(keys.map((x) => [...x]));
    await rr.commit();
  });
});

describe('locks', () => {
  it('second updater waits, then lock() returns the first one\'s committed value', async () => {
    await put(kv, { row: '100' });
    const t1 = kv.begin(opts());
    const t2 = kv.begin(opts());
    const l1 = await t1.lock(k('row'));
    expect(l1.kind === 'locked' && str(l1.value)).toBe('100');
    t1.put(k('row'), v('101'));
    let granted = false;
    const p2 = t2.lock(k('row')).then((r) => {
      granted = true;
      return r;
    });
    await waitFor(() => kv.stats().locks.waiters === 1);
    expect(granted).toBe(false);
    await t1.commit();
    const l2 = await p2;
    expect(l2.kind === 'locked' && str(l2.value)).toBe('101');
    t2.put(k('row'), v('102'));
    await t2.commit();
    const r = kv.begin(opts());
    expect(str(await r.get(k('row')))).toBe('102');
    await r.commit();
  });

  it('repeatable read: lock on a row changed after the snapshot fails with 40001', async () => {
    await put(kv, { row: '1' });
    const rr = kv.begin(opts('repeatable read'));
    expect(str(await rr.get(k('row')))).toBe('1');
    await put(kv, { row: '2' });
    await expectCode(rr.lock(k('row')), '40001');
    await rr.rollback();
    const rr2 = kv.begin(opts('repeatable read'));
    await put(kv, { other: 'x' });
    rr2.put(k('other'), v('y')); // blind write over a newer version: 40001 at commit
    await expectCode(rr2.commit(), '40001');
    expect(rr2.state).toBe('aborted');
  });

  it('readValue: false locks without the value under read committed; repeatable read still fails with 40001', async () => {
    await put(kv, { row: '1' });
    const rc = kv.begin(opts());
    expect(await rc.lock(k('row'), { mode: 'shared', readValue: false })).toEqual({ kind: 'locked', value: undefined });
    const writer = kv.begin(opts());
    const blocked = writer.lock(k('row'), { nowait: true });
    await expectCode(blocked, '55P03'); // the shared lock is held all the same
    await writer.rollback();
    await rc.commit();
    const rr = kv.begin(opts('repeatable read'));
    expect(str(await rr.get(k('row')))).toBe('1');
    await put(kv, { row: '2' });
    await expectCode(rr.lock(k('row'), { mode: 'shared', readValue: false }), '40001');
    await rr.rollback();
    const rr2 = kv.begin(opts('repeatable read'));
    const own = await rr2.lock(k('row'), { readValue: false });
    expect(own.kind === 'locked' && str(own.value)).toBe('2');
    await rr2.rollback();
  });

  it('a waiter gets the original row when the holder rolls back; under repeatable read a committed update is 40001', async () => {
    await put(kv, { row: 'orig' });
    const h1 = kv.begin(opts());
    await h1.lock(k('row'));
    h1.put(k('row'), v('changed'));
    const rc = kv.begin(opts());
    const p1 = rc.lock(k('row'));
    await waitFor(() => kv.stats().locks.waiters === 1);
    await h1.rollback();
    const r1 = await p1;
    expect(r1.kind === 'locked' && str(r1.value)).toBe('orig');
    await rc.commit();

    const h2 = kv.begin(opts());
    await h2.lock(k('row'));
    h2.delete(k('row'));
    const rr = kv.begin(opts('repeatable read'));
    expect(str(await rr.get(k('row')))).toBe('orig');
    const p2 = rr.lock(k('row'));
    await waitFor(() => kv.stats().locks.waiters === 1);
    await h2.commit();
    await expectCode(p2, '40001');
    await rr.rollback();
    const rc2 = kv.begin(opts());
    expect((await rc2.lock(k('row'), { nowait: true }))).toEqual({ kind: 'locked', value: undefined });
    await rc2.commit();
  });

  it('deadlock ends in 40P01 for the transaction closing the cycle', async () => {
    const t1 = kv.begin(opts());
    const t2 = kv.begin(opts());
    await t1.lock(k('a'));
    await t2.lock(k('b'));
    const p1 = t1.lock(k('b'));
    await waitFor(() => kv.stats().locks.waiters === 1);
    const err = await expectCode(t2.lock(k('a')), '40P01');
    expect(err.message).toBe('deadlock detected');
    await t2.rollback();
    expect((await p1).kind).toBe('locked');
    await t1.commit();
  });

  it('nowait, skip locked, lock timeout, abort signal', async () => {
    const holder = kv.begin(opts());
    await holder.lock(k('r'));
    const t = kv.begin(opts());
    const e1 = await expectCode(t.lock(k('r'), { nowait: true }), '55P03');
    expect(e1.message).toBe('could not obtain lock on row');
    expect(await t.lock(k('r'), { skipLocked: true })).toEqual({ kind: 'skipped' });
    const e2 = await expectCode(t.lock(k('r'), { lockTimeoutMs: 20 }), '55P03');
    expect(e2.message).toBe('canceling statement due to lock timeout');
    const ac = new AbortController();
    const p = t.lock(k('r'), { signal: ac.signal });
    await waitFor(() => kv.stats().locks.waiters === 1);
    ac.abort();
    const e3 = await expectCode(p, '57014');
    expect(e3.message).toBe('canceling statement due to user request');
    const ac2 = new AbortController();
    const p2 = t.lock(k('r'), { signal: ac2.signal });
    await waitFor(() => kv.stats().locks.waiters === 1);
    ac2.abort(new SqlError('57014', 'canceling statement due to statement timeout'));
    const e4 = await expectCode(p2, '57014');
    expect(e4.message).toBe('canceling statement due to statement timeout');
    expect(kv.stats().locks.waiters).toBe(0);
    await holder.commit();
    expect((await t.lock(k('r'), { nowait: true })).kind).toBe('locked');
    await t.commit();
    expect(kv.stats().locks.lockedKeys).toBe(0);
  });

  it('shared locks coexist; exclusive waits for all of them (FIFO)', async () => {
    const s1 = kv.begin(opts());
    const s2 = kv.begin(opts());
    const x = kv.begin(opts());
    await s1.lock(k('r'), { mode: 'shared' });
    await s2.lock(k('r'), { mode: 'shared' });
    const px = x.lock(k('r'));
    await waitFor(() => kv.stats().locks.waiters === 1);
    const s3 = kv.begin(opts());
    expect(await s3.lock(k('r'), { mode: 'shared', skipLocked: true })).toEqual({ kind: 'skipped' }); // behind x
    await s1.commit();
    await waitFor(() => kv.stats().locks.waiters === 1);
    await s2.commit();
    expect((await px).kind).toBe('locked');
    await x.commit();
    await s3.commit();
  });

  it('writes without an explicit lock are locked at commit (writers serialize)', async () => {
    const t1 = kv.begin(opts());
    await t1.lock(k('r'));
    const t2 = kv.begin(opts());
    t2.put(k('r'), v('2'));
    let done = false;
    const c2 = t2.commit().then(() => (done = true));
    await waitFor(() => kv.stats().locks.waiters === 1);
    expect(done).toBe(false);
    t1.put(k('r'), v('1'));
    await t1.commit();
    await c2;
    const r = kv.begin(opts());
    expect(str(await r.get(k('r')))).toBe('2');
    await r.commit();
  });
});

describe('serializable', () => {
  it('fails with 40001 when something was committed into a read span after the snapshot', async () => {
    await put(kv, { 'acct/1': '50', 'acct/2': '50' });
    const t1 = kv.begin(opts('serializable'));
    const t2 = kv.begin(opts('serializable'));
    // write skew: each reads both, writes one
    expect(await collect(t1, 'acct/', 'acct0')).toHaveLength(2);
    expect(await collect(t2, 'acct/', 'acct0')).toHaveLength(2);
    t1.put(k('acct/1'), v('-50'));
    t2.put(k('acct/2'), v('-50'));
    await t1.commit();
    await expectCode(t2.commit(), '40001');
  });

  it('a read span that nobody wrote into commits fine; a limited scan only covers what it read', async () => {
    await put(kv, { a: '1', b: '2', c: '3' });
    const t = kv.begin(opts('serializable'));
    expect(await collect(t, 'a', 'z', { limit: 1 })).toEqual(['a=1']);
    await put(kv, { c: '33' }); // outside what was read
    t.put(k('x'), v('1'));
    await t.commit();
    const t2 = kv.begin(opts('serializable'));
    expect(await t2.get(k('q'))).toBeUndefined();
    await put(kv, { q: 'new' }); // phantom on a point read
    t2.put(k('y'), v('1'));
    await expectCode(t2.commit(), '40001');
  });

  it('concurrent serializable commits in the same group-commit batch are validated against each other', async () => {
    await put(kv, { a: '0', b: '0' });
    const txns = Array.from({ length: 8 }, () => kv.begin(opts('serializable')));
    for (const t of txns) await collect(t, 'a', 'c');
    txns.forEach((t, i) => t.put(k(`w${i}`), v('1')));
    txns.forEach((t, i) => t.put(k(i % 2 === 0 ? 'a' : 'b'), v(`${i}`)));
    const results = await Promise.allSettled(txns.map((t) => t.commit()));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});

describe('atomicUpdate, gc, size', () => {
  it('atomicUpdate is serialized and durable', async () => {
    const key = k('seq');
    const bump = (old: Uint8Array | undefined): Uint8Array => {
      const n = old === undefined ? 0 : Number(dec.decode(old));
      return v(String(n + 1));
    };
    const batchesBefore = kv.stats().groupCommit.batches;
    const results = await Promise.all(Array.from({ length: 50 }, () => kv.atomicUpdate(key, bump)));
    expect(results.map((r) => Number(dec.decode(r))).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(kv.stats().groupCommit.batches - batchesBefore).toBeLessThanOrEqual(2); // coalesced rounds
    const failing = kv.atomicUpdate(key, () => {
      throw new SqlError('2200H', 'nextval: reached maximum value of sequence');
    });
    const after = kv.atomicUpdate(key, bump);
    await expectCode(failing, '2200H');
    expect(str(await after)).toBe('51');
    const t = kv.begin(opts());
    expect(str(await t.get(key))).toBe('51');
    await t.commit();
  });

  it('gc removes shadowed versions and old tombstones, never what an active reader needs', async () => {
    await kv.close();
    let nowMs = 1_000_000;
    kv = await openLocalKv({ dir, gcTtlMs: 1000, physicalClock: () => nowMs });
    await put(kv, { a: '1', b: '1' });
    nowMs += 10;
    await put(kv, { a: '2', b: null });
    nowMs += 10;
    const reader = kv.begin(opts('repeatable read'));
    nowMs += 10;
    await put(kv, { a: '3' });
    nowMs += 5000;
    const s1 = await kv.gc();
    // reader holds the threshold below a=3: version a=2 must survive
    expect(str(await reader.get(k('a')))).toBe('2');
    // a=1 and b=1 (shadowed at or below the reader's snapshot) and the b tombstone itself
    expect(s1.versionsRemoved).toBe(3);
    expect(await reader.get(k('b'))).toBeUndefined();
    await reader.commit();
    const s2 = await kv.gc();
    expect(s2.versionsRemoved).toBe(1); // a=2
    const r = kv.begin(opts());
    expect(await collect(r, '', '')).toEqual(['a=3']);
    await r.commit();
    expect((await kv.gc()).versionsRemoved).toBe(0);
  });

  it('gc in small chunks covers every key of the span and nothing outside it', async () => {
    await kv.close();
    let nowMs = 1_000_000;
    kv = await openLocalKv({ dir, gcTtlMs: 0, gcChunkKeys: 3, physicalClock: () => nowMs });
    const keys = Array.from({ length: 10 }, (_, i) => `c/${i}`);
    for (let round = 0; round < 3; round++) {
      await put(kv, Object.fromEntries(keys.map((key) => [key, `v${round}`])));
      await put(kv, { 'd/outside': `v${round}` });
      nowMs += 10;
    }
    nowMs += 10;
    const s = await kv.gc({ start: k('c/'), end: k('c0') });
    expect(s.versionsRemoved).toBe(20);
    expect(s.keysScanned).toBe(10);
    expect((await kv.gc()).versionsRemoved).toBe(2); // d/outside's two old versions
    const r = kv.begin(opts());
    expect(await collect(r, 'c/', 'c0')).toEqual(keys.sort().map((key) => `${key}=v2`));
    await r.commit();
  });

  it('approximateSize grows with data', async () => {
    const empty = await kv.approximateSize({ start: k('t/'), end: k('t0') });
    const t = kv.begin(opts());
    for (let i = 0; i < 200; i++) t.put(k(`t/${i}`), new Uint8Array(100));
    await t.commit();
    expect(await kv.approximateSize({ start: k('t/'), end: k('t0') })).toBeGreaterThan(empty + 200 * 100);
  });
});

describe('group commit', () => {
  it('coalesces concurrent commits into fewer synced batches', async () => {
    const n = 64;
    const before = kv.stats().groupCommit;
    await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const t = kv.begin(opts());
        t.put(k(`g/${i}`), v(String(i)));
        await t.commit();
      }),
    );
    const after = kv.stats().groupCommit;
    expect(after.commits - before.commits).toBe(n);
    expect(after.batches - before.batches).toBeLessThan(n);
    const r = kv.begin(opts());
    expect(await collect(r, 'g/', 'g0')).toHaveLength(n);
    await r.commit();
  });

  it('every commit batch goes through the injected DurableLog', async () => {
    await kv.close();
    const batches: number[] = [];
    kv = await openLocalKv({
      dir,
      durableLog: (storage) => ({
        append: async (ops) => {
          batches.push(ops.length);
          await storage.append(ops);
        },
      }),
    });
    await put(kv, { a: '1', b: '2' });
    expect(batches).toEqual([3]); // two latest records + the clock high-water mark
    await put(kv, { a: '3' });
    expect(batches).toEqual([3, 3]); // a's old version moves to history
  });

  it('lockWaitMsMax caps waits that have no or a longer lock timeout', async () => {
    await kv.close();
    kv = await openLocalKv({ dir, lockWaitMsMax: 20 });
    const holder = kv.begin(opts());
    await holder.lock(k('r'));
    const t = kv.begin(opts());
    await expectCode(t.lock(k('r')), '55P03');
    await expectCode(t.lock(k('r'), { lockTimeoutMs: 60_000 }), '55P03');
    await holder.commit();
    await t.commit();
  });

  it('survives reopen, and a restart with a clock far behind still writes newer versions', async () => {
    await put(kv, { durable: 'yes' });
    await kv.close();
    kv = await openLocalKv({ dir, physicalClock: () => 5 });
    const r = kv.begin(opts());
    expect(str(await r.get(k('durable')))).toBe('yes');
    await r.commit();
    await put(kv, { durable: 'again' });
    const r2 = kv.begin(opts());
    expect(str(await r2.get(k('durable')))).toBe('again');
    await r2.commit();
  });
});
