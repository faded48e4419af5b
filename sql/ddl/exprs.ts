/**
 * Expression inspection for DDL: which columns a CHECK references, whether a DEFAULT uses
 * columns or subqueries, and which sequences nextval('s') defaults depend on.
 */
import type { Expr, FuncCall, TypeName } from '../ast.js';
import { assertNever } from '../../util/assert.js';

export interface ExprFacts {
  /** ColumnRef names as written, with their 0-based locations. */
  readonly columnRefs: { readonly names: readonly string[]; readonly location: number }[];
  readonly hasSubquery: boolean;
  /** 0-based location of the first subquery, -1 when none or unknown. */
  readonly subqueryLocation: number;
  /** Sequence names used as nextval('name') / nextval('name'::regclass). */
  readonly nextvalSequences: string[];
}

function isRegclass(t: TypeName): boolean {
  const last = t.names[t.names.length - 1];
  return last === 'regclass' && t.arrayBounds === 0;
}

function nextvalArg(f: FuncCall): string | undefined {
  const name = f.name[f.name.length - 1];
  if (name !== 'nextval' || (f.name.length === 2 && f.name[0] !== 'pg_catalog') || f.args.length !== 1) return undefined;
  let a = f.args[0]!;
  if (a.kind === 'Cast' && isRegclass(a.type)) a = a.arg;
  if (a.kind === 'Const' && a.type === 'string' && a.value !== null) return a.value;
  return undefined;
}

export function exprFacts(root: Expr): ExprFacts {
  const columnRefs: { readonly names: readonly string[]; readonly location: number }[] = [];
  const nextvalSequences: string[] = [];
  let hasSubquery = false;
  let subqueryLocation = -1;
  const walk = (e: Expr | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case 'Const':
      case 'ParamRef':
      case 'Default':
      case 'SqlValueFunction':
      case 'Star':
        return;
      case 'ColumnRef':
        columnRefs.push({ names: e.names, location: e.location });
        return;
      case 'BinaryOp':
      case 'IsDistinct':
      case 'NullIf':
        walk(e.left);
        walk(e.right);
        return;
      case 'UnaryOp':
        walk(e.operand);
        return;
      case 'BoolExpr':
      case 'Coalesce':
      case 'MinMax':
        e.args.forEach(walk);
        return;
      case 'Row':
        e.args.forEach(walk);
        return;
      case 'NullTest':
      case 'BooleanTest':
      case 'Cast':
      case 'FieldSelect':
      case 'Collate':
        walk(e.arg);
        return;
      case 'FuncCall': {
        const seq = nextvalArg(e);
        if (seq !== undefined) nextvalSequences.push(seq);
        e.args.forEach(walk);
        e.orderBy.forEach((s) => walk(s.expr));
        walk(e.filter);
        if (e.over !== undefined) {
          e.over.partitionBy.forEach(walk);
          e.over.orderBy.forEach((s) => walk(s.expr));
        }
        return;
      }
      case 'Case':
        walk(e.arg);
        for (const w of e.whens) {
          walk(w.when);
          walk(w.then);
        }
        walk(e.else);
        return;
      case 'InList':
        walk(e.arg);
        e.list.forEach(walk);
        return;
      case 'Between':
        walk(e.arg);
        walk(e.low);
        walk(e.high);
        return;
      case 'Like':
        walk(e.arg);
        walk(e.pattern);
        walk(e.escape);
        return;
      case 'AnyAll':
        walk(e.left);
        walk(e.array);
        return;
      case 'SubLink':
        if (!hasSubquery) subqueryLocation = e.location;
        hasSubquery = true;
        walk(e.testExpr);
        return;
      case 'Array':
        e.elements.forEach(walk);
        return;
      case 'Subscript':
        walk(e.arg);
        for (const i of e.indices) {
          walk(i.lower);
          walk(i.upper);
        }
        return;
      default:
        assertNever(e, 'expression');
    }
  };
  walk(root);
  return { columnRefs, hasSubquery, subqueryLocation, nextvalSequences };
}
