// Types for test/harness/index.mjs (the harness is plain ESM so node scripts can use it too).
export type TargetKind = 'pg' | 'nodedb';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | string | null;
  forced?: boolean;
}

export interface ServerHandle {
  kind: TargetKind;
  host: string;
  port: number;
  /** 0 for PostgreSQL (no HTTP endpoint). */
  httpPort: number;
  pid: number;
  dataDir: string;
  user: string;
  database: string;
  logs(): string;
  /** Sends the signal (default SIGKILL); waits for exit except for SIGSTOP/SIGCONT/SIGTSTP/SIGUSR1/SIGUSR2/SIGHUP. */
  kill(signal?: NodeJS.Signals): Promise<ExitInfo | null>;
  stop(opts?: { removeDataDir?: boolean }): Promise<ExitInfo | null>;
  restart(): Promise<ServerHandle>;
  exited(): ExitInfo | null;
}

export interface StartOptions {
  dataDir?: string;
  args?: string[];
  env?: Record<string, string>;
  readyTimeoutMs?: number;
  keepDataDir?: boolean;
  port?: number;
  httpPort?: number;
  fsync?: boolean;
  settings?: Record<string, string>;
}

export const repoRoot: string;
export const cliPath: string;
export const pgBinDir: string;
export function targetKind(): TargetKind;
export function target(opts?: StartOptions): Promise<ServerHandle>;
export function startNode(opts?: StartOptions): Promise<ServerHandle>;
export function startPostgres(opts?: StartOptions): Promise<ServerHandle>;
export function freePort(): Promise<number>;
export function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  opts?: { timeoutMs?: number; intervalMs?: number },
): Promise<T>;
export function pgEnv(h: { host: string; port: number; user: string; database: string }, extra?: Record<string, string>): NodeJS.ProcessEnv;
export function connOptions(h: { host: string; port: number; user: string; database: string }): {
  host: string; port: number; user: string; database: string;
};
