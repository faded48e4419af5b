// Regenerates *.expected from *.cases by running every expression against a real PostgreSQL 15:
//   PGHOST=/tmp PGPORT=55440 PGUSER=postgres node sql/types/testdata/gen-expected.mjs
// Lines: `SET name = value` (applied to the session), `-- comment`, or an expression.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const dir = path.dirname(new URL(import.meta.url).pathname);
const client = new pg.Client();
await client.connect();
// Return every value as text, exactly as PostgreSQL prints it.
const asText = { getTypeParser: () => (v) => v };
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cases'))) {
  const out = [];
  await client.query('RESET ALL');
  for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('--')) continue;
    if (/^SET /i.test(line)) {
      await client.query(line);
      out.push(line);
      continue;
    }
    try {
      const r = await client.query({ text: `SELECT ${line}`, rowMode: 'array', types: asText });
      const v = r.rows[0][0];
      out.push(`${line}\t${v === null ? 'NULL' : JSON.stringify(v)}`);
    } catch (e) {
      const extra = [e.detail ? ` DETAIL ${JSON.stringify(e.detail)}` : '', e.where ? ` CONTEXT ${JSON.stringify(e.where)}` : ''];
      out.push(`${line}\tERROR ${e.code} ${JSON.stringify(e.message)}${/::jsonb?$/.test(line) ? extra.join('') : ''}`);
    }
  }
  fs.writeFileSync(path.join(dir, file.replace(/\.cases$/, '.expected')), out.join('\n') + '\n');
  console.log(`${file}: ${out.length} lines`);
}
await client.end();
