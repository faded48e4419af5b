// CHECK constraints printed like PostgreSQL 15's analysed form: implicit operand casts shown.
// Expected rows are PostgreSQL 15's pg_get_constraintdef(oid) and pg_get_constraintdef(oid, true).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDb, type TestSession } from '../sql/exec/testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec(`CREATE TABLE ck (i int CHECK (i > 0), b bigint CHECK (b < 10 AND b > -5), s smallint CHECK (s <> 3), n numeric CHECK (n >= 0.5), m numeric(6,2) CHECK (m > 0 OR m IS NULL), f float8 CHECK (f > 0), v varchar(5) CHECK (v <> 'x'), t text CHECK (t = 'a' OR t = 'b'), d date CHECK (d > '2020-01-01'), ok bool CHECK (NOT ok), c char(3) CHECK (c <> 'abc'), x int CHECK (x + 1 > 2 * i), y int CHECK (y > 1.5), z numeric CHECK (z * 2 > i))`);
});
afterAll(async () => {
  await db.close();
});

describe('pg_get_constraintdef for CHECK', () => {
  it('shows the implicit casts PostgreSQL adds to operator operands', async () => {
    const r = await s.exec(
      "SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) FROM pg_constraint WHERE conrelid = 'ck'::regclass ORDER BY conname",
    );
    expect(r.rows).toEqual([
      ["ck_b_check", "CHECK (((b < 10) AND (b > '-5'::integer)))", "CHECK (b < 10 AND b > '-5'::integer)"],
      ["ck_c_check", "CHECK ((c <> 'abc'::bpchar))", "CHECK (c <> 'abc'::bpchar)"],
      ["ck_check", "CHECK (((x + 1) > (2 * i)))", "CHECK ((x + 1) > (2 * i))"],
      ["ck_check1", "CHECK (((z * (2)::numeric) > (i)::numeric))", "CHECK ((z * 2::numeric) > i::numeric)"],
      ["ck_d_check", "CHECK ((d > '2020-01-01'::date))", "CHECK (d > '2020-01-01'::date)"],
      ["ck_f_check", "CHECK ((f > (0)::double precision))", "CHECK (f > 0::double precision)"],
      ["ck_i_check", "CHECK ((i > 0))", "CHECK (i > 0)"],
      ["ck_m_check", "CHECK (((m > (0)::numeric) OR (m IS NULL)))", "CHECK (m > 0::numeric OR m IS NULL)"],
      ["ck_n_check", "CHECK ((n >= 0.5))", "CHECK (n >= 0.5)"],
      ["ck_ok_check", "CHECK ((NOT ok))", "CHECK (NOT ok)"],
      ["ck_s_check", "CHECK ((s <> 3))", "CHECK (s <> 3)"],
      ["ck_t_check", "CHECK (((t = 'a'::text) OR (t = 'b'::text)))", "CHECK (t = 'a'::text OR t = 'b'::text)"],
      ["ck_v_check", "CHECK (((v)::text <> 'x'::text))", "CHECK (v::text <> 'x'::text)"],
      ["ck_y_check", "CHECK (((y)::numeric > 1.5))", "CHECK (y::numeric > 1.5)"],
    ]);
  });
});
