// pg_locks from the real lock table: one session holds a row lock, a second waits for it, a
// third reads pg_locks. Needs the built CLI (npm run build), like psql-describe.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { connOptions, startNode, waitFor, type ServerHandle } from '../test/harness/index.mjs';

let node: ServerHandle;
const clients: pg.Client[] = [];

async function connect(): Promise<pg.Client> {
  const c = new pg.Client(connOptions(node));
  await c.connect();
  clients.push(c);
  return c;
}

beforeAll(async () => {
  node = await startNode();
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await node?.stop({ removeDataDir: true });
});

const lockQuery = `SELECT locktype, relation::regclass::text AS rel, pid, mode, granted, waitstart IS NOT NULL AS waiting
  FROM pg_locks WHERE relation = 'lk'::regclass ORDER BY pid, locktype, granted DESC`;

describe('pg_locks', () => {
  it('shows the row lock held, the one waited for (with waitstart) and the table locks', async () => {
    const [holder, waiter, observer] = [await connect(), await connect(), await connect()];
    await holder.query('CREATE TABLE lk (id int PRIMARY KEY, v int)');
    await holder.query('INSERT INTO lk VALUES (1, 1), (2, 2)');
    const holderPid = (await holder.query('SELECT pg_backend_pid() AS p')).rows[0].p as number;
    const waiterPid = (await waiter.query('SELECT pg_backend_pid() AS p')).rows[0].p as number;
    await holder.query('BEGIN');
    await holder.query('UPDATE lk SET v = 10 WHERE id = 1');
    await waiter.query('BEGIN');
    const blocked = waiter.query('UPDATE lk SET v = 20 WHERE id = 1');
    const rows = await waitFor('the waiter in pg_locks', async () => {
      const r = (await observer.query(lockQuery)).rows;
      return r.some((x) => x.granted === false) ? r : undefined;
    }, { timeoutMs: 10_000 });
    expect(rows).toEqual([
      { locktype: 'relation', rel: 'lk', pid: holderPid, mode: 'AccessShareLock', granted: true, waiting: false },
      { locktype: 'tuple', rel: 'lk', pid: holderPid, mode: 'ExclusiveLock', granted: true, waiting: false },
      { locktype: 'relation', rel: 'lk', pid: waiterPid, mode: 'AccessShareLock', granted: true, waiting: false },
      { locktype: 'tuple', rel: 'lk', pid: waiterPid, mode: 'ExclusiveLock', granted: false, waiting: true },
    ]);
    await holder.query('COMMIT');
    await blocked;
    await waiter.query('COMMIT');
    expect((await observer.query(lockQuery)).rows).toEqual([]);
  });
});
