/**
 * Pre-parser for nodedb's own statements (SHOW NODES, SHOW RANGES ..., SHOW ROUTING ...,
 * SHOW SCHEMA VERSION), recognised on scanSync tokens before libpg-query sees the text.
 */
import type { ScanToken } from 'libpg-query';
import type * as ast from '../ast.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { ParseContext } from './context.js';
import { codePointCount } from './context.js';

/** A statement's tokens: ctx.tokens[first, end), followed by token `end` (a ';' or nothing). */
export interface TokenSegment {
  readonly first: number;
  readonly end: number;
}

const keywordUnreserved = 1;
const keywordColName = 2;

function lower(t: ScanToken | undefined): string | undefined {
  return t === undefined ? undefined : t.text.toLowerCase();
}

/** True when the segment starts with SHOW followed by one of our statement words. */
export function isNodedbStatement(ctx: ParseContext, seg: TokenSegment): boolean {
  if (seg.end - seg.first < 2 || lower(ctx.tokens[seg.first]) !== 'show') return false;
  const second = ctx.tokens[seg.first + 1] as ScanToken;
  if (second.text.startsWith('"')) return false;
  const w = second.text.toLowerCase();
  if (w === 'schema') return lower(ctx.tokens[seg.first + 2]) === 'version';
  return w === 'nodes' || w === 'ranges' || w === 'routing';
}

/** Syntax error at token index i (or at end of input), with PostgreSQL's wording and position. */
export function syntaxErrorAt(ctx: ParseContext, i: number): SqlError {
  const t = ctx.tokens[i];
  if (t === undefined) {
    return new SqlError(SqlState.syntaxError, 'syntax error at end of input', {
      position: codePointCount(ctx.text, ctx.text.length) + 1,
    });
  }
  return new SqlError(SqlState.syntaxError, `syntax error at or near "${t.text}"`, {
    position: codePointCount(ctx.text, ctx.charOffset(t.start)) + 1,
  });
}

/** Reads tokens of one segment; errors point at the offending token like PostgreSQL's grammar. */
class Cursor {
  i: number;
  constructor(
    readonly ctx: ParseContext,
    readonly seg: TokenSegment,
  ) {
    this.i = seg.first;
  }
  peek(): ScanToken | undefined {
    return this.i < this.seg.end ? this.ctx.tokens[this.i] : undefined;
  }
  atEnd(): boolean {
    return this.i >= this.seg.end;
  }
  fail(): SqlError {
    return syntaxErrorAt(this.ctx, this.i);
  }
  word(w: string): void {
    const t = this.peek();
    if (t === undefined || t.keywordKind === 0 && t.tokenName !== 'IDENT' || t.text.toLowerCase() !== w) throw this.fail();
    this.i++;
  }
  symbol(s: string): void {
    if (this.peek()?.text !== s) throw this.fail();
    this.i++;
  }
  isSymbol(s: string): boolean {
    return this.peek()?.text === s;
  }
  isWord(w: string): boolean {
    const t = this.peek();
    return t !== undefined && !t.text.startsWith('"') && t.text.toLowerCase() === w;
  }
  /** ColId: an identifier or a non-reserved keyword; quoted identifiers keep their case. */
  identifier(): string {
    const t = this.peek();
    if (t === undefined) throw this.fail();
    if (t.tokenName === 'IDENT') {
      this.i++;
      if (t.text.startsWith('"')) return t.text.slice(1, -1).replace(/""/g, '"');
      return t.text.toLowerCase();
    }
    if (t.keywordKind === keywordUnreserved || t.keywordKind === keywordColName) {
      this.i++;
      return t.text.toLowerCase();
    }
    throw this.fail();
  }
  qualifiedName(): string[] {
    const parts = [this.identifier()];
    while (this.isSymbol('.')) {
      if (parts.length >= 2) throw this.fail();
      this.i++;
      parts.push(this.identifier());
    }
    return parts;
  }
  end(): void {
    if (!this.atEnd()) throw this.fail();
  }
}

/**
 * Parses one of our statements. `parseKeyExprs(openParen, closeParen)` converts the
 * expressions between the given token indexes (exclusive) for SHOW ROUTING ... KEY (...).
 */
export function parseNodedbStatement(
  ctx: ParseContext,
  seg: TokenSegment,
  parseKeyExprs: (openParen: number, closeParen: number) => ast.Expr[],
): ast.NodedbStmt {
  const c = new Cursor(ctx, seg);
  const location = ctx.charOffset((ctx.tokens[seg.first] as ScanToken).start);
  c.word('show');
  if (c.isWord('schema')) {
    c.word('schema');
    c.word('version');
    c.end();
    return { kind: 'ShowSchemaVersion', location };
  }
  if (c.isWord('nodes')) {
    c.word('nodes');
    c.end();
    return { kind: 'ShowNodes', location };
  }
  if (c.isWord('ranges')) {
    c.word('ranges');
    if (c.atEnd()) return { kind: 'ShowRanges', location };
    c.word('from');
    if (c.isWord('table')) {
      c.word('table');
      const table = c.qualifiedName();
      c.end();
      return { kind: 'ShowRanges', from: { table }, location };
    }
    c.word('index');
    const table = c.qualifiedName();
    c.symbol('@');
    const index = c.identifier();
    c.end();
    return { kind: 'ShowRanges', from: { table, index }, location };
  }
  c.word('routing');
  c.word('for');
  c.word('table');
  const table = c.qualifiedName();
  c.word('key');
  const open = c.i;
  c.symbol('(');
  let depth = 1;
  while (depth > 0) {
    const t = c.peek();
    if (t === undefined) throw c.fail();
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    c.i++;
  }
  const close = c.i - 1;
  c.end();
  if (close === open + 1) throw syntaxErrorAt(ctx, close);
  return { kind: 'ShowRouting', table, key: parseKeyExprs(open, close), location };
}
