// ALTER COLUMN TYPE is transactional, as in PostgreSQL: while the altering transaction is open
// other sessions wait for it (its lock) and, when it rolls back, still find the old rows and
// type; after COMMIT they see the rewritten rows, looked up through the re-encoded primary key.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { sharedTarget } from '../harness/shared-target.js';

const tgt = sharedTarget();
const lockTimeoutMs = 300;

function client(): pg.Client {
  return new pg.Client({ host: tgt.host, port: tgt.port, user: tgt.user, database: tgt.database });
}

async function columnType(c: pg.Client): Promise<string> {
  const r = await c.query("SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'at_txn'::regclass AND attname = 'k'");
  return String(r.rows[0].t);
}

describe(`ALTER COLUMN TYPE in a transaction against ${tgt.kind}`, () => {
  let a: pg.Client;
  let b: pg.Client;
  beforeAll(async () => {
    a = client();
    b = client();
    await Promise.all([a.connect(), b.connect()]);
    await a.query('DROP TABLE IF EXISTS at_txn');
    await a.query('CREATE TABLE at_txn (k text PRIMARY KEY, v int)');
    await a.query("INSERT INTO at_txn VALUES ('2', 20), ('10', 100), ('1', 10)");
    await b.query(`SET lock_timeout = '${lockTimeoutMs}ms'`);
  });
  afterAll(async () => {
    await a?.query('DROP TABLE IF EXISTS at_txn');
    await Promise.all([a?.end(), b?.end()]);
  });

  it('others wait during the transaction and find the old rows and type after ROLLBACK', async () => {
    await a.query('BEGIN');
    await a.query('ALTER TABLE at_txn ALTER COLUMN k TYPE int USING k::int');
    expect((await a.query('SELECT k, v FROM at_txn ORDER BY k')).rows).toEqual([
      { k: 1, v: 10 },
      { k: 2, v: 20 },
      { k: 10, v: 100 },
    ]);
    await expect(b.query('SELECT k FROM at_txn')).rejects.toMatchObject({ code: '55P03' });
    await a.query('ROLLBACK');
    expect((await b.query('SELECT k, v FROM at_txn ORDER BY k')).rows).toEqual([
      { k: '1', v: 10 },
      { k: '10', v: 100 },
      { k: '2', v: 20 },
    ]);
    expect(await columnType(b)).toBe('text');
  });

  it('after COMMIT others see the new type, rows and key order', async () => {
    await a.query('BEGIN');
    await a.query('ALTER TABLE at_txn ALTER COLUMN k TYPE int USING k::int, ALTER COLUMN v TYPE text');
    await a.query('COMMIT');
    expect(await columnType(b)).toBe('integer');
    expect((await b.query('SELECT k, v FROM at_txn ORDER BY k')).rows).toEqual([
      { k: 1, v: '10' },
      { k: 2, v: '20' },
      { k: 10, v: '100' },
    ]);
    expect((await b.query('SELECT v FROM at_txn WHERE k = 10')).rows).toEqual([{ v: '100' }]);
    await expect(b.query('INSERT INTO at_txn VALUES (2, 0)')).rejects.toMatchObject({ code: '23505' });
  });
});
