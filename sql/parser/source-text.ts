/**
 * Recovering the exact source text of DEFAULT / CHECK / GENERATED expressions from scan tokens.
 * The parse tree has start locations but no end locations, so we walk tokens with paren depth.
 */
import type { ScanToken } from 'libpg-query';
import type { ParseContext } from './context.js';
import { internal } from './pg.js';

/** Keywords that end a DEFAULT b_expr inside a column definition (they start the next constraint). */
const columnConstraintStartWords = new Set([
  'not', 'null', 'check', 'default', 'primary', 'unique', 'references', 'constraint', 'generated',
  'collate', 'deferrable', 'initially',
]);

function isWord(t: ScanToken | undefined, word: string): boolean {
  return t !== undefined && t.keywordKind !== 0 && t.text.toLowerCase() === word;
}

function isSymbol(t: ScanToken | undefined, sym: string): boolean {
  return t !== undefined && t.text === sym;
}

/** Index of the first token at/after byte `fromByte` that is keyword `word`. */
function findWord(ctx: ParseContext, fromByte: number, word: string, what: string): number {
  for (let i = ctx.tokenIndexAt(Math.max(0, fromByte)); i < ctx.tokens.length; i++) {
    if (isWord(ctx.tokens[i], word)) return i;
  }
  throw internal(`cannot find ${word.toUpperCase()} for ${what}`);
}

/** Text inside the parentheses that open at token index `open`. */
function parenthesised(ctx: ParseContext, open: number, what: string): string {
  if (!isSymbol(ctx.tokens[open], '(')) throw internal(`expected ( after ${what}`);
  let depth = 0;
  for (let i = open; i < ctx.tokens.length; i++) {
    const t = ctx.tokens[i] as ScanToken;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      depth--;
      if (depth === 0) {
        const first = ctx.tokens[open + 1] as ScanToken;
        if (i === open + 1) return '';
        return ctx.sliceBytes(first.start, (ctx.tokens[i - 1] as ScanToken).end);
      }
    }
  }
  throw internal(`unbalanced parentheses in ${what}`);
}

/** Source of `CHECK (expr)` for a constraint starting at byte `constraintByte`. */
export function checkSource(ctx: ParseContext, constraintByte: number): string {
  const i = findWord(ctx, constraintByte, 'check', 'CHECK constraint');
  return parenthesised(ctx, i + 1, 'CHECK');
}

/** Source of `GENERATED ALWAYS AS (expr) STORED` for a constraint starting at `constraintByte`. */
export function generatedSource(ctx: ParseContext, constraintByte: number): string {
  const g = findWord(ctx, constraintByte, 'generated', 'generated column');
  const as = findWord(ctx, (ctx.tokens[g] as ScanToken).end, 'as', 'generated column');
  return parenthesised(ctx, as + 1, 'GENERATED');
}

/**
 * Source of the expression following the DEFAULT keyword found at/after `fromByte`.
 * inColumnDef: a following column constraint keyword also ends it (DEFAULT 0 NOT NULL).
 */
export function defaultSource(ctx: ParseContext, fromByte: number, inColumnDef: boolean): string {
  const d = findWord(ctx, fromByte, 'default', 'DEFAULT');
  const first = d + 1;
  let depth = 0;
  let last = -1;
  for (let i = first; i < ctx.tokens.length; i++) {
    const t = ctx.tokens[i] as ScanToken;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') {
      depth--;
      if (depth < 0) break;
    } else if (depth === 0) {
      if (t.text === ',' || t.text === ';') break;
      const prev = ctx.tokens[i - 1];
      if (inColumnDef && i > first && t.keywordKind !== 0 && columnConstraintStartWords.has(t.text.toLowerCase())) {
        // b_expr IS [NOT] DISTINCT FROM keeps its NOT.
        if (!(t.text.toLowerCase() === 'not' && isWord(prev, 'is'))) break;
      }
    }
    last = i;
  }
  if (last < first) throw internal('empty DEFAULT expression');
  return ctx.sliceBytes((ctx.tokens[first] as ScanToken).start, (ctx.tokens[last] as ScanToken).end);
}

/** Smallest `location` anywhere in a raw parse subtree (-1 when none). */
export function minLocation(tree: unknown): number {
  let best = -1;
  const stack: unknown[] = [tree];
  let visitedNodesMax = 100_000;
  while (stack.length > 0 && visitedNodesMax-- > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'location' && typeof x === 'number' && x >= 0 && (best < 0 || x < best)) best = x;
      else if (typeof x === 'object') stack.push(x);
    }
  }
  return best;
}

/** Source of `SET DEFAULT expr` whose expression contains byte offset `exprByte`. */
export function setDefaultSource(ctx: ParseContext, exprByte: number): string {
  for (let i = ctx.tokenIndexAt(exprByte) - 1; i >= 0; i--) {
    const t = ctx.tokens[i] as ScanToken;
    if (isWord(t, 'default') && isWord(ctx.tokens[i - 1], 'set')) return defaultSource(ctx, t.start, false);
  }
  throw internal('cannot find SET DEFAULT');
}

/** Text after the first top-level AS keyword in bytes [startByte, endByte) (PREPARE / CREATE VIEW). */
export function textAfterAs(ctx: ParseContext, startByte: number, endByte: number, what: string): string {
  let depth = 0;
  for (let i = ctx.tokenIndexAt(startByte); i < ctx.tokens.length; i++) {
    const t = ctx.tokens[i] as ScanToken;
    if (t.start >= endByte) break;
    if (t.text === '(' || t.text === '[') depth++;
    else if (t.text === ')' || t.text === ']') depth--;
    else if (depth === 0 && isWord(t, 'as')) {
      const next = ctx.tokens[i + 1];
      if (next === undefined || next.start >= endByte) break;
      return ctx.sliceBytes(next.start, endByte).trimEnd();
    }
  }
  throw internal(`cannot find AS in ${what}`);
}
