// node-postgres and postgres.js as typical application code uses them. Run by capture.sh.
import pg from 'pg';
import postgres from 'postgres';

const host = process.env.PGHOST;
const port = Number(process.env.PGPORT);

const client = new pg.Client({ host, port, user: 'postgres', database: 'postgres', application_name: 'node-postgres' });
await client.connect();
await client.query('CREATE TABLE cap_np (id serial PRIMARY KEY, name text NOT NULL, n int, at timestamptz DEFAULT now(), doc jsonb)');
await client.query('INSERT INTO cap_np (name, n, doc) VALUES ($1, $2, $3) RETURNING id', ['a', 1, { k: 1 }]);
await client.query({ name: 'ins', text: 'INSERT INTO cap_np (name, n) VALUES ($1, $2)', values: ['b', 2] });
await client.query({ name: 'ins', text: 'INSERT INTO cap_np (name, n) VALUES ($1, $2)', values: ['c', null] });
await client.query('SELECT id, name, n, doc FROM cap_np WHERE n IS NOT NULL AND name = ANY($1) ORDER BY id', [['a', 'b']]);
await client.query('BEGIN');
await client.query('UPDATE cap_np SET n = n + 1 WHERE id = $1', [1]);
await client.query('COMMIT');
await client.query({ text: 'SELECT name, n FROM cap_np ORDER BY id', rowMode: 'array' });
await client.query('DROP TABLE cap_np');
await client.end();

const sql = postgres({ host, port, user: 'postgres', database: 'postgres', connection: { application_name: 'postgres.js' } });
await sql`CREATE TABLE cap_pj (id int PRIMARY KEY, name text, tags text[], at date)`;
await sql`INSERT INTO cap_pj ${sql([{ id: 1, name: 'a', tags: ['x'], at: '2020-01-01' }, { id: 2, name: 'b', tags: [], at: null }])}`;
await sql`SELECT id, name, tags FROM cap_pj WHERE id IN ${sql([1, 2])} ORDER BY id`;
await sql.begin(async (tx) => {
  await tx`UPDATE cap_pj SET name = ${'z'} WHERE id = ${1}`;
});
await sql`SELECT count(*)::int AS n FROM cap_pj`;
await sql`DROP TABLE cap_pj`;
await sql.end();
