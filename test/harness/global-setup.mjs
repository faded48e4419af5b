// vitest globalSetup of the 'clients' project: one shared target for all client and regress tests.
// If the target cannot start, the error is handed to the tests (each file fails with it through
// sharedTarget()) instead of aborting the whole vitest run, so unit-test results still count.
import { target } from './index.mjs';

let handle = null;

export async function setup(project) {
  try {
    handle = await target();
    project.provide('target', {
      kind: handle.kind,
      host: handle.host,
      port: handle.port,
      httpPort: handle.httpPort,
      user: handle.user,
      database: handle.database,
      pid: handle.pid,
      startError: '',
    });
  } catch (e) {
    const kind = process.env.NODEDB_TEST_TARGET === 'pg' ? 'pg' : 'nodedb';
    project.provide('target', {
      kind, host: '127.0.0.1', port: 0, httpPort: 0, user: 'postgres', database: 'postgres', pid: 0,
      startError: `shared ${kind} target did not start: ${e?.message ?? e}`,
    });
  }
}

export async function teardown() {
  if (handle) await handle.stop();
  handle = null;
}
