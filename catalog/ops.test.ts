import { describe, expect, it } from 'vitest';
import type { Expr } from '../sql/ast.js';
import { Oid as TypeOid, sqlType } from '../sql/types/datum.js';
import { SqlError } from '../util/errors.js';
import { bootstrapState } from './bootstrap.js';
import { BootstrapOid, findColumn, firstUserOid, visibleColumns } from './descriptors.js';
import { chooseRelationName, makeObjectName } from './names.js';
import { applyBatch, applyOp, applyOpWithNotices, type ColumnSpec, type DdlOp } from './ops.js';
import { resolveSequenceOptions } from './sequence.js';
import type { CatalogState } from './state.js';

const int4 = sqlType(TypeOid.int4);
const text = sqlType(TypeOid.text);
const pub = BootstrapOid.public;
const owner = BootstrapOid.superuser;

function col(name: string, extra: Partial<ColumnSpec> = {}): ColumnSpec {
  return { name, type: int4, notNull: false, ...extra };
}

function sqlErr(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('expected a SqlError');
}

const nextvalExpr: Expr = { kind: 'Const', type: 'string', value: 't_id_seq', location: -1 };

function createT(s: CatalogState, name = 't', pk = true): CatalogState {
  return applyOp(s, {
    kind: 'createTable', schemaOid: pub, name, ownerOid: owner,
    columns: [col('id'), col('a'), col('b', { type: text })],
    ...(pk ? { primaryKey: { name: `${name}_pkey`, columns: [{ name: 'id', direction: 'asc' as const, nulls: 'last' as const }] } } : {}),
  });
}

describe('catalog ops', () => {
  it('bootstraps the PostgreSQL objects', () => {
    const s = bootstrapState();
    expect(s.version).toBe(1);
    expect(s.nextOid).toBe(firstUserOid);
    expect(s.resolveSchema('public').oid).toBe(2200);
    expect(s.resolveSchema('pg_catalog').oid).toBe(11);
    expect(s.database().name).toBe('postgres');
    expect(sqlErr(() => s.resolveSchema('nope')).message).toBe('schema "nope" does not exist');
  });

  it('creates a table with a primary key and resolves it along the search path', () => {
    const s = createT(bootstrapState());
    const t = s.resolveTable(['public'], ['t']);
    expect(t.oid).toBe(firstUserOid);
    expect(t.primaryIndex).toMatchObject({ name: 't_pkey', indexId: 1, primary: true, oid: firstUserOid + 1 });
    expect(t.constraints).toEqual([{ kind: 'primaryKey', oid: firstUserOid + 2, name: 't_pkey', indexOid: firstUserOid + 1 }]);
    expect(findColumn(t, 'id')?.notNull).toBe(true);
    expect(s.resolveRelation(['public'], ['public', 't']).oid).toBe(t.oid);
    expect(s.resolveIndex(['public'], ['t_pkey']).table.oid).toBe(t.oid);
    expect(sqlErr(() => s.resolveTable([], ['t'])).message).toBe('relation "t" does not exist');
    expect(sqlErr(() => s.resolveTable(['public'], ['x', 't'])).code).toBe('3F000');
    expect(sqlErr(() => s.resolveTable(['public'], ['t_pkey'])).message).toBe('"t_pkey" is not a table');
    expect(sqlErr(() => s.resolveTable(['public'], ['other', 'public', 't'])).code).toBe('0A000');
  });

  it('adds a hidden rowid primary index to a table without a primary key', () => {
    const s = applyOp(bootstrapState(), {
      kind: 'createTable', schemaOid: pub, name: 'n', ownerOid: owner, columns: [col('rowid'), col('x')],
    });
    const t = s.resolveTable(['public'], ['n']);
    expect(t.rowidAttnum).toBe(3);
    expect(t.columns[2]).toMatchObject({ name: 'rowid_1', hidden: true, notNull: true, type: { oid: TypeOid.int8 } });
    expect(visibleColumns(t).map((c) => c.name)).toEqual(['rowid', 'x']);
    expect(t.primaryIndex).toMatchObject({ oid: 0, hidden: true, columns: [{ attnum: 3 }] });
  });

  it('rejects duplicates with PostgreSQL codes and messages', () => {
    const s = createT(bootstrapState());
    let e = sqlErr(() => createT(s));
    expect([e.code, e.message]).toEqual(['42P07', 'relation "t" already exists']);
    e = sqlErr(() => applyOp(s, { kind: 'createTable', schemaOid: pub, name: 'u', ownerOid: owner, columns: [col('a'), col('a')] }));
    expect([e.code, e.message]).toEqual(['42701', 'column "a" specified more than once']);
    const t = s.resolveTable(['public'], ['t']);
    e = sqlErr(() => applyOp(s, { kind: 'addColumn', tableOid: t.oid, column: col('a') }));
    expect([e.code, e.message]).toEqual(['42701', 'column "a" of relation "t" already exists']);
    e = sqlErr(() => applyOp(s, { kind: 'createSchema', name: 'public', ownerOid: owner }));
    expect([e.code, e.message]).toEqual(['42P06', 'schema "public" already exists']);
    e = sqlErr(() => applyOp(s, { kind: 'createIndex', tableOid: t.oid, name: 't', unique: false, primary: false, columns: [{ attnum: 2, direction: 'asc', nulls: 'last' }], nullsNotDistinct: false, state: 'public' }));
    expect([e.code, e.message]).toEqual(['42P07', 'relation "t" already exists']);
  });

  it('creates, backfills and drops indexes; names collide like PostgreSQL', () => {
    let s = createT(bootstrapState());
    const t = s.resolveTable(['public'], ['t']);
    const name = chooseRelationName(s, pub, { name1: 't', name2: 'a', label: 'key' }, { isConstraint: true });
    expect(name).toBe('t_a_key');
    s = applyOp(s, { kind: 'createIndex', tableOid: t.oid, name, unique: true, primary: false, columns: [{ attnum: 2, direction: 'asc', nulls: 'last' }], nullsNotDistinct: false, state: 'backfilling' });
    const idx = s.resolveIndex([], ['public', 't_a_key']).index;
    expect(idx).toMatchObject({ indexId: 2, state: 'backfilling', unique: true });
    s = applyOp(s, { kind: 'setIndexPublic', indexOid: idx.oid });
    s = applyOp(s, { kind: 'addConstraint', tableOid: t.oid, constraint: { kind: 'unique', name, indexOid: idx.oid } });
    expect(s.resolveIndex([], ['public', 't_a_key']).index.state).toBe('public');
    expect(chooseRelationName(s, pub, { name1: 't', name2: 'a', label: 'key' }, { isConstraint: true })).toBe('t_a_key1');
    const e = sqlErr(() => applyOp(s, { kind: 'dropIndex', indexOid: idx.oid, cascade: false }));
    expect([e.code, e.message, e.fields.hint]).toEqual([
      '2BP01', 'cannot drop index t_a_key because constraint t_a_key on table t requires it', 'You can drop constraint t_a_key on table t instead.',
    ]);
    s = applyOp(s, { kind: 'dropConstraint', tableOid: t.oid, name: 't_a_key', cascade: false });
    expect(s.mustTable(t.oid).indexes).toEqual([]);
    expect(s.lookupClass(['public'], ['t_a_key'])).toBeUndefined();
    // index ids are never reused
    s = applyOp(s, { kind: 'createIndex', tableOid: t.oid, name: 't_b_idx', unique: false, primary: false, columns: [{ attnum: 3, direction: 'desc', nulls: 'first' }], nullsNotDistinct: false, state: 'public' });
    expect(s.resolveIndex(['public'], ['t_b_idx']).index.indexId).toBe(3);
  });

  it('generates names the way PostgreSQL truncates them', () => {
    expect(makeObjectName('t', 'a', 'key')).toBe('t_a_key');
    expect(makeObjectName('t', undefined, 'pkey')).toBe('t_pkey');
    const long = 'x'.repeat(60);
    const n = makeObjectName(long, 'column_name', 'key');
    expect(n.length).toBe(63);
    expect(n).toBe(`${'x'.repeat(47)}_column_name_key`.slice(0, 63));
  });

  it('drops columns by marking them dropped, with their indexes and checks', () => {
    let s = createT(bootstrapState());
    const t = s.resolveTable(['public'], ['t']);
    s = applyOp(s, { kind: 'createIndex', tableOid: t.oid, name: 't_a_b_idx', unique: false, primary: false, columns: [{ attnum: 2, direction: 'asc', nulls: 'last' }, { attnum: 3, direction: 'asc', nulls: 'last' }], nullsNotDistinct: false, state: 'public' });
    s = applyOp(s, { kind: 'addConstraint', tableOid: t.oid, constraint: { kind: 'check', name: 't_a_check', check: { expr: { kind: 'ColumnRef', names: ['a'], location: 0 }, source: 'a' }, attnums: [2], noInherit: false } });
    s = applyOp(s, { kind: 'dropColumn', tableOid: t.oid, attnum: 2, cascade: false });
    const t2 = s.mustTable(t.oid);
    expect(t2.columns[1]).toMatchObject({ attnum: 2, dropped: true, name: '........pg.dropped.2........' });
    expect(t2.indexes).toEqual([]);
    expect(t2.constraints.map((c) => c.name)).toEqual(['t_pkey']);
    s = applyOp(s, { kind: 'addColumn', tableOid: t.oid, column: col('a'), missing: { text: '7' } });
    const t3 = s.mustTable(t.oid);
    expect(findColumn(t3, 'a')).toMatchObject({ attnum: 4, missing: { text: '7' } });
    expect(t3.nextAttnum).toBe(5);
    const e = sqlErr(() => applyOp(s, { kind: 'dropColumn', tableOid: t.oid, attnum: 1, cascade: false }));
    expect(e.code).toBe('0A000');
  });

  it('serial: owned sequence goes with the table; a foreign default needs CASCADE', () => {
    let s = bootstrapState();
    const spec = resolveSequenceOptions({}, TypeOid.int4, undefined).spec;
    expect(spec).toEqual({ typeOid: TypeOid.int4, start: '1', increment: '1', min: '1', max: '2147483647', cache: '1', cycle: false });
    s = applyOp(s, { kind: 'createSequence', schemaOid: pub, name: 't_id_seq', ownerOid: owner, spec });
    const seq = s.resolveSequence(['public'], ['t_id_seq']);
    s = applyOp(s, {
      kind: 'createTable', schemaOid: pub, name: 't', ownerOid: owner,
      columns: [col('id', { notNull: true, default: { expr: nextvalExpr, source: "nextval('t_id_seq'::regclass)", dependsOn: [seq.oid] } })],
    });
    const t = s.resolveTable(['public'], ['t']);
    s = applyOp(s, { kind: 'setSequenceOwner', sequenceOid: seq.oid, ownedBy: { tableOid: t.oid, attnum: 1 } });
    // another table uses the sequence too
    s = applyOp(s, {
      kind: 'createTable', schemaOid: pub, name: 'u', ownerOid: owner,
      columns: [col('x', { default: { expr: nextvalExpr, source: "nextval('t_id_seq'::regclass)", dependsOn: [seq.oid] } })],
    });
    let e = sqlErr(() => applyOp(s, { kind: 'dropSequence', sequenceOid: seq.oid, cascade: false }));
    expect([e.code, e.message, e.fields.detail, e.fields.hint]).toEqual([
      '2BP01',
      'cannot drop sequence t_id_seq because other objects depend on it',
      'default value for column id of table t depends on sequence t_id_seq\ndefault value for column x of table u depends on sequence t_id_seq',
      'Use DROP ... CASCADE to drop the dependent objects too.',
    ]);
    e = sqlErr(() => applyOp(s, { kind: 'dropTable', tableOid: t.oid, cascade: false }));
    expect(e.message).toBe('cannot drop table t because other objects depend on it');
    const r = applyOpWithNotices(s, { kind: 'dropTable', tableOid: t.oid, cascade: true });
    expect(r.notices.map((n) => n.message)).toEqual(['drop cascades to default value for column x of table u']);
    expect(r.state.sequence(seq.oid)).toBeUndefined();
    expect(r.state.table(t.oid)).toBeUndefined();
    expect(findColumn(r.state.resolveTable(['public'], ['u']), 'x')?.default).toBeUndefined();
  });

  it('drop schema needs CASCADE when not empty', () => {
    let s = applyOp(bootstrapState(), { kind: 'createSchema', name: 's', ownerOid: owner });
    const so = s.resolveSchema('s').oid;
    s = applyOp(s, { kind: 'createTable', schemaOid: so, name: 't1', ownerOid: owner, columns: [col('a')] });
    s = applyOp(s, { kind: 'createTable', schemaOid: so, name: 't2', ownerOid: owner, columns: [col('a')] });
    const e = sqlErr(() => applyOp(s, { kind: 'dropSchema', schemaOid: so, cascade: false }));
    expect([e.message, e.fields.detail]).toEqual(['cannot drop schema s because other objects depend on it', 'table s.t1 depends on schema s\ntable s.t2 depends on schema s']);
    const r = applyOpWithNotices(s, { kind: 'dropSchema', schemaOid: so, cascade: true });
    expect(r.notices).toEqual([{ code: '00000', message: 'drop cascades to 2 other objects', detail: 'drop cascades to table s.t1\ndrop cascades to table s.t2' }]);
    expect(r.state.tables()).toEqual([]);
    expect(sqlErr(() => applyOp(s, { kind: 'dropSchema', schemaOid: 11, cascade: true })).message).toBe(
      'cannot drop schema pg_catalog because it is required by the database system',
    );
    expect(sqlErr(() => applyOp(s, { kind: 'createSchema', name: 'pg_x', ownerOid: owner })).code).toBe('42939');
  });

  it('renames keep constraint and index names in step', () => {
    let s = createT(bootstrapState());
    const t = s.resolveTable(['public'], ['t']);
    s = applyOp(s, { kind: 'renameRelation', oid: t.primaryIndex.oid, newName: 'pk2' });
    expect(s.mustTable(t.oid).constraints[0]?.name).toBe('pk2');
    s = applyOp(s, { kind: 'renameConstraint', tableOid: t.oid, name: 'pk2', newName: 'pk3' });
    expect(s.resolveIndex(['public'], ['pk3']).index.oid).toBe(t.primaryIndex.oid);
    s = applyOp(s, { kind: 'renameRelation', oid: t.oid, newName: 't9' });
    expect(s.resolveTable(['public'], ['t9']).oid).toBe(t.oid);
    s = applyOp(s, { kind: 'renameColumn', tableOid: t.oid, attnum: 2, newName: 'aa' });
    expect(findColumn(s.mustTable(t.oid), 'aa')?.attnum).toBe(2);
    const e = sqlErr(() => applyOp(s, { kind: 'renameColumn', tableOid: t.oid, attnum: 2, newName: 'b' }));
    expect(e.message).toBe('column "b" of relation "t9" already exists');
  });

  it('applyBatch bumps the version once and is deterministic', () => {
    const ops: DdlOp[] = [
      { kind: 'createSchema', name: 's', ownerOid: owner },
      { kind: 'createTable', schemaOid: pub, name: 'a', ownerOid: owner, columns: [col('x')] },
      { kind: 'createTable', schemaOid: pub, name: 'b', ownerOid: owner, columns: [col('x')] },
    ];
    const base = bootstrapState();
    const s1 = applyBatch(base, ops);
    const s2 = applyBatch(base, JSON.parse(JSON.stringify(ops)) as DdlOp[]);
    expect(s1.version).toBe(base.version + 1);
    expect([...s1.descriptors()]).toEqual([...s2.descriptors()]);
    expect(s1.nextOid).toBe(s2.nextOid);
    // all-or-nothing: a failing op leaves the base untouched
    expect(() => applyBatch(base, [...ops, ops[1]!])).toThrow('relation "a" already exists');
    expect(base.tables()).toEqual([]);
  });

  it('comments set and clear', () => {
    let s = createT(bootstrapState());
    const t = s.resolveTable(['public'], ['t']);
    s = applyOp(s, { kind: 'comment', target: { kind: 'relation', oid: t.oid }, comment: 'hello' });
    s = applyOp(s, { kind: 'comment', target: { kind: 'column', tableOid: t.oid, attnum: 2 }, comment: 'col' });
    expect(s.mustTable(t.oid).comment).toBe('hello');
    expect(findColumn(s.mustTable(t.oid), 'a')?.comment).toBe('col');
    s = applyOp(s, { kind: 'comment', target: { kind: 'relation', oid: t.oid }, comment: null });
    expect('comment' in s.mustTable(t.oid)).toBe(false);
  });
});
