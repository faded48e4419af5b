#!/usr/bin/env node
// npm run regress [-- [--against-pg] [--update] [--host H --port P] [NAME ...]]
//   default        start a fresh target (NODEDB_TEST_TARGET=pg|nodedb, default nodedb), run every
//                  sql/NAME.sql, write results/NAME.out, diff with expected/NAME.out
//   --against-pg   run against a scratch PostgreSQL 15 and list the files whose output differs
//                  from expected (hand-written files from DIFFERENCES.md are reported, not failed)
//   --update       rewrite expected/ from the current target (with --against-pg: all but hand-written)
//   --host/--port  use an already running server instead of starting one
//   --json FILE    also write {passed, failed, tests: [{name, ok}]} (test/run-all.mjs counts from it)
import { parseArgs } from 'node:util';
import { target, startPostgres, waitFor } from '../harness/index.mjs';
import { runSuite, writeJson, listTests } from './lib.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'against-pg': { type: 'boolean', default: false },
    update: { type: 'boolean', default: false },
    host: { type: 'string' },
    port: { type: 'string' },
    user: { type: 'string', default: 'postgres' },
    database: { type: 'string', default: 'postgres' },
    quiet: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});

async function main() {
  const againstPg = values['against-pg'];
  let handle = null;
  let conn;
  if (values.port !== undefined) {
    conn = { host: values.host ?? '127.0.0.1', port: Number(values.port), user: values.user, database: values.database };
  } else {
    handle = againstPg ? await startPostgres() : await target();
    conn = handle;
  }
  // hand-written files (DIFFERENCES.md) are expected to differ whenever the server is PostgreSQL
  const isPg = againstPg || handle?.kind === 'pg';
  const label = againstPg ? 'PostgreSQL 15' : (handle?.kind ?? `${conn.host}:${conn.port}`);
  console.log(`regression tests against ${label}${values.update ? ' (updating expected/)' : ''}`);
  let results;
  const deaths = [];
  try {
    results = [];
    for (const name of listTests(positionals)) {
      results.push(...await runSuite(conn, {
        only: [name],
        update: values.update,
        skipHandWritten: isPg,
        onResult: (r) => {
          const status = r.ok ? 'ok' : (isPg && r.handWritten ? 'differs (hand-written, see DIFFERENCES.md)' : 'FAILED');
          console.log(`test ${r.name.padEnd(24)} ... ${status}${r.psqlExit === 2 ? ' (psql lost the connection)' : ''}`);
        },
      }));
      // a server that died must not fail every later file too: note it and start it again
      if (handle && results.at(-1)?.psqlExit === 2) {
        // psql lost the connection: give the exit notification of a dying server a moment to arrive
        await waitFor('server exit', () => handle.exited(), { timeoutMs: 1000, intervalMs: 20 }).catch(() => null);
      }
      const exited = handle?.exited();
      if (handle && exited) {
        deaths.push(`${name}: ${JSON.stringify(exited)}\n${handle.logs().slice(-3000)}`);
        console.log(`     server died during ${name} (${JSON.stringify(exited)}); restarting it on the same data directory`);
        await handle.restart();
      }
    }
  } finally {
    if (handle) {
      if (results === undefined || results.some((r) => r.psqlExit === 2)) {
        const exited = handle.exited();
        console.log(`\n--- server ${exited ? `exited (${JSON.stringify(exited)})` : 'still running'}; log tail ---\n${handle.logs().slice(-4000)}`);
      }
      await handle.stop();
    }
  }
  for (const d of deaths) console.log(`\n--- server death during ${d}`);
  const failed = results.filter((r) => !r.ok && !(isPg && r.handWritten));
  const differing = results.filter((r) => !r.ok);
  if (isPg && differing.length > 0) {
    console.log('\nfiles whose PostgreSQL 15 output differs from expected:');
    for (const r of differing) console.log(`  ${r.name}${r.handWritten ? ' (hand-written)' : ''}`);
  }
  for (const r of differing) {
    if (values.quiet) continue;
    console.log(`\n=== ${r.name} ===\n${r.diff}`);
  }
  const passed = results.length - failed.length;
  console.log(failed.length === 0
    ? `\nAll ${results.length} tests passed.`
    : `\n${failed.length} of ${results.length} tests failed (${passed} passed). Results in test/regress/results/.`);
  if (values.json) {
    writeJson(values.json, {
      passed, failed: failed.length,
      tests: results.map((r) => ({ name: r.name, ok: r.ok || (isPg && r.handWritten) })),
    });
  }
  process.exitCode = failed.length === 0 ? 0 : 1;
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exitCode = 2;
});
