/**
 * Join order and algorithm from ANALYZE statistics (sql/plan/join-order.ts, sql/plan/cost.ts):
 * plans are pinned for given statistics, results are the same whatever the order, and ANALYZE
 * collects the column statistics the planner reads (sql/exec/stats.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSql } from '../parser/index.js';
import { prepareQuery } from '../plan/api.js';
import { explainLines } from '../plan/explain.js';
import { joinOrderDpItemsMax } from '../plan/join-order.js';
import type { Datum } from '../types/datum.js';
import { analyzeWithStatistics, columnStatistics, tableStatsCache, type ColumnStatistics, type TableStatistics } from './stats.js';
import { TestDb, TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE big (id int PRIMARY KEY, cat int, k int, j int, v text)');
  await s.exec('CREATE TABLE mid (id int PRIMARY KEY, big_id int, k int)');
  await s.exec('CREATE TABLE small (id int PRIMARY KEY, mid_id int, tag text, j int)');
  await s.exec("INSERT INTO big SELECT x, x % 50, x % 97, x % 3, 'v' || x FROM generate_series(1, 3000) x");
  await s.exec('INSERT INTO mid SELECT x, x * 7 % 3000 + 1, x % 11 FROM generate_series(1, 300) x');
  await s.exec("INSERT INTO small SELECT x, x * 13 % 300 + 1, CASE WHEN x % 2 = 0 THEN 'even' ELSE 'odd' END, x % 5 FROM generate_series(1, 20) x");
});

afterAll(async () => {
  await db.close();
});

type Stats = Map<string, TableStatistics>;

function col(attnum: number, nDistinct: number, extra: Partial<ColumnStatistics> = {}): ColumnStatistics {
  return { attnum, nullFrac: 0, nDistinct, avgWidth: 4, ...extra };
}

function tableStats(name: string, rowCount: number, columns: readonly ColumnStatistics[]): [string, TableStatistics] {
  return [name, { tableOid: db.state.tables().find((t) => t.name === name)!.oid, rowCount, columns }];
}

/** EXPLAIN text of `sql` planned with the given statistics (none = as never analyzed). */
function plan(sql: string, stats: Stats = new Map()): string {
  const stmt = parseSql(sql)[0]!.statement;
  if (stmt.kind !== 'Select') throw new Error('not a select');
  const byOid = new Map([...stats.values()].map((t) => [t.tableOid, t]));
  const q = prepareQuery(stmt, { catalog: db.state, searchPath: ['$user', 'public'], paramTypes: [], tableStats: (oid) => byOid.get(oid) });
  return explainLines(q.plan, { verbose: false, costs: false, tableRows: new Map(), stats: undefined }).join('\n');
}

function sorted(rows: readonly (readonly Datum[])[]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

const analyzed = (): Stats =>
  new Map([
    tableStats('big', 3000, [col(1, -1), col(2, 50), col(3, 97), col(4, 3)]),
    tableStats('mid', 300, [col(1, -1), col(2, -1), col(3, 11)]),
    tableStats('small', 20, [col(1, -1), col(2, -1), col(3, 2, { mcvValues: ['even', 'odd'], mcvFreqs: [0.5, 0.5] }), col(4, 5)]),
  ]);

describe('join order', () => {
  const threeWay = "SELECT b.id, m.id, s.id FROM big b, mid m, small s WHERE s.mid_id = m.id AND m.big_id = b.id AND s.tag = 'even'";

  it('keeps FROM order without statistics', () => {
    expect(plan(threeWay).split('\n').find((l) => l.includes('Scan'))).toContain('on big b');
  });

  it('starts a 3-table join from the selective table and walks the primary keys', () => {
    expect(plan(threeWay, analyzed())).toBe(
      [
        'Nested Loop',
        '  ->  Nested Loop',
        '        ->  Seq Scan on small s',
        "              Filter: (s.tag = 'even'::text)",
        '        ->  Index Scan using mid_pkey on mid m',
        '              Index Cond: (id = s.mid_id)',
        '  ->  Index Scan using big_pkey on big b',
        '        Index Cond: (id = m.big_id)',
      ].join('\n'),
    );
  });

  it('returns the same rows in any order', async () => {
    const withStats = await s.execPrepared(prepareWith(threeWay, analyzed()));
    const without = await s.exec(threeWay);
    expect(withStats.rows.length).toBe(10);
    expect(sorted(withStats.rows)).toEqual(sorted(without.rows));
    expect(withStats.columns).toEqual(['id', 'id', 'id']);
    // Output columns stay in select-list order (b.id, m.id, s.id).
    for (const r of withStats.rows) expect(r[1]).toBe(r[2] === null ? null : ((Number(r[2]) * 13) % 300) + 1);
  });

  it('builds the hash table on the smaller side whatever the FROM order', () => {
    const st = analyzed();
    for (const sql of ['SELECT * FROM big b JOIN small s ON s.j = b.j', 'SELECT * FROM small s JOIN big b ON s.j = b.j']) {
      const lines = plan(sql, st).split('\n');
      expect(lines[0]).toBe('Hash Join');
      const hashAt = lines.findIndex((l) => l.trim() === '->  Hash');
      expect(lines[hashAt + 1]).toContain('Seq Scan on small s');
    }
  });

  it('a skewed n_distinct changes the order', () => {
    const sql = 'SELECT count(*) FROM big b JOIN mid m ON m.k = b.k JOIN small s ON s.j = b.j';
    // b.k / m.k nearly unique, b.j / s.j one value: join big with mid first.
    const st = analyzed();
    st.set('big', { ...st.get('big')!, columns: [col(1, -1), col(2, 50), col(3, -1), col(4, 1)] });
    st.set('mid', { ...st.get('mid')!, columns: [col(1, -1), col(2, -1), col(3, -1)] });
    st.set('small', { ...st.get('small')!, columns: [col(1, -1), col(2, -1), col(3, 2), col(4, 1)] });
    const first = plan(sql, st);
    // Now the other way round: k has one value, j is unique.
    st.set('big', { ...st.get('big')!, columns: [col(1, -1), col(2, 50), col(3, 1), col(4, -1)] });
    st.set('mid', { ...st.get('mid')!, columns: [col(1, -1), col(2, -1), col(3, 1)] });
    st.set('small', { ...st.get('small')!, columns: [col(1, -1), col(2, -1), col(3, 2), col(4, -1)] });
    const second = plan(sql, st);
    const innermost = (p: string): string => p.split('\n').filter((l) => l.includes('Scan on')).slice(0, 2).map((l) => l.trim()).sort().join(' | ');
    expect(innermost(first)).toBe('->  Seq Scan on big b | ->  Seq Scan on mid m');
    expect(innermost(second)).toBe('->  Seq Scan on big b | ->  Seq Scan on small s');
  });

  it('orders a 10-table chain greedily past joinOrderDpItemsMax, with the same rows', async () => {
    const n = joinOrderDpItemsMax + 2;
    const st: Stats = new Map();
    for (let i = 0; i < n; i++) {
      await s.exec(`CREATE TABLE c${i} (id int PRIMARY KEY, nxt int)`);
      await s.exec(`INSERT INTO c${i} SELECT x, (x * ${i + 3}) % ${10 * (i + 1)} + 1 FROM generate_series(1, ${10 * (i + 1)}) x`);
      st.set(`c${i}`, tableStats(`c${i}`, 10 * (i + 1), [col(1, -1), col(2, -1)])[1]);
    }
    const from = Array.from({ length: n }, (_, i) => `c${i}`).join(', ');
    const where = Array.from({ length: n - 1 }, (_, i) => `c${i}.nxt = c${i + 1}.id`).join(' AND ');
    const sql = `SELECT c0.id, c${n - 1}.id FROM ${from} WHERE ${where}`;
    const p = plan(sql, st);
    expect(p.split('\n').filter((l) => / on c\d+$/.test(l)).length).toBe(n);
    const withStats = await s.execPrepared(prepareWith(sql, st));
    const without = await s.exec(sql);
    expect(withStats.rows.length).toBeGreaterThan(0);
    expect(sorted(withStats.rows)).toEqual(sorted(without.rows));
  });

  it('keeps a LEFT JOIN in place and reorders around it', () => {
    const sql = "SELECT count(*) FROM big b JOIN mid m ON m.big_id = b.id LEFT JOIN small s ON s.mid_id = m.id WHERE m.k = 3";
    const p = plan(sql, analyzed());
    expect(p.split('\n')[1]).toContain('Left Join');
  });
});

function prepareWith(sql: string, stats: Stats): ReturnType<typeof prepareQuery> {
  const stmt = parseSql(sql)[0]!.statement;
  if (stmt.kind !== 'Select') throw new Error('not a select');
  const byOid = new Map([...stats.values()].map((t) => [t.tableOid, t]));
  return prepareQuery(stmt, { catalog: db.state, searchPath: ['$user', 'public'], paramTypes: [], tableStats: (oid) => byOid.get(oid) });
}

describe('ANALYZE statistics', () => {
  it('computes null fraction, n_distinct, MCVs and a histogram', () => {
    const values: Datum[] = [];
    for (let i = 0; i < 1000; i++) values.push(i % 10 === 0 ? null : i % 4 === 0 ? 7 : i);
    const c = columnStatistics(1, values, values.length);
    expect(c.nullFrac).toBeCloseTo(0.1);
    expect(c.mcvValues?.[0]).toBe(7);
    expect(c.mcvFreqs?.[0]).toBeCloseTo(0.2);
    expect(c.histogram?.length).toBe(11);
    expect(c.histogram![0]).toBe(1);
    expect(c.nDistinct).toBeLessThan(0); // many distinct values: stored as a fraction of the rows
  });

  it('stores and caches per column statistics', async () => {
    const txn = db.kv.begin({ isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } });
    await analyzeWithStatistics([{ kind: 'RangeVar', name: 'small', inherit: true, location: 0 }], s.execContext(txn));
    await txn.commit();
    const oid = db.state.tables().find((t) => t.name === 'small')!.oid;
    const st = tableStatsCache(db.kv).get(oid)!;
    expect(st.rowCount).toBe(20);
    const tag = st.columns.find((c) => c.attnum === 3)!;
    expect(tag.nDistinct).toBe(2);
    expect(tag.mcvValues).toEqual(['even', 'odd']);
    expect(st.columns.find((c) => c.attnum === 1)!.nDistinct).toBe(-1);
  });
});
