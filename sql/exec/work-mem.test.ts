/**
 * work_mem: sorts, hash joins, hash aggregates and DISTINCT over 1,000,000 rows stay within a
 * small bound by spilling to files (./spill.ts), give the same answers as an independent
 * computation, keep the heap bounded, and leave no spill file behind.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeQuery } from '../plan/api.js';
import { Decimal, Interval, PgArray, type Datum } from '../types/datum.js';
import { formatNumeric, parseNumeric } from '../types/numeric.js';
import { decodeRecords, encodeRecord, partitionOf } from './spill.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { sqlErrorOf, TestDb, TestSession } from './testing.js';

const rowsTotal = 1_000_000;
/** The bound under test: small enough that every operator below spills many times. */
const testWorkMemBytes = 1024 * 1024;
/** Heap growth allowed over the baseline while a query runs (a 1M-row in-memory sort needs several times this). */
const heapGrowthBytesMax = 160 * 1024 * 1024;
const fetchBatchRows = 10_000;
/** Each 1M-row query takes 3-7 s of CPU; the machine may be shared by many processes. */
const bigQueryTimeoutMs = 300_000;

let db: TestDb;
let s: TestSession;
let spillDir: string;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  spillDir = mkdtempSync(join(tmpdir(), 'nodedb-spill-test-'));
  s.tempDir = spillDir;
  s.workMemBytes = testWorkMemBytes;
});

afterAll(async () => {
  await db.close();
  rmSync(spillDir, { recursive: true, force: true });
});

/**
 * Streams a query's rows to `check` in batches (never holding the result), sampling the heap;
 * returns the row count and the largest heap growth seen.
 */
async function stream(sql: string, check: (row: readonly Datum[]) => void): Promise<{ rows: number; heapGrowthBytes: number }> {
  const q = s.prepare(sql);
  const txn = db.kv.begin({ isolation: 'read committed', readOnly: true, consistency: { kind: 'strong' } });
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  let rows = 0;
  try {
    txn.stepStatement();
    const e = executeQuery(q, [], s.execContext(txn));
    while (!e.done) {
      const batch = await e.fetch(fetchBatchRows);
      for (const r of batch) check(r);
      rows += batch.length;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    await e.close();
  } finally {
    await txn.rollback();
  }
  return { rows, heapGrowthBytes: peak - base };
}

function spillFilesLeft(): string[] {
  return readdirSync(spillDir);
}

describe('spill file encoding', () => {
  it('round-trips every datum kind exactly', () => {
    const num = parseNumeric('12.500');
    const row: Datum[] = [
      null, true, false, 0, -1, 2 ** 31, 1.5, -0, Number.NaN, 9007199254740993n, -(2n ** 63n), 2n ** 70n,
      '', 'héllo ✓', new Uint8Array([0, 255, 7]), num, parseNumeric('NaN'),
      new Interval(14, -3, 123456789n), new PgArray(23, [1, null, 3], [3], [0]), new PgArray(25, []),
    ];
    const back = decodeRecords(Buffer.concat([encodeRecord(row), encodeRecord([])]));
    expect(back).toHaveLength(2);
    expect(back[1]).toEqual([]);
    const r = back[0]!;
    expect(r.slice(0, 7)).toEqual(row.slice(0, 7));
    expect(Object.is(r[7], -0)).toBe(true);
    expect(Number.isNaN(r[8])).toBe(true);
    expect(r.slice(9, 15)).toEqual(row.slice(9, 15));
    expect(r[15]).toBeInstanceOf(Decimal);
    expect(formatNumeric(r[15] as Decimal)).toBe('12.500');
    expect(formatNumeric(r[16] as Decimal)).toBe('NaN');
    expect(r[17]).toEqual(row[17]);
    expect(r[18]).toEqual(row[18]);
    expect(r[19]).toEqual(row[19]);
  });

  it('spreads keys over partitions differently at each depth', () => {
    const counts = [new Array<number>(32).fill(0), new Array<number>(32).fill(0)];
    let moved = 0;
    for (let i = 0; i < 32_000; i++) {
      const a = partitionOf(String(i), 0, 32);
      const b = partitionOf(String(i), 1, 32);
      counts[0]![a]++;
      counts[1]![b]++;
      if (a !== b) moved++;
    }
    for (const c of counts) for (const n of c) expect(n).toBeGreaterThan(700);
    expect(moved).toBeGreaterThan(28_000);
  });
});

describe(`1,000,000 rows within work_mem = ${testWorkMemBytes / 1024}kB`, () => {
  it('ORDER BY over every row: sorted, complete, heap bounded', async () => {
    // A permutation of 1..N (7919 is prime and coprime to N+1 = 1000001 = 101 * 9901), with a
    // 40-byte text column so an in-memory sort would need far more than the heap cap.
    const n1 = rowsTotal + 1;
    let prev = -1;
    let sum = 0;
    let unordered = 0;
    const r = await stream(
      `SELECT (x::int8 * 7919) % ${n1} AS k, repeat('p', 40) || x AS pad FROM generate_series(1, ${rowsTotal}) x ORDER BY 1`,
      (row) => {
        const k = Number(row[0] as bigint);
        if (k <= prev) unordered++;
        prev = k;
        sum += k;
      },
    );
    expect(r.rows).toBe(rowsTotal);
    expect(unordered).toBe(0);
    expect(sum).toBe((rowsTotal * n1) / 2);
    expect(r.heapGrowthBytes).toBeLessThan(heapGrowthBytesMax);
    expect(spillFilesLeft()).toEqual([]);
  }, bigQueryTimeoutMs);

  it('GROUP BY with 500,000 groups', async () => {
    const groupsTotal = 500_000;
    const seen = new Uint8Array(groupsTotal);
    let wrong = 0;
    const r = await stream(`SELECT x % ${groupsTotal} AS g, count(*), sum(x) FROM generate_series(1, ${rowsTotal}) x GROUP BY 1`, (row) => {
      const g = row[0] as number;
      const lo = g === 0 ? groupsTotal : g;
      if (seen[g] !== 0 || row[1] !== 2n || row[2] !== BigInt(lo + lo + groupsTotal)) wrong++;
      seen[g] = 1;
    });
    expect(wrong).toBe(0);
    expect(r.rows).toBe(groupsTotal);
    expect(r.heapGrowthBytes).toBeLessThan(heapGrowthBytesMax);
    expect(spillFilesLeft()).toEqual([]);
  }, bigQueryTimeoutMs);

  it('hash join of 1,000,000 x 100,000 rows (inner and left)', async () => {
    let sum = 0;
    let wrong = 0;
    const inner = await stream(
      `SELECT a.x, b.y FROM generate_series(1, ${rowsTotal}) a(x) JOIN generate_series(1, 100000) b(y) ON a.x = b.y * 10`,
      (row) => {
        if (row[0] !== (row[1] as number) * 10) wrong++;
        sum += row[0] as number;
      },
    );
    expect(wrong).toBe(0);
    expect(inner.rows).toBe(100_000);
    expect(sum).toBe(10 * ((100_000 * 100_001) / 2));
    expect(inner.heapGrowthBytes).toBeLessThan(heapGrowthBytesMax);
    let nulls = 0;
    const left = await stream(
      `SELECT a.x, b.y FROM generate_series(1, 200000) a(x) LEFT JOIN generate_series(1, 100000) b(y) ON a.x = b.y * 10`,
      (row) => {
        if (row[1] === null) nulls++;
        else if (row[0] !== (row[1] as number) * 10) wrong++;
      },
    );
    expect(wrong).toBe(0);
    expect(left.rows).toBe(200_000);
    expect(nulls).toBe(180_000);
    expect(spillFilesLeft()).toEqual([]);
  }, bigQueryTimeoutMs);

  it('DISTINCT', async () => {
    const distinctTotal = 300_000;
    const seen = new Uint8Array(distinctTotal);
    let duplicates = 0;
    const r = await stream(`SELECT DISTINCT x % ${distinctTotal} FROM generate_series(1, ${rowsTotal}) x`, (row) => {
      const v = row[0] as number;
      if (seen[v] !== 0) duplicates++;
      seen[v] = 1;
    });
    expect(duplicates).toBe(0);
    expect(r.rows).toBe(distinctTotal);
    expect(r.heapGrowthBytes).toBeLessThan(heapGrowthBytesMax);
    expect(spillFilesLeft()).toEqual([]);
  }, bigQueryTimeoutMs);
});

describe('small bounds', () => {
  it('EXPLAIN ANALYZE reports the external merge and its disk use', async () => {
    const plan = (await s.exec('EXPLAIN ANALYZE SELECT x FROM generate_series(1, 20000) x ORDER BY x DESC')).rows.map((r) => String(r[0]));
    expect(plan.some((l) => /Sort Method: external merge {2}Disk: \d+kB/.test(l))).toBe(true);
    const agg = (await s.exec('EXPLAIN ANALYZE SELECT x % 9000, count(*) FROM generate_series(1, 20000) x GROUP BY 1')).rows.map((r) => String(r[0]));
    expect(agg.some((l) => /Batches: \d+ {2}Memory Usage: \d+kB {2}Disk Usage: \d+kB/.test(l))).toBe(true);
  });

  it('full outer join and NULL keys give the same rows with and without spilling', async () => {
    const sql =
      'SELECT a.x, b.y FROM (SELECT CASE WHEN x % 7 = 0 THEN NULL ELSE x END FROM generate_series(1, 30000) x) a(x) ' +
      'FULL JOIN (SELECT CASE WHEN y % 5 = 0 THEN NULL ELSE y * 2 END FROM generate_series(1, 30000) y) b(y) ON a.x = b.y';
    const key = (r: readonly Datum[]): string => `${String(r[0])}/${String(r[1])}`;
    s.workMemBytes = 64 * 1024;
    const spilled = (await s.exec(sql)).rows.map(key).sort();
    s.workMemBytes = 1024 * 1024 * 1024;
    const inMemory = (await s.exec(sql)).rows.map(key).sort();
    s.workMemBytes = testWorkMemBytes;
    expect(spilled).toEqual(inMemory);
    expect(spilled.length).toBeGreaterThan(30000);
    expect(spillFilesLeft()).toEqual([]);
  });

  it('UNION / INTERSECT / EXCEPT [ALL] give the same rows with and without spilling', async () => {
    const a = 'SELECT x % 9000 FROM generate_series(1, 30000) x';
    const b = 'SELECT x % 6000 + 3000 FROM generate_series(1, 20000) x';
    for (const op of ['UNION', 'INTERSECT', 'EXCEPT', 'INTERSECT ALL', 'EXCEPT ALL']) {
      const sql = `SELECT count(*), sum(v) FROM (${a} ${op} ${b}) s(v)`;
      s.workMemBytes = 64 * 1024;
      const spilled = (await s.exec(sql)).rows;
      s.workMemBytes = 1024 * 1024 * 1024;
      const inMemory = (await s.exec(sql)).rows;
      s.workMemBytes = testWorkMemBytes;
      expect(spilled, op).toEqual(inMemory);
    }
    expect(spillFilesLeft()).toEqual([]);
  });

  it('a cancelled or closed query removes its spill files', async () => {
    s.workMemBytes = 64 * 1024;
    const txn = db.kv.begin({ isolation: 'read committed', readOnly: true, consistency: { kind: 'strong' } });
    try {
      txn.stepStatement();
      for (const how of ['cancel', 'close'] as const) {
        const ac = new AbortController();
        const e = executeQuery(s.prepare('SELECT x FROM generate_series(1, 50000) x ORDER BY x DESC'), [], { ...s.execContext(txn), signal: ac.signal });
        expect(await e.fetch(5)).toEqual([[50000], [49999], [49998], [49997], [49996]]);
        expect(spillFilesLeft().length).toBeGreaterThan(1);
        if (how === 'cancel') {
          ac.abort(new SqlError(SqlState.queryCanceled, 'canceling statement due to user request'));
          expect((await sqlErrorOf(e.fetch(5))).code).toBe('57014');
        }
        await e.close();
        expect(spillFilesLeft(), how).toEqual([]);
      }
    } finally {
      await txn.rollback();
      s.workMemBytes = testWorkMemBytes;
    }
  });

  it('a hash join batch that cannot be split fails with 53200, not a crash, and removes its files', async () => {
    s.workMemBytes = 64 * 1024;
    try {
      const e = await sqlErrorOf(s.exec('SELECT count(*) FROM generate_series(1, 3000) a(x) JOIN (SELECT 1 FROM generate_series(1, 3000)) b(y) ON a.x % 1 + 1 = b.y'));
      expect(e.code).toBe('53200');
      expect(e.message).toBe('out of memory');
      expect(e.fields.detail).toMatch(/Hash join .*work_mem = 64kB/);
    } finally {
      s.workMemBytes = testWorkMemBytes;
    }
    expect(spillFilesLeft()).toEqual([]);
  });
});
