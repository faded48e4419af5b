// psql as a user drives it: -c, scripts with transactions, ON_ERROR_STOP with its exit code and
// error output, --single-transaction, \copy in and out of local files.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sharedTarget } from '../harness/shared-target.js';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pgEnv } from '../harness/index.mjs';
import { run } from './proc.mjs';

const tgt = sharedTarget();
const env = pgEnv(tgt, { LC_ALL: 'C', PGAPPNAME: 'psql-client-test' });
let dir = '';

/** psql -X with the given args; -A -t output split into rows of '|'-separated fields. */
async function psql(args: string[], input?: string) {
  return run('psql', ['-X', ...args], { env, input, timeoutMs: 60_000 });
}
async function rows(query: string): Promise<string[][]> {
  const r = await psql(['-A', '-t', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', query]);
  expect(r.stderr, query).toBe('');
  expect(r.code, query).toBe(0);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('|'));
}

describe(`psql against ${tgt.kind}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nodedb-psql-'));
    await psql(['-q', '-c', 'DROP TABLE IF EXISTS psql_notes']);
  });
  afterAll(async () => {
    await psql(['-q', '-c', 'DROP TABLE IF EXISTS psql_notes']);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('-c runs statements and prints command tags and rows', async () => {
    const r = await psql([
      '-v', 'ON_ERROR_STOP=1',
      '-c', 'CREATE TABLE psql_notes (id int PRIMARY KEY, title text NOT NULL, body text, score numeric(5,1), created date)',
      '-c', "INSERT INTO psql_notes VALUES (1, 'first', 'hello', 4.5, '2024-01-01'), (2, 'second', NULL, NULL, '2024-01-02')",
      '-c', 'SELECT id, title, body, score FROM psql_notes ORDER BY id',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'CREATE TABLE',
      'INSERT 0 2',
      ' id | title  | body  | score ',
      '----+--------+-------+-------',
      '  1 | first  | hello |   4.5',
      '  2 | second |       |      ',
      '(2 rows)',
      '',
      '',
    ].join('\n'));
  });

  it('a script with transactions: committed work stays, rolled back work does not', async () => {
    const script = join(dir, 'tx.sql');
    writeFileSync(script, [
      'BEGIN;',
      "INSERT INTO psql_notes (id, title) VALUES (3, 'third');",
      "UPDATE psql_notes SET body = 'edited' WHERE id = 1;",
      'COMMIT;',
      'BEGIN;',
      'DELETE FROM psql_notes;',
      "INSERT INTO psql_notes (id, title) VALUES (99, 'never');",
      'ROLLBACK;',
      'SELECT count(*) FROM psql_notes;',
      '',
    ].join('\n'));
    const r = await psql(['-v', 'ON_ERROR_STOP=1', '-A', '-t', '-f', script]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual(['BEGIN', 'INSERT 0 1', 'UPDATE 1', 'COMMIT', 'BEGIN', 'DELETE 3', 'INSERT 0 1', 'ROLLBACK', '3', '']);
    expect(await rows('SELECT id, title, body FROM psql_notes ORDER BY id')).toEqual([
      ['1', 'first', 'edited'], ['2', 'second', ''], ['3', 'third', ''],
    ]);
  });

  it('ON_ERROR_STOP: stops at the first error, prints it with file and line, exits 3', async () => {
    const script = join(dir, 'stop.sql');
    writeFileSync(script, [
      "INSERT INTO psql_notes (id, title) VALUES (10, 'ten');",
      "INSERT INTO psql_notes (id, title) VALUES (1, 'duplicate');",
      "INSERT INTO psql_notes (id, title) VALUES (11, 'not reached');",
      '',
    ].join('\n'));
    const r = await psql(['-q', '-v', 'ON_ERROR_STOP=1', '-f', script]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe([
      `psql:${script}:2: ERROR:  duplicate key value violates unique constraint "psql_notes_pkey"`,
      'DETAIL:  Key (id)=(1) already exists.',
      '',
    ].join('\n'));
    expect(await rows('SELECT id FROM psql_notes WHERE id >= 10 ORDER BY id')).toEqual([['10']]);

    // without ON_ERROR_STOP psql goes on, and still exits 0
    const goOn = await psql(['-q', '-f', script]);
    expect(goOn.code).toBe(0);
    expect(goOn.stderr).toContain(`psql:${script}:1: ERROR:  duplicate key value violates unique constraint "psql_notes_pkey"`);
    expect(await rows('SELECT id FROM psql_notes WHERE id >= 10 ORDER BY id')).toEqual([['10'], ['11']]);
  });

  it('-c with an error exits 1 with the error and its position on stderr', async () => {
    const r = await psql(['-c', 'SELECT title FROM psql_missing']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe([
      'ERROR:  relation "psql_missing" does not exist',
      'LINE 1: SELECT title FROM psql_missing',
      '                          ^',
      '',
    ].join('\n'));
  });

  it('--single-transaction: an error rolls back the whole script', async () => {
    const script = join(dir, 'single.sql');
    writeFileSync(script, [
      "INSERT INTO psql_notes (id, title) VALUES (20, 'twenty');",
      'INSERT INTO psql_notes (id, title) VALUES (21, NULL);',
      '',
    ].join('\n'));
    const r = await psql(['-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', script]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ERROR:  null value in column "title" of relation "psql_notes" violates not-null constraint');
    expect(await rows('SELECT count(*) FROM psql_notes WHERE id >= 20')).toEqual([['0']]);
  });

  it('\\copy from a CSV file and a text file, and back out to files', async () => {
    const csvIn = join(dir, 'in.csv');
    writeFileSync(csvIn, [
      'id,title,body,score,created',
      '100,csv one,"comma, inside",1.5,2023-12-31',
      '101,csv two,"quote ""here""",,2024-02-29',
      '102,csv three,,-2.0,',
      '',
    ].join('\n'));
    const inCsv = await psql(['-v', 'ON_ERROR_STOP=1', '-c', `\\copy psql_notes FROM '${csvIn}' WITH (FORMAT csv, HEADER true)`]);
    expect(inCsv.stderr).toBe('');
    expect(inCsv.stdout).toBe('COPY 3\n');

    const txtIn = join(dir, 'in.txt');
    writeFileSync(txtIn, '103\ttab\\there\t\\N\t7.0\t2024-03-01\n104\tback\\\\slash\tline\\nbreak\t\\N\t\\N\n');
    const inTxt = await psql(['-v', 'ON_ERROR_STOP=1', '-c', `\\copy psql_notes FROM '${txtIn}'`]);
    expect(inTxt.stderr).toBe('');
    expect(inTxt.stdout).toBe('COPY 2\n');

    const csvOut = join(dir, 'out.csv');
    const out = await psql(['-v', 'ON_ERROR_STOP=1', '-c',
      `\\copy (SELECT id, title, body, score, created FROM psql_notes WHERE id >= 100 ORDER BY id) TO '${csvOut}' WITH (FORMAT csv, HEADER true)`]);
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('COPY 5\n');
    expect(readFileSync(csvOut, 'utf8')).toBe([
      'id,title,body,score,created',
      '100,csv one,"comma, inside",1.5,2023-12-31',
      '101,csv two,"quote ""here""",,2024-02-29',
      '102,csv three,,-2.0,',
      '103,tab\there,,7.0,2024-03-01',
      '104,back\\slash,"line\nbreak",,',
      '',
    ].join('\n'));

    const txtOut = join(dir, 'out.txt');
    const out2 = await psql(['-v', 'ON_ERROR_STOP=1', '-c', `\\copy psql_notes (id, body) TO '${txtOut}'`]);
    expect(out2.stderr).toBe('');
    const lines = readFileSync(txtOut, 'utf8').split('\n').filter((l) => l !== '').sort();
    expect(lines).toEqual([
      '1\tedited', '10\t\\N', '100\tcomma, inside', '101\tquote "here"', '102\t\\N', '103\t\\N',
      '104\tline\\nbreak', '11\t\\N', '2\t\\N', '3\t\\N',
    ]);

    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, '200\tok\n201\n');
    const badCopy = await psql(['-v', 'ON_ERROR_STOP=1', '-c', `\\copy psql_notes (id, title) FROM '${bad}'`]);
    expect(badCopy.code).toBe(1);
    expect(badCopy.stderr).toContain('ERROR:  missing data for column "title"');
    expect(await rows('SELECT count(*) FROM psql_notes WHERE id >= 200')).toEqual([['0']]);
  });
});
