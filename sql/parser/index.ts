/**
 * The parser wrapper: SQL text → nodedb's typed AST (sql/ast.ts), via libpg-query (the real
 * PostgreSQL grammar compiled to wasm) and a small pre-parser for nodedb's own statements.
 *
 * Locations in the AST are 0-based string offsets into the WHOLE query text passed to
 * parseSql (so error positions for any statement of a multi-statement string are location + 1).
 * Everything thrown is a SqlError: 42601 for syntax errors (PostgreSQL's own message and
 * position), 0A000 naming the feature for what nodedb does not support.
 */
import { loadModule, parseSync, scanSync, type ScanToken } from 'libpg-query';
import type * as ast from '../ast.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { codePointCount, ParseContext } from './context.js';
import { ExprConverter } from './convert-expr.js';
import { convertStatementNode } from './convert-stmt.js';
import { isNodedbStatement, parseNodedbStatement, syntaxErrorAt, type TokenSegment } from './nodedb.js';
import { bodyOf, internal, list, unsupported, type Node } from './pg.js';

/** Query texts longer than this are rejected before parsing (PostgreSQL's MaxAllocSize is 1 GB). */
export const queryTextCharsMax = 64 * 1024 * 1024;

let parserReady = false;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Loads the libpg-query wasm module; call once at startup before parseSql. */
export async function initParser(): Promise<void> {
  if (parserReady) return;
  await loadModule();
  parserReady = true;
}

/** Parses a query string into its statements; empty / comment-only text gives []. */
export function parseSql(text: string): ast.ParsedStatement[] {
  assert(parserReady, 'parseSql called before initParser()');
  try {
    return parseText(text);
  } catch (e) {
    if (e instanceof SqlError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    throw new SqlError(SqlState.internalError, `parser failure: ${message}`);
  }
}

function parseText(text: string): ast.ParsedStatement[] {
  if (text === '') return [];
  if (text.length > queryTextCharsMax) {
    throw new SqlError(SqlState.programLimitExceeded, `query text is longer than ${queryTextCharsMax} characters`);
  }
  if (loneSurrogate.test(text) || text.includes('\0')) {
    throw new SqlError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
  }
  checkCommentNesting(text);
  const ctx = new ParseContext(text, () => scanTokens(text));
  if (!/show/i.test(text)) {
    // No nodedb statement possible: one libpg-query call, tokens only if a converter needs them.
    return list(pgParse(text).stmts).map((raw) => convertRawStmt(ctx, raw));
  }
  const tokens = ctx.tokens;
  const segments = splitStatements(tokens);
  const ours = segments.filter((s) => isNodedbStatement(ctx, s));
  const out: ast.ParsedStatement[] = [];
  let pgText = text;
  if (ours.length > 0) {
    const bytes = Buffer.from(text, 'utf8');
    for (const s of ours) bytes.fill(0x20, (tokens[s.first] as ScanToken).start, (tokens[s.end - 1] as ScanToken).end);
    pgText = bytes.toString('utf8');
  }
  if (ours.length < segments.length) {
    const result = pgParse(pgText);
    for (const raw of list(result.stmts)) out.push(convertRawStmt(ctx, raw));
  }
  for (const s of ours) {
    const startByte = (tokens[s.first] as ScanToken).start;
    const endByte = (tokens[s.end - 1] as ScanToken).end;
    const statement = parseNodedbStatement(ctx, s, (open, close) => keyExprs(ctx, open, close));
    out.push({ statement, text: ctx.sliceBytes(startByte, endByte), offset: ctx.charOffset(startByte) });
  }
  out.sort((a, b) => a.offset - b.offset);
  return out;
}

/** Nested comments cost the scanner quadratic time (PostgreSQL's too): bound their depth. */
export const commentNestingDepthMax = 1000;

/**
 * Rejects comments nested deeper than commentNestingDepthMax. A linear mini-lexer that knows
 * quotes, dollar quotes and -- comments; it runs only when the text has many comment openers.
 */
function checkCommentNesting(text: string): void {
  if (text.split('/*', commentNestingDepthMax + 2).length <= commentNestingDepthMax + 1) return;
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (depth > 0) {
      if (ch === '/' && next === '*') {
        depth++;
        if (depth > commentNestingDepthMax) {
          throw new SqlError(SqlState.statementTooComplex, `comments nested deeper than ${commentNestingDepthMax} levels`);
        }
        i += 2;
      } else if (ch === '*' && next === '/') {
        depth--;
        i += 2;
      } else i++;
      continue;
    }
    if (ch === '/' && next === '*') {
      depth = 1;
      i += 2;
    } else if (ch === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol + 1;
    } else if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '$') {
      const m = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(text.slice(i, i + 64));
      if (m === null) i++;
      else {
        const end = text.indexOf(m[0], i + m[0].length);
        i = end < 0 ? text.length : end + m[0].length;
      }
    } else i++;
  }
}

function scanTokens(text: string): ScanToken[] {
  try {
    return scanSync(text).tokens ?? [];
  } catch {
    // The scanner reports errors as plain text; the parser reports the same error with its position.
    pgParse(text);
    throw new SqlError(SqlState.syntaxError, 'syntax error');
  }
}

/** Top-level statements: token ranges between ';' tokens (';' never appears inside a token). */
function splitStatements(tokens: readonly ScanToken[]): TokenSegment[] {
  const out: TokenSegment[] = [];
  let first = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i === tokens.length || (tokens[i] as ScanToken).text === ';') {
      if (i > first) out.push({ first, end: i });
      first = i + 1;
    }
  }
  return out;
}

interface RawParse {
  readonly stmts?: readonly { stmt?: Node; stmt_location?: number; stmt_len?: number }[];
}

/** libpg-query parse with its errors mapped to SqlError (PostgreSQL's message and position). */
function pgParse(text: string): RawParse {
  try {
    return parseSync(text);
  } catch (e) {
    throw mapParserError(e);
  }
}

/** Grammar errors raised with feature_not_supported ("CREATE ASSERTION is not yet implemented"). */
const featureNotSupportedMessage = /\bnot (yet )?(implemented|supported)\b/;

function mapParserError(e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  if (!(e instanceof Error)) return new SqlError(SqlState.internalError, `parser failure: ${String(e)}`);
  const details = (e as Error & { sqlDetails?: { message?: string; cursorPosition?: number } }).sqlDetails;
  const message = details?.message ?? e.message;
  const code = featureNotSupportedMessage.test(message) ? SqlState.featureNotSupported : SqlState.syntaxError;
  if (details === undefined) return new SqlError(code, message);
  const position = (details.cursorPosition ?? 0) + 1;
  return new SqlError(code, message, { position });
}

function convertRawStmt(ctx: ParseContext, raw: { stmt?: Node; stmt_location?: number; stmt_len?: number }): ast.ParsedStatement {
  const startByte = raw.stmt_location ?? 0;
  const len = raw.stmt_len ?? 0;
  const totalBytes = Buffer.byteLength(ctx.text, 'utf8');
  const endByte = len === 0 ? totalBytes : startByte + len;
  const converter = new ExprConverter(ctx, startByte, endByte);
  const statement = convertStatementNode(converter, raw.stmt, 'statement');
  const whole = ctx.sliceBytes(startByte, endByte);
  const lead = whole.length - whole.trimStart().length;
  return { statement, text: whole.trim(), offset: ctx.charOffset(startByte) + lead };
}

/** SHOW ROUTING ... KEY (exprs): parse the list as a SELECT target list at the same byte offsets. */
function keyExprs(ctx: ParseContext, open: number, close: number): ast.Expr[] {
  const bytes = Buffer.alloc(Buffer.byteLength(ctx.text, 'utf8'), 0x20);
  const src = Buffer.from(ctx.text, 'utf8');
  const openTok = ctx.tokens[open] as ScanToken;
  const closeTok = ctx.tokens[close] as ScanToken;
  assert(openTok.start >= 6, 'SHOW ROUTING key list starts after the statement words');
  bytes.write('select', 0, 'latin1');
  src.copy(bytes, openTok.end, openTok.end, closeTok.start);
  let result: RawParse;
  try {
    result = pgParse(bytes.toString('utf8'));
  } catch (e) {
    // The closing parenthesis was blanked out: PostgreSQL would have met it where input "ended".
    if (e instanceof SqlError && e.message === 'syntax error at end of input') throw syntaxErrorAt(ctx, close);
    throw e;
  }
  const stmts = list(result.stmts);
  if (stmts.length !== 1) throw syntaxErrorAt(ctx, close);
  const select = bodyOf(stmts[0]?.stmt, 'SelectStmt');
  if (select === undefined) throw internal('SHOW ROUTING key list');
  const converter = new ExprConverter(ctx, openTok.start, closeTok.end);
  return list(select.targetList).map((n) => {
    const r = bodyOf(n, 'ResTarget');
    if (r === undefined) throw internal('SHOW ROUTING key item');
    if (r.name !== undefined) throw unsupported('an alias in SHOW ROUTING ... KEY');
    return converter.expr(r.val, 'SHOW ROUTING KEY');
  });
}

export { codePointCount };
