// Every virtual table's column names, types and NOT NULL against a real PostgreSQL 15 (started with the
// project harness): same order, same names, same type (format_type of the column, with
// information_schema domains replaced by their base types, which is what PostgreSQL puts in
// RowDescription). The only accepted differences are the declared type substitutes
// (typeSubstitutes: types nodedb does not have yet), listed explicitly below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startPostgres, type ServerHandle } from '../test/harness/index.mjs';
import { initParser } from '../sql/parser/index.js';
import { formatType } from '../sql/types/index.js';
import { typeSubstitutes, virtualTables } from './index.js';

let server: ServerHandle;
let client: pg.Client;

beforeAll(async () => {
  await initParser();
  server = await startPostgres();
  client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
  await client.connect();
}, 60_000);
afterAll(async () => {
  await client?.end();
  await server?.stop({ removeDataDir: true });
});

const columnsQuery = `
  SELECT c.oid::int AS oid, c.relkind::text AS relkind,
         array_agg(a.attname::text ORDER BY a.attnum) AS names,
         array_agg(a.attnotnull ORDER BY a.attnum) AS notnull,
         array_agg(format_type(coalesce(nullif(t.typbasetype, 0), a.atttypid),
                               CASE WHEN t.typbasetype <> 0 THEN t.typtypmod ELSE a.atttypmod END) ORDER BY a.attnum) AS types
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
  WHERE n.nspname = $1 AND c.relname = $2
  GROUP BY c.oid, c.relkind`;

describe('virtual tables match PostgreSQL 15', () => {
  it('have the same oid, kind, column names and column types', async () => {
    const diffs: string[] = [];
    const substituted: string[] = [];
    for (const t of virtualTables().values()) {
      const r = await client.query<{ oid: number; relkind: string; names: string[]; notnull: boolean[]; types: string[] }>(columnsQuery, [t.def.schema, t.def.name]);
      const pgRow = r.rows[0];
      if (pgRow === undefined) {
        diffs.push(`${t.key}: not in PostgreSQL`);
        continue;
      }
      if (pgRow.oid !== t.def.oid) diffs.push(`${t.key}: oid ${t.def.oid}, PostgreSQL ${pgRow.oid}`);
      if (pgRow.relkind !== t.def.relkind) diffs.push(`${t.key}: relkind ${t.def.relkind}, PostgreSQL ${pgRow.relkind}`);
      const ours = t.columns.map((c) => `${c.name} ${c.substitutedFrom ?? formatType(c.type)}${c.notNull ? ' NOT NULL' : ''}`);
      const theirs = pgRow.names.map((n, i) => `${n} ${pgRow.types[i]}${pgRow.notnull[i] ? ' NOT NULL' : ''}`);
      if (ours.join(', ') !== theirs.join(', ')) diffs.push(`${t.key}:\n  ours ${ours.join(', ')}\n  PG   ${theirs.join(', ')}`);
      for (const c of t.columns) if (c.substitutedFrom !== undefined) substituted.push(`${t.key}.${c.name} ${c.substitutedFrom} -> ${formatType(c.type)}`);
    }
    expect(diffs).toEqual([]);
    // Known gaps: PostgreSQL types nodedb has no implementation of yet (values have the same text).
    expect([...typeSubstitutes.keys()].sort()).toEqual(['aclitem', 'inet', 'pg_node_tree']);
    console.log(`virtual table columns with a substituted type (${substituted.length}):\n${substituted.join('\n')}`);
  }, 60_000);
});
