import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TxnOptions } from '../cluster/kv/api.js';
import { openLocalKv, type LocalKv } from '../cluster/kv/local.js';
import { sqlType, Oid as TypeOid } from '../sql/types/datum.js';
import { SqlError } from '../util/errors.js';
import { BootstrapOid } from './descriptors.js';
import type { DdlOp } from './ops.js';
import { CatalogOverlay } from './overlay.js';
import { openCatalog } from './store.js';

vi.mock('../sql/encoding/key.js', async (importOriginal) => {
  const { withKeyFallback } = await import('./testing/key-fallback.js');
  return withKeyFallback(await importOriginal());
});

const rw: TxnOptions = { isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } };

function createTable(name: string): DdlOp {
  return {
    kind: 'createTable', schemaOid: BootstrapOid.public, name, ownerOid: BootstrapOid.superuser,
    columns: [{ name: 'a', type: sqlType(TypeOid.int4), notNull: false }],
  };
}

describe('catalog store', () => {
  let dir: string;
  let kv: LocalKv;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nodedb-catalog-'));
    kv = await openLocalKv({ dir });
  });
  afterEach(async () => {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bootstraps once, then loads exactly what was committed', async () => {
    const store = await openCatalog(kv);
    const v0 = store.current();
    expect(v0.version).toBe(1);
    const seen: number[] = [];
    store.onChange((s) => seen.push(s.version));

    const txn = kv.begin(rw);
    const next = await store.stage(txn, v0, [createTable('t'), { kind: 'createSchema', name: 's', ownerOid: 10 }]);
    await txn.commit();
    store.install(next);
    expect(store.current().version).toBe(2);
    expect(seen).toEqual([2]);
    store.install(v0); // older: ignored
    expect(store.current().version).toBe(2);

    // a rolled-back stage leaves nothing behind
    const txn2 = kv.begin(rw);
    await store.stage(txn2, next, [createTable('gone')]);
    await txn2.rollback();

    await kv.close();
    kv = await openLocalKv({ dir });
    const reopened = await openCatalog(kv);
    const s = reopened.current();
    expect(s.version).toBe(2);
    expect(s.nextOid).toBe(next.nextOid);
    expect([...s.descriptors()].sort((a, b) => a.oid - b.oid)).toEqual([...next.descriptors()].sort((a, b) => a.oid - b.oid));
    expect(s.lookupClass(['public'], ['gone'])).toBeUndefined();
    expect(s.resolveTable(['public'], ['t']).columns[0]?.name).toBe('a');
  });

  it('drops remove descriptors from KV', async () => {
    const store = await openCatalog(kv);
    let txn = kv.begin(rw);
    const s2 = await store.stage(txn, store.current(), [createTable('t')]);
    await txn.commit();
    store.install(s2);
    const oid = s2.resolveTable(['public'], ['t']).oid;
    txn = kv.begin(rw);
    const s3 = await store.stage(txn, s2, [{ kind: 'dropTable', tableOid: oid, cascade: false }]);
    await txn.commit();
    store.install(s3);
    await kv.close();
    kv = await openLocalKv({ dir });
    const s = (await openCatalog(kv)).current();
    expect(s.version).toBe(3);
    expect(s.table(oid)).toBeUndefined();
  });

  it('a batch that commutes with a concurrent commit is rebased onto it', async () => {
    const store = await openCatalog(kv);
    const base = store.current();
    const withOid = (name: string, oid: number): DdlOp => ({ ...createTable(name), oid }) as DdlOp;
    const a = kv.begin(rw);
    const sa = await store.stage(a, base, [withOid('a', 20000)]);
    await a.commit();
    store.install(sa);
    const b = kv.begin(rw);
    const sb = await store.stage(b, base, [withOid('b', 20001)]);
    await b.commit();
    store.install(sb);
    expect(sb.version).toBe(3);
    expect(sb.resolveTable(['public'], ['a']).oid).toBe(20000);
    expect(sb.resolveTable(['public'], ['b']).oid).toBe(20001);
    expect(sb.nextOid).toBe(20002);
    // same name: refused
    const c = kv.begin(rw);
    await expect(store.stage(c, base, [withOid('a', 20002)])).rejects.toMatchObject({ code: '40001' });
    await c.rollback();
  });

  it('a batch staged on a stale base fails with 40001 and applies nothing', async () => {
    const store = await openCatalog(kv);
    const base = store.current();
    const a = kv.begin(rw);
    const b = kv.begin(rw);
    const sa = await store.stage(a, CatalogOverlay.start(base).base, [createTable('a')]);
    // b waits for a's lock on the meta key, then sees the newer version
    const pb = store.stage(b, base, [createTable('b')]).then(
      () => undefined,
      (e: unknown) => e,
    );
    await a.commit();
    store.install(sa);
    const err = await pb;
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe('40001');
    expect((err as SqlError).message).toBe('could not serialize access due to concurrent DDL');
    await b.rollback();
    const fresh = await store.refresh();
    expect(fresh.version).toBe(2);
    expect(fresh.lookupClass(['public'], ['b'])).toBeUndefined();
  });
});
