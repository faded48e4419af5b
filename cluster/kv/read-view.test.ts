/**
 * Txn.readView: a snapshot pinned at one moment of a transaction (cursors, suspended portals):
 * its read timestamp and the transaction's own writes as they were, copy-on-write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqlError } from '../../util/errors.js';
import type { Isolation, Txn, TxnOptions } from './api.js';
import { openLocalKv, type LocalKv } from './local.js';
import { WriteBuffer } from './write-buffer.js';

const enc = new TextEncoder();
const dec = new TextDecoder();
const k = (s: string): Uint8Array => enc.encode(s);
const str = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : dec.decode(b));

function opts(isolation: Isolation = 'read committed'): TxnOptions {
  return { isolation, readOnly: false, consistency: { kind: 'strong' } };
}

async function collect(txn: Txn, o: { reverse?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const kv of txn.scan({ start: k(''), end: new Uint8Array(0) }, o)) out.push(`${dec.decode(kv.key)}=${dec.decode(kv.value)}`);
  return out;
}

async function put(kv: LocalKv, pairs: Record<string, string | null>): Promise<void> {
  const t = kv.begin(opts());
  for (const [key, val] of Object.entries(pairs)) {
    if (val === null) t.delete(k(key));
    else t.put(k(key), enc.encode(val));
  }
  await t.commit();
}

function expectSqlState(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe(code);
    return;
  }
  throw new Error(`expected SQLSTATE ${code}`);
}

let dir: string;
let kv: LocalKv;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodedb-view-'));
  kv = await openLocalKv({ dir });
});

afterEach(async () => {
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WriteBuffer.pin', () => {
  it('keeps the state it was taken at across puts, deletes, range deletes and rollbacks', () => {
    const b = new WriteBuffer();
    b.put(k('a'), k('1'));
    const sp = b.savepoint();
    b.put(k('b'), k('1'));
    const p1 = b.pin();
    const p2 = b.pin(); // shares p1's state
    b.put(k('c'), k('1'));
    b.deleteRange({ start: k('a'), end: k('b0') });
    expect(p1.entriesIn({ start: k(''), end: new Uint8Array(0) }).map((e) => dec.decode(e.key))).toEqual(['a', 'b']);
    expect(p2.lookup(k('c'))).toEqual({ kind: 'absent' });
    expect(p2.hasRanges).toBe(false);
    expect(b.lookup(k('a'))).toEqual({ kind: 'rangeDeleted' });
    const p3 = b.pin();
    b.rollbackTo(sp);
    expect(p3.rangeDeleted(k('a'))).toBe(true);
    expect(p3.lookup(k('c'))).toMatchObject({ kind: 'written' });
    expect(b.lookup(k('b'))).toEqual({ kind: 'absent' });
    expect(p1.lookup(k('b'))).toMatchObject({ kind: 'written' });
    p1.release();
    p2.release();
    p3.release();
  });
});

describe('Txn.readView', () => {
  it('read committed: a view keeps the snapshot of its moment while the transaction moves on', async () => {
    await put(kv, { a: '1', b: '1', c: '1' });
    const t = kv.begin(opts());
    t.put(k('own-before'), k('x'));
    const view = t.readView();
    // other sessions: insert, update, delete, committed
    await put(kv, { d: '1', a: '2', b: null });
    // own writes after the view
    t.stepStatement();
    t.put(k('own-after'), k('y'));
    t.delete(k('c'));
    expect(await collect(view)).toEqual(['a=1', 'b=1', 'c=1', 'own-before=x']);
    expect(await collect(view, { reverse: true })).toEqual(['own-before=x', 'c=1', 'b=1', 'a=1']);
    expect(str(await view.get(k('a')))).toBe('1');
    expect(str(await view.read(k('own-after')))).toBeUndefined();
    expect((await view.getMany([k('b'), k('d')])).map(str)).toEqual(['1', undefined]);
    // the transaction itself sees everything
    expect(await collect(t)).toEqual(['a=2', 'd=1', 'own-after=y', 'own-before=x']);
    // a view of the view is the same snapshot
    const again = view.readView();
    view.release();
    expect(await collect(again)).toEqual(['a=1', 'b=1', 'c=1', 'own-before=x']);
    again.release();
    await t.rollback();
  });

  it('refuses writes (25006), takes locks as its transaction, and ends with it', async () => {
    await put(kv, { a: '1' });
    const t = kv.begin(opts());
    const view = t.readView();
    expectSqlState(() => view.put(k('a'), k('2')), '25006');
    expectSqlState(() => view.delete(k('a')), '25006');
    expectSqlState(() => view.savepoint(), '25006');
    const r = await view.lock(k('a'));
    expect(r.kind === 'locked' && str(r.value)).toBe('1');
    expect(kv.lockSnapshot().some((l) => l.owner === t.id && l.granted)).toBe(true);
    await t.commit();
    await expect(view.get(k('a'))).rejects.toMatchObject({ code: '25000' });
  });

  it('a released view reads no more; release is idempotent', async () => {
    const t = kv.begin(opts());
    const view = t.readView();
    view.release();
    view.release();
    await expect(view.get(k('a'))).rejects.toMatchObject({ code: '25000' });
    await t.rollback();
  });

  it('gc keeps what a pinned view can read, and frees it once the view is released', async () => {
    await kv.close();
    let nowMs = 1_000_000;
    kv = await openLocalKv({ dir, gcTtlMs: 0, physicalClock: () => nowMs });
    await put(kv, { a: '1' });
    nowMs += 10;
    const t = kv.begin(opts());
    const view = t.readView();
    nowMs += 10;
    await put(kv, { a: '2' });
    nowMs += 10;
    t.stepStatement(); // the transaction's own snapshot moves past a=2; the view's does not
    expect((await kv.gc()).versionsRemoved).toBe(0);
    expect(str(await view.get(k('a')))).toBe('1');
    view.release();
    expect((await kv.gc()).versionsRemoved).toBe(1);
    expect(str(await t.get(k('a')))).toBe('2');
    await t.commit();
  });
});
