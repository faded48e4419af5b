// postgres.js: an orders app session. Tagged queries (extended protocol, prepared statements,
// parameters typed by the server), sql.unsafe (simple protocol), transactions via sql.begin,
// savepoints, type round trips and errors with SQLSTATE.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sharedTarget } from '../harness/shared-target.js';
import postgres from 'postgres';

const tgt = sharedTarget();

async function sqlState(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? `no code: ${String(e)}`;
  }
  return 'no error';
}

describe(`postgres.js against ${tgt.kind}`, () => {
  let sql: postgres.Sql;
  beforeAll(async () => {
    sql = postgres({
      host: tgt.host, port: tgt.port, user: tgt.user, database: tgt.database,
      max: 3, idle_timeout: 5, connect_timeout: 10, onnotice: () => {},
    });
    await sql.unsafe('DROP TABLE IF EXISTS pjs_lines; DROP TABLE IF EXISTS pjs_orders');
    await sql`CREATE TABLE pjs_orders (
      id bigserial PRIMARY KEY, customer text NOT NULL, placed timestamptz NOT NULL,
      total numeric(12,2) NOT NULL DEFAULT 0, note text, meta jsonb, flags bool[], due date)`;
    await sql`CREATE TABLE pjs_lines (order_id int8, line int4, sku varchar(16), qty int2, unit_price float8, PRIMARY KEY (order_id, line))`;
  });
  afterAll(async () => {
    if (!sql) return;
    await sql.unsafe('DROP TABLE IF EXISTS pjs_lines; DROP TABLE IF EXISTS pjs_orders');
    await sql.end({ timeout: 5 });
  });

  it('tagged INSERT ... RETURNING with typed parameters and NULL', async () => {
    const placed = new Date('2024-05-01T08:00:00.123Z');
    const rows = await sql`INSERT INTO pjs_orders (customer, placed, total, note, meta, flags, due)
      VALUES (${'acme'}, ${placed}, ${'199.90'}, ${null}, ${sql.json({ rush: true, n: [1, 2] })}, ${sql.array([true, false])}, ${'2024-05-15'})
      RETURNING id, customer, placed, total, note, meta, flags, due::text AS due`;
    expect(rows).toHaveLength(1);
    const r = rows[0]!;
    expect(r.id).toBe('1');
    expect(r.customer).toBe('acme');
    expect((r.placed as Date).toISOString()).toBe(placed.toISOString());
    expect(r.total).toBe('199.90');
    expect(r.note).toBeNull();
    expect(r.meta).toEqual({ rush: true, n: [1, 2] });
    expect(r.flags).toEqual([true, false]);
    expect(r.due).toBe('2024-05-15');
  });

  it('multi-row insert helper and parameterized selects', async () => {
    const more = [
      { customer: 'bolt', placed: new Date('2024-05-02T00:00:00Z'), total: '10.00' },
      { customer: 'cogs', placed: new Date('2024-05-03T00:00:00Z'), total: '0.05' },
    ];
    const ins = await sql`INSERT INTO pjs_orders ${sql(more, 'customer', 'placed', 'total')} RETURNING id`;
    expect(ins.map((x) => x.id)).toEqual(['2', '3']);
    const lines = [
      { order_id: 1, line: 1, sku: 'A-1', qty: 2, unit_price: 49.95 },
      { order_id: 1, line: 2, sku: 'B-2', qty: 1, unit_price: 100 },
      { order_id: 2, line: 1, sku: 'A-1', qty: 4, unit_price: 2.5 },
    ];
    await sql`INSERT INTO pjs_lines ${sql(lines)}`;
    const minTotal = '1.00';
    const big = await sql`SELECT customer FROM pjs_orders WHERE total >= ${minTotal} ORDER BY customer`;
    expect(big.map((x) => x.customer)).toEqual(['acme', 'bolt']);
    const ids = [1, 3];
    const some = await sql`SELECT id, customer FROM pjs_orders WHERE id IN ${sql(ids)} ORDER BY id`;
    expect(some.map((x) => [x.id, x.customer])).toEqual([['1', 'acme'], ['3', 'cogs']]);
    const agg = await sql`SELECT o.customer, sum(l.qty * l.unit_price) AS value, count(*)::int AS n
      FROM pjs_orders o JOIN pjs_lines l ON l.order_id = o.id GROUP BY o.customer ORDER BY o.customer`;
    expect(agg.map((x) => ({ ...x }))).toEqual([
      { customer: 'acme', value: 199.9, n: 2 },
      { customer: 'bolt', value: 10, n: 1 },
    ]);
  });

  it('the same tagged query runs many times (prepared statement reuse)', async () => {
    for (let i = 0; i < 20; i += 1) {
      const [row] = await sql`SELECT ${i}::int4 * 2 AS twice, ${`s${i}`}::text AS s`;
      expect(row).toEqual({ twice: i * 2, s: `s${i}` });
    }
  });

  it('sql.unsafe: simple protocol, several statements, and with parameters', async () => {
    const r = await sql.unsafe("UPDATE pjs_orders SET note = 'checked' WHERE customer = 'bolt'; SELECT customer, note FROM pjs_orders WHERE note IS NOT NULL");
    // several statements in one simple Query: one result per statement
    const results = r as unknown as postgres.RowList<postgres.Row[]>[];
    expect(results).toHaveLength(2);
    expect(results[0]!.count).toBe(1);
    expect(results[1]!.map((x) => ({ ...x }))).toEqual([{ customer: 'bolt', note: 'checked' }]);
    const p = await sql.unsafe('SELECT count(*)::int AS n FROM pjs_lines WHERE sku = $1', ['A-1']);
    expect(p[0]).toEqual({ n: 2 });
  });

  it('sql.begin commits; a thrown error rolls back; savepoints recover', async () => {
    await sql.begin(async (tx) => {
      await tx`UPDATE pjs_orders SET total = total + 1 WHERE id = 2`;
      await tx`INSERT INTO pjs_lines VALUES (2, 2, 'C-3', 1, 1.0)`;
    });
    await expect(sql.begin(async (tx) => {
      await tx`UPDATE pjs_orders SET total = 0 WHERE id = 2`;
      await tx`INSERT INTO pjs_lines VALUES (2, 2, 'dup', 1, 1.0)`;
    })).rejects.toMatchObject({ code: '23505' });
    const [o] = await sql`SELECT total FROM pjs_orders WHERE id = 2`;
    expect(o!.total).toBe('11.00');

    await sql.begin(async (tx) => {
      await tx`INSERT INTO pjs_lines VALUES (3, 1, 'D-4', 9, 0.5)`;
      const code = await sqlState(tx.savepoint(async (sp) => {
        await sp`INSERT INTO pjs_lines VALUES (3, 1, 'dup', 1, 1)`;
      }));
      expect(code).toBe('23505');
      await tx`INSERT INTO pjs_lines VALUES (3, 2, 'E-5', 1, 0.25)`;
    });
    const lines = await sql`SELECT line, sku FROM pjs_lines WHERE order_id = 3 ORDER BY line`;
    expect(lines.map((x) => [x.line, x.sku])).toEqual([[1, 'D-4'], [2, 'E-5']]);
  });

  it('errors carry SQLSTATE and the pool keeps working', async () => {
    expect(await sqlState(sql`SELECT * FROM pjs_nosuch`)).toBe('42P01');
    expect(await sqlState(sql`SELECT ${'x'}::int4`)).toBe('22P02');
    expect(await sqlState(sql`INSERT INTO pjs_orders (customer, placed) VALUES (${null}, now())`)).toBe('23502');
    expect(await sqlState(sql.unsafe('SELEC 1'))).toBe('42601');
    const [one] = await sql`SELECT 1 AS one`;
    expect(one).toEqual({ one: 1 });
  });

  it('enum columns and enum arrays (types fetched at connect include the enum array type)', async () => {
    await sql.unsafe(`DROP TABLE IF EXISTS pjs_moods; DROP TYPE IF EXISTS pjs_mood;
      CREATE TYPE pjs_mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TABLE pjs_moods (id int PRIMARY KEY, m pjs_mood NOT NULL, hist pjs_mood[])`);
    // A fresh client: postgres.js reads pg_type's array types when it connects.
    const sql2 = postgres({ host: tgt.host, port: tgt.port, user: tgt.user, database: tgt.database, max: 1, onnotice: () => {} });
    try {
      await sql2`INSERT INTO pjs_moods VALUES (${1}, ${'happy'}, ${'{sad,ok}'}), (${2}, ${'sad'}, ${null}), (${3}, ${'ok'}, ${'{happy}'})`;
      const rows = await sql2`SELECT id, m, hist FROM pjs_moods WHERE m >= ${'ok'} ORDER BY m`;
      expect(rows.map((r) => [r.id, r.m, r.hist])).toEqual([[3, 'ok', ['happy']], [1, 'happy', ['sad', 'ok']]]);
      expect(await sqlState(sql2`INSERT INTO pjs_moods VALUES (${4}, ${'angry'})`)).toBe('22P02');
      const [r] = await sql2`SELECT enum_range(NULL::pjs_mood) AS r, enum_first(NULL::pjs_mood) AS f`;
      expect([r!.r, r!.f]).toEqual([['sad', 'ok', 'happy'], 'sad']);
    } finally {
      await sql2.end({ timeout: 5 });
      await sql.unsafe('DROP TABLE pjs_moods; DROP TYPE pjs_mood');
    }
  });

  it('DELETE ... RETURNING and row counts', async () => {
    const del = await sql`DELETE FROM pjs_lines WHERE order_id = ${3} RETURNING sku`;
    expect(del.count).toBe(2);
    expect(del.map((x) => x.sku).sort()).toEqual(['D-4', 'E-5']);
    const upd = await sql`UPDATE pjs_orders SET note = ${'bulk'}`;
    expect(upd.count).toBe(3);
  });
});
