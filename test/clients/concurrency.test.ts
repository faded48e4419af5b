// Several sessions at once, as an app server with a connection pool does it:
//  - two sessions updating the same row: the second waits for the first, then applies to its
//    result (READ COMMITTED, no lost update, no spurious error);
//  - many concurrent increments (autocommit and explicit transactions) add up exactly;
//  - unrelated DDL in concurrent sessions does not conflict.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { sharedTarget } from '../harness/shared-target.js';

const tgt = sharedTarget();
const sessionCount = 4;
const incrementsPerSession = 25;
const ddlRounds = 5;

function client(): pg.Client {
  return new pg.Client({ host: tgt.host, port: tgt.port, user: tgt.user, database: tgt.database });
}
async function withClients<T>(n: number, fn: (cs: pg.Client[]) => Promise<T>): Promise<T> {
  const cs = Array.from({ length: n }, client);
  await Promise.all(cs.map((c) => c.connect()));
  try {
    return await fn(cs);
  } finally {
    await Promise.all(cs.map((c) => c.end()));
  }
}

describe(`concurrent sessions against ${tgt.kind}`, () => {
  let admin: pg.Client;
  beforeAll(async () => {
    admin = client();
    await admin.connect();
    await admin.query('DROP TABLE IF EXISTS conc_counters');
    await admin.query('CREATE TABLE conc_counters (id int PRIMARY KEY, n int NOT NULL)');
    await admin.query('INSERT INTO conc_counters VALUES (1, 0), (2, 0), (3, 0)');
  });
  afterAll(async () => {
    if (!admin) return;
    await admin.query('DROP TABLE IF EXISTS conc_counters');
    await admin.end();
  });

  it('a second UPDATE of a locked row waits for COMMIT, then applies to the committed value', async () => {
    await withClients(2, async ([a, b]) => {
      await a!.query('BEGIN');
      expect((await a!.query('UPDATE conc_counters SET n = n + 10 WHERE id = 1')).rowCount).toBe(1);
      let bDone = false;
      const bUpdate = b!.query('UPDATE conc_counters SET n = n * 2 WHERE id = 1 RETURNING n').then((r) => { bDone = true; return r; });
      // several round trips on the first session while the second one must still be waiting
      for (let i = 0; i < 5; i += 1) await a!.query('SELECT 1');
      expect(bDone, 'the second UPDATE did not wait for the first transaction').toBe(false);
      await a!.query('COMMIT');
      const r = await bUpdate;
      expect(r.rows).toEqual([{ n: 20 }]);
    });
    expect((await admin.query('SELECT n FROM conc_counters WHERE id = 1')).rows).toEqual([{ n: 20 }]);
  });

  it('a waiting UPDATE after a ROLLBACK applies to the old value', async () => {
    await withClients(2, async ([a, b]) => {
      await a!.query('BEGIN');
      await a!.query('UPDATE conc_counters SET n = 999 WHERE id = 1');
      const bUpdate = b!.query('UPDATE conc_counters SET n = n + 1 WHERE id = 1 RETURNING n');
      await a!.query('SELECT 1');
      await a!.query('ROLLBACK');
      expect((await bUpdate).rows).toEqual([{ n: 21 }]);
    });
  });

  it(`${sessionCount} sessions x ${incrementsPerSession} increments, autocommit and explicit, add up exactly`, async () => {
    await withClients(sessionCount, async (cs) => {
      await Promise.all(cs.map(async (c, i) => {
        for (let k = 0; k < incrementsPerSession; k += 1) {
          if ((i + k) % 2 === 0) {
            await c.query('UPDATE conc_counters SET n = n + 1 WHERE id = 2');
          } else {
            await c.query('BEGIN');
            await c.query('UPDATE conc_counters SET n = n + 1 WHERE id = 2');
            await c.query('UPDATE conc_counters SET n = n + 1 WHERE id = 3');
            await c.query('COMMIT');
          }
        }
      }));
    });
    const { rows } = await admin.query('SELECT id, n FROM conc_counters WHERE id IN (2, 3) ORDER BY id');
    const explicitTxns = sessionCount * incrementsPerSession / 2;
    expect(rows).toEqual([{ id: 2, n: sessionCount * incrementsPerSession }, { id: 3, n: explicitTxns }]);
  });

  it('unrelated DDL in concurrent sessions does not conflict', async () => {
    await withClients(2, async (cs) => {
      await Promise.all(cs.map(async (c, i) => {
        for (let round = 0; round < ddlRounds; round += 1) {
          const t = `conc_ddl_${i}_${round}`;
          await c.query(`CREATE TABLE ${t} (id int PRIMARY KEY, v text)`);
          await c.query(`INSERT INTO ${t} VALUES (1, 'x')`);
          await c.query(`CREATE INDEX ${t}_v ON ${t} (v)`);
          await c.query(`DROP TABLE ${t}`);
        }
      }));
    });
  });

  it('a DDL transaction commits although another session committed unrelated DDL meanwhile', async () => {
    await withClients(2, async ([a, b]) => {
      await a!.query('BEGIN');
      await a!.query('CREATE TABLE conc_long (id int PRIMARY KEY, v text)');
      await a!.query("INSERT INTO conc_long VALUES (1, 'a'), (2, 'b')");
      await b!.query('CREATE TABLE conc_other (id int PRIMARY KEY)');
      await b!.query('INSERT INTO conc_other VALUES (1)');
      await a!.query('COMMIT');
      expect((await b!.query('SELECT count(*)::int AS n FROM conc_long')).rows).toEqual([{ n: 2 }]);
      await a!.query('DROP TABLE conc_other');
      await b!.query('DROP TABLE conc_long');
    });
  });
});
