import { describe, expect, it } from 'vitest';
import { SqlError } from '../../util/errors.js';
import { LockTable } from './lock-table.js';

async function settled(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'granted',
    (e: unknown) => (e instanceof SqlError ? e.code : String(e)),
  );
}

describe('lock table', () => {
  it('grants FIFO and wakes waiters in order', async () => {
    const t = new LockTable();
    expect(t.acquire('a', 'k', { mode: 'exclusive' })).toEqual({ kind: 'granted' });
    const order: string[] = [];
    const pb = Promise.resolve(t.acquire('b', 'k', { mode: 'exclusive' })).then(() => order.push('b'));
    const pc = Promise.resolve(t.acquire('c', 'k', { mode: 'exclusive' })).then(() => order.push('c'));
    expect(t.stats().waiters).toBe(2);
    t.releaseAll('a');
    await pb;
    expect(order).toEqual(['b']);
    t.releaseAll('b');
    await pc;
    expect(order).toEqual(['b', 'c']);
    t.releaseAll('c');
    expect(t.stats()).toEqual({ lockedKeys: 0, waiters: 0 });
  });

  it('re-entrant and shared->exclusive upgrade', async () => {
    const t = new LockTable();
    t.acquire('a', 'k', { mode: 'shared' });
    t.acquire('b', 'k', { mode: 'shared' });
    expect(t.acquire('a', 'k', { mode: 'shared' })).toEqual({ kind: 'granted' });
    const up = Promise.resolve(t.acquire('a', 'k', { mode: 'exclusive' }));
    const r = settled(Promise.resolve(t.acquire('b', 'k', { mode: 'exclusive' })));
    expect(await r).toBe('40P01'); // both upgrading: deadlock
    t.releaseAll('b');
    await up;
    expect(t.holds('a', 'k')).toBe('exclusive');
    expect(t.acquire('a', 'k', { mode: 'shared' })).toEqual({ kind: 'granted' });
    t.releaseAll('a');
  });

  it('detects a three-party cycle, and a cycle through a waiter queued ahead', async () => {
    const t = new LockTable();
    t.acquire('a', 'x', { mode: 'exclusive' });
    t.acquire('b', 'y', { mode: 'exclusive' });
    t.acquire('c', 'z', { mode: 'exclusive' });
    const pa = settled(Promise.resolve(t.acquire('a', 'y', { mode: 'exclusive' })));
    const pb = settled(Promise.resolve(t.acquire('b', 'z', { mode: 'exclusive' })));
    expect(await settled(Promise.resolve(t.acquire('c', 'x', { mode: 'exclusive' })))).toBe('40P01');
    t.releaseAll('c');
    expect(await pb).toBe('granted');
    t.releaseAll('b');
    expect(await pa).toBe('granted');
    t.releaseAll('a');

    // g holds s shared; h (holding t) queues exclusive on s; i queues shared on s behind h.
    // g asking for t closes g -> h -> g.
    const u = new LockTable();
    u.acquire('g', 's', { mode: 'shared' });
    u.acquire('h', 't', { mode: 'exclusive' });
    const ph = settled(Promise.resolve(u.acquire('h', 's', { mode: 'exclusive' }))); // waits for g
    const pi = settled(Promise.resolve(u.acquire('i', 's', { mode: 'shared' }))); // queued behind h (FIFO)
    expect(await settled(Promise.resolve(u.acquire('g', 't', { mode: 'shared' })))).toBe('40P01');
    u.releaseAll('g');
    expect(await ph).toBe('granted');
    u.releaseAll('h');
    expect(await pi).toBe('granted');
    u.releaseAll('i');
    expect(u.stats()).toEqual({ lockedKeys: 0, waiters: 0 });
  });

  it('releaseAll ends a pending wait of the same owner', async () => {
    const t = new LockTable();
    t.acquire('a', 'k', { mode: 'exclusive' });
    const pb = settled(Promise.resolve(t.acquire('b', 'k', { mode: 'exclusive' })));
    t.releaseAll('b');
    expect(await pb).toBe('57014');
    t.releaseAll('a');
    expect(t.stats()).toEqual({ lockedKeys: 0, waiters: 0 });
  });
});
