import { describe, expect, it } from 'vitest';
import { parseCli, parseHostPort, UsageError, helpText } from './config.js';

function usage(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseCli(argv, env);
  } catch (err) {
    if (err instanceof UsageError) return err.message;
    throw err;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('nodedb command line', () => {
  it('applies the documented defaults', () => {
    expect(parseCli(['start'], {})).toEqual({
      kind: 'start',
      config: {
        dataDir: './data',
        sqlAddr: { host: '127.0.0.1', port: 5433 },
        httpAddr: { host: '127.0.0.1', port: 8080 },
        peerAddr: { host: '127.0.0.1', port: 7433 },
        nodeId: undefined,
        auth: { kind: 'trust' },
        user: 'postgres',
        connectionsMax: 100,
        drainStatementWaitMs: 10_000,
      },
    });
  });

  it('parses every flag', () => {
    const cmd = parseCli(
      ['start', '--data-dir', '/tmp/d', '--sql-addr', '0.0.0.0:6000', '--http-addr=[::1]:0', '--peer-addr', 'h:1', '--node-id', '7',
        '--auth', 'scram', '--user', 'admin', '--max-connections', '5', '--drain-timeout-ms', '0'],
      { NODEDB_PASSWORD: 'pw' },
    );
    expect(cmd).toMatchObject({
      kind: 'start',
      config: {
        dataDir: '/tmp/d',
        sqlAddr: { host: '0.0.0.0', port: 6000 },
        httpAddr: { host: '::1', port: 0 },
        peerAddr: { host: 'h', port: 1 },
        nodeId: 7,
        auth: { kind: 'scram', user: 'admin', password: 'pw' },
        connectionsMax: 5,
        drainStatementWaitMs: 0,
      },
    });
    expect(parseCli(['start', '--auth', 'scram', '--password', 'flagpw'], { NODEDB_PASSWORD: 'envpw' })).toMatchObject({
      config: { auth: { password: 'flagpw' } },
    });
    expect(parseCli(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCli(['start', '-h'], {})).toEqual({ kind: 'help' });
  });

  it('rejects bad usage with a clear message', () => {
    expect(usage([])).toMatch(/missing command/);
    expect(usage(['stop'])).toMatch(/unknown command "stop"/);
    expect(usage(['start', '--bogus'])).toMatch(/bogus/);
    expect(usage(['start', '--sql-addr', 'localhost'])).toMatch(/--sql-addr: expected HOST:PORT/);
    expect(usage(['start', '--sql-addr', 'h:70000'])).toMatch(/out of range/);
    expect(usage(['start', '--node-id', '0'])).toMatch(/--node-id/);
    expect(usage(['start', '--node-id', 'x'])).toMatch(/--node-id/);
    expect(usage(['start', '--auth', 'md5'])).toMatch(/--auth/);
    expect(usage(['start', '--auth', 'scram'])).toMatch(/needs a bootstrap password/);
    expect(usage(['start', '--password', 'x'])).toMatch(/only used with --auth scram/);
    expect(usage(['start', '--max-connections', '-1'])).toMatch(/max-connections/);
    expect(usage(['start', 'extra'])).toMatch(/unexpected argument/);
  });

  it('rejects --join: clustering is not available yet', () => {
    expect(usage(['start', '--join', '127.0.0.1:7433,127.0.0.1:7434'])).toMatch(/clustering is not available yet/);
    expect(usage(['start', '--join', 'nonsense'])).toMatch(/--join: expected HOST:PORT/);
  });

  it('documents every flag in --help', () => {
    for (const flag of ['--data-dir', '--sql-addr', '--http-addr', '--peer-addr', '--join', '--node-id', '--auth', '--user', '--password', '--max-connections', '--drain-timeout-ms', '--help']) {
      expect(helpText).toContain(flag);
    }
    expect(parseHostPort('[::]:5433', 'x')).toEqual({ host: '::', port: 5433 });
  });
});
