// Views end to end on the engine: what test/regress/sql/views.sql cannot pin because nodedb
// differs from PostgreSQL on purpose (test/regress/DIFFERENCES.md, "Views").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlErrorOf, TestDb, type TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE vt (a int, b text)');
  await s.exec("INSERT INTO vt VALUES (1, 'x'), (2, 'y'), (3, null)");
  await s.exec('CREATE VIEW vv AS SELECT a, b FROM vt WHERE a > 1');
});
afterAll(async () => {
  await db.close();
});

const rows = async (sql: string): Promise<unknown[][]> => (await s.exec(sql)).rows;

describe('views', () => {
  it('are read through their stored query', async () => {
    expect(await rows('SELECT * FROM vv ORDER BY a')).toEqual([[2, 'y'], [3, null]]);
    expect(await rows('SELECT count(*) FROM vv v1, vv v2')).toEqual([[4n]]);
  });
  it('refuse writes with 0A000 naming the view when not automatically updatable', async () => {
    await s.exec('CREATE VIEW vdist AS SELECT DISTINCT a, b FROM vt');
    for (const [sql, msg] of [
      ['INSERT INTO vdist VALUES (9, null)', 'cannot insert into view "vdist"'],
      ["UPDATE vdist SET b = 'z'", 'cannot update view "vdist"'],
      ['DELETE FROM vdist', 'cannot delete from view "vdist"'],
    ] as const) {
      const e = await sqlErrorOf(s.exec(sql));
      expect([e.code, e.message]).toEqual(['0A000', msg]);
    }
    expect(await rows('SELECT count(*) FROM vt')).toEqual([[3n]]);
  });
  it('refuse correlated subqueries in writes through them (0A000), run uncorrelated ones', async () => {
    const e = await sqlErrorOf(s.exec('UPDATE vv SET b = (SELECT max(x.b) FROM vt x WHERE x.a = vv.a)'));
    expect(e.code).toBe('0A000');
    const r = await s.exec("UPDATE vv SET b = (SELECT min(b) FROM vt) WHERE a = 3 RETURNING a, b");
    expect(r.rows).toEqual([[3, 'x']]);
    await s.exec('UPDATE vt SET b = null WHERE a = 3');
  });
  it('keep their columns when a table read with * gains one', async () => {
    await s.exec('CREATE TABLE vs (a int)');
    await s.exec('INSERT INTO vs VALUES (5)');
    await s.exec('CREATE VIEW vstar AS SELECT * FROM vs');
    await s.exec('ALTER TABLE vs ADD COLUMN c int DEFAULT 7');
    const r = await s.exec('SELECT * FROM vstar');
    expect(r.rows).toEqual([[5]]);
  });
  it('a column the view reads that is dropped makes reading the view an error, not a wrong answer', async () => {
    await s.exec('CREATE TABLE vd (a int, b int)');
    await s.exec('CREATE VIEW vdv AS SELECT a, b FROM vd');
    await s.exec('ALTER TABLE vd DROP COLUMN b');
    expect((await sqlErrorOf(s.exec('SELECT * FROM vdv'))).code).toBe('42703');
  });
});
