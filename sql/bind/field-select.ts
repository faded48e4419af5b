/**
 * Field selection `(expr).field` on record values, as PostgreSQL's ParseFuncOrColumn does it for
 * column notation:
 *  - `(ROW(a, b)).f1`: a row constructor's fields are f1, f2, ...;
 *  - `(x).n` where x is a record-typed value (a column of a subquery or function item holding
 *    `information_schema._pg_expandarray(...)`, a ROW(...)): the record type's field (42703 when
 *    it has none of that name);
 *  - `(t).col` where `t` names no column but a FROM item: the whole-row reference's column, i.e. `t.col`;
 *  - any other type: 42809 "column notation .f applied to type T, which is not a composite type".
 * Row constructors outside field selection stay 0A000 in the binder (no row comparison yet).
 */
import type { Expr } from '../ast.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Oid } from '../types/index.js';
import { recordFields, recordType } from '../types/record.js';
import type { BExpr } from './expr.js';
import { astLocation, typeName, type AggContext, type Binder, type Scope } from './binder.js';

function err(code: string, message: string, location: number): SqlError {
  return new SqlError(code, message, location >= 0 ? { position: location + 1 } : {});
}

/** ROW(a, b) as a record value with fields f1, f2, ... (unknown literals become text, as PostgreSQL). */
export function bindRowValue(b: Binder, e: Extract<Expr, { kind: 'Row' }>, scope: Scope, ac: AggContext): BExpr {
  const args = e.args.map((a) => b.resolveUnknownToText(b.bind(a, scope, ac)));
  return { kind: 'row', args, type: recordType(args.map((a, i) => ({ name: `f${i + 1}`, type: a.type }))) };
}

export function bindFieldSelect(b: Binder, e: Extract<Expr, { kind: 'FieldSelect' }>, scope: Scope, ac: AggContext): BExpr {
  const location = astLocation(e.arg);
  let arg: BExpr;
  if (e.arg.kind === 'Row') {
    arg = bindRowValue(b, e.arg, scope, ac);
  } else if (e.arg.kind === 'ColumnRef' && e.arg.names.length === 1) {
    const whole = e.arg;
    try {
      arg = b.bind(whole, scope, ac);
    } catch (error) {
      // No column of that name: a FROM item's whole row, whose field is that item's column.
      if (!(error instanceof SqlError) || error.code !== SqlState.undefinedColumn) throw error;
      return b.bind({ kind: 'ColumnRef', names: [whole.names[0]!, e.field], location: whole.location }, scope, ac);
    }
  } else {
    arg = b.bind(e.arg, scope, ac);
  }
  if (arg.type.oid !== Oid.record) {
    throw err(SqlState.wrongObjectType, `column notation .${e.field} applied to type ${typeName(arg.type)}, which is not a composite type`, location);
  }
  const fields = recordFields(arg.type);
  const index = fields?.findIndex((f) => f.name === e.field) ?? -1;
  if (fields === undefined || index < 0) throw err(SqlState.undefinedColumn, `could not identify column "${e.field}" in record data type`, location);
  return { kind: 'fieldSelect', arg, index, field: e.field, type: fields[index]!.type };
}
