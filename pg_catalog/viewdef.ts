/**
 * pg_get_viewdef(view [, pretty]): the view's query printed the way PostgreSQL's ruleutils prints
 * its stored rule — columns qualified with their FROM item, `*` expanded, output names given
 * with AS where they differ from the column, the implicit casts of operator operands shown, and
 * PostgreSQL's line layout:
 *
 *    SELECT t.id AS ident,
 *       t.v AS val
 *      FROM t
 *     WHERE (t.n > (1)::numeric);
 *
 * Covered: one SELECT (no WITH, set operation or subquery) over tables and views, joined with
 * [INNER|LEFT|RIGHT|FULL] JOIN ... ON / CROSS JOIN, with WHERE, GROUP BY, HAVING, ORDER BY,
 * LIMIT/OFFSET. Other shapes print the query as written (the text of CREATE VIEW).
 */
import type { CatalogState } from '../catalog/state.js';
import type { TableDescriptor, ViewDescriptor } from '../catalog/descriptors.js';
import { SqlError } from '../util/errors.js';
import type * as ast from '../sql/ast.js';
import { deparseExpr, quoteIdentifier } from '../sql/deparse.js';
import { newBinder } from '../sql/plan/prepare.js';
import { noAggregates, Scope } from '../sql/bind/binder.js';
import { fromStorage, withImplicitCasts } from './typed-expr.js';

interface Range {
  readonly refName: string;
  readonly columns: readonly string[];
  /** The table (for binding the expressions to find their implicit casts); undefined for a view. */
  readonly table: TableDescriptor | undefined;
  readonly fromText: string;
}

/** Every JOIN of a FROM item starts a line indented this far (ruleutils' PRETTYINDENT_JOIN layout). */
const joinIndent = ' '.repeat(5);

/** Thrown (and caught below) when the query has a shape this printer does not cover. */
class Uncovered extends Error {}

export function viewDefinition(cat: CatalogState, view: ViewDescriptor, searchPath: readonly string[], pretty: boolean): string {
  try {
    return printView(cat, view, searchPath, pretty);
  } catch (e) {
    if (e instanceof Uncovered || e instanceof SqlError) return view.source;
    throw e;
  }
}

function printView(cat: CatalogState, view: ViewDescriptor, searchPath: readonly string[], pretty: boolean): string {
  const q = fromStorage(view.query as unknown as ast.Expr) as unknown as ast.SelectStmt;
  if (q.kind !== 'Select' || q.with !== undefined || q.distinct !== undefined || q.windows.length > 0 || q.locking.length > 0 || q.limitWithTies) throw new Uncovered();
  if (q.groupByDistinct) throw new Uncovered();
  const groupBy = q.groupBy.map((g) => {
    if (g.kind !== 'expr') throw new Uncovered();
    return g.expr;
  });
  const ranges: Range[] = [];
  const fromTexts = q.from.map((f) => fromItem(cat, f, searchPath, ranges, pretty));
  const qualify = (e: ast.Expr): ast.Expr => qualifyExpr(e, ranges);
  const typedOf = bindTypes(cat, ranges);
  const expr = (e: ast.Expr, topType?: string): string => {
    const qualified = qualify(e);
    const typed = typedOf(qualified);
    return deparseExpr(typed, { pretty, typeOf: (x) => (x === typed ? topType : undefined) });
  };
  const targets: string[] = [];
  let outIndex = 0;
  for (const t of q.targets) {
    for (const [e, natural] of expandTarget(t.expr, ranges)) {
      const name = view.columns[outIndex]?.name ?? t.name ?? natural;
      outIndex++;
      const literalType = e.kind === 'Const' && e.type === 'string' ? 'text' : undefined;
      const text = expr(e, literalType);
      targets.push(natural === name ? text : `${text} AS ${quoteIdentifier(name)}`);
    }
  }
  let out = ` SELECT ${targets.join(',\n    ')}`;
  if (fromTexts.length > 0) out += `\n   FROM ${fromTexts.join(',\n    ')}`;
  if (q.where !== undefined) out += `\n  WHERE ${expr(q.where)}`;
  if (groupBy.length > 0) out += `\n  GROUP BY ${groupBy.map((g) => expr(g)).join(', ')}`;
  if (q.having !== undefined) out += `\n HAVING ${expr(q.having)}`;
  if (q.orderBy.length > 0) {
    out += `\n  ORDER BY ${q.orderBy
      .map((o) => {
        const dir = o.direction === 'desc' ? ' DESC' : '';
        const nulls = o.nulls === 'default' ? '' : o.direction === 'desc' ? (o.nulls === 'last' ? ' NULLS LAST' : '') : o.nulls === 'first' ? ' NULLS FIRST' : '';
        return `${expr(o.expr)}${dir}${nulls}`;
      })
      .join(', ')}`;
  }
  if (q.offset !== undefined) out += `\n OFFSET ${expr(q.offset)}`;
  if (q.limit !== undefined) out += `\n LIMIT ${expr(q.limit)}`;
  return `${out};`;
}

function fromItem(cat: CatalogState, f: ast.FromItem, searchPath: readonly string[], ranges: Range[], pretty: boolean): string {
  switch (f.kind) {
    case 'RangeVar': {
      if (f.alias !== undefined && f.alias.columns !== undefined && f.alias.columns.length > 0) throw new Uncovered();
      const name = f.schema === undefined ? [f.name] : [f.schema, f.name];
      const entry = cat.lookupClass(searchPath, name);
      if (entry === undefined) throw new Uncovered();
      const rel = cat.classDescriptor(entry);
      if (rel.kind !== 'table' && rel.kind !== 'view') throw new Uncovered();
      const columns = rel.kind === 'table' ? rel.columns.filter((c) => !c.hidden && !c.dropped).map((c) => c.name) : rel.columns.map((c) => c.name);
      const visible = cat.lookupClass(searchPath, [rel.name])?.oid === rel.oid;
      const relText = visible ? quoteIdentifier(rel.name) : `${quoteIdentifier(cat.schema(rel.schemaOid)?.name ?? '')}.${quoteIdentifier(rel.name)}`;
      const refName = f.alias?.name ?? rel.name;
      const fromText = f.alias === undefined ? relText : `${relText} ${quoteIdentifier(f.alias.name)}`;
      ranges.push({ refName, columns, table: rel.kind === 'table' ? rel : undefined, fromText });
      return fromText;
    }
    case 'Join': {
      if (f.natural || f.using.length > 0 || f.alias !== undefined) throw new Uncovered();
      const left = fromItem(cat, f.left, searchPath, ranges, pretty);
      const right = fromItem(cat, f.right, searchPath, ranges, pretty);
      const kind = f.joinType === 'inner' ? 'JOIN' : f.joinType === 'cross' ? 'CROSS JOIN' : `${f.joinType.toUpperCase()} JOIN`;
      let on = '';
      if (f.on !== undefined) {
        const text = deparseExpr(bindTypes(cat, ranges)(qualifyExpr(f.on, ranges)), { pretty });
        on = pretty ? ` ON ${text}` : ` ON (${text})`;
      }
      const body = `${left}\n${joinIndent}${kind} ${right}${on}`;
      return pretty ? body : `(${body})`;
    }
    case 'RangeSubselect':
    case 'RangeFunction':
      throw new Uncovered();
    default: {
      const never: never = f;
      throw new Uncovered(String(never));
    }
  }
}

/** Each output column of a target: `*` / `t.*` expand to the columns, each with its natural name. */
function expandTarget(e: ast.Expr, ranges: readonly Range[]): [ast.Expr, string][] {
  if (e.kind === 'Star') return ranges.flatMap((r) => r.columns.map((c): [ast.Expr, string] => [col(r.refName, c), c]));
  if (e.kind === 'ColumnRef' && e.names[e.names.length - 1] === '*') {
    const r = ranges.find((x) => x.refName === e.names[e.names.length - 2]);
    if (r === undefined) throw new Uncovered();
    return r.columns.map((c): [ast.Expr, string] => [col(r.refName, c), c]);
  }
  if (e.kind === 'ColumnRef') return [[e, e.names[e.names.length - 1]!]];
  if (e.kind === 'FuncCall') return [[e, e.name[e.name.length - 1]!]];
  return [[e, '?column?']];
}

function col(refName: string, name: string): ast.Expr {
  return { kind: 'ColumnRef', names: [refName, name], location: -1 };
}

/** Every column reference qualified with its FROM item's name; subqueries are not covered. */
function qualifyExpr(e: ast.Expr, ranges: readonly Range[]): ast.Expr {
  return mapNodes(e, (n) => {
    const kind = (n as { kind?: unknown }).kind;
    if (kind === 'SubLink') throw new Uncovered();
    if (kind !== 'ColumnRef') return undefined;
    const ref = n as ast.ColumnRef;
    if (ref.names.length !== 1) return ref;
    const owners = ranges.filter((r) => r.columns.includes(ref.names[0]!));
    if (owners.length !== 1) throw new Uncovered();
    return col(owners[0]!.refName, ref.names[0]!);
  }) as ast.Expr;
}

function mapNodes(node: unknown, f: (n: object) => object | undefined): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map((x) => mapNodes(x, f));
  const replaced = f(node);
  if (replaced !== undefined) return replaced;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = mapNodes(v, f);
  return out;
}

/** The expression with the implicit casts of its operands, when all FROM items are tables (else as is). */
function bindTypes(cat: CatalogState, ranges: readonly Range[]): (e: ast.Expr) => ast.Expr {
  return (e) => {
    if (ranges.some((r) => r.table === undefined)) return e;
    try {
      const b = newBinder({ catalog: cat, searchPath: ['pg_catalog'], paramTypes: [] });
      const scope = new Scope(null);
      let offset = 0;
      for (const r of ranges) {
        scope.ranges.push(b.tableRange(r.table!, r.refName, '', offset, []));
        offset += r.table!.columns.length;
      }
      return withImplicitCasts(e, b.bind(e, scope, noAggregates('view printing')));
    } catch (x) {
      if (x instanceof SqlError) return e;
      throw x;
    }
  };
}
