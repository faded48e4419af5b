import { describe, expect, it } from 'vitest';
import { SqlError } from '../util/errors.js';
import { splitIdentifiers } from './names.js';

function code(text: string): string | undefined {
  try {
    splitIdentifiers(text);
  } catch (e) {
    return e instanceof SqlError ? e.code : 'not a SqlError';
  }
  return undefined;
}

describe('splitIdentifiers (PostgreSQL stringToQualifiedNameList)', () => {
  it('folds unquoted parts, keeps quoted ones, allows spaces around parts', () => {
    expect(splitIdentifiers('Public.T1')).toEqual(['public', 't1']);
    expect(splitIdentifiers('"My ""Seq"""')).toEqual(['My "Seq"']);
    expect(splitIdentifiers(' s1 ')).toEqual(['s1']);
    expect(splitIdentifiers('a . "B"')).toEqual(['a', 'B']);
  });

  it('rejects what PostgreSQL rejects with 42602 invalid name syntax', () => {
    for (const bad of ['"x', 'a b', '', 'a.', '.a', 'a..b']) expect(code(bad)).toBe('42602');
  });
});
