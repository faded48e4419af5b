// Durability under SIGKILL: several connections commit rows (autocommit single-row INSERTs and
// explicit multi-row transactions), every acknowledged commit is recorded, the server is killed
// with SIGKILL mid-stream, restarted on the same data directory, and then:
//   - every acknowledged row is there, with its payload;
//   - every transaction is all-or-nothing (an unacknowledged one may be there, but never half);
//   - no row exists that was never sent.
// Runs two kill/restart cycles. NODEDB_TEST_TARGET=pg runs it against PostgreSQL (fsync on).
import { describe, it, expect, afterAll } from 'vitest';
import pg from 'pg';
import { startNode, startPostgres, targetKind, waitFor, type ServerHandle } from '../harness/index.mjs';
import { mulberry32 as rng } from '../../util/seeded-random.js';

const writerCount = 4;
const txnRowsMax = 4;
const ackedBeforeKillMin = 150;
const killAfterMsMax = 20_000;
const cycles = 2;
const seed = Number(process.env.NODEDB_DURABILITY_SEED ?? Date.now() % 1_000_000);
console.log(`durability seed=${seed} (NODEDB_DURABILITY_SEED=${seed} replays the choices)`);


interface Txn { id: string; rows: number; acked: boolean }

describe(`durability: SIGKILL during acknowledged commits (${targetKind()})`, () => {
  let node: ServerHandle | null = null;
  afterAll(async () => {
    if (node) await node.stop();
  });

  function client(): pg.Client {
    const c = new pg.Client({ host: node!.host, port: node!.port, user: node!.user, database: node!.database });
    c.on('error', () => {}); // the server dies under us on purpose
    return c;
  }

  async function writer(w: number, cycle: number, txns: Map<string, Txn>, stop: { now: boolean }, random: () => number) {
    const c = client();
    await c.connect();
    let seq = 0;
    try {
      while (!stop.now) {
        const id = `c${cycle}w${w}t${seq}`;
        seq += 1;
        const explicit = random() < 0.5;
        const rows = explicit ? 1 + Math.floor(random() * txnRowsMax) : 1;
        const txn: Txn = { id, rows, acked: false };
        txns.set(id, txn);
        if (explicit) {
          await c.query('BEGIN');
          for (let i = 0; i < rows; i += 1) {
            await c.query('INSERT INTO dur_rows (txn, part, parts, payload) VALUES ($1, $2, $3, $4)', [id, i, rows, `${id}:${i}`]);
          }
          await c.query('COMMIT');
        } else {
          await c.query('INSERT INTO dur_rows (txn, part, parts, payload) VALUES ($1, 0, 1, $2)', [id, `${id}:0`]);
        }
        txn.acked = true;
      }
    } catch {
      // connection lost when the node was killed: expected
    } finally {
      await c.end().catch(() => {});
    }
  }

  it(`every acknowledged commit survives ${cycles} SIGKILL/restart cycles`, async () => {
    node = targetKind() === 'pg' ? await startPostgres({ fsync: true }) : await startNode();
    const setup = client();
    await setup.connect();
    await setup.query('CREATE TABLE dur_rows (txn text NOT NULL, part int NOT NULL, parts int NOT NULL, payload text NOT NULL, PRIMARY KEY (txn, part))');
    await setup.end();

    const txns = new Map<string, Txn>();
    const random = rng(seed);
    for (let cycle = 0; cycle < cycles; cycle += 1) {
      const stop = { now: false };
      const ackedAtStart = [...txns.values()].filter((t) => t.acked).length;
      const writers = Array.from({ length: writerCount }, (_, w) => writer(w, cycle, txns, stop, random));
      await waitFor(`${ackedBeforeKillMin} acknowledged commits in cycle ${cycle}`,
        () => [...txns.values()].filter((t) => t.acked).length - ackedAtStart >= ackedBeforeKillMin,
        { timeoutMs: killAfterMsMax, intervalMs: 5 });
      const killed = await node.kill('SIGKILL');
      stop.now = true;
      await Promise.all(writers);
      expect(killed?.signal ?? 'SIGKILL').toBe('SIGKILL');

      await node.restart();
      const check = client();
      await check.connect();
      try {
        const { rows } = await check.query<{ txn: string; part: number; parts: number; payload: string }>(
          'SELECT txn, part, parts, payload FROM dur_rows');
        const present = new Map<string, { part: number; parts: number; payload: string }[]>();
        for (const r of rows) {
          const list = present.get(r.txn) ?? [];
          list.push(r);
          present.set(r.txn, list);
        }
        const lost: string[] = [];
        const partial: string[] = [];
        const unknown: string[] = [];
        for (const [id, list] of present) {
          const t = txns.get(id);
          if (!t) { unknown.push(id); continue; }
          if (list.length !== t.rows || list.some((r) => r.parts !== t.rows || r.payload !== `${id}:${r.part}`)) partial.push(id);
        }
        for (const t of txns.values()) {
          if (t.acked && !present.has(t.id)) lost.push(t.id);
        }
        const acked = [...txns.values()].filter((t) => t.acked).length;
        console.log(`cycle ${cycle}: ${acked} acknowledged transactions so far, ${present.size} present after restart, ` +
          `${present.size - acked} unacknowledged but committed`);
        expect(lost, `acknowledged transactions missing after SIGKILL (seed ${seed})`).toEqual([]);
        expect(partial, `transactions only partly present (seed ${seed})`).toEqual([]);
        expect(unknown, 'rows nobody wrote').toEqual([]);
        // an unacknowledged transaction that did commit is now simply committed
        for (const id of present.keys()) txns.get(id)!.acked = true;
        for (const t of txns.values()) if (!t.acked) txns.delete(t.id);
      } finally {
        await check.end();
      }
    }
  });
});
