import { describe, expect, it } from 'vitest';
import { like } from './pattern.js';

describe('LIKE with regex metacharacters and dashes', () => {
  it('treats every pattern character literally except % and _', () => {
    expect(like('B-12', 'B-%', false)).toBe(true);
    expect(like('a.b(c)[d]{e}|f^$+?*/-', 'a.b(c)[d]{e}|f^$+?*/-', false)).toBe(true);
    expect(like('axb', 'a.b', false)).toBe(false);
    expect(like('A-x', 'a-_', true)).toBe(true);
  });
});
