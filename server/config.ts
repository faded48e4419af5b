/**
 * Command-line parsing for `nodedb`. Pure: argv and environment in, a typed command or a
 * UsageError (the CLI prints it and exits 2) out.
 */
import { parseArgs } from 'node:util';
import { assertNever } from '../util/assert.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export type NodeAuth =
  | { readonly kind: 'trust' }
  | { readonly kind: 'scram'; readonly user: string; readonly password: string };

export interface NodeConfig {
  readonly dataDir: string;
  readonly sqlAddr: HostPort;
  readonly httpAddr: HostPort;
  /** Recorded for the cluster layer; a single node does not listen on it yet. */
  readonly peerAddr: HostPort;
  readonly nodeId: number | undefined;
  readonly auth: NodeAuth;
  /** The role the connect hint names (and the SCRAM bootstrap role). */
  readonly user: string;
  readonly connectionsMax: number;
  /** On shutdown, running statements get this long before they are cancelled. */
  readonly drainStatementWaitMs: number;
}

export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'start'; readonly config: NodeConfig };

export class UsageError extends Error {
  override name = 'UsageError';
}

export const defaults = {
  dataDir: './data',
  sqlAddr: '127.0.0.1:5433',
  httpAddr: '127.0.0.1:8080',
  peerAddr: '127.0.0.1:7433',
  user: 'postgres',
  connectionsMax: 100,
  drainStatementWaitMs: 10_000,
} as const;

export const connectionsMaxLimit = 10_000;
export const drainStatementWaitMsLimit = 3_600_000;

export const helpText = `Usage: nodedb start [flags]
       nodedb --help | --version

nodedb is a PostgreSQL-wire-compatible SQL database. "nodedb start" runs one node.

Flags:
  --data-dir DIR            where data is stored (default ${defaults.dataDir})
  --sql-addr HOST:PORT      PostgreSQL wire protocol listener (default ${defaults.sqlAddr})
  --http-addr HOST:PORT     HTTP ops endpoint: /health/live, /health/ready,
                            POST /health/drain, /metrics (default ${defaults.httpAddr})
  --peer-addr HOST:PORT     address for other cluster nodes (default ${defaults.peerAddr});
                            validated and recorded, not listened on yet
  --node-id N               this node's id, a positive integer; validated and recorded
  --join HOST:PORT[,...]    join an existing cluster. Multi-node joining is not
                            implemented yet: --join is rejected with a clear error
  --auth trust|scram        client authentication (default trust: no password)
  --user NAME               bootstrap role: the SCRAM user and the one the connect
                            hint names (default ${defaults.user})
  --password PW             bootstrap password for --auth scram; prefer the
                            NODEDB_PASSWORD environment variable (flags show up in ps)
  --max-connections N       client sessions at once (default ${defaults.connectionsMax}); more get
                            FATAL 53300
  --drain-timeout-ms MS     on SIGTERM/SIGINT or POST /health/drain, running statements
                            may finish within MS before they are cancelled
                            (default ${defaults.drainStatementWaitMs})
  -h, --help                show this help

Environment:
  NODEDB_PASSWORD           bootstrap password for --auth scram
  NODEDB_LOG_LEVEL          debug | info | warn | error (default info); logs are JSON
                            lines on stderr

Exit codes: 0 after a clean shutdown, 1 on a runtime failure, 2 on bad usage.
`;

/** 'host:port', '[v6]:port'. Port 0 asks the OS for a free port. */
export function parseHostPort(text: string, flag: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (m === null) throw new UsageError(`${flag}: expected HOST:PORT, got "${text}"`);
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`${flag}: port ${port} is out of range 0..65535`);
  return { host, port };
}

function parsePositiveInt(text: string, flag: string, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  const n = Number(text);
  if (n < 1 || n > max) throw new UsageError(`${flag}: ${n} is out of range 1..${max}`);
  return n;
}

function parseNonNegativeInt(text: string, flag: string, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag}: expected a non-negative integer, got "${text}"`);
  const n = Number(text);
  if (n > max) throw new UsageError(`${flag}: ${n} is out of range 0..${max}`);
  return n;
}

const options = {
  'data-dir': { type: 'string' },
  'sql-addr': { type: 'string' },
  'http-addr': { type: 'string' },
  'peer-addr': { type: 'string' },
  join: { type: 'string' },
  'node-id': { type: 'string' },
  auth: { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  'max-connections': { type: 'string' },
  'drain-timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const v = parsed.values;
  if (v.help === true) return { kind: 'help' };
  if (v.version === true) return { kind: 'version' };
  const [command, ...extra] = parsed.positionals;
  if (command === undefined) throw new UsageError('missing command: use "nodedb start" (see --help)');
  if (command !== 'start') throw new UsageError(`unknown command "${command}" (the only command is "start")`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (v.join !== undefined) {
    for (const part of v.join.split(',')) parseHostPort(part.trim(), '--join');
    throw new UsageError('--join: clustering is not available yet; nodedb runs as a single node (omit --join)');
  }
  const user = v.user ?? defaults.user;
  if (user.length === 0 || user.includes('\0')) throw new UsageError('--user: expected a non-empty role name');
  return {
    kind: 'start',
    config: {
      dataDir: nonEmpty(v['data-dir'] ?? defaults.dataDir, '--data-dir'),
      sqlAddr: parseHostPort(v['sql-addr'] ?? defaults.sqlAddr, '--sql-addr'),
      httpAddr: parseHostPort(v['http-addr'] ?? defaults.httpAddr, '--http-addr'),
      peerAddr: parseHostPort(v['peer-addr'] ?? defaults.peerAddr, '--peer-addr'),
      nodeId: v['node-id'] === undefined ? undefined : parsePositiveInt(v['node-id'], '--node-id', 2 ** 31 - 1),
      auth: parseAuth(v.auth ?? 'trust', user, v.password, env),
      user,
      connectionsMax:
        v['max-connections'] === undefined
          ? defaults.connectionsMax
          : parsePositiveInt(v['max-connections'], '--max-connections', connectionsMaxLimit),
      drainStatementWaitMs:
        v['drain-timeout-ms'] === undefined
          ? defaults.drainStatementWaitMs
          : parseNonNegativeInt(v['drain-timeout-ms'], '--drain-timeout-ms', drainStatementWaitMsLimit),
    },
  };
}

function nonEmpty(text: string, flag: string): string {
  if (text.length === 0) throw new UsageError(`${flag}: expected a non-empty value`);
  return text;
}

function parseAuth(
  method: string,
  user: string,
  passwordFlag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): NodeAuth {
  const m = method === 'trust' || method === 'scram' ? method : undefined;
  if (m === undefined) throw new UsageError(`--auth: expected "trust" or "scram", got "${method}"`);
  switch (m) {
    case 'trust':
      if (passwordFlag !== undefined) throw new UsageError('--password is only used with --auth scram');
      return { kind: 'trust' };
    case 'scram': {
      const password = passwordFlag ?? env['NODEDB_PASSWORD'];
      if (password === undefined || password.length === 0) {
        throw new UsageError('--auth scram needs a bootstrap password: --password PW or NODEDB_PASSWORD');
      }
      return { kind: 'scram', user, password };
    }
    default:
      return assertNever(m, 'auth method');
  }
}
