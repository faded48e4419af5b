/**
 * Session configuration parameters (GUCs): the ones PostgreSQL 15 clients read and set, and
 * nodedb's own `nodedb.*` namespace. Each parameter has a parser that validates and
 * canonicalises its value the way PostgreSQL does; every value here is read by some layer
 * (nothing is accepted and ignored — parameters with no meaning for nodedb are read-only
 * and report PostgreSQL's value so clients that SHOW them are satisfied).
 */
import type { ReadConsistency } from '../cluster/kv/api.js';
import { assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import { isValidTimeZone, type FormatContext } from './types/index.js';

type Context = 'user' | 'internal';

interface ParamDef {
  /** Canonical spelling (SHOW column name, ParameterStatus name). */
  readonly name: string;
  readonly context: Context;
  /** Sent as ParameterStatus at startup and whenever it changes. */
  readonly reported: boolean;
  readonly defaultValue: string;
  readonly description: string;
  /** Validates and canonicalises a SET value (values = the comma-separated list as given). */
  readonly parse: (values: readonly string[], name: string) => string;
}

function invalid(name: string, value: string, hint?: string): SqlError {
  return new SqlError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": "${value}"`, hint ? { hint } : {});
}

function single(values: readonly string[], name: string): string {
  if (values.length !== 1) throw new SqlError(SqlState.invalidParameterValue, `SET ${name} takes only one argument`);
  return values[0]!;
}

function enumParam(allowed: readonly string[]): ParamDef['parse'] {
  return (values, name) => {
    const v = single(values, name).toLowerCase();
    if (!allowed.includes(v)) throw invalid(name, single(values, name), `Available values: ${allowed.join(', ')}.`);
    return v;
  };
}

function boolParam(values: readonly string[], name: string): string {
  const v = single(values, name).toLowerCase();
  if (['on', 'true', 'yes', '1', 't', 'y'].includes(v)) return 'on';
  if (['off', 'false', 'no', '0', 'f', 'n'].includes(v)) return 'off';
  throw new SqlError(SqlState.invalidParameterValue, `parameter "${name}" requires a Boolean value`);
}

function intParam(min: number, max: number): ParamDef['parse'] {
  return (values, name) => {
    const raw = single(values, name);
    if (!/^[+-]?\d+$/.test(raw.trim())) throw invalid(name, raw);
    const n = Number(raw);
    if (n < min || n > max) {
      throw new SqlError(SqlState.invalidParameterValue, `${n} is outside the valid range for parameter "${name}" (${min} .. ${max})`);
    }
    return String(n);
  };
}

const timeUnitsMs: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Time-valued parameters (statement_timeout ...): stored canonically in milliseconds. */
function msParam(values: readonly string[], name: string): string {
  const raw = single(values, name).trim();
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|min|h|d)?$/.exec(raw);
  if (!m) throw invalid(name, raw);
  const ms = Math.round(Number(m[1]) * timeUnitsMs[m[2] ?? 'ms']!);
  if (!Number.isFinite(ms) || ms > 2147483647) {
    throw new SqlError(SqlState.invalidParameterValue, `${raw} is outside the valid range for parameter "${name}" (0 .. 2147483647)`);
  }
  return String(ms);
}

/** SHOW form of a millisecond value, as PostgreSQL prints it: 0, 100ms, 5s, 1min, 2h, 1d. */
function showMs(ms: string): string {
  const n = Number(ms);
  if (n === 0) return '0';
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['min', 60_000], ['s', 1000]] as const) {
    if (n % size === 0) return `${n / size}${unit}`;
  }
  return `${n}ms`;
}

const memoryUnitsKb: Readonly<Record<string, number>> = { B: 1 / 1024, kB: 1, MB: 1024, GB: 1024 * 1024, TB: 1024 * 1024 * 1024 };
const memoryKbMax = 2147483647;

/** Memory-valued parameters (work_mem): canonical value in kB, PostgreSQL's units, rounding and messages. */
function kbParam(minKb: number): ParamDef['parse'] {
  return (values, name) => {
    const raw = single(values, name);
    const m = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+))\s*([A-Za-z]*)\s*$/.exec(raw);
    if (!m) throw invalid(name, raw);
    const unit = m[2]!;
    const perUnitKb = unit === '' ? 1 : memoryUnitsKb[unit];
    if (perUnitKb === undefined) throw invalid(name, raw, 'Valid units for this parameter are "B", "kB", "MB", "GB", and "TB".');
    const kb = Math.round(Number(m[1]) * perUnitKb);
    if (!Number.isFinite(kb) || Math.abs(kb) > memoryKbMax) throw invalid(name, raw, 'Value exceeds integer range.');
    if (kb < minKb) {
      throw new SqlError(SqlState.invalidParameterValue, `${kb} kB is outside the valid range for parameter "${name}" (${minKb} .. ${memoryKbMax})`);
    }
    return String(kb);
  };
}

/** SHOW form of a kB value, as PostgreSQL prints it: the largest unit that divides it (64kB, 4MB, 1GB). */
function showKb(kb: string): string {
  const n = Number(kb);
  for (const [unit, size] of [['TB', 1024 ** 3], ['GB', 1024 ** 2], ['MB', 1024]] as const) {
    if (n !== 0 && n % size === 0) return `${n / size}${unit}`;
  }
  return `${n}kB`;
}

function stringParam(values: readonly string[]): string {
  return values.join(', ');
}

function parseDateStyle(values: readonly string[], name: string, current = 'ISO, MDY'): string {
  let [style, order] = current.split(', ') as [string, string];
  for (const part of values.flatMap((v) => v.split(',')).map((p) => p.trim().toLowerCase())) {
    if (part === 'iso') style = 'ISO';
    else if (part === 'sql') style = 'SQL';
    else if (part === 'postgres') style = 'Postgres';
    else if (part === 'german') {
      style = 'German';
      order = 'DMY';
    } else if (part === 'mdy' || part === 'us' || part === 'noneuropean') order = 'MDY';
    else if (part === 'dmy' || part === 'euro' || part === 'european') order = 'DMY';
    else if (part === 'ymd') order = 'YMD';
    else if (part === 'default') {
      style = 'ISO';
      order = 'MDY';
    } else throw invalid(name, values.join(', '));
  }
  return `${style}, ${order}`;
}

function parseTimeZone(values: readonly string[], name: string): string {
  const raw = single(values, name).trim();
  if (raw.toLowerCase() === 'local' || raw.toLowerCase() === 'default') return defaultTimeZone;
  // The same rules the timestamptz I/O functions apply (IANA names, UTC+3, +02:30, ...).
  if (!isValidTimeZone(raw)) throw invalid('TimeZone', raw);
  return raw;
}

function parseEncoding(values: readonly string[], name: string): string {
  // asyncpg sends client_encoding='utf-8' with the quotes in its startup packet; PostgreSQL accepts it.
  const v = single(values, name).replace(/^'(.*)'$/, '$1').toUpperCase().replace(/[-_]/g, '');
  if (v === 'UTF8' || v === 'UNICODE') return 'UTF8';
  throw new SqlError(SqlState.invalidParameterValue, `invalid value for parameter "${name}": "${single(values, name)}"`, {
    detail: 'nodedb speaks UTF8 only.',
  });
}

/** 'strong' | 'bounded_staleness:<seconds>' (seconds > 0) | 'eventual'. */
export function parseReadConsistency(text: string): ReadConsistency {
  const v = text.trim().toLowerCase();
  if (v === 'strong') return { kind: 'strong' };
  if (v === 'eventual') return { kind: 'eventual' };
  const m = /^bounded_staleness:(\d+(?:\.\d+)?)$/.exec(v);
  if (m) {
    const stalenessMs = Math.round(Number(m[1]) * 1000);
    if (stalenessMs > 0 && Number.isFinite(stalenessMs)) return { kind: 'bounded_staleness', stalenessMs };
  }
  throw new SqlError(
    SqlState.invalidParameterValue,
    `invalid value for parameter "nodedb.read_consistency": "${text}"`,
    { hint: "Available values: strong, bounded_staleness:<seconds> (seconds > 0), eventual." },
  );
}

export function formatReadConsistency(rc: ReadConsistency): string {
  switch (rc.kind) {
    case 'strong':
      return 'strong';
    case 'eventual':
      return 'eventual';
    case 'bounded_staleness':
      return `bounded_staleness:${rc.stalenessMs / 1000}`;
    default:
      return assertNever(rc, 'read consistency');
  }
}

const defaultTimeZone = 'UTC';
const isolationValues = ['serializable', 'repeatable read', 'read committed', 'read uncommitted'] as const;

const readOnly = (value: string): ParamDef['parse'] => (_values, name) => {
  void value;
  throw new SqlError('55P02', `parameter "${name}" cannot be changed`);
};

function def(
  name: string,
  defaultValue: string,
  parse: ParamDef['parse'],
  opts: { reported?: boolean; context?: Context; description?: string } = {},
): ParamDef {
  return {
    name,
    defaultValue,
    parse,
    reported: opts.reported ?? false,
    context: opts.context ?? 'user',
    description: opts.description ?? '',
  };
}

export const serverVersion = '15.0';
export const serverVersionNum = '150000';

const params: readonly ParamDef[] = [
  def('application_name', '', (v) => stringParam(v).slice(0, 63), { reported: true, description: 'Sets the application name to be reported in statistics and logs.' }),
  def('client_encoding', 'UTF8', parseEncoding, { reported: true, description: "Sets the client's character set encoding." }),
  def('DateStyle', 'ISO, MDY', (v, n) => parseDateStyle(v, n), { reported: true, description: 'Sets the display format for date and time values.' }),
  def('default_transaction_read_only', 'off', boolParam, { reported: true, description: 'Sets the default read-only status of new transactions.' }),
  def('default_transaction_isolation', 'read committed', enumParam(isolationValues), { description: 'Sets the transaction isolation level of each new transaction.' }),
  def('in_hot_standby', 'off', readOnly('off'), { reported: true, context: 'internal', description: 'Shows whether hot standby is currently active.' }),
  def('integer_datetimes', 'on', readOnly('on'), { reported: true, context: 'internal', description: 'Shows whether datetimes are integer based.' }),
  def('IntervalStyle', 'postgres', enumParam(['postgres', 'postgres_verbose', 'sql_standard', 'iso_8601']), { reported: true, description: 'Sets the display format for interval values.' }),
  def('is_superuser', 'on', readOnly('on'), { reported: true, context: 'internal', description: 'Shows whether the current user is a superuser.' }),
  def('server_encoding', 'UTF8', readOnly('UTF8'), { reported: true, context: 'internal', description: 'Shows the server (database) character set encoding.' }),
  def('server_version', serverVersion, readOnly(serverVersion), { reported: true, context: 'internal', description: 'Shows the server version.' }),
  def('server_version_num', serverVersionNum, readOnly(serverVersionNum), { context: 'internal', description: 'Shows the server version as an integer.' }),
  def('session_authorization', 'postgres', readOnly('postgres'), { reported: true, context: 'internal', description: 'Sets the session user name.' }),
  def('standard_conforming_strings', 'on', (v, n) => {
    if (boolParam(v, n) !== 'on') throw new SqlError(SqlState.featureNotSupported, 'standard_conforming_strings = off is not supported');
    return 'on';
  }, { reported: true, description: "Causes '...' strings to treat backslashes literally." }),
  def('TimeZone', defaultTimeZone, parseTimeZone, { reported: true, description: 'Sets the time zone for displaying and interpreting time stamps.' }),
  def('extra_float_digits', '1', intParam(-15, 3), { description: 'Sets the number of digits displayed for floating-point values.' }),
  def('bytea_output', 'hex', enumParam(['escape', 'hex']), { description: 'Sets the output format for bytea.' }),
  def('search_path', '"$user", public', (v) => stringParam(v), { description: 'Sets the schema search order for names that are not schema-qualified.' }),
  def('statement_timeout', '0', msParam, { description: 'Sets the maximum allowed duration of any statement.' }),
  def('lock_timeout', '0', msParam, { description: 'Sets the maximum allowed duration of any wait for a lock.' }),
  def('client_min_messages', 'notice', enumParam(['debug5', 'debug4', 'debug3', 'debug2', 'debug1', 'log', 'notice', 'warning', 'error']), { description: 'Sets the message levels that are sent to the client.' }),
  // nodedb has no JIT compiler, so 'off' is the truth; asyncpg sets it before introspecting types.
  def('jit', 'off', boolParam, { description: 'Allow JIT compilation (nodedb has no JIT compiler: always off in effect).' }),
  def('work_mem', '4096', kbParam(64), { description: 'Sets the maximum memory to be used for query workspaces.' }),
  def('max_index_keys', '32', readOnly('32'), { context: 'internal', description: 'Shows the maximum number of index keys.' }),
  def('max_identifier_length', '63', readOnly('63'), { context: 'internal', description: 'Shows the maximum identifier length.' }),
  def('nodedb.read_consistency', 'strong', (v, n) => formatReadConsistency(parseReadConsistency(single(v, n))), {
    description: 'Read consistency of read-only statements: strong, bounded_staleness:<seconds> or eventual.',
  }),
];

const byLowerName = new Map(params.map((p) => [p.name.toLowerCase(), p]));

/** Aliases the grammar produces. */
function canonicalKey(name: string): string {
  const n = name.toLowerCase();
  if (n === 'timezone' || n === 'time zone') return 'timezone';
  return n;
}

/** Parameters that read the transaction rather than the session. */
const transactionParams = new Set(['transaction_isolation', 'transaction_read_only', 'transaction_deferrable']);

export interface SettingChange {
  readonly name: string;
  readonly value: string;
  readonly reported: boolean;
}

/**
 * One session's parameter values. Values set inside a transaction are undone when it rolls back
 * (snapshot/restore), and SET LOCAL values end with the transaction, as in PostgreSQL.
 */
export class Settings {
  private values = new Map<string, string>();
  /** Custom placeholder parameters (any name with a dot outside nodedb.*), as PostgreSQL allows. */
  private custom = new Map<string, string>();
  private local: Map<string, string> | undefined;
  /** Copy-on-write: the maps are referenced by a snapshot and must be cloned before the next change. */
  private shared = false;
  /** Parsed search_path and the text it was parsed from: the same array while the text is the same (plans cache on it). */
  private searchPathCache: { readonly text: string; readonly path: string[] } | undefined;
  private hotCache: HotSettings | undefined;

  constructor(startup: ReadonlyMap<string, string> = new Map()) {
    for (const p of params) this.values.set(p.name.toLowerCase(), p.defaultValue);
    for (const [name, value] of startup) this.set(name, [value], false);
  }

  /** Called before every change: clones maps a snapshot still references; drops derived caches. */
  private writable(): void {
    this.hotCache = undefined;
    if (!this.shared) return;
    this.values = new Map(this.values);
    this.custom = new Map(this.custom);
    this.local = this.local && new Map(this.local);
    this.shared = false;
  }

  private def(name: string): ParamDef | undefined {
    return byLowerName.get(canonicalKey(name));
  }

  /** Validates and sets; returns the change to report (or undefined when nothing is reported). */
  set(name: string, values: readonly string[] | 'default', local: boolean): SettingChange | undefined {
    const key = canonicalKey(name);
    const d = this.def(key);
    if (!d) {
      if (key.includes('.') && !key.startsWith('nodedb.')) {
        const v = values === 'default' ? '' : values.join(', ');
        this.writable();
        (local ? (this.local ??= new Map()) : this.custom).set(key, v);
        return undefined;
      }
      throw new SqlError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
    }
    let value: string;
    if (values === 'default') {
      if (d.context === 'internal') throw new SqlError('55P02', `parameter "${d.name}" cannot be changed`);
      value = d.defaultValue;
    } else if (d.name === 'DateStyle') {
      value = parseDateStyle(values, d.name, this.get('DateStyle'));
    } else {
      value = d.parse(values, d.name);
    }
    this.writable();
    if (local) (this.local ??= new Map()).set(key, value);
    else {
      this.values.set(key, value);
      this.local?.delete(key);
    }
    return d.reported ? { name: d.name, value, reported: true } : undefined;
  }

  reset(name: string): SettingChange[] {
    if (name.toLowerCase() === 'all') {
      this.writable();
      const changes: SettingChange[] = [];
      for (const p of params) {
        if (p.context === 'internal') continue;
        const before = this.get(p.name);
        this.values.set(p.name.toLowerCase(), p.defaultValue);
        this.local?.delete(p.name.toLowerCase());
        if (p.reported && before !== p.defaultValue) changes.push({ name: p.name, value: p.defaultValue, reported: true });
      }
      this.custom.clear();
      return changes;
    }
    const change = this.set(name, 'default', false);
    return change ? [change] : [];
  }

  /** Current value (SET LOCAL wins); throws 42704 for an unknown parameter. */
  get(name: string): string {
    const key = canonicalKey(name);
    const local = this.local?.get(key);
    if (local !== undefined) return local;
    const v = this.values.get(key) ?? this.custom.get(key);
    if (v === undefined) throw new SqlError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
    return v;
  }

  /** SHOW: the column name and the display value. */
  show(name: string): { column: string; value: string } {
    const key = canonicalKey(name);
    const d = this.def(key);
    const value = this.get(key);
    if (key === 'statement_timeout' || key === 'lock_timeout') return { column: d!.name, value: showMs(value) };
    if (key === 'work_mem') return { column: d!.name, value: showKb(value) };
    return { column: d ? d.name : key, value };
  }

  static isTransactionParam(name: string): boolean {
    return transactionParams.has(name.toLowerCase());
  }

  /** SHOW ALL rows: name, setting, description. */
  showAll(): [string, string, string][] {
    return params
      .map((p): [string, string, string] => [p.name, this.show(p.name).value, p.description])
      .sort((a, b) => (a[0].toLowerCase() < b[0].toLowerCase() ? -1 : 1));
  }

  reportedValues(): Map<string, string> {
    const m = new Map<string, string>();
    for (const p of params) if (p.reported) m.set(p.name, this.get(p.name));
    return m;
  }

  snapshot(): SettingsSnapshot {
    this.shared = true;
    return { values: this.values, custom: this.custom, local: this.local };
  }

  /** Restores a snapshot; returns the reported parameters whose value changed. */
  restore(s: SettingsSnapshot): SettingChange[] {
    const before = this.reportedValues();
    this.values = s.values;
    this.custom = s.custom;
    this.local = s.local;
    this.shared = true;
    this.hotCache = undefined;
    return this.diffReported(before);
  }

  /** End of transaction: SET LOCAL values lapse. */
  endTransaction(): SettingChange[] {
    if (!this.local) return [];
    const before = this.reportedValues();
    this.writable();
    this.local = undefined;
    return this.diffReported(before);
  }

  private diffReported(before: Map<string, string>): SettingChange[] {
    const changes: SettingChange[] = [];
    for (const [name, value] of this.reportedValues()) {
      if (before.get(name) !== value) changes.push({ name, value, reported: true });
    }
    return changes;
  }

  /** The values every statement reads, typed; derived once per change of the settings. */
  get hot(): HotSettings {
    return (this.hotCache ??= this.deriveHot());
  }

  private deriveHot(): HotSettings {
    const iso = this.get('default_transaction_isolation');
    return Object.freeze({
      statementTimeoutMs: Number(this.get('statement_timeout')),
      lockTimeoutMs: Number(this.get('lock_timeout')),
      readConsistency: Object.freeze(parseReadConsistency(this.get('nodedb.read_consistency'))),
      defaultIsolation: iso === 'serializable' ? 'serializable' : iso === 'repeatable read' ? 'repeatable read' : 'read committed',
      defaultReadOnly: this.get('default_transaction_read_only') === 'on',
      workMemBytes: Number(this.get('work_mem')) * 1024,
      format: Object.freeze({
        timeZone: this.get('TimeZone'),
        dateStyle: this.get('DateStyle'),
        intervalStyle: this.get('IntervalStyle'),
        extraFloatDigits: Number(this.get('extra_float_digits')),
        byteaOutput: this.get('bytea_output') === 'escape' ? 'escape' : 'hex',
      }),
    });
  }

  // Typed accessors for the values other layers read.
  get statementTimeoutMs(): number {
    return this.hot.statementTimeoutMs;
  }
  get lockTimeoutMs(): number {
    return this.hot.lockTimeoutMs;
  }
  get readConsistency(): ReadConsistency {
    return this.hot.readConsistency;
  }
  get searchPath(): string[] {
    const text = this.get('search_path');
    if (this.searchPathCache === undefined || this.searchPathCache.text !== text) {
      this.searchPathCache = { text, path: parseSearchPath(text) };
    }
    return this.searchPathCache.path;
  }
}

function parseSearchPath(text: string): string[] {
  return (
    text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map((s) => (s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s.toLowerCase()))
  );
}

/** Settings read by every statement, typed (Settings.hot; a new object after every change). */
export interface HotSettings {
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly readConsistency: ReadConsistency;
  readonly defaultIsolation: 'read committed' | 'repeatable read' | 'serializable';
  readonly defaultReadOnly: boolean;
  /** work_mem in bytes: the bound of each sort / hash table / hash aggregate (sql/exec/spill.ts). */
  readonly workMemBytes: number;
  /** TimeZone, DateStyle, IntervalStyle, extra_float_digits, bytea_output. */
  readonly format: FormatContext;
}

/** Never mutated once taken (Settings clones before writing). */
export interface SettingsSnapshot {
  readonly values: Map<string, string>;
  readonly custom: Map<string, string>;
  readonly local: Map<string, string> | undefined;
}
