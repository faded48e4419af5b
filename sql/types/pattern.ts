/** LIKE / ILIKE and POSIX regular expressions, compiled to JS RegExp with a bounded cache. */
import { SqlError, SqlState } from '../../util/errors.js';

export const patternCacheEntriesMax = 512;
const cache = new Map<string, RegExp>();

function cached(key: string, build: () => RegExp): RegExp {
  let re = cache.get(key);
  if (re === undefined) {
    re = build();
    if (cache.size >= patternCacheEntriesMax) cache.clear();
    cache.set(key, re);
  }
  return re;
}

/** Escapes a literal character for a unicode-mode RegExp ('-' is literal outside a class, and `\-` is invalid there). */
function escapeRe(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? '\\' + c : c;
}

/** LIKE pattern → anchored RegExp. `escape` '' disables escaping. */
export function likeRegExp(pattern: string, caseInsensitive: boolean, escape = '\\'): RegExp {
  return cached(`L${caseInsensitive ? 'i' : ''}${escape}\u0000${pattern}`, () => {
    let src = '^';
    const chars = [...pattern];
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (escape !== '' && c === escape) {
        const n = chars[i + 1];
        if (n === undefined) {
          throw new SqlError(SqlState.invalidEscapeSequence, 'LIKE pattern must not end with escape character');
        }
        src += escapeRe(n);
        i++;
      } else if (c === '%') src += '[\\s\\S]*';
      else if (c === '_') src += '[\\s\\S]';
      else src += escapeRe(c);
    }
    return new RegExp(src + '$', caseInsensitive ? 'iu' : 'u');
  });
}

export function like(text: string, pattern: string, caseInsensitive: boolean, escape = '\\'): boolean {
  return likeRegExp(pattern, caseInsensitive, escape).test(text);
}

/** POSIX ARE → JS RegExp (the common subset: classes [[:alpha:]], \m \M word bounds, others as JS). */
export function posixRegExp(pattern: string, flags: string): RegExp {
  return cached(`R${flags}\u0000${pattern}`, () => {
    const src = pattern
      .replace(/\[\[:alpha:\]\]/g, '[A-Za-z]')
      .replace(/\[\[:digit:\]\]/g, '[0-9]')
      .replace(/\[\[:alnum:\]\]/g, '[A-Za-z0-9]')
      .replace(/\[\[:space:\]\]/g, '\\s')
      .replace(/\[\[:upper:\]\]/g, '[A-Z]')
      .replace(/\[\[:lower:\]\]/g, '[a-z]')
      .replace(/\[\[:punct:\]\]/g, '[!-/:-@[-`{-~]')
      .replace(/\[:alpha:\]/g, 'A-Za-z')
      .replace(/\[:digit:\]/g, '0-9')
      .replace(/\[:alnum:\]/g, 'A-Za-z0-9')
      .replace(/\[:space:\]/g, '\\s')
      .replace(/\\m/g, '\\b(?=\\w)')
      .replace(/\\M/g, '\\b(?<=\\w)')
      .replace(/\\y/g, '\\b')
      // ARE identity escapes (\% \# ...) are not allowed in JS unicode mode: spell them as \u{..}.
      .replace(/\\([\s\S])/gu, (m, c: string) => (/[A-Za-z0-9^$\\.*+?()[\]{}|/-]/.test(c) ? m : `\\u{${c.codePointAt(0)!.toString(16)}}`));
    try {
      return new RegExp(src, flags);
    } catch (e) {
      const msg = e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') : String(e);
      throw new SqlError('2201B', `invalid regular expression: ${msg}`);
    }
  });
}

export function regexMatch(text: string, pattern: string, caseInsensitive: boolean): boolean {
  return posixRegExp(pattern, caseInsensitive ? 'iu' : 'u').test(text);
}

/** similar_to_escape: SQL-standard SIMILAR TO pattern → POSIX regex, as PostgreSQL rewrites it. */
export function similarToRegex(pattern: string, escape: string | null): string {
  const esc = escape === null ? '\\' : escape;
  if ([...esc].length > 1) {
    throw new SqlError(SqlState.invalidEscapeSequence, 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  let out = '^(?:';
  let inBracket = false;
  let afterEscape = false;
  for (const ch of pattern) {
    if (afterEscape) {
      out += '\\' + ch;
      afterEscape = false;
    } else if (esc !== '' && ch === esc) {
      afterEscape = true;
    } else if (inBracket) {
      if (ch === ']') inBracket = false;
      out += ch === '\\' ? '\\\\' : ch;
    } else if (ch === '[') {
      inBracket = true;
      out += ch;
    } else if (ch === '%') out += '.*';
    else if (ch === '_') out += '.';
    else if (ch === '(') out += '(?:';
    else if (ch === '\\' || ch === '.' || ch === '^' || ch === '$') out += '\\' + ch;
    else out += ch;
  }
  return out + ')$';
}
