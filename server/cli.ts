#!/usr/bin/env node
/**
 * The `nodedb` command. `nodedb start [flags]` runs a node until SIGTERM/SIGINT or
 * POST /health/drain, then drains and exits 0. Bad usage exits 2, a runtime failure 1.
 */
import { readFileSync } from 'node:fs';
import { assertNever } from '../util/assert.js';
import { helpText, parseCli, UsageError, type CliCommand, type HostPort } from './config.js';
import { createLogger, parseLogLevel, type Logger } from './log.js';

function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string') return pkg.version;
  } catch {
    // fall through: running from an unusual layout
  }
  return 'unknown';
}

function connectHost(addr: HostPort): string {
  if (addr.host === '0.0.0.0' || addr.host === '::') return '127.0.0.1';
  return addr.host;
}

async function main(argv: readonly string[]): Promise<number> {
  let command: CliCommand;
  const level = parseLogLevel(process.env['NODEDB_LOG_LEVEL']);
  try {
    if (level === undefined) throw new UsageError(`NODEDB_LOG_LEVEL: expected debug, info, warn or error`);
    command = parseCli(argv, process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`nodedb: ${err.message}\nTry "nodedb --help".\n`);
      return 2;
    }
    throw err;
  }
  switch (command.kind) {
    case 'help':
      process.stdout.write(helpText);
      return 0;
    case 'version':
      process.stdout.write(`nodedb ${packageVersion()}\n`);
      return 0;
    case 'start':
      return await runStart(command.config, createLogger({ level, sink: process.stderr }));
    default:
      return assertNever(command, 'cli command');
  }
}

async function runStart(config: Extract<CliCommand, { kind: 'start' }>['config'], log: Logger): Promise<number> {
  process.on('uncaughtException', (err) => {
    log.error('uncaught exception', { err });
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    log.error('unhandled rejection', { err });
    process.exit(1);
  });
  // Signals are handled from the start: one arriving while storage opens stops the node
  // as soon as it is up (a half-opened store is never abandoned mid-write).
  let stopRequested: NodeJS.Signals | undefined;
  let stopNode: ((reason: string) => void) | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      log.warn('second signal: exiting without a clean shutdown', { signal });
      process.exit(1);
    }
    log.info('signal received', { signal });
    stopRequested = signal;
    stopNode?.(signal);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let node;
  try {
    // Loaded here, not at the top: --help and usage errors must not open the storage stack.
    const { startNode } = await import('./node.js');
    node = await startNode(config, log);
  } catch (err) {
    log.error('startup failed', { err });
    process.stderr.write(`nodedb: could not start: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const started = node;
  stopNode = (reason) => void started.stop(reason);
  if (stopRequested !== undefined) stopNode(stopRequested);
  const host = connectHost({ host: node.sqlAddr.host, port: node.sqlAddr.port });
  process.stdout.write(
    `nodedb is ready (data in ${config.dataDir}).\n` +
      `Connect with: psql -h ${host} -p ${node.sqlAddr.port} -U ${config.user}\n` +
      `Health and metrics: http://${connectHost(node.httpAddr)}:${node.httpAddr.port}/metrics\n`,
  );
  const ok = await node.stopped;
  log.info('shutdown complete', { ok });
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`nodedb: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
