import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Txn, TxnOptions } from '../../cluster/kv/api.js';
import { openLocalKv, type LocalKv } from '../../cluster/kv/local.js';
import { findColumn, type IndexDescriptor, type TableDescriptor, visibleColumns } from '../../catalog/descriptors.js';
import { sequenceValueKey } from '../../catalog/keys.js';
import { CatalogOverlay } from '../../catalog/overlay.js';
import { decodeSequenceValue } from '../../catalog/sequence.js';
import type { CatalogState } from '../../catalog/state.js';
import { openCatalog, type CatalogStore } from '../../catalog/store.js';
import { SqlError } from '../../util/errors.js';
import type { DdlStatement } from '../ast.js';
import { indexPrefix, tablePrefix } from '../encoding/key.js';
import { initParser, parseSql } from '../parser/index.js';
import { insertRow, scanTableRows, tableCodec } from '../exec/table.js';
import { defaultFormatContext } from '../types/index.js';
import type { DdlDataOps, DdlResult } from './context.js';
import { executeDdl } from './execute.js';

vi.mock('../encoding/key.js', async (importOriginal) => {
  const { withKeyFallback } = await import('../../catalog/testing/key-fallback.js');
  return withKeyFallback(await importOriginal());
});

const rw: TxnOptions = { isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } };

/** A DdlDataOps double: rows are "present" per table oid; records backfills and validations. */
class FakeData implements DdlDataOps {
  readonly rows = new Set<number>();
  readonly calls: string[] = [];
  failNotNull = false;
  validateExpr(): void {}
  async tableHasRows(_txn: Txn, _s: CatalogState, t: TableDescriptor): Promise<boolean> {
    return this.rows.has(t.oid);
  }
  async backfillIndex(_txn: Txn, _s: CatalogState, t: TableDescriptor, i: IndexDescriptor): Promise<void> {
    this.calls.push(`backfill ${t.name}.${i.name} ${i.state}`);
  }
  async validateCheck(_txn: Txn, _s: CatalogState, t: TableDescriptor, name: string): Promise<void> {
    this.calls.push(`check ${t.name}.${name}`);
  }
  async validateNotNull(_txn: Txn, _s: CatalogState, t: TableDescriptor, c: { name: string }): Promise<void> {
    this.calls.push(`notnull ${t.name}.${c.name}`);
    if (this.failNotNull) throw new SqlError('23502', `column "${c.name}" of relation "${t.name}" contains null values`);
  }
  evaluateMissingValue(_s: CatalogState, _t: TableDescriptor, _c: unknown, expr: { expr: { kind: string; value?: unknown } }) {
    if (expr.expr.kind === 'Const') return { kind: 'constant' as const, text: expr.expr.value as string | null };
    return { kind: 'volatile' as const };
  }
}

/** Runs statements like a session would: overlay per transaction, stage + commit at the end. */
class MiniSession {
  overlay: CatalogOverlay;
  txn: Txn;
  notices: string[] = [];
  constructor(
    readonly kv: LocalKv,
    readonly store: CatalogStore,
    readonly data: FakeData,
  ) {
    this.overlay = CatalogOverlay.start(store.current());
    this.txn = kv.begin(rw);
  }
  get state(): CatalogState {
    return this.overlay.state;
  }
  async exec(sql: string): Promise<DdlResult> {
    const parsed = parseSql(sql);
    expect(parsed.length).toBe(1);
    const r = await executeDdl(parsed[0]!.statement as DdlStatement, {
      catalog: this.overlay.state, searchPath: ['$user', 'public'], user: 'postgres', txn: this.txn, kv: this.kv, data: this.data,
    });
    this.overlay = this.overlay.append(r.ops, r.state);
    this.notices.push(...r.notices.map((n) => n.message));
    return r;
  }
  async fails(sql: string): Promise<SqlError> {
    try {
      await this.exec(sql);
    } catch (e) {
      if (e instanceof SqlError) return e;
      throw e;
    }
    throw new Error(`expected ${sql} to fail`);
  }
  async commit(): Promise<CatalogState> {
    const next = await this.store.stage(this.txn, this.overlay.base, this.overlay.ops);
    await this.txn.commit();
    this.store.install(next);
    this.overlay = CatalogOverlay.start(this.store.current());
    this.txn = this.kv.begin(rw);
    return next;
  }
}

async function countKeys2(txn: Txn, prefix: Uint8Array): Promise<number> {
  const end = Uint8Array.from(prefix);
  end[end.length - 1]!++;
  let n = 0;
  for await (const _ of txn.scan({ start: prefix, end })) n++;
  return n;
}

async function countKeys(kv: LocalKv, prefix: Uint8Array): Promise<number> {
  const txn = kv.begin({ ...rw, readOnly: true });
  const end = Uint8Array.from(prefix);
  end[end.length - 1]!++;
  let n = 0;
  for await (const _ of txn.scan({ start: prefix, end })) n++;
  await txn.rollback();
  return n;
}

describe('executeDdl', () => {
  let dir: string;
  let kv: LocalKv;
  let store: CatalogStore;
  let data: FakeData;
  let s: MiniSession;
  beforeAll(async () => {
    await initParser();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nodedb-ddl-'));
    kv = await openLocalKv({ dir });
    store = await openCatalog(kv);
    data = new FakeData();
    s = new MiniSession(kv, store, data);
  });
  afterEach(async () => {
    if (s.txn.state === 'open') await s.txn.rollback();
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('CREATE TABLE with serial, constraints and PostgreSQL names', async () => {
    const r = await s.exec('CREATE TABLE t (id serial PRIMARY KEY, a int UNIQUE, b text CHECK (length(b) > 0), c int, CHECK (c > a))');
    expect(r.commandTag).toBe('CREATE TABLE');
    const t = s.state.resolveTable(['public'], ['t']);
    expect(t.constraints.map((c) => `${c.kind}:${c.name}`)).toEqual(['primaryKey:t_pkey', 'check:t_b_check', 'check:t_check', 'unique:t_a_key']);
    const id = findColumn(t, 'id')!;
    expect(id.notNull).toBe(true);
    expect(id.default?.source).toBe("nextval('t_id_seq'::regclass)");
    const seq = s.state.resolveSequence(['public'], ['t_id_seq']);
    expect(seq).toMatchObject({ typeOid: 23, max: '2147483647', ownedBy: { tableOid: t.oid, attnum: 1 } });
    expect(id.default?.dependsOn).toEqual([seq.oid]);
    expect(t.primaryIndex).toMatchObject({ name: 't_pkey', indexId: 1 });
    expect(t.indexes).toMatchObject([{ name: 't_a_key', indexId: 2, unique: true, state: 'public' }]);
    expect(data.calls).toEqual([]); // a new table has nothing to backfill or validate

    await s.exec('CREATE TABLE IF NOT EXISTS t (x int)');
    expect(s.notices).toEqual(['relation "t" already exists, skipping']);
    const e = await s.fails('CREATE TABLE t (x int)');
    expect([e.code, e.message]).toEqual(['42P07', 'relation "t" already exists']);
  });

  it('drops repeated index constraints and keeps the primary key name free of CHECK names, as PostgreSQL', async () => {
    await s.exec('CREATE TABLE qq2 (a int UNIQUE, b int UNIQUE, UNIQUE (a, b), PRIMARY KEY (a))');
    const t = s.state.resolveTable(['public'], ['qq2']);
    expect([t.primaryIndex.name, ...t.indexes.map((i) => i.name)]).toEqual(['qq2_pkey', 'qq2_b_key', 'qq2_a_b_key']);
    await s.exec('CREATE TABLE cx (a int, CONSTRAINT cx_pkey CHECK (a > 0), PRIMARY KEY (a))');
    const cx = s.state.resolveTable(['public'], ['cx']);
    expect(cx.constraints.map((c) => c.name)).toEqual(['cx_pkey1', 'cx_pkey']);
    await s.exec('CREATE TABLE "Mixed" (id serial)');
    expect(findColumn(s.state.resolveTable(['public'], ['Mixed']), 'id')?.default?.source).toBe(`nextval('"Mixed_id_seq"'::regclass)`);
    await s.exec('CREATE SCHEMA s2');
    await s.exec('CREATE TABLE s2.t (id serial)');
    expect(findColumn(s.state.resolveTable(['public'], ['s2', 't']), 'id')?.default?.source).toBe(`nextval('s2.t_id_seq'::regclass)`);
    const e = await s.fails('CREATE TABLE tt (a int CONSTRAINT x CHECK (a>0), b int CONSTRAINT x CHECK (b>0))');
    expect([e.code, e.message]).toEqual(['42710', 'check constraint "x" already exists']);
    expect((await s.fails('DROP TABLE public.nosuch')).message).toBe('table "nosuch" does not exist');
    await s.exec('CREATE SEQUENCE sq1');
    const a = await s.fails('ALTER TABLE sq1 ADD COLUMN a int');
    expect([a.code, a.message, a.fields.detail]).toEqual([
      '42809', 'ALTER action ADD COLUMN cannot be performed on relation "sq1"', 'This operation is not supported for sequences.',
    ]);
    const d = await s.fails('CREATE TABLE d1 (a int DEFAULT b)');
    expect([d.code, d.message, d.fields.position]).toEqual(['0A000', 'cannot use column reference in DEFAULT expression', 32]);
    const c = await s.fails('CREATE TABLE d5 (a int CHECK (zz > 0))');
    expect([c.code, c.message, c.fields.position]).toEqual(['42703', 'column "zz" does not exist', 31]);
  });

  it('rejects what is not supported with 0A000', async () => {
    for (const sql of [
      'CREATE TABLE f (a int UNIQUE DEFERRABLE)',
      'CREATE TEMP TABLE tt (a int)',
    ]) {
      expect((await s.fails(sql)).code, sql).toBe('0A000');
    }
  });

  it('CREATE TABLE then use it in the same transaction, commit, and see it after restart', async () => {
    await s.exec('CREATE TABLE a (x int)');
    await s.exec('CREATE INDEX ON a (x)');
    await s.exec('CREATE INDEX ON a (x)');
    const t = s.state.resolveTable(['public'], ['a']);
    expect(t.indexes.map((i) => i.name)).toEqual(['a_x_idx', 'a_x_idx1']);
    expect(t.rowidAttnum).toBe(2);
    expect(visibleColumns(t).map((c) => c.name)).toEqual(['x']);
    expect(data.calls).toEqual(['backfill a.a_x_idx backfilling', 'backfill a.a_x_idx1 backfilling']);
    expect(t.indexes.every((i) => i.state === 'public')).toBe(true);
    const committed = await s.commit();
    expect(committed.version).toBe(2);
    await kv.close();
    kv = await openLocalKv({ dir });
    const reopened = await openCatalog(kv);
    expect(reopened.current().resolveTable(['public'], ['a'])).toEqual(t);
    s = new MiniSession(kv, reopened, data);
  });

  it('ALTER TABLE: ADD COLUMN with DEFAULT stores the missing value; NOT NULL checks rows', async () => {
    await s.exec('CREATE TABLE t (id int PRIMARY KEY, a int)');
    const oid = s.state.resolveTable(['public'], ['t']).oid;
    data.rows.add(oid);
    await s.exec('ALTER TABLE t ADD COLUMN flag int DEFAULT 7');
    expect(findColumn(s.state.mustTable(oid), 'flag')).toMatchObject({ attnum: 3, missing: { text: '7' } });
    let e = await s.fails('ALTER TABLE t ADD COLUMN n int NOT NULL');
    expect([e.code, e.message]).toEqual(['23502', 'column "n" of relation "t" contains null values']);
    e = await s.fails('ALTER TABLE t ADD COLUMN r float8 DEFAULT random()');
    expect(e.code).toBe('0A000');
    await s.exec('ALTER TABLE t ADD COLUMN IF NOT EXISTS a int');
    expect(s.notices).toEqual(['column "a" of relation "t" already exists, skipping']);
    e = await s.fails('ALTER TABLE t DROP COLUMN nosuch');
    expect([e.code, e.message]).toEqual(['42703', 'column "nosuch" of relation "t" does not exist']);
    e = await s.fails('ALTER TABLE t ADD COLUMN a text');
    expect([e.code, e.message]).toEqual(['42701', 'column "a" of relation "t" already exists']);
    await s.exec('ALTER TABLE t RENAME COLUMN a TO b');
    await s.exec('ALTER TABLE t DROP COLUMN b');
    expect(s.state.mustTable(oid).columns[1]).toMatchObject({ dropped: true, attnum: 2 });
    await s.exec('ALTER TABLE t ALTER COLUMN flag SET NOT NULL');
    expect(data.calls).toEqual(['notnull t.flag']);
    e = await s.fails('ALTER TABLE t ALTER COLUMN id DROP NOT NULL');
    expect([e.code, e.message]).toEqual(['42P16', 'column "id" is in a primary key']);
    await s.exec('ALTER TABLE t ADD CONSTRAINT pos CHECK (flag > 0)');
    await s.exec('ALTER TABLE t ADD UNIQUE (flag)');
    expect(data.calls).toEqual(['notnull t.flag', 'check t.pos', 'backfill t.t_flag_key backfilling']);
    e = await s.fails('ALTER TABLE t ADD PRIMARY KEY (flag)');
    expect([e.code, e.message]).toEqual(['42P16', 'multiple primary keys for table "t" are not allowed']);
    await s.exec('ALTER TABLE t DROP CONSTRAINT t_flag_key');
    expect(s.state.mustTable(oid).indexes).toEqual([]);
    await s.exec('ALTER TABLE t RENAME TO t2');
    expect(s.state.resolveTable(['public'], ['t2']).oid).toBe(oid);
  });

  it('ADD PRIMARY KEY on a rowid table validates NOT NULL and re-keys the rows by the new key', async () => {
    await s.exec('CREATE TABLE n (a int, b text)');
    await s.exec('CREATE INDEX n_b_idx ON n (b)');
    const before = s.state.resolveTable(['public'], ['n']);
    data.rows.add(before.oid);
    const codec = tableCodec(before);
    const opts = { lock: {}, fmt: defaultFormatContext, schema: 'public' };
    for (const [rowid, a, b] of [[1n, 30, 'x'], [2n, 10, 'y'], [3n, 20, 'z']] as const) {
      await insertRow(s.txn, codec, [a, b, rowid], opts);
    }
    await s.exec('ALTER TABLE n ADD PRIMARY KEY (a)');
    const t = s.state.resolveTable(['public'], ['n']);
    expect(data.calls).toEqual(['backfill n.n_b_idx backfilling', 'notnull n.a']);
    expect(t.rowidAttnum).toBeUndefined();
    expect(t.primaryIndex).toMatchObject({ name: 'n_pkey', primary: true, indexId: 1, columns: [{ attnum: 1 }] });
    expect(t.columns[2]).toMatchObject({ dropped: true, hidden: true });
    expect(t.constraints).toMatchObject([{ kind: 'primaryKey', name: 'n_pkey', indexOid: t.primaryIndex.oid }]);
    expect(s.state.resolveIndex(['public'], ['n_pkey']).table.oid).toBe(t.oid);
    const rows: unknown[] = [];
    for await (const row of scanTableRows(s.txn, tableCodec(t))) rows.push(row);
    expect(rows).toEqual([[10, 'y', null], [20, 'z', null], [30, 'x', null]]);
    expect(await countKeys2(s.txn, indexPrefix(t.oid, 2))).toBe(3);
    await s.commit();
    const e = await s.fails('ALTER TABLE n ADD PRIMARY KEY (b)');
    expect(e.message).toBe('multiple primary keys for table "n" are not allowed');
  });

  it('DROP CONSTRAINT t_pkey / DROP COLUMN of a key column re-key the rows under a hidden rowid', async () => {
    await s.exec('CREATE TABLE k (a int PRIMARY KEY, b text)');
    await s.exec('CREATE INDEX k_b_idx ON k (b)');
    const t0 = s.state.resolveTable(['public'], ['k']);
    const opts = { lock: {}, fmt: defaultFormatContext, schema: 'public' };
    for (const [a, b] of [[2, 'y'], [1, 'x']] as const) await insertRow(s.txn, tableCodec(t0), [a, b], opts);
    await s.exec('ALTER TABLE k DROP CONSTRAINT k_pkey');
    const t1 = s.state.resolveTable(['public'], ['k']);
    expect(t1.primaryIndex).toMatchObject({ hidden: true, indexId: 1, oid: 0 });
    expect(t1.rowidAttnum).toBe(3);
    expect(t1.constraints).toEqual([]);
    expect(s.state.lookupClass(['public'], ['k_pkey'])).toBeUndefined();
    const rows: unknown[][] = [];
    for await (const row of scanTableRows(s.txn, tableCodec(t1))) rows.push(row);
    expect(rows.map((r) => r.slice(0, 2))).toEqual([[1, 'x'], [2, 'y']]);
    expect(await countKeys2(s.txn, indexPrefix(t1.oid, 2))).toBe(2);
    await s.exec('ALTER TABLE k ADD PRIMARY KEY (b)');
    const t2 = s.state.resolveTable(['public'], ['k']);
    expect(t2.primaryIndex).toMatchObject({ name: 'k_pkey', columns: [{ attnum: 2 }] });
    await s.exec('ALTER TABLE k DROP COLUMN b');
    const t3 = s.state.resolveTable(['public'], ['k']);
    expect(t3.primaryIndex.hidden).toBe(true);
    expect(t3.indexes).toEqual([]);
    const left: unknown[][] = [];
    for await (const row of scanTableRows(s.txn, tableCodec(t3))) left.push(row);
    expect(left.map((r) => r[0]).sort()).toEqual([1, 2]);
    await s.commit();
  });

  it('ADD PRIMARY KEY over duplicate values fails like PostgreSQL', async () => {
    await s.exec('CREATE TABLE d (a int)');
    const t = s.state.resolveTable(['public'], ['d']);
    const opts = { lock: {}, fmt: defaultFormatContext, schema: 'public' };
    for (const [rowid, a] of [[1n, 5], [2n, 5]] as const) await insertRow(s.txn, tableCodec(t), [a, rowid], opts);
    const e = await s.fails('ALTER TABLE d ADD PRIMARY KEY (a)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'could not create unique index "d_pkey"', 'Key (a)=(5) is duplicated.']);
  });

  it('DROP: messages, hints, IF EXISTS notices, CASCADE, and data deletion', async () => {
    await s.exec('CREATE TABLE t (id serial, a int)');
    await s.exec('CREATE INDEX i ON t (a)');
    await s.commit();
    const t = s.state.resolveTable(['public'], ['t']);
    const seq = s.state.resolveSequence(['public'], ['t_id_seq']);
    // some data under the table and the sequence
    const w = kv.begin(rw);
    w.put(Uint8Array.from([...indexPrefix(t.oid, 1), 1]), Uint8Array.of(1));
    w.put(Uint8Array.from([...indexPrefix(t.oid, 2), 1]), Uint8Array.of(1));
    w.put(sequenceValueKey(seq.oid), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 5, 1));
    await w.commit();
    expect(await countKeys(kv, tablePrefix(t.oid))).toBe(2);

    let e = await s.fails('DROP INDEX t');
    expect([e.code, e.message, e.fields.hint]).toEqual(['42809', '"t" is not an index', 'Use DROP TABLE to remove a table.']);
    e = await s.fails('DROP TABLE nosuch');
    expect([e.code, e.message]).toEqual(['42P01', 'table "nosuch" does not exist']);
    e = await s.fails('DROP INDEX nosuch');
    expect([e.code, e.message]).toEqual(['42704', 'index "nosuch" does not exist']);
    e = await s.fails('DROP SEQUENCE t_id_seq');
    expect([e.code, e.message, e.fields.detail]).toEqual([
      '2BP01', 'cannot drop sequence t_id_seq because other objects depend on it', 'default value for column id of table t depends on sequence t_id_seq',
    ]);
    await s.exec('DROP TABLE IF EXISTS nosuch, nosuch2');
    expect(s.notices).toEqual(['table "nosuch" does not exist, skipping', 'table "nosuch2" does not exist, skipping']);

    await s.exec('DROP INDEX i');
    await s.commit();
    expect(await countKeys(kv, indexPrefix(t.oid, 2))).toBe(0);
    expect(await countKeys(kv, indexPrefix(t.oid, 1))).toBe(1);
    await s.exec('DROP TABLE t');
    expect(s.state.lookupClass(['public'], ['t_id_seq'])).toBeUndefined();
    await s.commit();
    expect(await countKeys(kv, tablePrefix(t.oid))).toBe(0);
    const r = kv.begin(rw);
    expect(await r.get(sequenceValueKey(seq.oid))).toBeUndefined();
    await r.rollback();
  });

  it('DROP SCHEMA needs CASCADE; CREATE SCHEMA IF NOT EXISTS', async () => {
    await s.exec('CREATE SCHEMA s');
    await s.exec('CREATE SCHEMA IF NOT EXISTS s');
    await s.exec('CREATE TABLE s.t (a serial)');
    const e = await s.fails('DROP SCHEMA s');
    expect([e.code, e.message, e.fields.detail]).toEqual(['2BP01', 'cannot drop schema s because other objects depend on it', 'table s.t depends on schema s']);
    await s.exec('DROP SCHEMA s CASCADE');
    expect(s.notices).toEqual(['schema "s" already exists, skipping', 'drop cascades to table s.t']);
    expect((await s.fails('DROP SCHEMA s')).message).toBe('schema "s" does not exist');
  });

  it('sequences: CREATE/ALTER with PostgreSQL validation, RESTART writes the value', async () => {
    await s.exec('CREATE SEQUENCE q START 5 INCREMENT 2');
    const q = s.state.resolveSequence(['public'], ['q']);
    expect(q).toMatchObject({ start: '5', increment: '2', min: '1', max: '9223372036854775807' });
    let e = await s.fails('CREATE SEQUENCE q2 MINVALUE 10 MAXVALUE 5');
    expect([e.code, e.message]).toEqual(['22023', 'MINVALUE (10) must be less than MAXVALUE (5)']);
    e = await s.fails('CREATE SEQUENCE q3 AS smallint MAXVALUE 100000');
    expect(e.message).toBe('MAXVALUE (100000) is out of range for sequence data type smallint');
    await s.exec('ALTER SEQUENCE q RESTART WITH 42');
    expect(decodeSequenceValue((await s.txn.get(sequenceValueKey(q.oid)))!)).toEqual({ last: 42n, isCalled: false });
    await s.exec('CREATE SEQUENCE s1 AS smallint');
    expect(s.state.resolveSequence(['public'], ['s1'])).toMatchObject({ typeOid: 21, max: '32767', min: '1' });
    await s.exec('ALTER SEQUENCE s1 AS bigint');
    expect(s.state.resolveSequence(['public'], ['s1'])).toMatchObject({ typeOid: 20, max: '9223372036854775807' });
    await s.exec('CREATE SEQUENCE s2 INCREMENT -1');
    expect(s.state.resolveSequence(['public'], ['s2'])).toMatchObject({ start: '-1', min: '-9223372036854775808', max: '-1' });
    for (const [sql, msg] of [
      ['ALTER SEQUENCE s1 RESTART WITH 0', 'RESTART value (0) cannot be less than MINVALUE (1)'],
      ['ALTER SEQUENCE s1 MINVALUE 10', 'START value (1) cannot be less than MINVALUE (10)'],
      ['CREATE SEQUENCE s3 START 0', 'START value (0) cannot be less than MINVALUE (1)'],
      ['CREATE SEQUENCE s4 CACHE 0', 'CACHE (0) must be greater than zero'],
      ['CREATE SEQUENCE s5 OWNED BY nosuch', 'invalid OWNED BY option'],
    ] as const) {
      expect((await s.fails(sql)).message, sql).toBe(msg);
    }
    const long = 'abcdefghij'.repeat(6);
    await s.exec(`CREATE TABLE ${long} (columnnamethatislongcolumnnamethatislong serial primary key, b int unique)`);
    const lt = s.state.resolveTable(['public'], [long]);
    expect(lt.columns[0]?.default?.source).toBe("nextval('abcdefghijabcdefghijabcdefghi_columnnamethatislongcolumnnam_seq'::regclass)");
    expect([lt.primaryIndex.name, lt.indexes[0]?.name]).toEqual([
      'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefgh_pkey', 'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefg_b_key',
    ]);
    await s.exec('CREATE TABLE ser (id serial)');
    await s.exec('ALTER SEQUENCE ser_id_seq RENAME TO ser_seq2');
    const ser = findColumn(s.state.resolveTable(['public'], ['ser']), 'id')!;
    expect(ser.default?.source).toBe("nextval('ser_seq2'::regclass)");
    expect(JSON.stringify(ser.default?.expr)).toContain('"value":"ser_seq2"');
    e = await s.fails('ALTER SEQUENCE nosuch RESTART');
    expect([e.code, e.message]).toEqual(['42P01', 'relation "nosuch" does not exist']);
  });

  it('TRUNCATE deletes the rows transactionally and RESTART IDENTITY resets owned sequences', async () => {
    await s.exec('CREATE TABLE t (id serial PRIMARY KEY)');
    await s.commit();
    const t = s.state.resolveTable(['public'], ['t']);
    const seq = s.state.resolveSequence(['public'], ['t_id_seq']);
    const w = kv.begin(rw);
    w.put(Uint8Array.from([...indexPrefix(t.oid, 1), 1]), Uint8Array.of(1));
    w.put(sequenceValueKey(seq.oid), Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 5, 1));
    await w.commit();
    const r = await s.exec('TRUNCATE t RESTART IDENTITY');
    expect(r.commandTag).toBe('TRUNCATE TABLE');
    expect(r.ops).toEqual([]);
    await s.txn.rollback();
    expect(await countKeys(kv, tablePrefix(t.oid))).toBe(1);
    s.txn = kv.begin(rw);
    await s.exec('TRUNCATE t RESTART IDENTITY');
    await s.commit();
    expect(await countKeys(kv, tablePrefix(t.oid))).toBe(0);
    expect(await countKeys(kv, sequenceValueKey(seq.oid))).toBe(0);
  });

  it('COMMENT ON table, column and constraint', async () => {
    await s.exec('CREATE TABLE t (a int CONSTRAINT c CHECK (a > 0))');
    await s.exec("COMMENT ON TABLE t IS 'tbl'");
    await s.exec("COMMENT ON COLUMN t.a IS 'col'");
    await s.exec("COMMENT ON CONSTRAINT c ON t IS 'con'");
    const t = s.state.resolveTable(['public'], ['t']);
    expect([t.comment, findColumn(t, 'a')?.comment, t.constraints[0]?.comment]).toEqual(['tbl', 'col', 'con']);
    await s.exec('COMMENT ON TABLE t IS NULL');
    expect(s.state.resolveTable(['public'], ['t']).comment).toBeUndefined();
  });

  it('concurrent DDL on different objects both commit; on the same table the later one gets 40001', async () => {
    const other = new MiniSession(kv, store, data);
    await s.exec('CREATE TABLE a (id serial PRIMARY KEY, x int UNIQUE)');
    await other.exec('CREATE TABLE b (id serial PRIMARY KEY, x int UNIQUE)');
    await s.commit();
    await other.commit();
    const both = store.current();
    expect(both.version).toBe(3);
    const a = both.resolveTable(['public'], ['a']);
    const b = both.resolveTable(['public'], ['b']);
    expect(a.oid).not.toBe(b.oid);
    expect(both.resolveSequence(['public'], ['b_id_seq']).ownedBy?.tableOid).toBe(b.oid);

    // same table: the second ALTER waits for the first's exclusive lock, then cannot commit
    await s.exec('ALTER TABLE a ADD COLUMN y int');
    const pending = other.exec('ALTER TABLE a ADD COLUMN z int');
    await s.commit();
    await pending;
    await expect(other.commit()).rejects.toMatchObject({ code: '40001' });
    await other.txn.rollback();
    expect(findColumn(store.current().resolveTable(['public'], ['a']), 'z')).toBeUndefined();

    // DROP SCHEMA ... CASCADE does not commit over a table created in it meanwhile
    const third = new MiniSession(kv, store, data);
    await third.exec('CREATE SCHEMA s');
    await third.commit();
    const dropper = new MiniSession(kv, store, data);
    await dropper.exec('DROP SCHEMA s CASCADE');
    await third.exec('CREATE TABLE s.t (x int)');
    await third.commit();
    await expect(dropper.commit()).rejects.toMatchObject({ code: '40001' });
    await dropper.txn.rollback();
    expect(store.current().resolveTable(['public'], ['s', 't']).name).toBe('t');
    await third.txn.rollback();
  });
});
