// Expected values and messages below were taken from PostgreSQL 15 (psql against a scratch server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlErrorOf, TestDb, type TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n int)');
  await s.exec("INSERT INTO t VALUES (1,'a',10),(2,'b',20),(3,null,30)");
  await s.exec('CREATE TABLE u (id serial PRIMARY KEY, tid int, w varchar(3), CHECK (tid > 0))');
  await s.exec('CREATE INDEX u_tid ON u (tid)');
  await s.exec("INSERT INTO u (tid, w) VALUES (1, 'x'), (1, 'y'), (2, 'z')");
});
afterAll(async () => {
  await db.close();
});

const rows = async (sql: string): Promise<unknown[][]> => (await s.exec(sql)).rows;

describe('joins', () => {
  it('inner join uses the index on the inner side', async () => {
    expect(await rows('SELECT t.id, u.w FROM t JOIN u ON u.tid = t.id ORDER BY u.w')).toEqual([[1, 'x'], [1, 'y'], [2, 'z']]);
    const plan = (await rows('EXPLAIN (COSTS OFF) SELECT t.id, u.w FROM t JOIN u ON u.tid = t.id')).map((r) => r[0]);
    expect(plan[0]).toBe('Nested Loop');
    expect(plan.some((l) => String(l).includes('Index Scan using u_tid on u'))).toBe(true);
  });

  it('left join null-extends', async () => {
    expect(await rows('SELECT t.id, u.w FROM t LEFT JOIN u ON u.tid = t.id ORDER BY t.id, u.w')).toEqual([
      [1, 'x'], [1, 'y'], [2, 'z'], [3, null],
    ]);
  });

  it('hash join on a non-indexed equality', async () => {
    expect(await rows('SELECT t.id, u.id FROM t JOIN u ON u.id = t.n / 10 ORDER BY 1')).toEqual([[1, 1], [2, 2], [3, 3]]);
  });
});

describe('aggregates', () => {
  it('groups with count and sum', async () => {
    expect(await rows('SELECT tid, count(*), sum(id) FROM u GROUP BY tid ORDER BY tid')).toEqual([[1, 2n, 3n], [2, 1n, 3n]]);
  });

  it('GROUP BY position, HAVING, NULL group last', async () => {
    expect(await rows('SELECT v, count(*) FROM t GROUP BY 1 HAVING count(*) > 0 ORDER BY 1')).toEqual([['a', 1n], ['b', 1n], [null, 1n]]);
  });

  it('rejects ungrouped columns', async () => {
    const e = await sqlErrorOf(s.exec('SELECT id FROM t GROUP BY v'));
    expect(e.code).toBe('42803');
    expect(e.message).toBe('column "t.id" must appear in the GROUP BY clause or be used in an aggregate function');
    expect(e.fields.position).toBe(8);
  });

  it('aggregates over no rows give one row', async () => {
    expect(await rows('SELECT count(*), sum(n) FROM t WHERE id > 100')).toEqual([[0n, null]]);
  });
});

describe('subqueries', () => {
  it('IN and NOT IN', async () => {
    expect(await rows('SELECT id FROM t WHERE id IN (SELECT tid FROM u) ORDER BY id')).toEqual([[1], [2]]);
    expect(await rows('SELECT id FROM t WHERE id NOT IN (SELECT tid FROM u) ORDER BY id')).toEqual([[3]]);
  });

  it('correlated scalar subquery', async () => {
    expect(await rows('SELECT id, (SELECT count(*) FROM u WHERE u.tid = t.id) FROM t ORDER BY id')).toEqual([[1, 2n], [2, 1n], [3, 0n]]);
  });

  it('scalar subquery with more than one row', async () => {
    const e = await sqlErrorOf(s.exec('SELECT (SELECT tid FROM u)'));
    expect(e.code).toBe('21000');
    expect(e.message).toBe('more than one row returned by a subquery used as an expression');
  });

  it('EXISTS', async () => {
    expect(await rows('SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.tid = t.id) ORDER BY 1')).toEqual([[1], [2]]);
  });

  it('subquery in FROM', async () => {
    expect(await rows('SELECT x.id FROM (SELECT id FROM t WHERE id < 3) AS x ORDER BY 1')).toEqual([[1], [2]]);
  });
});

describe('constraints and sequences', () => {
  it('CHECK violation with the failing row', async () => {
    const e = await sqlErrorOf(s.exec("INSERT INTO u (tid, w) VALUES (0, 'q')"));
    expect(e.code).toBe('23514');
    expect(e.message).toBe('new row for relation "u" violates check constraint "u_tid_check"');
    expect(e.fields.detail).toBe('Failing row contains (4, 0, q).');
  });

  it('varchar length', async () => {
    const e = await sqlErrorOf(s.exec("INSERT INTO u (tid, w) VALUES (5, 'long')"));
    expect(e.code).toBe('22001');
    expect(e.message).toBe('value too long for type character varying(3)');
    const u = await sqlErrorOf(s.exec("UPDATE u SET w = 'toolong' WHERE id = 1"));
    expect(u.code).toBe('22001');
  });

  it('currval / nextval', async () => {
    expect(await rows("SELECT currval('u_id_seq')")).toEqual([[4n]]);
    expect(await rows("SELECT nextval('u_id_seq'), currval('u_id_seq')")).toEqual([[5n, 5n]]);
    await s.exec('CREATE SEQUENCE s');
    const e = await sqlErrorOf(s.exec("SELECT currval('s')"));
    expect(e.code).toBe('55000');
    expect(e.message).toBe('currval of sequence "s" is not yet defined in this session');
  });
});

describe('expressions and ordering', () => {
  it('DISTINCT, ORDER BY position errors, NULLS FIRST, LIMIT/OFFSET', async () => {
    expect(await rows('SELECT DISTINCT tid FROM u ORDER BY tid')).toEqual([[1], [2]]);
    const e = await sqlErrorOf(s.exec('SELECT id FROM t ORDER BY 5'));
    expect(e.code).toBe('42P10');
    expect(e.message).toBe('ORDER BY position 5 is not in select list');
    expect(e.fields.position).toBe(27);
    expect(await rows('SELECT id, v FROM t ORDER BY v NULLS FIRST, id LIMIT 2 OFFSET 0')).toEqual([[3, null], [1, 'a']]);
  });

  it('CASE, COALESCE, NULLIF, GREATEST', async () => {
    expect(
      await rows("SELECT CASE WHEN n > 15 THEN 'big' ELSE 'small' END, coalesce(v, 'none'), nullif(n, 10), greatest(1, n, 25) FROM t ORDER BY id"),
    ).toEqual([
      ['small', 'a', null, 25],
      ['big', 'b', 20, 25],
      ['big', 'none', 30, 30],
    ]);
  });

  it('IS DISTINCT FROM, LIKE, ILIKE', async () => {
    expect(await rows("SELECT 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL, 'abc' LIKE 'a%', 'ABC' ILIKE 'a%'")).toEqual([
      [true, true, true, true],
    ]);
  });

  it('BETWEEN uses a range and keeps NULL semantics', async () => {
    expect(await rows('SELECT id FROM t WHERE n BETWEEN 15 AND 30 ORDER BY id')).toEqual([[2], [3]]);
    expect(await rows('SELECT id FROM t WHERE id BETWEEN 2 AND 3 ORDER BY id')).toEqual([[2], [3]]);
    expect(await rows('SELECT id FROM t WHERE id IN (3, 1, 3) ORDER BY id')).toEqual([[1], [3]]);
  });

  it('parameters: $1 = int column infers int4; SELECT $1 alone infers text', async () => {
    const q = s.prepare('SELECT $1 = id FROM t ORDER BY id');
    expect(q.paramTypes.map((t) => t.oid)).toEqual([23]);
    expect((await s.execPrepared(q, [1])).rows).toEqual([[true], [false], [false]]);
    const ins = s.prepare('INSERT INTO t VALUES ($1, $2, $3)');
    expect(ins.paramTypes.map((t) => t.oid)).toEqual([23, 25, 23]);
  });
});

describe('SQL value functions', () => {
  it('CURRENT_TIMESTAMP is the transaction timestamp; CURRENT_DATE its date', async () => {
    const r = await rows('SELECT CURRENT_TIMESTAMP = now(), CURRENT_DATE = now()::date, LOCALTIMESTAMP = now()::timestamp');
    expect(r).toEqual([[true, true, true]]);
    expect(await rows('SELECT current_user, current_database(), current_schema()')).toEqual([['postgres', 'postgres', 'public']]);
  });
});

describe('ORDER BY answered by an index', () => {
  it('drops the sort and scans backward for ORDER BY pk DESC LIMIT', async () => {
    const plan = (await rows('EXPLAIN (COSTS OFF) SELECT id FROM t ORDER BY id DESC LIMIT 2')).map((r) => r[0]);
    expect(plan).toEqual(['Limit', '  ->  Index Scan Backward using t_pkey on t']);
    expect(await rows('SELECT id FROM t ORDER BY id DESC LIMIT 2')).toEqual([[3], [2]]);
    expect(await rows('SELECT id, v FROM t WHERE id > 1 ORDER BY id')).toEqual([[2, 'b'], [3, null]]);
  });

  it('keeps the sort when NULL placement differs from the index', async () => {
    const plan = (await rows('EXPLAIN (COSTS OFF) SELECT id FROM t ORDER BY id NULLS FIRST')).map((r) => r[0]);
    expect(plan[0]).toBe('Sort');
  });
});

describe('cross-type integer keys', () => {
  it('int4 key = int8 parameter is still a point lookup; out-of-range values match nothing', async () => {
    const q = s.prepare('SELECT v FROM t WHERE id = $1', [{ oid: 20, typmod: -1 }]);
    expect(q.plan.kind === 'project' && q.plan.input.kind === 'scan' && q.plan.input.bounds.kind).toBe('point');
    expect((await s.execPrepared(q, [2n])).rows).toEqual([['b']]);
    expect((await s.execPrepared(q, [10000000000n])).rows).toEqual([]);
    expect(await rows('SELECT id FROM t WHERE id IN (1::int8, 3::int8, 99999999999) ORDER BY id')).toEqual([[1], [3]]);
  });
});

describe('aggregates with ORDER BY (PostgreSQL 15 output)', () => {
  it('feeds rows in the requested order per group', async () => {
    await s.exec('CREATE TABLE g (id int PRIMARY KEY, k int, v text)');
    await s.exec("INSERT INTO g VALUES (1,1,'b'),(2,1,'a'),(3,2,'c'),(4,1,NULL)");
    const r = await rows("SELECT k, string_agg(v, ',' ORDER BY v DESC), array_agg(id ORDER BY id DESC) FROM g GROUP BY k ORDER BY k");
    expect(r.map((x) => [x[0], x[1], (x[2] as { items: unknown[] }).items])).toEqual([
      [1, 'b,a', [4, 2, 1]],
      [2, 'c', [3]],
    ]);
    expect(await rows("SELECT string_agg(DISTINCT v, '-' ORDER BY v) FROM g")).toEqual([['a-b-c']]);
    const e = await sqlErrorOf(s.exec("SELECT string_agg(DISTINCT v, '-' ORDER BY id) FROM g"));
    expect([e.code, e.message]).toEqual(['42P10', 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list']);
    expect(e.fields.position).toBe(44);
  });
});

describe('RIGHT and FULL joins (PostgreSQL 15 output)', () => {
  it('right join preserves the right side; full join both', async () => {
    await s.exec('CREATE TABLE ja (id int PRIMARY KEY, x int)');
    await s.exec('CREATE TABLE jb (id int PRIMARY KEY, y int)');
    await s.exec('INSERT INTO ja VALUES (1,10),(2,20),(3,NULL)');
    await s.exec('INSERT INTO jb VALUES (2,200),(3,300),(4,400)');
    const r = await s.exec('SELECT * FROM ja RIGHT JOIN jb ON jb.id = ja.id ORDER BY jb.id');
    expect(r.columns).toEqual(['id', 'x', 'id', 'y']);
    expect(r.rows).toEqual([[2, 20, 2, 200], [3, null, 3, 300], [null, null, 4, 400]]);
    expect(await rows('SELECT * FROM ja FULL JOIN jb ON jb.id = ja.id ORDER BY ja.id, jb.id')).toEqual([
      [1, 10, null, null], [2, 20, 2, 200], [3, null, 3, 300], [null, null, 4, 400],
    ]);
    expect(await rows('SELECT ja.id, jb.id FROM ja RIGHT JOIN jb ON jb.id = ja.id WHERE ja.id IS NULL')).toEqual([[null, 4]]);
    expect(await rows('SELECT count(*) FROM ja FULL JOIN jb ON ja.x * 10 = jb.y')).toEqual([[5n]]);
  });
});

describe('JOIN ... USING and NATURAL JOIN (PostgreSQL 15 output)', () => {
  it('merges the USING columns first and keeps qualified access', async () => {
    await s.exec('CREATE TABLE ua (id int PRIMARY KEY, x int, k int)');
    await s.exec('CREATE TABLE ub (y int, id int PRIMARY KEY, k int)');
    await s.exec('INSERT INTO ua VALUES (1,10,7),(2,20,8)');
    await s.exec('INSERT INTO ub VALUES (200,2,8),(300,3,9)');
    const inner = await s.exec('SELECT * FROM ua JOIN ub USING (id) ORDER BY id');
    expect(inner.columns).toEqual(['id', 'x', 'k', 'y', 'k']);
    expect(inner.rows).toEqual([[2, 20, 8, 200, 8]]);
    expect(await rows('SELECT * FROM ua LEFT JOIN ub USING (id) ORDER BY id')).toEqual([[1, 10, 7, null, null], [2, 20, 8, 200, 8]]);
    expect(await rows('SELECT id, ua.id AS a, ub.id AS b FROM ua RIGHT JOIN ub USING (id) ORDER BY 1')).toEqual([[2, 2, 2], [3, null, 3]]);
    const nat = await s.exec('SELECT * FROM ua NATURAL JOIN ub');
    expect(nat.columns).toEqual(['id', 'k', 'x', 'y']);
    expect(nat.rows).toEqual([[2, 8, 20, 200]]);
    expect((await s.exec('SELECT ua.* FROM ua JOIN ub USING (id)')).columns).toEqual(['id', 'x', 'k']);
    const e = await sqlErrorOf(s.exec('SELECT * FROM ua JOIN t USING (x)'));
    expect([e.code, e.message]).toEqual(['42703', 'column "x" specified in USING clause does not exist in right table']);
  });
});
