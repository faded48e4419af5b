// Virtual system tables through the full engine (binder → planner → executor). Expected values
// were checked against PostgreSQL 15 for the same schema where PostgreSQL has the same facts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDb, type TestSession } from '../sql/exec/testing.js';
import { defaultFormatContext, formatText, Oid, sqlType } from '../sql/types/index.js';
import { regObjectName } from './functions.js';
import { virtualRows, virtualTables } from './index.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE t (id int PRIMARY KEY, v varchar(10) NOT NULL, n numeric(10,2) DEFAULT 1.5, CHECK (n > 0))');
  await s.exec('CREATE INDEX t_v ON t (v DESC)');
  await s.exec('CREATE TABLE r (a serial, b text)');
});
afterAll(async () => {
  await db.close();
});

const rows = async (sql: string): Promise<unknown[][]> => (await s.exec(sql)).rows;

describe('virtual tables', () => {
  it("answers postgres.js's connect-time array type query", async () => {
    const r = await rows(`select b.oid, b.typarray
      from pg_catalog.pg_type a
      left join pg_catalog.pg_type b on b.oid = a.typelem
      where a.typcategory = 'A'
      group by b.oid, b.typarray
      order by b.oid`);
    expect(r).toContainEqual([23, 1007]);
    expect(r).toContainEqual([25, 1009]);
    expect(r).toContainEqual([3802, 3807]);
  });

  it('resolves unqualified names through the implicit pg_catalog and aliases', async () => {
    expect(await rows("SELECT c.relname, c.relkind FROM pg_class c WHERE c.relname IN ('t', 't_pkey', 't_v', 'r_a_seq', 'pg_type') ORDER BY 1")).toEqual([
      ['pg_type', 'r'],
      ['r_a_seq', 'S'],
      ['t', 'r'],
      ['t_pkey', 'i'],
      ['t_v', 'i'],
    ]);
    expect(await rows("SELECT oid FROM pg_catalog.pg_class WHERE relname = 'pg_class'")).toEqual([[1259]]);
  });

  it('joins pg_attribute, pg_class and pg_namespace like psql does', async () => {
    const r = await rows(`SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.atthasdef
      FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON a.attrelid = c.oid
      JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relname = 't' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`);
    expect(r).toEqual([
      ['id', 23, -1, true, false],
      ['v', 1043, 14, true, false],
      ['n', 1700, 655366, false, true],
    ]);
  });

  it('pg_index, pg_constraint and pg_indexes describe keys', async () => {
    expect(await rows("SELECT indisprimary, indisunique, indkey::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 't_pkey'")).toEqual([[true, true, '1']]);
    expect(await rows("SELECT conname, contype FROM pg_constraint WHERE conrelid = (SELECT oid FROM pg_class WHERE relname = 't') ORDER BY 1")).toEqual([
      ['t_n_check', 'c'],
      ['t_pkey', 'p'],
    ]);
    expect(await rows("SELECT indexdef FROM pg_indexes WHERE tablename = 't' ORDER BY indexname")).toEqual([
      ['CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)'],
      ['CREATE INDEX t_v ON public.t USING btree (v DESC)'],
    ]);
  });

  it('information_schema.columns and tables', async () => {
    expect(await rows("SELECT column_name, data_type, is_nullable, character_maximum_length, numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position")).toEqual([
      ['id', 'integer', 'NO', null, 32, 0],
      ['v', 'character varying', 'NO', 10, null, null],
      ['n', 'numeric', 'YES', null, 10, 2],
    ]);
    expect(await rows("SELECT table_schema, table_type FROM information_schema.tables WHERE table_name IN ('t', 'r') ORDER BY table_name")).toEqual([
      ['public', 'BASE TABLE'],
      ['public', 'BASE TABLE'],
    ]);
  });

  it('sees DDL of the same session in the next statement', async () => {
    await s.exec('CREATE TABLE later (x int)');
    expect(await rows("SELECT count(*) FROM pg_class WHERE relname = 'later'")).toEqual([[1n]]);
    await s.exec('DROP TABLE later');
    expect(await rows("SELECT count(*) FROM pg_class WHERE relname = 'later'")).toEqual([[0n]]);
  });

  it('EXPLAIN shows the virtual scan with its filter', async () => {
    const plan = (await rows("EXPLAIN (COSTS OFF) SELECT typname FROM pg_type WHERE typname = 'int4'")).map((r) => r[0]);
    expect(plan).toEqual(['Virtual Scan on pg_type', "  Filter: (pg_type.typname = 'int4'::name)"]);
  });

  it('a user table named like an information_schema view wins when information_schema is not on the path', async () => {
    await s.exec('CREATE TABLE tables (x int)');
    expect(await rows('SELECT * FROM tables')).toEqual([]);
    await s.exec('DROP TABLE tables');
  });

  it('reg* literals resolve against the catalog at bind time', async () => {
    expect(await rows("SELECT 't'::regclass::oid = (SELECT oid FROM pg_class WHERE relname = 't')")).toEqual([[true]]);
    expect(await rows("SELECT 'pg_catalog.pg_class'::regclass::oid, 'int4'::regtype::oid, 'public'::regnamespace::oid")).toEqual([[1259, 23, 2200]]);
    expect((await s.exec("SELECT 'nope'::regclass").catch((e: unknown) => e)) as { code: string; message: string }).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
  });

  it('introspection functions read the statement snapshot', async () => {
    expect(await rows(`SELECT a.attname, format_type(a.atttypid, a.atttypmod), pg_get_expr(d.adbin, d.adrelid)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = 't'::regclass AND a.attnum > 0 ORDER BY a.attnum`)).toEqual([
      ['id', 'integer', null],
      ['v', 'character varying(10)', null],
      ['n', 'numeric(10,2)', '1.5'],
    ]);
    expect(await rows("SELECT pg_table_is_visible('t'::regclass), pg_table_is_visible('pg_class'::regclass), pg_get_userbyid(10)")).toEqual([[true, true, 'postgres']]);
    expect(await rows("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = 't'::regclass ORDER BY 1")).toEqual([
      ['CREATE INDEX t_v ON public.t USING btree (v DESC)'],
      ['CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)'],
    ]);
    expect(await rows("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'p' AND conrelid = 't'::regclass")).toEqual([['t_pkey', 'PRIMARY KEY (id)']]);
    expect(await rows("SELECT pg_get_serial_sequence('r', 'a'), current_schemas(true)::text")).toEqual([['public.r_a_seq', '{pg_catalog,public}']]);
    await s.exec("COMMENT ON TABLE t IS 'the t'");
    expect(await rows("SELECT obj_description('t'::regclass, 'pg_class'), col_description('t'::regclass, 1)")).toEqual([['the t', null]]);
  });

  it('pg_proc lists the built-in functions nodedb implements, with PostgreSQL oids', async () => {
    expect(await rows("SELECT oid, pg_get_function_arguments(oid), pg_get_function_result(oid) FROM pg_proc WHERE proname = 'format_type'")).toEqual([[1081, 'oid, integer', 'text']]);
    expect(await rows("SELECT count(*) > 100 FROM pg_proc WHERE prokind = 'f'")).toEqual([[true]]);
  });

  it('reg* output names come from the catalog (regName hook of the format context)', async () => {
    const ctx = { catalog: db.state, session: { user: 'postgres', database: 'postgres' }, searchPath: ['$user', 'public'] };
    const fmt = { ...defaultFormatContext, regName: (t: number, o: number) => regObjectName(ctx, t, o) };
    const [[tOid, typinput]] = (await rows("SELECT 't'::regclass, typinput FROM pg_type WHERE oid = 23")) as [[number, number]];
    expect(formatText(sqlType(Oid.regclass), tOid, fmt)).toBe('t');
    expect(formatText(sqlType(Oid.regclass), 1259, fmt)).toBe('pg_class');
    expect(formatText(sqlType(Oid.regproc), typinput, fmt)).toBe('int4in');
    expect(formatText(sqlType(Oid.regnamespace), 2200, fmt)).toBe('public');
    expect(formatText(sqlType(Oid.regclass), 0, fmt)).toBe('-');
    expect(formatText(sqlType(Oid.regclass), 999999, fmt)).toBe('999999');
    expect(formatText(sqlType(Oid.regclass), tOid, defaultFormatContext)).toBe(String(tOid));
  });

  it('relation sizes come from storage; pg_size_pretty as PostgreSQL 15', async () => {
    await s.exec("INSERT INTO t VALUES (1, 'a', 2), (2, 'b', 3)");
    const [[main, idx, total, seq]] = (await rows("SELECT pg_relation_size('t'), pg_indexes_size('t'), pg_total_relation_size('t'), pg_relation_size('r_a_seq')")) as [[bigint, bigint, bigint, bigint]];
    expect(main).toBeGreaterThan(0n);
    expect(idx).toBeGreaterThan(0n);
    expect(total).toBeGreaterThanOrEqual(main + idx);
    expect(seq).toBe(0n);
    expect(await rows('SELECT pg_relation_size(123456789)')).toEqual([[null]]);
    // SELECT pg_size_pretty(x) on PostgreSQL 15 for these x:
    expect(await rows('SELECT pg_size_pretty(0), pg_size_pretty(10239), pg_size_pretty(10240), pg_size_pretty(1048575), pg_size_pretty(10485760), pg_size_pretty(-10240), pg_size_pretty(9223372036854775807)')).toEqual([
      ['0 bytes', '10239 bytes', '10 kB', '1024 kB', '10 MB', '-10 kB', '8192 PB'],
    ]);
  });

  it('dropped columns stay in pg_attribute as PostgreSQL shows them', async () => {
    await s.exec('CREATE TABLE dc (a int, b text, c int)');
    await s.exec('ALTER TABLE dc DROP COLUMN b');
    expect(await rows("SELECT attnum, attname, atttypid, attisdropped FROM pg_attribute WHERE attrelid = 'dc'::regclass AND attnum > 0 ORDER BY attnum")).toEqual([
      [1, 'a', 23, false],
      [2, '........pg.dropped.2........', 0, true],
      [3, 'c', 23, false],
    ]);
    expect(await rows("SELECT column_name, ordinal_position FROM information_schema.columns WHERE table_name = 'dc' ORDER BY 2")).toEqual([
      ['a', 1],
      ['c', 3],
    ]);
    expect(await rows("SELECT data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'pg_catalog' AND table_name = 'pg_class' AND column_name IN ('relname', 'relacl') ORDER BY 1")).toEqual([['ARRAY', 'YES'], ['name', 'NO']]);
    await s.exec('DROP TABLE dc');
  });

  it('pg_stat_activity shows what the session layer reports, and refuses without it', async () => {
    const e = await s.exec('SELECT count(*) FROM pg_stat_activity').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: '0A000', message: 'pg_stat_activity is not available in this context' });
    const ctx = { catalog: db.state, session: { user: 'postgres', database: 'postgres', activity: () => [
      { pid: 42, user: 'postgres', database: 'postgres', applicationName: 'psql', clientAddr: '127.0.0.1', clientPort: 5000, backendStartMicros: 1n, xactStartMicros: null, queryStartMicros: 2n, stateChangeMicros: 3n, state: 'idle' as const, query: 'select 1' },
    ] } };
    const table = virtualTables().get('pg_stat_activity')!;
    const [row] = virtualRows(table, ctx, {});
    const col = (n: string) => row![table.columns.findIndex((c) => c.name === n)];
    expect([col('pid'), col('datid'), col('usesysid'), col('state'), col('query'), col('backend_type')]).toEqual([42, 5, 10, 'idle', 'select 1', 'client backend']);
  });
});


describe('information_schema.routines', () => {
  it('lists the implemented functions as PostgreSQL 15 does (internal, SQL-bodied, aggregates)', async () => {
    // Expected rows taken from PostgreSQL 15's information_schema.routines.
    expect(
      await rows(`SELECT specific_name, routine_type, data_type, type_udt_name, routine_body, routine_definition,
        external_language, is_deterministic, is_null_call FROM information_schema.routines
        WHERE specific_name IN ('lower_870', 'age_2059', 'count_2803', 'string_to_array_394', 'max_2244') ORDER BY 1`),
    ).toEqual([
      ['age_2059', 'FUNCTION', 'interval', 'interval', 'SQL', '', 'SQL', 'NO', 'YES'],
      ['count_2803', null, 'bigint', 'int8', 'EXTERNAL', 'aggregate_dummy', 'INTERNAL', 'YES', 'NO'],
      ['lower_870', 'FUNCTION', 'text', 'text', 'EXTERNAL', 'lower', 'INTERNAL', 'YES', 'YES'],
      ['max_2244', null, 'character', 'bpchar', 'EXTERNAL', 'aggregate_dummy', 'INTERNAL', 'YES', 'NO'],
      ['string_to_array_394', 'FUNCTION', 'ARRAY', '_text', 'EXTERNAL', 'text_to_array', 'INTERNAL', 'YES', 'NO'],
    ]);
  });
});
