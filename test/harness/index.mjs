// Test harness: real processes on loopback ports, readiness polled with deadlines.
//   startNode()      a nodedb node from the built CLI (dist/server/cli.js)
//   startPostgres()  a scratch PostgreSQL 15 (the reference the tests are validated against)
//   target()         one of the two, picked by NODEDB_TEST_TARGET=pg|nodedb (default nodedb)
// Every handle has the same shape: { kind, host, port, httpPort, pid, dataDir, user, database,
// stop(), kill(signal), restart(), logs() }.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, chownSync, readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliPath = join(repoRoot, 'dist', 'server', 'cli.js');
export const pgBinDir = process.env.NODEDB_PG_BIN ?? '/usr/lib/postgresql/15/bin';

const readyTimeoutMsDefault = 30_000;
const stopTimeoutMsDefault = 15_000;
const pollIntervalMs = 50;
const logTailBytesMax = 64 * 1024;
/** kill() returns at once for these (pause/resume), instead of waiting for the process to exit. */
const nonTerminatingSignals = new Set(['SIGSTOP', 'SIGCONT', 'SIGTSTP', 'SIGUSR1', 'SIGUSR2', 'SIGHUP']);

export function targetKind() {
  const raw = process.env.NODEDB_TEST_TARGET ?? 'nodedb';
  if (raw !== 'pg' && raw !== 'nodedb') {
    throw new Error(`NODEDB_TEST_TARGET must be 'pg' or 'nodedb', got '${raw}'`);
  }
  return raw;
}

/** Starts the target selected by NODEDB_TEST_TARGET. */
export function target(opts = {}) {
  return targetKind() === 'pg' ? startPostgres(opts) : startNode(opts);
}

/** A TCP port that was free a moment ago (the OS picked it). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Polls `check` (async, returns truthy when done) until it succeeds or the deadline passes. */
export async function waitFor(what, check, { timeoutMs = readyTimeoutMsDefault, intervalMs = pollIntervalMs } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      if (e && e.fatal) throw e; // e.g. the process under test exited: no point in waiting on
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? `: ${lastError.message ?? lastError}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function httpStatus(port, path) {
  const ctl = new AbortController();
  const t = setTimeout(() => ctl.abort(), 2000);
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: ctl.signal });
    await res.arrayBuffer();
    return res.status;
  } finally {
    clearTimeout(t);
  }
}

function appendTail(buf, chunk) {
  const next = buf + chunk.toString('utf8');
  return next.length > logTailBytesMax ? next.slice(next.length - logTailBytesMax) : next;
}

/**
 * Starts a nodedb node from dist/server/cli.js on free ports and waits for /health/ready == 200.
 * opts: { dataDir?, args?: string[], env?, readyTimeoutMs?, keepDataDir? }
 */
export async function startNode(opts = {}) {
  if (!existsSync(cliPath)) {
    throw new Error(`${cliPath} does not exist: run 'npm run build' first`);
  }
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'nodedb-test-'));
  const host = '127.0.0.1';
  const port = opts.port ?? (await freePort());
  const httpPort = opts.httpPort ?? (await freePort());
  const readyTimeoutMs = opts.readyTimeoutMs ?? readyTimeoutMsDefault;
  let child = null;
  let exitInfo = null;
  let exitWaiters = [];
  let log = '';

  const spawnOnce = async () => {
    const args = [
      cliPath, 'start',
      '--data-dir', dataDir,
      '--sql-addr', `${host}:${port}`,
      '--http-addr', `${host}:${httpPort}`,
      ...(opts.args ?? []),
    ];
    exitInfo = null;
    exitWaiters = [];
    child = spawn(process.execPath, args, {
      cwd: repoRoot,
      env: { ...process.env, ...(opts.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const me = child;
    me.stdout.on('data', (c) => { log = appendTail(log, c); });
    me.stderr.on('data', (c) => { log = appendTail(log, c); });
    me.on('exit', (code, signal) => {
      if (me !== child) return;
      exitInfo = { code, signal };
      for (const w of exitWaiters) w(exitInfo);
      exitWaiters = [];
    });
    await waitFor(`nodedb /health/ready on :${httpPort}`, async () => {
      if (exitInfo) {
        throw Object.assign(new Error(`node exited early (${JSON.stringify(exitInfo)}):\n${log}`), { fatal: true });
      }
      return (await httpStatus(httpPort, '/health/ready')) === 200;
    }, { timeoutMs: readyTimeoutMs }).catch((e) => {
      if (!exitInfo && child) child.kill('SIGKILL');
      throw new Error(`${e.message}\n--- node log tail ---\n${log}`);
    });
    handle.pid = child.pid;
  };

  const waitExit = (timeoutMs) => new Promise((res, rej) => {
    if (exitInfo || !child) return res(exitInfo);
    const t = setTimeout(() => rej(new Error(`node pid ${child.pid} did not exit within ${timeoutMs} ms`)), timeoutMs);
    exitWaiters.push((info) => { clearTimeout(t); res(info); });
  });

  const handle = {
    kind: 'nodedb',
    host, port, httpPort, dataDir,
    user: 'postgres',
    database: 'postgres',
    pid: 0,
    logs: () => log,
    /** Sends `signal` (default SIGKILL) and waits until the process is gone (not for SIGSTOP/SIGCONT). */
    async kill(signal = 'SIGKILL') {
      if (!child || exitInfo) return exitInfo;
      child.kill(signal);
      if (nonTerminatingSignals.has(signal)) return null;
      return waitExit(stopTimeoutMsDefault);
    },
    /** Graceful stop (SIGTERM); SIGKILL if it does not exit within the bound. Returns exit info. */
    async stop({ removeDataDir = ownsDataDir && !opts.keepDataDir } = {}) {
      let info = exitInfo;
      if (child && !exitInfo) {
        child.kill('SIGTERM');
        try {
          info = await waitExit(stopTimeoutMsDefault);
        } catch {
          child.kill('SIGKILL');
          info = await waitExit(stopTimeoutMsDefault);
          info = { ...info, forced: true };
        }
      }
      if (removeDataDir) rmSync(dataDir, { recursive: true, force: true });
      return info;
    },
    /** Starts the node again on the same data dir and ports (after stop() or kill()). */
    async restart() {
      if (child && !exitInfo) await handle.stop({ removeDataDir: false });
      await spawnOnce();
      return handle;
    },
    exited: () => exitInfo,
  };
  try {
    await spawnOnce();
  } catch (e) {
    if (ownsDataDir && !opts.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }
  return handle;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function runPgTool(tool, args, { allowFail = false } = {}) {
  const bin = join(pgBinDir, tool);
  const r = isRoot()
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0 && !allowFail) {
    throw new Error(`${tool} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

function postmasterPid(dataDir) {
  const f = join(dataDir, 'postmaster.pid');
  if (!existsSync(f)) return 0;
  return Number(readFileSync(f, 'utf8').split('\n')[0]) || 0;
}

/**
 * Starts a scratch PostgreSQL 15 (initdb + pg_ctl) on a free port, socket dir inside its data dir.
 * opts: { fsync?: boolean (default false), settings?: Record<string,string>, readyTimeoutMs? }
 */
export async function startPostgres(opts = {}) {
  const base = mkdtempSync(join(tmpdir(), 'nodedb-pg-'));
  const dataDir = join(base, 'data');
  const sockDir = join(base, 'sock');
  mkdirSync(sockDir);
  if (isRoot()) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(base, uid, gid);
    chownSync(sockDir, uid, gid);
  }
  const host = '127.0.0.1';
  const port = await freePort();
  runPgTool('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const settings = {
    fsync: opts.fsync ? 'on' : 'off',
    synchronous_commit: opts.fsync ? 'on' : 'off',
    full_page_writes: 'off',
    listen_addresses: host,
    max_connections: '100',
    TimeZone: 'UTC',
    ...(opts.settings ?? {}),
  };
  const serverOpts = [`-p ${port}`, `-k ${sockDir}`, ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`)].join(' ');
  const logFile = join(base, 'postgres.log');
  const startOnce = async () => {
    runPgTool('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOpts, '-w', '-t', '60', 'start']);
    await waitFor(`postgres accepting on :${port}`, async () => {
      const r = spawnSync(join(pgBinDir, 'pg_isready'), ['-h', host, '-p', String(port), '-U', 'postgres'], { encoding: 'utf8' });
      return r.status === 0;
    }, { timeoutMs: opts.readyTimeoutMs ?? readyTimeoutMsDefault });
    handle.pid = postmasterPid(dataDir);
  };
  const waitGone = (pid) => waitFor(`postgres pid ${pid} to exit`, () => !processAlive(pid), { timeoutMs: stopTimeoutMsDefault });
  const handle = {
    kind: 'pg',
    host, port, httpPort: 0, dataDir,
    user: 'postgres',
    database: 'postgres',
    pid: 0,
    logs: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(-logTailBytesMax) : ''),
    async kill(signal = 'SIGKILL') {
      const pid = handle.pid;
      if (pid && processAlive(pid)) {
        process.kill(pid, signal);
        if (nonTerminatingSignals.has(signal)) return null;
        await waitGone(pid);
      }
      // With SIGKILL of the postmaster, orphaned backends may linger briefly; pg_ctl start waits.
      return { code: null, signal };
    },
    async stop({ removeDataDir = true } = {}) {
      const pid = handle.pid;
      if (pid && processAlive(pid)) {
        runPgTool('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], { allowFail: true });
        if (processAlive(pid)) {
          process.kill(pid, 'SIGKILL');
          await waitGone(pid);
        }
      }
      if (removeDataDir) rmSync(base, { recursive: true, force: true });
      return { code: 0, signal: null };
    },
    async restart() {
      if (handle.pid && processAlive(handle.pid)) await handle.stop({ removeDataDir: false });
      // After a SIGKILL, orphaned backends may still hold the old shared memory for a moment
      // and the new postmaster refuses to start: retry until it starts or the deadline passes.
      await waitFor('postgres to restart', async () => {
        await startOnce();
        return true;
      }, { timeoutMs: readyTimeoutMsDefault, intervalMs: 200 });
      return handle;
    },
    exited: () => (handle.pid && processAlive(handle.pid) ? null : { code: null, signal: null }),
  };
  try {
    await startOnce();
  } catch (e) {
    await handle.stop().catch(() => {});
    throw e;
  }
  return handle;
}

/** libpq-style environment for psql/pgbench pointed at a handle. */
export function pgEnv(h, extra = {}) {
  return {
    ...process.env,
    PGHOST: h.host,
    PGPORT: String(h.port),
    PGUSER: h.user,
    PGDATABASE: h.database,
    PGSSLMODE: 'disable',
    PGGSSENCMODE: 'disable',
    PGCONNECT_TIMEOUT: '10',
    ...extra,
  };
}

/** node-postgres / postgres.js connection options for a handle. */
export function connOptions(h) {
  return { host: h.host, port: h.port, user: h.user, database: h.database };
}
