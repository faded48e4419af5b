// Randomized check of window frames (ROWS / RANGE / GROUPS, offsets, EXCLUDE, NULL order values)
// against a direct reading of the PostgreSQL 15 frame definitions. The seed is printed; replay
// with NODEDB_WINDOW_SEED=<seed>.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDb, type TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

interface R {
  id: number;
  g: number;
  v: number | null;
}

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const seed = Number(process.env['NODEDB_WINDOW_SEED'] ?? Date.now() % 1000000);
const rand = rng(seed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const rowCount = 24;
const data: R[] = [];
for (let id = 1; id <= rowCount; id++) data.push({ id, g: Math.floor(rand() * 3), v: rand() < 0.15 ? null : Math.floor(rand() * 6) });

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE w (id int PRIMARY KEY, g int, v int)');
  await s.exec(`INSERT INTO w VALUES ${data.map((r) => `(${r.id}, ${r.g}, ${r.v ?? 'NULL'})`).join(', ')}`);
});
afterAll(async () => {
  await db.close();
});

type Bound = { kind: 'up' } | { kind: 'p'; k: number } | { kind: 'cr' } | { kind: 'f'; k: number } | { kind: 'uf' };
interface Frame {
  mode: 'rows' | 'range' | 'groups';
  start: Bound;
  end: Bound;
  exclude: 'no others' | 'current row' | 'group' | 'ties';
  desc: boolean;
  nullsFirst: boolean;
}

const boundSql = (b: Bound): string =>
  b.kind === 'up' ? 'UNBOUNDED PRECEDING' : b.kind === 'uf' ? 'UNBOUNDED FOLLOWING' : b.kind === 'cr' ? 'CURRENT ROW' : `${b.k} ${b.kind === 'p' ? 'PRECEDING' : 'FOLLOWING'}`;
const rank = (b: Bound): number => ['up', 'p', 'cr', 'f', 'uf'].indexOf(b.kind);

function randomFrame(): Frame {
  for (;;) {
    const bound = (): Bound => {
      const k = pick(['up', 'p', 'cr', 'f', 'uf'] as const);
      return k === 'p' || k === 'f' ? { kind: k, k: Math.floor(rand() * 3) } : { kind: k };
    };
    const start = bound();
    const end = bound();
    if (start.kind === 'uf' || end.kind === 'up' || rank(start) > rank(end)) continue;
    return {
      mode: pick(['rows', 'range', 'groups'] as const),
      start,
      end,
      exclude: pick(['no others', 'current row', 'group', 'ties'] as const),
      desc: rand() < 0.5,
      nullsFirst: rand() < 0.5,
    };
  }
}

/** Sort position comparison of two order values (ties broken by id, like the stable sort over the id-ordered scan). */
function cmpOrder(f: Frame, a: number | null, b: number | null): number {
  if (a === null || b === null) {
    if (a === null && b === null) return 0;
    return (a === null) === f.nullsFirst ? -1 : 1;
  }
  return f.desc ? b - a : a - b;
}

function expected(f: Frame): Map<number, number[] | null> {
  const out = new Map<number, number[] | null>();
  for (const g of [0, 1, 2]) {
    const part = data.filter((r) => r.g === g).sort((a, b) => cmpOrder(f, a.v, b.v) || a.id - b.id);
    const groupOf: number[] = [];
    part.forEach((r, i) => groupOf.push(i === 0 ? 0 : groupOf[i - 1]! + (cmpOrder(f, part[i - 1]!.v, r.v) === 0 ? 0 : 1)));
    part.forEach((cur, i) => {
      const inStart = (j: number): boolean => {
        const b = f.start;
        if (b.kind === 'up') return true;
        if (f.mode === 'rows') return j >= (b.kind === 'cr' ? i : b.kind === 'p' ? i - b.k : i + (b as { k: number }).k);
        if (f.mode === 'groups') return groupOf[j]! >= (b.kind === 'cr' ? groupOf[i]! : b.kind === 'p' ? groupOf[i]! - b.k : groupOf[i]! + (b as { k: number }).k);
        if (b.kind === 'cr' || cur.v === null) return groupOf[j]! >= groupOf[i]!;
        const x = part[j]!.v;
        if (x === null) return !f.nullsFirst;
        const off = b.kind === 'p' ? -b.k : (b as { k: number }).k;
        return f.desc ? x <= cur.v - off : x >= cur.v + off;
      };
      const inEnd = (j: number): boolean => {
        const b = f.end;
        if (b.kind === 'uf') return true;
        if (f.mode === 'rows') return j <= (b.kind === 'cr' ? i : b.kind === 'p' ? i - b.k : i + (b as { k: number }).k);
        if (f.mode === 'groups') return groupOf[j]! <= (b.kind === 'cr' ? groupOf[i]! : b.kind === 'p' ? groupOf[i]! - b.k : groupOf[i]! + (b as { k: number }).k);
        if (b.kind === 'cr' || cur.v === null) return groupOf[j]! <= groupOf[i]!;
        const x = part[j]!.v;
        if (x === null) return f.nullsFirst;
        const off = b.kind === 'p' ? -b.k : (b as { k: number }).k;
        return f.desc ? x >= cur.v - off : x <= cur.v + off;
      };
      const ids: number[] = [];
      part.forEach((r, j) => {
        if (!inStart(j) || !inEnd(j)) return;
        if (f.exclude === 'current row' && j === i) return;
        if (f.exclude === 'group' && groupOf[j] === groupOf[i]) return;
        if (f.exclude === 'ties' && j !== i && groupOf[j] === groupOf[i]) return;
        ids.push(r.id);
      });
      out.set(cur.id, ids.length === 0 ? null : ids);
    });
  }
  return out;
}

describe('window frames', () => {
  it(`match the PostgreSQL frame definitions (seed ${seed})`, async () => {
    console.log(`window frames: seed=${seed}`);
    for (let iter = 0; iter < 60; iter++) {
      const f = randomFrame();
      const order = `v ${f.desc ? 'DESC' : 'ASC'} NULLS ${f.nullsFirst ? 'FIRST' : 'LAST'}`;
      const frame = `${f.mode.toUpperCase()} BETWEEN ${boundSql(f.start)} AND ${boundSql(f.end)} EXCLUDE ${f.exclude.toUpperCase()}`;
      const win = `(PARTITION BY g ORDER BY ${order} ${frame})`;
      const sql = `SELECT id, (array_agg(id) OVER ${win})::text, first_value(id) OVER ${win}, last_value(id) OVER ${win}, nth_value(id, 2) OVER ${win} FROM w ORDER BY id`;
      const got = (await s.exec(sql)).rows.map((r) => [r[0], r[1] === null ? null : String(r[1]), r[2], r[3], r[4]]);
      const want = expected(f);
      const wantRows = data.map((r) => {
        const ids = want.get(r.id)!;
        return [r.id, ids === null ? null : `{${ids.join(',')}}`, ids?.[0] ?? null, ids?.[ids.length - 1] ?? null, ids?.[1] ?? null];
      });
      expect(got, `${sql} (seed ${seed})`).toEqual(wantRows);
    }
  });
});
