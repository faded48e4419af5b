// vitest globalSetup of the 'clients' project: one shared target for all client and regress tests.
import { target } from './index.mjs';

let handle = null;

export async function setup(project) {
  handle = await target();
  project.provide('target', {
    kind: handle.kind,
    host: handle.host,
    port: handle.port,
    httpPort: handle.httpPort,
    user: handle.user,
    database: handle.database,
    pid: handle.pid,
  });
}

export async function teardown() {
  if (handle) await handle.stop();
  handle = null;
}
