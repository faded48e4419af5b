/**
 * Prints expressions the way PostgreSQL's ruleutils prints stored expressions (pg_get_expr,
 * pg_get_constraintdef, psql \d): `CHECK ((a > 0))`, `nextval('t_id_seq'::regclass)`,
 * `'abc'::text`, `((1 + 2) * 3)`; with `pretty` the way psql \d shows them: `(1 + 2) * 3`.
 *
 * PostgreSQL prints the *analysed* expression. From the raw AST we redo the analysis steps that
 * need no catalog (IN lists → = ANY (ARRAY[...]) / ORs, BETWEEN → AND, LIKE → ~~, literal
 * folding of typed literals, constant labels); the optional `typeOf` hook lets the binder supply
 * the resolved type of untyped literals (`'7'` in an integer column prints as `7`).
 */
import { assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type * as ast from './ast.js';

export interface DeparseOptions {
  /** pg_get_expr(..., true): drop redundant parentheses (what psql \d shows). */
  readonly pretty?: boolean;
  /**
   * Resolved type of a node, as format_type prints it ('integer', 'text', 'character varying(10)').
   * Asked for untyped string literals, NULLs and CASE results; undefined = unknown.
   */
  readonly typeOf?: (expr: ast.Expr) => string | undefined;
}

export function deparseExpr(expr: ast.Expr, options: DeparseOptions = {}): string {
  const p = new Printer(options);
  p.rule(lower(expr, options), undefined);
  return p.buf;
}

// ---------------------------------------------------------------------------------------
// Lowering: our raw AST → the shapes PostgreSQL's analyser produces (only what printing needs).

type PNode =
  | { readonly t: 'Word'; readonly text: string }
  | { readonly t: 'Const'; readonly text: string }
  | { readonly t: 'Op'; readonly op: string; readonly left?: PNode; readonly right: PNode }
  | { readonly t: 'Bool'; readonly op: 'AND' | 'OR' | 'NOT'; readonly args: readonly PNode[] }
  | { readonly t: 'Test'; readonly arg: PNode; readonly suffix: string }
  | { readonly t: 'Distinct'; readonly left: PNode; readonly right: PNode }
  | { readonly t: 'SAOp'; readonly op: string; readonly all: boolean; readonly left: PNode; readonly right: PNode }
  | { readonly t: 'Cast'; readonly arg: PNode; readonly type: string }
  | { readonly t: 'Func'; readonly render: (p: Printer) => void }
  | { readonly t: 'Collate'; readonly arg: PNode; readonly collation: string }
  | {
      readonly t: 'Case';
      readonly arg?: PNode;
      readonly whens: readonly { readonly when: PNode; readonly then: PNode }[];
      readonly else: PNode;
    }
  | { readonly t: 'FieldSelect'; readonly arg: PNode; readonly field: string }
  | { readonly t: 'Subscript'; readonly arg: PNode; readonly argIsSimpleRef: boolean; readonly render: (p: Printer) => void }
  | { readonly t: 'SubLink'; readonly render: (p: Printer) => void };

const int4Min = -2147483648n;
const int4Max = 2147483647n;
const int8Min = -9223372036854775808n;
const int8Max = 9223372036854775807n;

/** PostgreSQL's reserved, column-name and type/function-name keywords (quote_identifier quotes them). */
const nonUnreservedKeywords = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both case cast ' +
    'char character check coalesce collate collation column concurrently constraint create cross current_catalog ' +
    'current_date current_role current_schema current_time current_timestamp current_user dec decimal default ' +
    'deferrable desc distinct do else end except exists extract false fetch float for foreign freeze from full grant ' +
    'greatest group grouping having ilike in initially inner inout int integer intersect interval into is isnull join ' +
    'lateral leading least left like limit localtime localtimestamp national natural nchar none normalize not notnull ' +
    'null nullif numeric offset on only or order out outer overlaps overlay placing position precision primary real ' +
    'references returning right row select session_user setof similar smallint some substring symmetric table ' +
    'tablesample then time timestamp to trailing treat trim true union unique user using values varchar variadic ' +
    'verbose when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse ' +
    'xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);

/** PostgreSQL's quote_identifier. */
export function quoteIdentifier(name: string): string {
  const safe = /^[a-z_][a-z0-9_$]*$/.test(name) && !nonUnreservedKeywords.has(name);
  return safe ? name : `"${name.replace(/"/g, '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function qualifiedName(names: readonly string[]): string {
  const shown = names.length > 1 && names[0] === 'pg_catalog' ? names.slice(1) : names;
  return shown.map(quoteIdentifier).join('.');
}

/** format_type for a TypeName as written (built-in names canonicalised, pg_catalog dropped). */
export function formatTypeName(t: ast.TypeName): string {
  const names = t.names;
  const base = names.length === 1 || (names.length === 2 && names[0] === 'pg_catalog') ? (names[names.length - 1] as string) : undefined;
  const mods = t.typmods;
  const modText = mods.length > 0 ? `(${mods.join(',')})` : '';
  let text: string;
  switch (base) {
    case 'int2':
    case 'smallint':
      text = 'smallint';
      break;
    case 'int4':
    case 'int':
    case 'integer':
      text = 'integer';
      break;
    case 'int8':
    case 'bigint':
      text = 'bigint';
      break;
    case 'float4':
    case 'real':
      text = 'real';
      break;
    case 'float8':
      text = 'double precision';
      break;
    case 'bool':
    case 'boolean':
      text = 'boolean';
      break;
    case 'numeric':
    case 'decimal':
      text = `numeric${modText}`;
      break;
    case 'varchar':
      text = `character varying${modText}`;
      break;
    case 'bpchar':
      text = mods.length > 0 ? `character${modText}` : 'bpchar';
      break;
    case 'timestamp':
      text = `timestamp${modText} without time zone`;
      break;
    case 'timestamptz':
      text = `timestamp${modText} with time zone`;
      break;
    case 'time':
      text = `time${modText} without time zone`;
      break;
    case 'timetz':
      text = `time${modText} with time zone`;
      break;
    case 'varbit':
      text = `bit varying${modText}`;
      break;
    case 'bit':
      text = `bit${modText}`;
      break;
    case 'interval':
      text = 'interval';
      break;
    case 'char':
      text = names.length === 1 ? '"char"' : `character${modText}`;
      break;
    case undefined:
      text = qualifiedName(names) + modText;
      break;
    default:
      text = quoteIdentifier(base) + modText;
      break;
  }
  return text + '[]'.repeat(t.arrayBounds);
}

/** Canonical base type of a formatted type name (for constant printing rules). */
function baseOf(typeText: string): string {
  return typeText.replace(/\(.*?\)/g, '');
}

function parseIntegerText(text: string): bigint | undefined {
  const cleaned = text.trim().replace(/_/g, '');
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|\d+)$/.exec(cleaned);
  if (m === null) return undefined;
  const v = BigInt(m[2] as string);
  return m[1] === '-' ? -v : v;
}

/** numeric_in → numeric_out: '1e3' → '1000', '1.50e1' → '15.0'. */
function normaliseNumeric(text: string): string | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text.replace(/_/g, ''));
  if (m === null || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return undefined;
  const sign = m[1] === '-' ? '-' : '';
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  const exp = Number(m[4] ?? '0');
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 1000) return undefined;
  const scale = Math.max(0, frac.length - exp);
  let digits = intPart + frac;
  let point = intPart.length + exp;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits + '0'.repeat(point - digits.length);
  let whole = digits.slice(0, point).replace(/^0+/, '') || '0';
  let fraction = digits.slice(point);
  fraction = fraction.length > scale ? fraction.slice(0, scale) : fraction + '0'.repeat(scale - fraction.length);
  const isZero = /^0*$/.test(whole + fraction);
  whole = whole === '' ? '0' : whole;
  return (isZero ? '' : sign) + whole + (scale > 0 ? `.${fraction}` : '');
}

/** get_const_expr: a constant of type `typeText` whose text form is `value`. */
function constOfType(value: string, typeText: string): PNode {
  const base = baseOf(typeText);
  const hasTypmod = typeText !== base;
  switch (base) {
    case 'integer': {
      const v = parseIntegerText(value);
      if (v === undefined || v < int4Min || v > int4Max) return { t: 'Const', text: `${quoteLiteral(value)}::integer` };
      return { t: 'Const', text: v < 0n ? `'${v}'::integer` : String(v) };
    }
    case 'numeric': {
      const n = normaliseNumeric(value) ?? value;
      const bare = /^\d/.test(n) && /[.eE]/.test(n) && !hasTypmod;
      return { t: 'Const', text: bare ? n : `${quoteLiteral(n)}::${typeText}` };
    }
    case 'boolean': {
      const v = value.trim().toLowerCase();
      if (['t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1'].includes(v)) return { t: 'Const', text: 'true' };
      if (['f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'].includes(v)) return { t: 'Const', text: 'false' };
      return { t: 'Const', text: `${quoteLiteral(value)}::boolean` };
    }
    case 'bigint':
    case 'smallint': {
      const v = parseIntegerText(value);
      return { t: 'Const', text: `${quoteLiteral(v === undefined ? value : String(v))}::${typeText}` };
    }
    case 'unknown':
      return { t: 'Const', text: quoteLiteral(value) };
    default:
      return { t: 'Const', text: `${quoteLiteral(value)}::${typeText}` };
  }
}

/** An integer literal: int4 if it fits, else int8, else numeric (as the parser types it). */
function integerConst(text: string): PNode {
  const v = parseIntegerText(text);
  if (v === undefined) return constOfType(text, 'numeric');
  if (v >= int4Min && v <= int4Max) return constOfType(String(v), 'integer');
  if (v >= int8Min && v <= int8Max) return constOfType(String(v), 'bigint');
  return constOfType(String(v), 'numeric');
}

function lowerConst(c: ast.ConstExpr, opts: DeparseOptions): PNode {
  switch (c.type) {
    case 'integer':
      return integerConst(c.value ?? '0');
    case 'numeric':
      return constOfType(c.value ?? '0', 'numeric');
    case 'bool':
      return { t: 'Const', text: c.value === 'true' ? 'true' : 'false' };
    case 'null': {
      const type = opts.typeOf?.(c);
      return { t: 'Const', text: type === undefined ? 'NULL' : `NULL::${type}` };
    }
    case 'string':
      return constOfType(c.value ?? '', opts.typeOf?.(c) ?? 'text');
    case 'bitstring': {
      const v = c.value ?? '';
      const bits = v.startsWith('x') || v.startsWith('X') ? hexToBits(v.slice(1)) : v.replace(/^[bB]/, '');
      return { t: 'Const', text: `${quoteLiteral(bits)}::"bit"` };
    }
    default:
      return assertNever(c.type, 'constant type');
  }
}

function hexToBits(hex: string): string {
  return [...hex].map((h) => parseInt(h, 16).toString(2).padStart(4, '0')).join('');
}

function lowerCast(c: ast.CastExpr, opts: DeparseOptions): PNode {
  const type = formatTypeName(c.type);
  const arg = c.arg;
  if (arg.kind === 'Const') {
    if (arg.type === 'string') return constOfType(arg.value ?? '', type);
    if (arg.type === 'null') return { t: 'Const', text: `NULL::${type}` };
    const lowered = lowerConst(arg, opts);
    if (arg.type === 'integer' && type === 'integer' && parseIntegerText(arg.value ?? '') !== undefined) {
      const v = parseIntegerText(arg.value ?? '') as bigint;
      if (v >= int4Min && v <= int4Max) return lowered;
    }
    if (arg.type === 'numeric' && type === 'numeric') return lowered;
    if (arg.type === 'bool' && type === 'boolean') return lowered;
    return { t: 'Cast', arg: lowered, type };
  }
  const inner = lower(arg, opts);
  // A cast to the type the argument already has is dropped by the analyser (text || text)::text.
  const argType = opts.typeOf?.(arg);
  if (argType !== undefined && argType === type) return inner;
  return { t: 'Cast', arg: inner, type };
}

function opNode(op: string, left: PNode, right: PNode): PNode {
  return { t: 'Op', op, left, right };
}

function containsColumn(e: ast.Expr): boolean {
  const stack: unknown[] = [e];
  let visitedMax = 100_000;
  while (stack.length > 0 && visitedMax-- > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      stack.push(...v);
      continue;
    }
    const kind = (v as { kind?: unknown }).kind;
    if (kind === 'ColumnRef' || kind === 'Star') return true;
    if (kind === 'SubLink') continue;
    stack.push(...Object.values(v));
  }
  return false;
}

/** transformAExprIn: non-column items (2+) become op ANY (ARRAY[...]), the rest nested ORs (ANDs for NOT IN). */
function lowerInList(e: ast.InListExpr, opts: DeparseOptions): PNode {
  const op = e.negated ? '<>' : '=';
  const left = lower(e.arg, opts);
  const nonVars = e.list.filter((x) => !containsColumn(x));
  let rest: readonly ast.Expr[] = e.list;
  let result: PNode | undefined;
  if (nonVars.length > 1) {
    const elements = nonVars.map((x) => lower(x, opts));
    result = { t: 'SAOp', op, all: e.negated, left, right: arrayNode(elements) };
    rest = e.list.filter((x) => containsColumn(x));
  }
  for (const item of rest) {
    const cmp = opNode(op, left, lower(item, opts));
    result = result === undefined ? cmp : { t: 'Bool', op: e.negated ? 'AND' : 'OR', args: [result, cmp] };
  }
  return result ?? { t: 'Const', text: e.negated ? 'true' : 'false' };
}

function arrayNode(elements: readonly PNode[]): PNode {
  return {
    t: 'Func',
    render: (p) => {
      p.append('ARRAY[');
      p.list(elements);
      p.append(']');
    },
  };
}

function lowerBetween(e: ast.BetweenExpr, opts: DeparseOptions): PNode {
  const a = lower(e.arg, opts);
  const lo = lower(e.low, opts);
  const hi = lower(e.high, opts);
  const range = (x: PNode, y: PNode): PNode =>
    e.negated
      ? { t: 'Bool', op: 'OR', args: [opNode('<', a, x), opNode('>', a, y)] }
      : { t: 'Bool', op: 'AND', args: [opNode('>=', a, x), opNode('<=', a, y)] };
  if (!e.symmetric) return range(lo, hi);
  return { t: 'Bool', op: e.negated ? 'AND' : 'OR', args: [range(lo, hi), range(hi, lo)] };
}

function lowerLike(e: ast.LikeExpr, opts: DeparseOptions): PNode {
  const base = e.op === 'like' ? '~~' : e.op === 'ilike' ? '~~*' : '~';
  const op = e.negated ? `!${base}` : base;
  const pattern = lower(e.pattern, opts);
  let right = pattern;
  if (e.op === 'similar') {
    const args = e.escape === undefined ? [pattern] : [pattern, lower(e.escape, opts)];
    right = funcNode('similar_to_escape', args);
  } else if (e.escape !== undefined) {
    right = funcNode('like_escape', [pattern, lower(e.escape, opts)]);
  }
  return opNode(op, lower(e.arg, opts), right);
}

function funcNode(name: string, args: readonly PNode[]): PNode {
  return {
    t: 'Func',
    render: (p) => {
      p.append(`${name}(`);
      p.list(args);
      p.append(')');
    },
  };
}

const sqlValueFunctionWords: Record<ast.SqlValueFunction['fn'], string> = {
  current_date: 'CURRENT_DATE',
  current_time: 'CURRENT_TIME',
  current_timestamp: 'CURRENT_TIMESTAMP',
  localtime: 'LOCALTIME',
  localtimestamp: 'LOCALTIMESTAMP',
  current_role: 'CURRENT_ROLE',
  current_user: 'CURRENT_USER',
  user: 'USER',
  session_user: 'SESSION_USER',
  current_catalog: 'CURRENT_CATALOG',
  current_schema: 'CURRENT_SCHEMA',
};

function lowerFuncCall(f: ast.FuncCall, opts: DeparseOptions): PNode {
  const args = f.args.map((a) => lower(a, opts));
  const special = f.name.length === 2 && f.name[0] === 'pg_catalog' ? sqlSyntaxFunction(f.name[1] as string, f.args, args) : undefined;
  if (special !== undefined && f.over === undefined && f.filter === undefined) return special;
  const orderBy = f.orderBy.map((s) => lowerSort(s, opts));
  const filter = f.filter === undefined ? undefined : lower(f.filter, opts);
  const over = f.over;
  return {
    t: 'Func',
    render: (p) => {
      p.append(`${qualifiedName(f.name)}(`);
      if (f.star) p.append('*');
      if (f.distinct) p.append('DISTINCT ');
      args.forEach((a, i) => {
        if (i > 0) p.append(', ');
        if (f.variadic && i === args.length - 1) p.append('VARIADIC ');
        const name = f.argNames[i];
        if (name !== undefined) p.append(`${quoteIdentifier(name)} => `);
        p.rule(a, undefined);
      });
      if (orderBy.length > 0 && !f.withinGroup) {
        p.append(' ORDER BY ');
        p.sortList(orderBy);
      }
      p.append(')');
      if (orderBy.length > 0 && f.withinGroup) {
        p.append(' WITHIN GROUP (ORDER BY ');
        p.sortList(orderBy);
        p.append(')');
      }
      if (filter !== undefined) {
        p.append(' FILTER (WHERE ');
        p.rule(filter, undefined);
        p.append(')');
      }
      if (over !== undefined) {
        p.append(' OVER ');
        p.windowSpec(over, opts);
      }
    },
  };
}

/** get_func_sql_syntax: functions the grammar produced from SQL-standard syntax. */
function sqlSyntaxFunction(name: string, raw: readonly ast.Expr[], args: readonly PNode[]): PNode | undefined {
  const [a, b, c, d] = args;
  const render = (fn: (p: Printer) => void): PNode => ({ t: 'Func', render: fn });
  switch (name) {
    case 'extract': {
      const field = raw[0];
      if (args.length !== 2 || field?.kind !== 'Const' || field.type !== 'string') return undefined;
      return render((p) => {
        p.append(`EXTRACT(${field.value ?? ''} FROM `);
        p.rule(b as PNode, undefined);
        p.append(')');
      });
    }
    case 'timezone':
      if (args.length !== 2) return undefined;
      return render((p) => {
        p.append('(');
        p.ruleParen(b as PNode, undefined);
        p.append(' AT TIME ZONE ');
        p.ruleParen(a as PNode, undefined);
        p.append(')');
      });
    case 'substring':
      if (args.length < 2 || args.length > 3) return undefined;
      return render((p) => {
        p.append('SUBSTRING(');
        p.rule(a as PNode, undefined);
        p.append(' FROM ');
        p.rule(b as PNode, undefined);
        if (c !== undefined) {
          p.append(' FOR ');
          p.rule(c, undefined);
        }
        p.append(')');
      });
    case 'position':
      if (args.length !== 2) return undefined;
      return render((p) => {
        p.append('POSITION((');
        p.rule(b as PNode, undefined);
        p.append(') IN (');
        p.rule(a as PNode, undefined);
        p.append('))');
      });
    case 'overlay':
      if (args.length < 3 || args.length > 4) return undefined;
      return render((p) => {
        p.append('OVERLAY(');
        p.rule(a as PNode, undefined);
        p.append(' PLACING ');
        p.rule(b as PNode, undefined);
        p.append(' FROM ');
        p.rule(c as PNode, undefined);
        if (d !== undefined) {
          p.append(' FOR ');
          p.rule(d, undefined);
        }
        p.append(')');
      });
    case 'btrim':
    case 'ltrim':
    case 'rtrim': {
      if (args.length < 1 || args.length > 2) return undefined;
      const where = name === 'btrim' ? 'BOTH' : name === 'ltrim' ? 'LEADING' : 'TRAILING';
      return render((p) => {
        p.append(`TRIM(${where}`);
        if (b !== undefined) {
          p.append(' ');
          p.rule(b, undefined);
        }
        p.append(' FROM ');
        p.rule(a as PNode, undefined);
        p.append(')');
      });
    }
    case 'pg_collation_for':
      if (args.length !== 1) return undefined;
      return render((p) => {
        p.append('COLLATION FOR (');
        p.rule(a as PNode, undefined);
        p.append(')');
      });
    default:
      return undefined;
  }
}

interface PSort {
  readonly expr: PNode;
  readonly suffix: string;
}

function lowerSort(s: ast.SortBy, opts: DeparseOptions): PSort {
  const dir = s.direction === 'desc' ? ' DESC' : s.direction === 'asc' ? '' : '';
  const nulls = s.nulls === 'first' ? ' NULLS FIRST' : s.nulls === 'last' ? ' NULLS LAST' : '';
  return { expr: lower(s.expr, opts), suffix: dir + nulls };
}

function lower(e: ast.Expr, opts: DeparseOptions): PNode {
  switch (e.kind) {
    case 'Const':
      return lowerConst(e, opts);
    case 'ParamRef':
      return { t: 'Word', text: `$${e.number}` };
    case 'ColumnRef':
      return { t: 'Word', text: e.names.map(quoteIdentifier).join('.') };
    case 'Star':
      return { t: 'Word', text: [...e.qualifier.map(quoteIdentifier), '*'].join('.') };
    case 'BinaryOp': {
      const op = e.schema === undefined || e.schema === 'pg_catalog' ? e.op : `OPERATOR(${quoteIdentifier(e.schema)}.${e.op})`;
      return opNode(op, lower(e.left, opts), lower(e.right, opts));
    }
    case 'UnaryOp':
      return { t: 'Op', op: e.op, right: lower(e.operand, opts) };
    case 'BoolExpr': {
      const op = e.op === 'and' ? 'AND' : e.op === 'or' ? 'OR' : 'NOT';
      return { t: 'Bool', op, args: e.args.map((a) => lower(a, opts)) };
    }
    case 'NullTest':
      return { t: 'Test', arg: lower(e.arg, opts), suffix: e.negated ? ' IS NOT NULL' : ' IS NULL' };
    case 'BooleanTest':
      return { t: 'Test', arg: lower(e.arg, opts), suffix: ` IS ${e.negated ? 'NOT ' : ''}${e.test.toUpperCase()}` };
    case 'IsDistinct': {
      const d: PNode = { t: 'Distinct', left: lower(e.left, opts), right: lower(e.right, opts) };
      return e.negated ? { t: 'Bool', op: 'NOT', args: [d] } : d;
    }
    case 'Cast':
      return lowerCast(e, opts);
    case 'FuncCall':
      return lowerFuncCall(e, opts);
    case 'Case': {
      const arg = e.arg === undefined ? undefined : lower(e.arg, opts);
      const elseType = opts.typeOf?.(e);
      const elseNode: PNode =
        e.else === undefined ? { t: 'Const', text: elseType === undefined ? 'NULL' : `NULL::${elseType}` } : lower(e.else, opts);
      const whens = e.whens.map((w) => ({ when: lower(w.when, opts), then: lower(w.then, opts) }));
      return arg === undefined ? { t: 'Case', whens, else: elseNode } : { t: 'Case', arg, whens, else: elseNode };
    }
    case 'Coalesce':
      return funcNode('COALESCE', e.args.map((a) => lower(a, opts)));
    case 'NullIf':
      return funcNode('NULLIF', [lower(e.left, opts), lower(e.right, opts)]);
    case 'MinMax':
      return funcNode(e.op === 'greatest' ? 'GREATEST' : 'LEAST', e.args.map((a) => lower(a, opts)));
    case 'InList':
      return lowerInList(e, opts);
    case 'Between':
      return lowerBetween(e, opts);
    case 'Like':
      return lowerLike(e, opts);
    case 'AnyAll':
      return { t: 'SAOp', op: e.op, all: e.quantifier === 'all', left: lower(e.left, opts), right: lower(e.array, opts) };
    case 'SubLink':
      return lowerSubLink(e, opts);
    case 'Array':
      return arrayNode(e.elements.map((x) => lower(x, opts)));
    case 'Row':
      return funcNode('ROW', e.args.map((a) => lower(a, opts)));
    case 'Subscript': {
      const arg = lower(e.arg, opts);
      const indices = e.indices.map((i) => ({
        lower: i.lower === undefined ? undefined : lower(i.lower, opts),
        upper: i.upper === undefined ? undefined : lower(i.upper, opts),
        isSlice: i.isSlice,
      }));
      return {
        t: 'Subscript',
        arg,
        argIsSimpleRef: e.arg.kind === 'ColumnRef' || e.arg.kind === 'FieldSelect',
        render: (p) => {
          for (const i of indices) {
            p.append('[');
            if (i.lower !== undefined) p.rule(i.lower, undefined);
            if (i.isSlice) p.append(':');
            if (i.upper !== undefined) p.rule(i.upper, undefined);
            p.append(']');
          }
        },
      };
    }
    case 'FieldSelect':
      return { t: 'FieldSelect', arg: lower(e.arg, opts), field: e.field };
    case 'Collate':
      return { t: 'Collate', arg: lower(e.arg, opts), collation: qualifiedName(e.collation) };
    case 'Default':
      return { t: 'Word', text: 'DEFAULT' };
    case 'SqlValueFunction': {
      const word = sqlValueFunctionWords[e.fn];
      return { t: 'Word', text: e.precision >= 0 ? `${word}(${e.precision})` : word };
    }
    default:
      return assertNever(e, 'expression');
  }
}

function lowerSubLink(e: ast.SubLinkExpr, opts: DeparseOptions): PNode {
  const query = deparseSelect(e.query, opts);
  const test = e.testExpr === undefined ? undefined : lower(e.testExpr, opts);
  return {
    t: 'SubLink',
    render: (p) => {
      switch (e.linkType) {
        case 'exists':
          p.append(`EXISTS (${query})`);
          return;
        case 'scalar':
          p.append(`(${query})`);
          return;
        case 'array':
          p.append(`ARRAY(${query})`);
          return;
        case 'any':
        case 'all':
          if (!p.prettyParen) p.append('(');
          if (test !== undefined) p.ruleParen(test, undefined);
          p.append(` ${e.op ?? '='} ${e.linkType.toUpperCase()} (${query})`);
          if (!p.prettyParen) p.append(')');
          return;
        default:
          assertNever(e.linkType, 'sublink type');
      }
    },
  };
}

// ---------------------------------------------------------------------------------------
// Printing: ruleutils' get_rule_expr / get_rule_expr_paren / isSimpleNode.

const prettyIndentVar = 4;

/** Single-character arithmetic operators whose precedence ruleutils knows. */
function opPriority(n: PNode): 'low' | 'high' | undefined {
  if (n.t !== 'Op' || n.left === undefined) return undefined;
  if (n.op === '+' || n.op === '-') return 'low';
  if (n.op === '*' || n.op === '/' || n.op === '%') return 'high';
  return undefined;
}

function isSimpleNode(node: PNode, parent: PNode | undefined): boolean {
  switch (node.t) {
    case 'Word':
    case 'Const':
    case 'Func':
    case 'Case':
      return true;
    case 'Subscript':
      return true;
    case 'FieldSelect':
      return parent?.t !== 'FieldSelect';
    case 'Cast':
      return isSimpleNode(node.arg, node);
    case 'Op':
      if (parent?.t === 'Op') {
        const mine = opPriority(node);
        const theirs = opPriority(parent);
        if (mine === undefined || theirs === undefined) return false;
        if (mine === 'high' && theirs === 'low') return true;
        if (mine === 'low' && theirs === 'high') return false;
        return parent.left === node;
      }
      return simpleUnderParent(parent);
    case 'SubLink':
    case 'Test':
    case 'Distinct':
      return simpleUnderParent(parent);
    case 'Bool':
      if (parent?.t === 'Bool') {
        if (node.op === 'NOT' || node.op === 'AND') return parent.op === 'AND' || parent.op === 'OR';
        return parent.op === 'OR';
      }
      return parent?.t === 'Func' || parent?.t === 'Subscript' || parent?.t === 'Case';
    case 'SAOp':
    case 'Collate':
      return false;
    default:
      return assertNever(node, 'printed node');
  }
}

function simpleUnderParent(parent: PNode | undefined): boolean {
  if (parent === undefined) return false;
  if (parent.t === 'Cast') return false;
  return parent.t === 'Bool' || parent.t === 'Func' || parent.t === 'Subscript' || parent.t === 'Case';
}

export class Printer {
  buf = '';
  private indentLevel = 0;
  readonly prettyParen: boolean;

  constructor(readonly options: DeparseOptions) {
    this.prettyParen = options.pretty === true;
  }

  append(s: string): void {
    this.buf += s;
  }

  /** appendContextKeyword with PRETTYFLAG_INDENT (always on in pg_get_expr). */
  keyword(word: string, indentBefore: number, indentAfter: number): void {
    this.indentLevel += indentBefore;
    this.buf = this.buf.replace(/ +$/, '');
    this.buf += `\n${' '.repeat(Math.max(this.indentLevel, 0))}${word}`;
    this.indentLevel = Math.max(0, this.indentLevel + indentAfter);
  }

  list(nodes: readonly PNode[]): void {
    nodes.forEach((n, i) => {
      if (i > 0) this.append(', ');
      this.rule(n, undefined);
    });
  }

  sortList(items: readonly PSort[]): void {
    items.forEach((s, i) => {
      if (i > 0) this.append(', ');
      this.rule(s.expr, undefined);
      this.append(s.suffix);
    });
  }

  windowSpec(w: ast.WindowSpec, opts: DeparseOptions): void {
    if (w.refName !== undefined && w.partitionBy.length === 0 && w.orderBy.length === 0 && w.frame === undefined) {
      this.append(quoteIdentifier(w.refName));
      return;
    }
    this.append('(');
    this.append(windowSpecBody(w, opts));
    this.append(')');
  }

  /** get_rule_expr_paren. */
  ruleParen(node: PNode, parent: PNode | undefined): void {
    const needParen = this.prettyParen && !isSimpleNode(node, parent);
    if (needParen) this.append('(');
    this.rule(node, parent);
    if (needParen) this.append(')');
  }

  /** get_rule_expr: parent is only used by ruleParen for children. */
  rule(node: PNode, _parent: PNode | undefined): void {
    const own = !this.prettyParen;
    switch (node.t) {
      case 'Word':
      case 'Const':
        this.append(node.text);
        return;
      case 'Op':
        if (own) this.append('(');
        if (node.left !== undefined) {
          this.ruleParen(node.left, node);
          this.append(` ${node.op} `);
        } else {
          this.append(`${node.op} `);
        }
        this.ruleParen(node.right, node);
        if (own) this.append(')');
        return;
      case 'Bool':
        if (node.op === 'NOT') {
          if (own) this.append('(');
          this.append('NOT ');
          this.ruleParen(node.args[0] as PNode, node);
          if (own) this.append(')');
          return;
        }
        if (own) this.append('(');
        node.args.forEach((a, i) => {
          if (i > 0) this.append(` ${node.op} `);
          this.ruleParen(a, node);
        });
        if (own) this.append(')');
        return;
      case 'Test':
        if (own) this.append('(');
        this.ruleParen(node.arg, node);
        this.append(node.suffix);
        if (own) this.append(')');
        return;
      case 'Distinct':
        if (own) this.append('(');
        this.ruleParen(node.left, node);
        this.append(' IS DISTINCT FROM ');
        this.ruleParen(node.right, node);
        if (own) this.append(')');
        return;
      case 'SAOp':
        if (own) this.append('(');
        this.ruleParen(node.left, node);
        this.append(` ${node.op} ${node.all ? 'ALL' : 'ANY'} (`);
        this.ruleParen(node.right, node);
        this.append(')');
        if (own) this.append(')');
        return;
      case 'Cast':
        if (own) this.append('(');
        this.ruleParen(node.arg, node);
        if (own) this.append(')');
        this.append(`::${node.type}`);
        return;
      case 'Func':
        node.render(this);
        return;
      case 'Collate':
        if (own) this.append('(');
        this.ruleParen(node.arg, node);
        this.append(` COLLATE ${node.collation}`);
        if (own) this.append(')');
        return;
      case 'Case':
        this.keyword('CASE', 0, prettyIndentVar);
        if (node.arg !== undefined) {
          this.append(' ');
          this.rule(node.arg, node);
        }
        for (const w of node.whens) {
          this.keyword('WHEN ', 0, 0);
          this.rule(w.when, node);
          this.append(' THEN ');
          this.rule(w.then, node);
        }
        this.keyword('ELSE ', 0, 0);
        this.rule(node.else, node);
        this.keyword('END', -prettyIndentVar, 0);
        return;
      case 'FieldSelect': {
        const needParens = node.arg.t !== 'Subscript' && node.arg.t !== 'FieldSelect';
        if (needParens) this.append('(');
        this.rule(node.arg, node);
        if (needParens) this.append(')');
        this.append(`.${quoteIdentifier(node.field)}`);
        return;
      }
      case 'Subscript':
        if (!node.argIsSimpleRef) this.append('(');
        this.rule(node.arg, node);
        if (!node.argIsSimpleRef) this.append(')');
        node.render(this);
        return;
      case 'SubLink':
        node.render(this);
        return;
      default:
        assertNever(node, 'printed node');
    }
  }
}

function windowSpecBody(w: ast.WindowSpec, opts: DeparseOptions): string {
  const parts: string[] = [];
  if (w.refName !== undefined) parts.push(quoteIdentifier(w.refName));
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map((e) => deparseExpr(e, opts)).join(', ')}`);
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${w.orderBy.map((s) => deparseSortBy(s, opts)).join(', ')}`);
  if (w.frame !== undefined) parts.push(frameText(w.frame, opts));
  return parts.join(' ');
}

function frameText(f: ast.WindowFrame, opts: DeparseOptions): string {
  const bound = (b: ast.FrameBound): string => {
    switch (b.kind) {
      case 'unboundedPreceding':
        return 'UNBOUNDED PRECEDING';
      case 'preceding':
        return `${deparseExpr(b.offset, opts)} PRECEDING`;
      case 'currentRow':
        return 'CURRENT ROW';
      case 'following':
        return `${deparseExpr(b.offset, opts)} FOLLOWING`;
      case 'unboundedFollowing':
        return 'UNBOUNDED FOLLOWING';
      default:
        return assertNever(b, 'frame bound');
    }
  };
  const exclude = f.exclude === 'no others' ? '' : ` EXCLUDE ${f.exclude.toUpperCase()}`;
  return `${f.mode.toUpperCase()} BETWEEN ${bound(f.start)} AND ${bound(f.end)}${exclude}`;
}

function deparseSortBy(s: ast.SortBy, opts: DeparseOptions): string {
  const dir = s.direction === 'desc' ? ' DESC' : s.direction === 'asc' ? ' ASC' : '';
  const nulls = s.nulls === 'first' ? ' NULLS FIRST' : s.nulls === 'last' ? ' NULLS LAST' : '';
  return deparseExpr(s.expr, opts) + dir + nulls;
}

// ---------------------------------------------------------------------------------------
// Queries (view definitions, subqueries): readable SQL that re-parses to the same AST.

function aliasText(a: ast.Alias | undefined): string {
  if (a === undefined) return '';
  const cols = a.columns.length > 0 ? `(${a.columns.map(quoteIdentifier).join(', ')})` : '';
  return ` ${quoteIdentifier(a.name)}${cols}`;
}

function fromItemText(f: ast.FromItem, opts: DeparseOptions): string {
  switch (f.kind) {
    case 'RangeVar': {
      const name = (f.schema === undefined ? '' : `${quoteIdentifier(f.schema)}.`) + quoteIdentifier(f.name);
      return (f.inherit ? '' : 'ONLY ') + name + aliasText(f.alias);
    }
    case 'RangeSubselect':
      return `${f.lateral ? 'LATERAL ' : ''}(${deparseSelect(f.query, opts)})${aliasText(f.alias)}`;
    case 'RangeFunction': {
      const calls = f.functions.map((fn) => deparseExpr(fn, opts));
      const body = calls.length === 1 ? (calls[0] as string) : `ROWS FROM(${calls.join(', ')})`;
      return `${f.lateral ? 'LATERAL ' : ''}${body}${f.ordinality ? ' WITH ORDINALITY' : ''}${aliasText(f.alias)}`;
    }
    case 'Join': {
      const left = fromItemText(f.left, opts);
      const right = fromItemText(f.right, opts);
      const natural = f.natural ? 'NATURAL ' : '';
      const type =
        f.joinType === 'cross' ? 'CROSS JOIN'
        : f.joinType === 'inner' ? 'JOIN'
        : `${f.joinType.toUpperCase()} JOIN`;
      const cond =
        f.on !== undefined ? ` ON ${deparseExpr(f.on, { ...opts, pretty: true })}`
        : f.using.length > 0 ? ` USING (${f.using.map(quoteIdentifier).join(', ')})`
        : '';
      const text = `${left} ${natural}${type} ${right}${cond}`;
      return f.alias === undefined ? text : `(${text})${aliasText(f.alias)}`;
    }
    default:
      return assertNever(f, 'FROM item');
  }
}

function groupingText(g: ast.GroupingElement, opts: DeparseOptions): string {
  switch (g.kind) {
    case 'expr':
      return deparseExpr(g.expr, opts);
    case 'empty':
      return '()';
    case 'rollup':
    case 'cube':
      return `${g.kind.toUpperCase()}(${g.items.map((i) => groupingText(i, opts)).join(', ')})`;
    case 'sets':
      return `GROUPING SETS (${g.items.map((i) => groupingText(i, opts)).join(', ')})`;
    default:
      return assertNever(g, 'grouping element');
  }
}

function targetText(t: ast.ResTarget, opts: DeparseOptions): string {
  const e = deparseExpr(t.expr, opts);
  return t.name === undefined ? e : `${e} AS ${quoteIdentifier(t.name)}`;
}

/** SELECT / VALUES / set operations as SQL text (what pg_get_viewdef shows, modulo layout). */
export function deparseSelect(s: ast.SelectStmt, options: DeparseOptions = {}): string {
  const opts: DeparseOptions = { ...options, pretty: true };
  const parts: string[] = [];
  if (s.with !== undefined) {
    const ctes = s.with.ctes.map((c) => {
      const cols = c.columns.length > 0 ? `(${c.columns.map(quoteIdentifier).join(', ')})` : '';
      const mat = c.materialized === 'always' ? 'MATERIALIZED ' : c.materialized === 'never' ? 'NOT MATERIALIZED ' : '';
      if (!isSelect(c.query)) throw new SqlError(SqlState.featureNotSupported, 'deparsing a data-modifying WITH query is not supported');
      return `${quoteIdentifier(c.name)}${cols} AS ${mat}(${deparseSelect(c.query, opts)})`;
    });
    parts.push(`WITH ${s.with.recursive ? 'RECURSIVE ' : ''}${ctes.join(', ')}`);
  }
  switch (s.kind) {
    case 'Select': {
      let head = 'SELECT';
      if (s.distinct !== undefined) {
        head += s.distinct.length === 0 ? ' DISTINCT' : ` DISTINCT ON (${s.distinct.map((e) => deparseExpr(e, opts)).join(', ')})`;
      }
      parts.push(`${head} ${s.targets.map((t) => targetText(t, opts)).join(', ')}`.trimEnd());
      if (s.from.length > 0) parts.push(`FROM ${s.from.map((f) => fromItemText(f, opts)).join(', ')}`);
      if (s.where !== undefined) parts.push(`WHERE ${deparseExpr(s.where, opts)}`);
      if (s.groupBy.length > 0) {
        parts.push(`GROUP BY ${s.groupByDistinct ? 'DISTINCT ' : ''}${s.groupBy.map((g) => groupingText(g, opts)).join(', ')}`);
      }
      if (s.having !== undefined) parts.push(`HAVING ${deparseExpr(s.having, opts)}`);
      if (s.windows.length > 0) {
        parts.push(`WINDOW ${s.windows.map((w) => `${quoteIdentifier(w.name)} AS (${windowSpecBody(w.spec, opts)})`).join(', ')}`);
      }
      break;
    }
    case 'Values':
      parts.push(`VALUES ${s.rows.map((r) => `(${r.map((e) => deparseExpr(e, opts)).join(', ')})`).join(', ')}`);
      break;
    case 'SetOp': {
      const side = (x: ast.SelectStmt): string => {
        const text = deparseSelect(x, opts);
        return x.kind === 'SetOp' || x.orderBy.length > 0 || x.limit !== undefined || x.with !== undefined ? `(${text})` : text;
      };
      parts.push(`${side(s.left)} ${s.op.toUpperCase()}${s.all ? ' ALL' : ''} ${side(s.right)}`);
      break;
    }
    default:
      assertNever(s, 'select');
  }
  if (s.orderBy.length > 0) parts.push(`ORDER BY ${s.orderBy.map((o) => deparseSortBy(o, opts)).join(', ')}`);
  if (s.offset !== undefined) parts.push(`OFFSET ${deparseExpr(s.offset, opts)}`);
  if (s.limit !== undefined) {
    parts.push(s.limitWithTies ? `FETCH FIRST ${deparseExpr(s.limit, opts)} ROWS WITH TIES` : `LIMIT ${deparseExpr(s.limit, opts)}`);
  }
  for (const l of s.locking) {
    const of = l.of.length > 0 ? ` OF ${l.of.map(quoteIdentifier).join(', ')}` : '';
    const wait = l.waitPolicy === 'block' ? '' : ` ${l.waitPolicy.toUpperCase()}`;
    parts.push(`FOR ${l.strength.toUpperCase()}${of}${wait}`);
  }
  return parts.join(' ');
}

function isSelect(s: ast.Statement): s is ast.SelectStmt {
  return s.kind === 'Select' || s.kind === 'Values' || s.kind === 'SetOp';
}

/** A statement as SQL text: queries (view definitions) are supported; anything else is 0A000. */
export function deparseStatement(s: ast.Statement, options: DeparseOptions = {}): string {
  if (isSelect(s)) return deparseSelect(s, options);
  throw new SqlError(SqlState.featureNotSupported, `deparsing ${s.kind} statements is not supported`);
}
