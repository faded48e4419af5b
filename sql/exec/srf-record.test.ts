// What regress/sql/srf_record.sql cannot show well: the row shapes and edge cases of the
// multi-column and text-splitting functions (checked against PostgreSQL 15).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlErrorOf, TestDb, type TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
});
afterAll(async () => {
  await db.close();
});

const rows = async (sql: string): Promise<unknown[][]> => (await s.exec(sql)).rows;

describe('multi-column functions in FROM', () => {
  it('json[b]_each fill two slots each and zip with other functions', async () => {
    expect(await rows(`SELECT * FROM ROWS FROM (jsonb_each('{"b":2,"a":1}'), generate_series(1, 3)) AS r(k, v, g)`)).toEqual([
      ['a', '1', 1],
      ['b', '2', 2],
      [null, null, 3],
    ]);
  });
  it('column definition lists type the record functions; missing keys are NULL', async () => {
    expect(await rows(`SELECT b, a FROM json_to_recordset('[{"a":1,"b":"x"},{"c":3}]') AS t(a int, b text)`)).toEqual([
      ['x', 1],
      [null, null],
    ]);
  });
  it('a record function needs its column definition list; others refuse one (42601)', async () => {
    expect((await sqlErrorOf(s.exec(`SELECT * FROM json_to_record('{}')`))).code).toBe('42601');
    expect((await sqlErrorOf(s.exec(`SELECT * FROM generate_series(1, 2) AS t(a int)`))).code).toBe('42601');
  });
});

describe('text-splitting functions', () => {
  it('regexp_matches: empty matches advance one character, also past astral code points', async () => {
    expect(await rows(`SELECT m::text FROM regexp_matches('a😀b', '', 'g') AS m`)).toEqual([['{""}'], ['{""}'], ['{""}'], ['{""}']]);
    expect(await rows(`SELECT m::text FROM regexp_matches('x1y22', '(\\d+)', 'g') AS m`)).toEqual([['{1}'], ['{22}']]);
  });
  it('regexp_split_to_table drops empty matches at the start, the end and after a match', async () => {
    expect(await rows(`SELECT * FROM regexp_split_to_table('ab', '')`)).toEqual([['a'], ['b']]);
    expect(await rows(`SELECT * FROM regexp_split_to_table(',a,', ',')`)).toEqual([[''], ['a'], ['']]);
  });
  it('string_to_table: NULL delimiter splits into characters, the null string becomes NULL', async () => {
    expect(await rows(`SELECT * FROM string_to_table('ab', NULL)`)).toEqual([['a'], ['b']]);
    expect(await rows(`SELECT * FROM string_to_table('x,-,y', ',', '-')`)).toEqual([['x'], [null], ['y']]);
  });
  it('invalid regexp options are 22023', async () => {
    expect((await sqlErrorOf(s.exec(`SELECT * FROM regexp_matches('a', 'a', 'z')`))).code).toBe('22023');
  });
});
