import { describe, expect, it } from 'vitest';
import { Settings, parseReadConsistency } from './settings.js';
import { SqlError } from '../util/errors.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof SqlError ? e.code : 'not a SqlError';
  }
  return undefined;
}

describe('nodedb.read_consistency', () => {
  it('accepts the three levels and canonicalises them', () => {
    const s = new Settings();
    expect(s.get('nodedb.read_consistency')).toBe('strong');
    s.set('nodedb.read_consistency', ['EVENTUAL'], false);
    expect(s.get('nodedb.read_consistency')).toBe('eventual');
    s.set('nodedb.read_consistency', ['bounded_staleness:2.5'], false);
    expect(s.readConsistency).toEqual({ kind: 'bounded_staleness', stalenessMs: 2500 });
    expect(s.show('nodedb.read_consistency').value).toBe('bounded_staleness:2.5');
  });

  it('rejects anything else with 22023 and leaves the session unchanged', () => {
    const s = new Settings();
    s.set('nodedb.read_consistency', ['eventual'], false);
    for (const bad of ['', 'weak', 'bounded_staleness', 'bounded_staleness:0', 'bounded_staleness:-1', 'bounded_staleness:x', 'strong ']) {
      if (bad.trim() === 'strong') continue;
      expect(code(() => s.set('nodedb.read_consistency', [bad], false))).toBe('22023');
    }
    expect(s.get('nodedb.read_consistency')).toBe('eventual');
  });

  it('is validated at connect through startup options', () => {
    expect(code(() => new Settings(new Map([['nodedb.read_consistency', 'nope']])))).toBe('22023');
    expect(new Settings(new Map([['nodedb.read_consistency', 'eventual']])).readConsistency).toEqual({ kind: 'eventual' });
  });

  it('unknown nodedb.* parameters are errors, other dotted names are placeholders', () => {
    const s = new Settings();
    expect(code(() => s.set('nodedb.nope', ['1'], false))).toBe('42704');
    s.set('myapp.flag', ['1'], false);
    expect(s.get('myapp.flag')).toBe('1');
    expect(code(() => s.get('nosuch'))).toBe('42704');
  });

  it('parses levels directly', () => {
    expect(parseReadConsistency('strong')).toEqual({ kind: 'strong' });
    expect(code(() => parseReadConsistency('bounded_staleness:'))).toBe('22023');
  });
});

describe('standard parameters', () => {
  it('validates like PostgreSQL', () => {
    const s = new Settings();
    expect(code(() => s.set('statement_timeout', ['abc'], false))).toBe('22023');
    expect(code(() => s.set('extra_float_digits', ['5'], false))).toBe('22023');
    expect(code(() => s.set('max_identifier_length', ['5'], false))).toBe('55P02');
    expect(code(() => s.set('bytea_output', ['bad'], false))).toBe('22023');
    expect(code(() => s.set('timezone', ['Nowhere/Bad'], false))).toBe('22023');
    s.set('timezone', ['UTC+3'], false);
    expect(s.get('TimeZone')).toBe('UTC+3');
    expect(code(() => s.set('foo', ['1'], false))).toBe('42704');
  });

  it('accepts the client encodings drivers send, as PostgreSQL does', () => {
    for (const v of ['UTF8', 'utf-8', "'utf-8'", 'unicode']) expect(new Settings(new Map([['client_encoding', v]])).get('client_encoding')).toBe('UTF8');
    expect(code(() => new Settings(new Map([['client_encoding', 'LATIN1']])))).toBe('22023');
  });

  it('shows canonical names and values', () => {
    const s = new Settings();
    s.set('datestyle', ['german'], false);
    expect(s.show('datestyle')).toEqual({ column: 'DateStyle', value: 'German, DMY' });
    s.set('datestyle', ['ISO'], false);
    expect(s.show('DateStyle').value).toBe('ISO, DMY');
    s.set('statement_timeout', ['5s'], false);
    expect(s.show('statement_timeout').value).toBe('5s');
    expect(s.statementTimeoutMs).toBe(5000);
    s.set('statement_timeout', ['100'], false);
    expect(s.show('statement_timeout').value).toBe('100ms');
    s.set('statement_timeout', ['1min'], false);
    expect(s.show('statement_timeout').value).toBe('1min');
  });

  it('reports changes of reported parameters only', () => {
    const s = new Settings();
    expect(s.set('application_name', ['app'], false)).toEqual({ name: 'application_name', value: 'app', reported: true });
    expect(s.set('statement_timeout', ['1s'], false)).toBeUndefined();
  });

  it('restores a snapshot (ROLLBACK) and drops SET LOCAL at transaction end', () => {
    const s = new Settings();
    const snap = s.snapshot();
    s.set('application_name', ['in-txn'], false);
    s.set('TimeZone', ['Europe/Berlin'], true);
    expect(s.get('timezone')).toBe('Europe/Berlin');
    const changes = s.restore(snap);
    expect(changes.map((c) => c.name).sort()).toEqual(['TimeZone', 'application_name']);
    expect(s.get('application_name')).toBe('');
    s.set('TimeZone', ['Asia/Tokyo'], true);
    expect(s.endTransaction()).toEqual([{ name: 'TimeZone', value: 'UTC', reported: true }]);
  });

  it('a snapshot can be restored more than once (ROLLBACK TO the same savepoint twice)', () => {
    const s = new Settings();
    s.set('application_name', ['before'], false);
    const snap = s.snapshot();
    for (const v of ['one', 'two']) {
      s.set('application_name', [v], false);
      s.set('search_path', ['x'], false);
      expect(s.searchPath).toEqual(['x']);
      s.restore(snap);
      expect(s.get('application_name')).toBe('before');
      expect(s.searchPath).toEqual(['$user', 'public']);
    }
  });

  it('search_path splits and unquotes', () => {
    const s = new Settings();
    expect(s.searchPath).toEqual(['$user', 'public']);
    s.set('search_path', ['a', '"B"', 'public'], false);
    expect(s.searchPath).toEqual(['a', 'B', 'public']);
  });
});
