import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RowCache } from './row-cache.js';
import { openStorage } from './engine.js';

const b = (s: string) => Buffer.from(s);

describe('RowCache', () => {
  it('evicts oldest entries to stay within its byte bound', () => {
    const c = new RowCache(2_000);
    for (let i = 0; i < 100; i++) c.set(`k${i}`, Buffer.alloc(100));
    expect(c.sizeBytes).toBeLessThanOrEqual(2_000);
    expect(c.get('k99')).toBeDefined();
    expect(c.get('k0')).toBeUndefined();
  });

  it('charges replaced entries once and forgets invalidated ones', () => {
    const c = new RowCache(10_000);
    c.set('a', Buffer.alloc(10));
    const one = c.sizeBytes;
    c.set('a', Buffer.alloc(10));
    expect(c.sizeBytes).toBe(one);
    c.set('b', Buffer.alloc(0));
    c.invalidate('a');
    c.invalidate('b');
    expect(c.size).toBe(0);
    expect(c.sizeBytes).toBe(0);
  });

  it('does not cache values above the per-value bound', () => {
    const c = new RowCache(10 * 1024 * 1024);
    c.set('big', Buffer.alloc(1024 * 1024));
    expect(c.get('big')).toBeUndefined();
  });
});

describe('storage engine with the row cache', () => {
  it('answers every read with what the last append wrote, hits and misses alike', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rowcache-'));
    const engine = await openStorage(dir);
    try {
      expect(engine.getSync(b('x'))).toBeUndefined();
      await engine.append([{ kind: 'put', key: b('x'), value: b('1') }]);
      expect(engine.getSync(b('x'))?.toString()).toBe('1');
      expect(engine.getSync(b('x'))?.toString()).toBe('1'); // hit
      // a read during the write may see either value; after append resolves only the new one
      const pending = engine.append([{ kind: 'put', key: b('x'), value: b('2') }]);
      const during = engine.getSync(b('x'))?.toString();
      expect(['1', '2']).toContain(during);
      await pending;
      expect(engine.getSync(b('x'))?.toString()).toBe('2');
      await engine.append([{ kind: 'del', key: b('x') }]);
      expect(engine.getSync(b('x'))).toBeUndefined();
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('storage engine: writes fill the row cache', () => {
  it('serves a just-written latest-version record from the cache, coherent with later writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rowcache-w-'));
    const engine = await openStorage(dir);
    try {
      const latest = (s: string) => Buffer.concat([Buffer.from([0x10]), Buffer.from(s)]);
      const value = Buffer.from('v1');
      await engine.append([{ kind: 'put', key: latest('k'), value }]);
      value[1] = 0x39; // the writer's buffer changing afterwards must not change the cached value
      expect(engine.getSync(latest('k'))?.toString()).toBe('v1');
      await engine.append([{ kind: 'put', key: latest('k'), value: Buffer.from('v2') }]);
      expect(engine.getSync(latest('k'))?.toString()).toBe('v2');
      await engine.append([{ kind: 'del', key: latest('k') }]);
      expect(engine.getSync(latest('k'))).toBeUndefined();
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
