// node-postgres (`pg`): an inventory app session. Simple and parameterized queries (extended
// protocol), every foundation type round-tripped with NULLs, transactions, errors with SQLSTATE.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sharedTarget } from '../harness/shared-target.js';
import pg from 'pg';

const tgt = sharedTarget();
const dateOid = 1082;

function newClient(): pg.Client {
  return new pg.Client({
    host: tgt.host, port: tgt.port, user: tgt.user, database: tgt.database,
    application_name: 'nodedb-client-test',
    // keep DATE as the server's text instead of a local-time JS Date
    types: { getTypeParser: (oid: number, format?: string) => (oid === dateOid ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) },
  });
}

async function sqlState(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code ?? `no code: ${String(e)}`;
  }
  return 'no error';
}

describe(`node-postgres against ${tgt.kind}`, () => {
  let c: pg.Client;
  beforeAll(async () => {
    c = newClient();
    await c.connect();
    await c.query('DROP TABLE IF EXISTS npg_orders');
    await c.query('DROP TABLE IF EXISTS npg_items');
    await c.query(`CREATE TABLE npg_items (
      id serial PRIMARY KEY, name text NOT NULL UNIQUE, price numeric(10,2), qty int4, big int8,
      small int2, ratio float8, ratio4 float4, active bool, added date, seen timestamptz,
      at_local timestamp, span interval, uid uuid, doc jsonb, raw_doc json, payload bytea,
      tags text[], scores int4[], code char(3), label varchar(20))`);
    await c.query('CREATE TABLE npg_orders (id int8 PRIMARY KEY, item_id int4 NOT NULL, amount int4 NOT NULL)');
  });
  afterAll(async () => {
    if (!c) return;
    await c.query('DROP TABLE IF EXISTS npg_orders');
    await c.query('DROP TABLE IF EXISTS npg_items');
    await c.end();
  });

  it('simple query protocol: several statements, command tags, rows', async () => {
    const results = (await c.query(
      "INSERT INTO npg_items (name, price, qty) VALUES ('widget', 9.99, 10), ('gadget', 24.50, 3); SELECT name, price, qty FROM npg_items ORDER BY name",
    )) as unknown as pg.QueryResult[];
    expect(results).toHaveLength(2);
    expect(results[0]!.command).toBe('INSERT');
    expect(results[0]!.rowCount).toBe(2);
    expect(results[1]!.rows).toEqual([
      { name: 'gadget', price: '24.50', qty: 3 },
      { name: 'widget', price: '9.99', qty: 10 },
    ]);
    expect(results[1]!.fields.map((f) => f.name)).toEqual(['name', 'price', 'qty']);
  });

  it('parameterized INSERT ... RETURNING round-trips every type, including NULLs', async () => {
    const seen = new Date('2024-03-10T12:34:56.789Z');
    const payload = Buffer.from([0, 1, 2, 253, 254, 255]);
    const ins = await c.query(
      `INSERT INTO npg_items (name, price, qty, big, small, ratio, ratio4, active, added, seen, at_local, span, uid, doc, raw_doc, payload, tags, scores, code, label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id`,
      ['sprocket', '1234567.89', -42, '9007199254740993', 7, 0.1, 1.5, true, '2024-02-29', seen,
        '2024-01-02 03:04:05.5', '1 day 02:03:04', '0f8fad5b-d9cb-469f-a165-70867728950e',
        { a: [1, 2, { b: null }], s: 'ü' }, '{"keep":  "spacing"}', payload,
        ['x', 'y z', null], [1, 2, 3], 'ab', 'label'],
    );
    expect(ins.rows).toHaveLength(1);
    const id = ins.rows[0].id as number;
    expect(typeof id).toBe('number');
    const r = await c.query('SELECT * FROM npg_items WHERE id = $1', [id]);
    expect(r.rows).toHaveLength(1);
    const row = r.rows[0];
    expect(row).toMatchObject({
      name: 'sprocket', price: '1234567.89', qty: -42, big: '9007199254740993', small: 7,
      ratio: 0.1, ratio4: 1.5, active: true, added: '2024-02-29',
      uid: '0f8fad5b-d9cb-469f-a165-70867728950e',
      doc: { a: [1, 2, { b: null }], s: 'ü' }, raw_doc: { keep: 'spacing' },
      tags: ['x', 'y z', null], scores: [1, 2, 3], code: 'ab ', label: 'label',
    });
    expect((row.seen as Date).toISOString()).toBe(seen.toISOString());
    expect(Buffer.compare(row.payload as Buffer, payload)).toBe(0);
    expect(row.span).toMatchObject({ days: 1, hours: 2, minutes: 3, seconds: 4 });
    const local = await c.query("SELECT at_local::text AS t, raw_doc::text AS j FROM npg_items WHERE id = $1", [id]);
    expect(local.rows[0]).toEqual({ t: '2024-01-02 03:04:05.5', j: '{"keep":  "spacing"}' });

    const nulls = await c.query(
      'INSERT INTO npg_items (name, price, qty, active, doc, tags, payload) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING price, qty, active, doc, tags, payload, seen',
      ['nothing', null, null, null, null, null, null],
    );
    expect(nulls.rows[0]).toEqual({ price: null, qty: null, active: null, doc: null, tags: null, payload: null, seen: null });
  });

  it('prepared (named) statements are reused with different parameters', async () => {
    const q = { name: 'npg_by_qty', text: 'SELECT name FROM npg_items WHERE qty >= $1 ORDER BY name' };
    expect((await c.query({ ...q, values: [5] })).rows).toEqual([{ name: 'widget' }]);
    expect((await c.query({ ...q, values: [-100] })).rows.map((r) => r.name)).toEqual(['gadget', 'sprocket', 'widget']);
    const typed = await c.query('SELECT $1::int4 + 1 AS n, $2::text || $3 AS s, $4::numeric * 2 AS d, $5::bool AS b', [41, 'a', 'b', '1.25', false]);
    expect(typed.rows[0]).toEqual({ n: 42, s: 'ab', d: '2.50', b: false });
  });

  it('transactions: commit, rollback, aborted state and savepoint recovery', async () => {
    await c.query('BEGIN');
    await c.query('INSERT INTO npg_orders VALUES (1, 1, 5), (2, 1, 7)');
    await c.query('UPDATE npg_items SET qty = qty - 12 WHERE name = $1', ['widget']);
    await c.query('COMMIT');
    await c.query('BEGIN');
    await c.query('INSERT INTO npg_orders VALUES (3, 2, 100)');
    await c.query('ROLLBACK');
    const orders = await c.query('SELECT id, amount FROM npg_orders ORDER BY id');
    expect(orders.rows).toEqual([{ id: '1', amount: 5 }, { id: '2', amount: 7 }]);
    expect((await c.query("SELECT qty FROM npg_items WHERE name = 'widget'")).rows).toEqual([{ qty: -2 }]);

    await c.query('BEGIN');
    expect(await sqlState(c.query('INSERT INTO npg_orders VALUES (1, 1, 1)'))).toBe('23505');
    expect(await sqlState(c.query('SELECT 1'))).toBe('25P02');
    await c.query('ROLLBACK');

    await c.query('BEGIN');
    await c.query('SAVEPOINT s1');
    expect(await sqlState(c.query('INSERT INTO npg_orders VALUES (2, 1, 1)'))).toBe('23505');
    await c.query('ROLLBACK TO SAVEPOINT s1');
    await c.query('INSERT INTO npg_orders VALUES (4, 2, 1)');
    await c.query('COMMIT');
    expect((await c.query('SELECT count(*)::int AS n FROM npg_orders')).rows).toEqual([{ n: 3 }]);
  });

  it('errors carry SQLSTATE, message and position; the connection keeps working', async () => {
    const cases: [string, unknown[], string][] = [
      ['SELEC 1', [], '42601'],
      ['SELECT * FROM npg_nosuch', [], '42P01'],
      ['SELECT nosuch FROM npg_items', [], '42703'],
      ['SELECT 1 / $1::int', [0], '22012'],
      ['SELECT $1::int', ['x'], '22P02'],
      ['SELECT $1::int2', [70000], '22003'],
      ['INSERT INTO npg_items (name) VALUES (NULL)', [], '23502'],
      ["INSERT INTO npg_items (name) VALUES ('widget')", [], '23505'],
    ];
    for (const [text, values, code] of cases) {
      expect(await sqlState(c.query(text, values)), text).toBe(code);
    }
    const err = (await c.query('SELECT * FROM npg_nosuch').then(() => null, (e: unknown) => e)) as
      { message: string; severity: string; position: string; code: string } | null;
    expect(err).not.toBeNull();
    expect(err!.message).toBe('relation "npg_nosuch" does not exist');
    expect(err!.severity).toBe('ERROR');
    expect(err!.position).toBe('15');
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('joins, grouping and ordering over app data', async () => {
    const r = await c.query(`SELECT i.name, count(o.id)::int AS orders, coalesce(sum(o.amount), 0)::int AS total
      FROM npg_items i LEFT JOIN npg_orders o ON o.item_id = i.id
      GROUP BY i.name ORDER BY total DESC, i.name LIMIT 3`);
    expect(r.rows).toEqual([
      { name: 'widget', orders: 2, total: 12 },
      { name: 'gadget', orders: 1, total: 1 },
      { name: 'nothing', orders: 0, total: 0 },
    ]);
  });

  it('a second connection sees committed data and not uncommitted data', async () => {
    const other = newClient();
    await other.connect();
    try {
      await c.query('BEGIN');
      await c.query('INSERT INTO npg_orders VALUES (10, 1, 1)');
      expect((await other.query('SELECT count(*)::int AS n FROM npg_orders WHERE id = 10')).rows).toEqual([{ n: 0 }]);
      await c.query('COMMIT');
      expect((await other.query('SELECT count(*)::int AS n FROM npg_orders WHERE id = 10')).rows).toEqual([{ n: 1 }]);
    } finally {
      await other.end();
    }
  });

  it('cursors through the extended protocol: DECLARE with parameters, FETCH and MOVE', async () => {
    await c.query('BEGIN');
    try {
      await c.query({ text: 'DECLARE npg_cur SCROLL CURSOR FOR SELECT g, $1::text AS t FROM generate_series(1, $2) g', values: ['x', 4] });
      const first = await c.query({ text: 'FETCH 2 FROM npg_cur', values: [] });
      expect(first.command).toBe('FETCH');
      expect(first.rows).toEqual([{ g: 1, t: 'x' }, { g: 2, t: 'x' }]);
      const back = await c.query({ text: 'FETCH BACKWARD 1 FROM npg_cur', values: [], rowMode: 'array' });
      expect(back.rows).toEqual([[1, 'x']]);
      const moved = await c.query({ text: 'MOVE FORWARD ALL IN npg_cur', values: [] });
      expect([moved.command, moved.rowCount]).toEqual(['MOVE', 3]);
    } finally {
      await c.query('COMMIT');
    }
  });
});
