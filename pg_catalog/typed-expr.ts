/**
 * Stored CHECK expressions printed as PostgreSQL prints its analysed form (pg_get_constraintdef,
 * psql \d): the implicit casts the analyser put on operator operands are shown, e.g. `n > 0` on a
 * numeric column is `(n > (0)::numeric)`, pretty `n > 0::numeric`.
 *
 * The expression is bound over the table's row by the ordinary binder (the same operator
 * resolution as execution); where a bound operand is an implicit cast (or a constant whose type
 * differs from its literal's), the AST operand is wrapped in the explicit Cast the analyser
 * added, and sql/deparse prints the result. Only operator / AND / OR / NOT trees are walked:
 * inside any other node the operands print as written.
 */
import type { CatalogState } from '../catalog/state.js';
import type { ColumnDescriptor, ConstraintDescriptor, TableDescriptor } from '../catalog/descriptors.js';
import { assert } from '../util/assert.js';
import { SqlError } from '../util/errors.js';
import type { BindContext } from '../sql/plan/api.js';
import type * as ast from '../sql/ast.js';
import type { BExpr } from '../sql/bind/expr.js';
import { bindChecks } from '../sql/bind/dml.js';
import { newBinder } from '../sql/plan/prepare.js';
import { deparseExpr } from '../sql/deparse.js';
import { arrayElemOid, findTypeInfo, formatType, Oid, type SqlType } from '../sql/types/index.js';
import { noAggregates, Scope } from '../sql/bind/binder.js';

type CheckConstraint = Extract<ConstraintDescriptor, { kind: 'check' }>;

/** The CHECK expression as pg_get_expr(conbin, conrelid [, pretty]) prints it. */
export function checkExprText(cat: CatalogState, table: TableDescriptor, con: CheckConstraint, pretty: boolean): string {
  const bound = boundCheck(cat, table, con);
  const e = fromStorage(con.check.expr);
  const typed = bound === undefined ? e : withImplicitCasts(e, bound);
  return deparseExpr(typed, { pretty });
}

/** `CHECK (...)` text of a check constraint of `table`, typed like PostgreSQL's deparse. */
export function checkConstraintText(cat: CatalogState, table: TableDescriptor, con: CheckConstraint, pretty: boolean): string {
  const body = checkExprText(cat, table, con, pretty);
  return pretty ? `CHECK (${body})` : `CHECK (${body.startsWith('(') ? body : `(${body})`})`;
}

/**
 * A column DEFAULT as pg_get_expr(adbin, adrelid [, pretty]) prints it: an untyped literal at
 * the top carries the column's type ('x'::character varying), operands their implicit casts;
 * the coercion of the whole expression to the column type is not shown (as PostgreSQL).
 */
export function defaultExprText(cat: CatalogState, table: TableDescriptor, col: ColumnDescriptor, pretty: boolean): string {
  const stored = col.default;
  assert(stored !== undefined, 'column has a default');
  const e = fromStorage(stored.expr);
  const bound = bindForPrinting(() => newBinder(bindContext(cat, table)).bind(e, new Scope(null), noAggregates('DEFAULT expressions')));
  const typed = bound === undefined ? e : withImplicitCasts(e, bound);
  const topType = formatType({ oid: col.type.oid, typmod: -1 });
  return deparseExpr(typed, { pretty, typeOf: (x) => (x === typed ? topType : undefined) });
}

/** A stored generation expression as pg_get_expr(adbin, adrelid [, pretty]) prints it (bound over the row). */
export function generatedExprText(cat: CatalogState, table: TableDescriptor, col: ColumnDescriptor, pretty: boolean): string {
  const stored = col.generated;
  assert(stored !== undefined, 'column is generated');
  const e = fromStorage(stored.expr);
  const bound = bindForPrinting(() => {
    const b = newBinder(bindContext(cat, table));
    const scope = new Scope(null);
    scope.ranges.push(b.tableRange(table, table.name, '', 0, []));
    return b.bind(e, scope, noAggregates('column generation expressions'));
  });
  const typed = bound === undefined ? e : withImplicitCasts(e, bound);
  const text = deparseExpr(typed, { pretty });
  // The hidden coercion to the column type makes PostgreSQL's pretty printer parenthesize an operator.
  const coerced = bound !== undefined && (bound.type.oid !== col.type.oid || (col.type.typmod >= 0 && bound.type.typmod !== col.type.typmod));
  return pretty && coerced && (e.kind === 'BinaryOp' || e.kind === 'UnaryOp') && !text.startsWith('(') ? `(${text})` : text;
}

/** PostgreSQL stores no default for DEFAULT NULL (a null constant after coercion). */
export function isNullDefault(col: ColumnDescriptor): boolean {
  let e = col.default?.expr;
  while (e?.kind === 'Cast') e = e.arg;
  return e?.kind === 'Const' && e.type === 'null';
}

function boundCheck(cat: CatalogState, table: TableDescriptor, con: CheckConstraint): BExpr | undefined {
  const checks = bindForPrinting(() => bindChecks(newBinder(bindContext(cat, table)), table));
  return checks?.find((c) => c.name === con.name)?.expr;
}

/** Names in a stored expression (nextval('t_id_seq'::regclass)) resolve from the table's schema. */
function bindContext(cat: CatalogState, table: TableDescriptor): BindContext {
  return { catalog: cat, searchPath: [cat.schema(table.schemaOid)?.name ?? 'public'], paramTypes: [] };
}

/**
 * Binding only adds the casts to print. A stored expression that no longer binds in this
 * snapshot (a name it used was dropped or renamed) prints as written (SqlError only).
 */
function bindForPrinting<T>(bind: () => T): T | undefined {
  try {
    return bind();
  } catch (e) {
    if (e instanceof SqlError) return undefined;
    throw e;
  }
}

/**
 * A stored expression read back from the catalog has null where undefined was written (JSON
 * arrays): FuncCall.argNames [null] would print as a named argument `null => x`. Copies with
 * those entries undefined again.
 */
export function fromStorage(e: ast.Expr): ast.Expr {
  return restoreUndefined(e) as ast.Expr;
}

function restoreUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === null ? undefined : restoreUndefined(x)));
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = restoreUndefined(x);
    return out;
  }
  return v;
}

/** The literal's own type before any coercion (what PostgreSQL's parser gives a bare constant). */
function literalOid(c: ast.ConstExpr): number | undefined {
  switch (c.type) {
    case 'integer': {
      const v = Number(c.value);
      return Number.isSafeInteger(v) && Math.abs(v) <= 2147483647 ? Oid.int4 : Number.isSafeInteger(v) ? Oid.int8 : Oid.numeric;
    }
    case 'numeric':
      return Oid.numeric;
    case 'bool':
      return Oid.bool;
    case 'string':
    case 'null':
    case 'bitstring':
      return undefined;
    default: {
      const never: never = c.type;
      return never;
    }
  }
}

function typeNameOf(t: SqlType): ast.TypeName {
  const elem = arrayElemOid(t.oid);
  const base = elem !== 0 ? elem : t.oid;
  const info = findTypeInfo(base);
  assert(info !== undefined, `type ${t.oid} known to the binder`);
  const typmods: number[] = [];
  if (t.typmod >= 4 && (info.name === 'varchar' || info.name === 'bpchar')) typmods.push(t.typmod - 4);
  if (t.typmod >= 4 && info.name === 'numeric') typmods.push(((t.typmod - 4) >> 16) & 0xffff, (t.typmod - 4) & 0xffff);
  return { kind: 'TypeName', names: ['pg_catalog', info.name], typmods, arrayBounds: elem !== 0 ? 1 : 0, location: -1 };
}

/** The type an operand was implicitly coerced to, when the analyser coerced it. */
function implicitCastTo(operand: ast.Expr, bound: BExpr): SqlType | undefined {
  if (operand.kind === 'Cast') return undefined;
  if (bound.kind === 'cast') return bound.type;
  if (bound.kind === 'const' && operand.kind === 'Const') {
    // A string literal is unknown-typed: PostgreSQL prints the type it was resolved to ('a'::text).
    if (operand.type === 'string') return bound.type;
    const own = literalOid(operand);
    if (own !== undefined && own !== bound.type.oid) return bound.type;
  }
  return undefined;
}

/** Strips the implicit cast the binder put around an operand (to keep walking the operand). */
function uncast(bound: BExpr): BExpr {
  return bound.kind === 'cast' ? bound.arg : bound;
}

function operand(e: ast.Expr, bound: BExpr): ast.Expr {
  const to = implicitCastTo(e, bound);
  const inner = withImplicitCasts(e, uncast(bound));
  if (to === undefined) return inner;
  return { kind: 'Cast', arg: inner, type: typeNameOf(to), location: -1 };
}

/** The AST with the binder's implicit operand casts made explicit (operator / boolean trees only). */
export function withImplicitCasts(e: ast.Expr, bound: BExpr): ast.Expr {
  if (e.kind === 'BinaryOp' && bound.kind === 'op' && bound.left !== null) {
    return { ...e, left: operand(e.left, bound.left), right: operand(e.right, bound.right) };
  }
  if (e.kind === 'BoolExpr' && (bound.kind === 'and' || bound.kind === 'or') && e.op === bound.kind && e.args.length === bound.args.length) {
    return { ...e, args: e.args.map((a, i) => withImplicitCasts(a, bound.args[i]!)) };
  }
  if (e.kind === 'BoolExpr' && e.op === 'not' && bound.kind === 'not' && e.args.length === 1) {
    return { ...e, args: [withImplicitCasts(e.args[0]!, bound.arg)] };
  }
  return e;
}
