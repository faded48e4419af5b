// Enum type ops (catalog/ops.ts): sort orders of ADD VALUE, renames, DROP TYPE dependencies,
// and the value side they drive (sql/types/enum.ts: input, order, key encoding).
import { describe, expect, it } from 'vitest';
import { decodeKey, encodeIndexKey, indexPrefix, type KeyColumn } from '../sql/encoding/key.js';
import { decodeRow, encodeRow } from '../sql/encoding/row.js';
import { compare } from '../sql/types/compare.js';
import { PgArray, sqlType } from '../sql/types/datum.js';
import { enumIn, isEnumOid, withEnumTypes } from '../sql/types/enum.js';
import { mulberry32 } from '../util/seeded-random.js';
import { SqlError } from '../util/errors.js';
import { bootstrapState } from './bootstrap.js';
import { BootstrapOid, type EnumTypeDescriptor } from './descriptors.js';
import { applyOp, applyOpWithNotices } from './ops.js';
import type { CatalogState } from './state.js';

const pub = BootstrapOid.public;
const owner = BootstrapOid.superuser;

function sqlErr(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('expected a SqlError');
}

function withMood(labels = ['sad', 'ok', 'happy']): { s: CatalogState; mood: EnumTypeDescriptor } {
  const s = applyOp(bootstrapState(), { kind: 'createEnum', schemaOid: pub, name: 'mood', ownerOid: owner, labels });
  const oid = s.lookupTypeOid(['public'], ['mood']);
  const mood = oid === undefined ? undefined : s.enumType(oid);
  if (mood === undefined) throw new Error('mood not created');
  return { s, mood };
}

function sortedLabels(e: EnumTypeDescriptor): string[] {
  return [...e.labels].sort((a, b) => a.sortOrder - b.sortOrder).map((l) => l.label);
}

describe('enum type ops', () => {
  it('CREATE TYPE: sort orders 1..n, an array type _name, distinct label oids', () => {
    const { s, mood } = withMood();
    expect(mood.labels.map((l) => [l.label, l.sortOrder])).toEqual([['sad', 1], ['ok', 2], ['happy', 3]]);
    expect(s.typeOidByName(pub, '_mood')).toBe(mood.arrayOid);
    expect(new Set([mood.oid, mood.arrayOid, ...mood.labels.map((l) => l.oid)]).size).toBe(5);
  });

  it('CREATE TYPE errors: duplicate name 42710, repeated label 42710, label over 63 bytes 42602', () => {
    const { s } = withMood();
    expect(sqlErr(() => applyOp(s, { kind: 'createEnum', schemaOid: pub, name: 'mood', ownerOid: owner, labels: ['x'] })).message).toBe('type "mood" already exists');
    const e = sqlErr(() => applyOp(s, { kind: 'createEnum', schemaOid: pub, name: 'd', ownerOid: owner, labels: ['a', 'b', 'a'] }));
    expect([e.code, e.message]).toEqual(['42710', 'enum label "a" used more than once']);
    expect(sqlErr(() => applyOp(s, { kind: 'createEnum', schemaOid: pub, name: 'l', ownerOid: owner, labels: ['x'.repeat(64)] })).code).toBe('42602');
  });

  it('ADD VALUE: at the end max+1, BEFORE the first min-1, between neighbours the midpoint', () => {
    let { s, mood } = withMood();
    const add = (label: string, position?: { where: 'before' | 'after'; neighbor: string }): void => {
      s = applyOp(s, { kind: 'addEnumValue', typeOid: mood.oid, label, ...(position ? { position } : {}) });
      mood = s.enumType(mood.oid)!;
    };
    add('ecstatic');
    add('miserable', { where: 'before', neighbor: 'sad' });
    add('meh', { where: 'after', neighbor: 'sad' });
    add('fine', { where: 'before', neighbor: 'happy' });
    expect(sortedLabels(mood)).toEqual(['miserable', 'sad', 'meh', 'ok', 'fine', 'happy', 'ecstatic']);
    expect(Object.fromEntries(mood.labels.map((l) => [l.label, l.sortOrder]))).toEqual({
      sad: 1, ok: 2, happy: 3, ecstatic: 4, miserable: 0, meh: 1.5, fine: 2.5,
    });
    expect(sqlErr(() => add('ok')).message).toBe('enum label "ok" already exists');
    expect(sqlErr(() => add('x', { where: 'after', neighbor: 'zeus' })).message).toBe('"zeus" is not an existing enum label');
  });

  it('ADD VALUE BEFORE the same label until the gap is exhausted answers 0A000 (no renumbering)', () => {
    let { s, mood } = withMood(['a', 'b']);
    let i = 0;
    const e = sqlErr(() => {
      for (; i < 200; i++) {
        s = applyOp(s, { kind: 'addEnumValue', typeOid: mood.oid, label: `x${i}`, position: { where: 'before', neighbor: 'b' } });
        mood = s.enumType(mood.oid)!;
      }
    });
    expect(e.code).toBe('0A000');
    expect(i).toBeGreaterThan(40);
  });

  it('RENAME VALUE keeps the sort order; RENAME TO renames the array type too', () => {
    const { s, mood } = withMood();
    const s2 = applyOp(s, { kind: 'renameEnumValue', typeOid: mood.oid, from: 'ok', to: 'fine' });
    expect(s2.enumType(mood.oid)!.labels.find((l) => l.label === 'fine')?.sortOrder).toBe(2);
    expect(sqlErr(() => applyOp(s, { kind: 'renameEnumValue', typeOid: mood.oid, from: 'ok', to: 'sad' })).message).toBe('enum label "sad" already exists');
    const s3 = applyOp(s, { kind: 'renameType', typeOid: mood.oid, newName: 'feeling' });
    expect([s3.typeOidByName(pub, 'feeling'), s3.typeOidByName(pub, '_feeling'), s3.typeOidByName(pub, 'mood')]).toEqual([mood.oid, mood.arrayOid, undefined]);
  });

  it('DROP TYPE: 2BP01 while a column uses the type or its array; CASCADE drops the columns', () => {
    const { s: s0, mood } = withMood();
    const s = applyOp(s0, {
      kind: 'createTable', schemaOid: pub, name: 'p', ownerOid: owner,
      columns: [
        { name: 'id', type: sqlType(23), notNull: true },
        { name: 'm', type: sqlType(mood.oid), notNull: false },
        { name: 'ms', type: sqlType(mood.arrayOid), notNull: false },
      ],
    });
    const e = sqlErr(() => applyOp(s, { kind: 'dropType', typeOid: mood.oid, cascade: false }));
    expect([e.code, e.message, e.fields.detail]).toEqual([
      '2BP01', 'cannot drop type mood because other objects depend on it',
      // PostgreSQL's order: the array type's columns first (through the auto-dependent array type)
      'column ms of table p depends on type mood[]\ncolumn m of table p depends on type mood',
    ]);
    const r = applyOpWithNotices(s, { kind: 'dropType', typeOid: mood.oid, cascade: true });
    expect(r.state.enumType(mood.oid)).toBeUndefined();
    expect(r.notices[0]?.message).toBe('drop cascades to 2 other objects');
    const t = r.state.tables().find((x) => x.name === 'p')!;
    expect(t.columns.filter((c) => !c.dropped && !c.hidden).map((c) => c.name)).toEqual(['id']);
  });
});

describe('enum values', () => {
  it('input checks labels (22P02 with PostgreSQL text); order and keys follow sort orders, rows survive RENAME VALUE', () => {
    let { s, mood } = withMood();
    s = applyOp(s, { kind: 'addEnumValue', typeOid: mood.oid, label: 'meh', position: { where: 'before', neighbor: 'ok' } });
    mood = s.enumType(mood.oid)!;
    const t = sqlType(mood.oid);
    const at = sqlType(mood.arrayOid);
    const seed = Date.now() >>> 0;
    const row = withEnumTypes(s.enumResolver(), () => {
      const e = sqlErr(() => enumIn(mood.oid, 'angry'));
      expect([e.code, e.message]).toEqual(['22P02', 'invalid input value for enum mood: "angry"']);
      const order = ['sad', 'meh', 'ok', 'happy'];
      const rnd = mulberry32(seed);
      const shuffled = [...order].sort(() => rnd() - 0.5);
      const cols: KeyColumn[] = [{ type: t, dir: 'asc', nulls: 'last' }];
      const byKey = [...shuffled].sort((a, b) => Buffer.compare(Buffer.from(encodeIndexKey(1, 1, cols, [a])), Buffer.from(encodeIndexKey(1, 1, cols, [b]))));
      expect(byKey, `seed ${seed}`).toEqual(order);
      expect([...shuffled].sort((a, b) => compare(t, a, b)), `seed ${seed}`).toEqual(order);
      expect(decodeKey(encodeIndexKey(1, 1, cols, ['meh']), indexPrefix(1, 1).length, cols).values).toEqual(['meh']);
      return encodeRow([{ id: 1, type: t }, { id: 2, type: at }], ['ok', new PgArray(mood.oid, ['happy', null, 'ok'])]);
    });
    const renamed = applyOp(s, { kind: 'renameEnumValue', typeOid: mood.oid, from: 'ok', to: 'fine' });
    const cols = [{ id: 1, type: t }, { id: 2, type: at }];
    expect(withEnumTypes(renamed.enumResolver(), () => decodeRow(row, cols))).toEqual(['fine', new PgArray(mood.oid, ['happy', null, 'fine'])]);
    // The older snapshot still reads the old label: versions live side by side, per statement.
    expect(withEnumTypes(s.enumResolver(), () => decodeRow(row, cols))).toEqual(['ok', new PgArray(mood.oid, ['happy', null, 'ok'])]);
  });

  it('each snapshot sees its own labels; labels added over a committed type answer 55P04; no statement, no enum', () => {
    const { s: committed, mood } = withMood();
    const overlay = applyOp(committed, { kind: 'addEnumValue', typeOid: mood.oid, label: 'x' });
    expect(sqlErr(() => withEnumTypes(committed.enumResolver(), () => enumIn(mood.oid, 'x'))).code).toBe('22P02');
    const e = sqlErr(() => withEnumTypes(overlay.enumResolver(committed), () => enumIn(mood.oid, 'x')));
    expect([e.code, e.message]).toEqual(['55P04', 'unsafe use of new value "x" of enum type mood']);
    expect(withEnumTypes(overlay.enumResolver(), () => enumIn(mood.oid, 'x'))).toBe('x');
    expect(overlay.enumResolver(committed)).toBe(overlay.enumResolver(committed));
    expect(isEnumOid(mood.oid)).toBe(false);
  });
});
