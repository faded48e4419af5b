/**
 * Startup-packet interpretation: turns the v3 parameters into StartupParams, including
 * PostgreSQL's `options` mini command line (`-c name=value`, `-cname=value`, `--name=value`).
 */
import { SqlError, SqlState } from '../util/errors.js';
import type { StartupParams } from '../sql/session-api.js';

/** Longest `options` value we split (the whole startup packet is bounded too). */
export const startupOptionsCharsMax = 10_000;

function fatal(code: string, message: string, hint?: string): SqlError {
  return new SqlError(code, message, hint === undefined ? { severity: 'FATAL' } : { severity: 'FATAL', hint });
}

/** PostgreSQL's pg_split_opts: whitespace separates words, a backslash escapes the next character. */
export function splitOptions(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    let word = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      word += text[i]!;
      i++;
    }
    words.push(word);
  }
  return words;
}

/** `name=value` → [name with '-' as '_', value]; PostgreSQL's ParseLongOption. */
function parseLongOption(arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0) {
    throw fatal(SqlState.syntaxError, `--${arg} requires a value`);
  }
  const name = arg.slice(0, eq).replace(/-/g, '_');
  return [name, arg.slice(eq + 1)];
}

/** Settings from the `options` startup parameter, in order (later ones win). */
export function parseStartupOptions(text: string): [string, string][] {
  if (text.length > startupOptionsCharsMax) throw fatal(SqlState.programLimitExceeded, 'startup options are too long');
  const words = splitOptions(text);
  const out: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-c') {
      const next = words[i + 1];
      if (next === undefined) throw fatal(SqlState.syntaxError, 'option requires an argument -- c');
      out.push(parseLongOption(next));
      i++;
    } else if (w.startsWith('-c')) {
      out.push(parseLongOption(w.slice(2)));
    } else if (w.startsWith('--') && w.length > 2) {
      out.push(parseLongOption(w.slice(2)));
    } else {
      throw fatal(
        SqlState.featureNotSupported,
        `startup option "${w}" is not supported`,
        'Only "-c name=value" and "--name=value" are accepted in options.',
      );
    }
  }
  return out;
}

/** Startup parameters that are protocol-level, not settings. */
const protocolParams = new Set(['user', 'database', 'options', 'replication']);

/**
 * Builds StartupParams from the raw v3 parameters. `_pq_.` protocol extensions must have been
 * removed by the caller (they are answered with NegotiateProtocolVersion).
 */
export function startupParamsFrom(raw: ReadonlyMap<string, string>): StartupParams {
  const user = raw.get('user');
  if (user === undefined || user === '') {
    throw fatal(SqlState.invalidAuthorizationSpecification, 'no PostgreSQL user name specified in startup packet');
  }
  const replication = raw.get('replication');
  if (replication !== undefined && !['false', 'off', 'no', '0'].includes(replication.toLowerCase())) {
    throw fatal(SqlState.featureNotSupported, 'replication connections are not supported');
  }
  const settings = new Map<string, string>();
  for (const [name, value] of raw) {
    if (!protocolParams.has(name)) settings.set(name, value);
  }
  const options = raw.get('options');
  if (options !== undefined) {
    for (const [name, value] of parseStartupOptions(options)) settings.set(name, value);
  }
  const database = raw.get('database');
  const applicationName = settings.get('application_name') ?? '';
  return {
    user,
    database: database === undefined || database === '' ? user : database,
    applicationName,
    settings,
  };
}
