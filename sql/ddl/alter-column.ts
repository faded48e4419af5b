/**
 * ALTER TABLE ... ALTER [COLUMN] c [SET DATA] TYPE t [COLLATE c] [USING expr]: the column gets
 * its new type in the overlay and every row is rewritten in the statement's transaction (the
 * engine's rewriteRows: USING or an assignment cast, NOT NULL/CHECK re-checked, every index —
 * the primary key included — rebuilt under the new key encoding). Other sessions keep the old
 * rows and type until COMMIT; ROLLBACK drops the buffered writes and ops.
 */
import type { AlterTableCmd } from '../ast.js';
import type { ColumnDescriptor, Oid, StoredExpr, TableDescriptor } from '../../catalog/descriptors.js';
import { findColumn } from '../../catalog/descriptors.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { resolveCatalogTypeName } from '../bind/type-names.js';
import { positionOf, resolveCollation } from './columns.js';
import { exprFacts } from './exprs.js';
import { rejectUsedByGenerated } from './generated.js';
import type { SqlType } from '../types/datum.js';
import type { RewriteValue } from './context.js';
import type { DdlRun } from './run.js';

type AlterColumnTypeCmd = Extract<AlterTableCmd, { kind: 'alterColumnType' }>;

/** Whether `source` (a view's query text) may name `column`: a word match or `*`, case-insensitive. */
function mayReadColumn(source: string, column: string): boolean {
  if (source.includes('*')) return true;
  const lower = source.toLowerCase();
  const name = column.toLowerCase();
  for (let i = lower.indexOf(name); i >= 0; i = lower.indexOf(name, i + 1)) {
    const before = i === 0 ? ' ' : lower[i - 1]!;
    const after = lower[i + name.length] ?? ' ';
    if (!/[a-z0-9_$]/.test(before) && !/[a-z0-9_$]/.test(after)) return true;
  }
  return false;
}

/** 0A000 as PostgreSQL when a view reads the column (views record table-level dependencies only). */
function rejectUsedByView(run: DdlRun, t: TableDescriptor, col: ColumnDescriptor): void {
  for (const v of run.state.views()) {
    if (!v.dependsOn.includes(t.oid) || !mayReadColumn(v.source, col.name)) continue;
    throw new SqlError(SqlState.featureNotSupported, 'cannot alter type of a column used by a view or rule', {
      detail: `rule _RETURN on view ${v.name} depends on column "${col.name}"`,
    });
  }
}

export async function alterColumnType(run: DdlRun, tableOid: Oid, cmd: AlterColumnTypeCmd): Promise<void> {
  await alterColumnTypes(run, tableOid, [cmd]);
}

/**
 * All ALTER COLUMN TYPE subcommands of one statement, as PostgreSQL runs them: every USING is
 * bound over the row as it was before the statement, and the table is rewritten once.
 */
export async function alterColumnTypes(run: DdlRun, tableOid: Oid, cmds: readonly AlterColumnTypeCmd[]): Promise<void> {
  const before = run.table(tableOid);
  const stateBefore = run.state;
  const values: RewriteValue[] = [];
  const defaults: { readonly col: ColumnDescriptor; readonly dflt: StoredExpr; readonly type: SqlType }[] = [];
  for (const cmd of cmds) {
    const col = findColumn(before, cmd.column);
    if (col === undefined || col.hidden) {
      throw new SqlError(SqlState.undefinedColumn, `column "${cmd.column}" of relation "${before.name}" does not exist`);
    }
    if (values.some((v) => v.attnum === col.attnum)) throw new SqlError(SqlState.syntaxError, `cannot alter type of column "${col.name}" twice`);
    const type = retypeTarget(run, before, col, cmd);
    const collation = cmd.collation === undefined ? col.collation : resolveCollation(cmd.collation, type);
    run.apply({ kind: 'setColumnType', tableOid, attnum: col.attnum, type, collation: collation ?? null });
    values.push(col.generated !== undefined ? { kind: 'generated', attnum: col.attnum, expr: col.generated } : { kind: 'retype', attnum: col.attnum, using: cmd.using });
    if (col.default !== undefined) defaults.push({ col, dflt: col.default, type });
  }
  const after = run.table(tableOid);
  const states = { before: stateBefore, after: run.state };
  run.ctx.data.checkRewrite(states, { before, after }, values);
  for (const { col, dflt, type } of defaults) {
    run.ctx.data.validateExpr(run.state, after, dflt, { kind: 'retypedDefault', from: col.type, type, column: col.name });
  }
  await run.ctx.data.rewriteRows(run.ctx.txn, states, { before, after }, values);
}

/** The new type of `col`, after PostgreSQL's checks on the subcommand. */
function retypeTarget(run: DdlRun, before: TableDescriptor, col: ColumnDescriptor, cmd: AlterColumnTypeCmd): SqlType {
  const resolved = resolveCatalogTypeName(run.state, run.ctx.searchPath, run.ctx.user, cmd.type.names, cmd.type.typmods, cmd.type.arrayBounds);
  if (resolved.kind === 'serial') throw new SqlError(SqlState.undefinedObject, `type "${cmd.type.names[cmd.type.names.length - 1]}" does not exist`);
  if (col.generated !== undefined && cmd.using !== undefined) {
    throw new SqlError(SqlState.syntaxError, `cannot specify USING when altering type of generated column`, {
      detail: `Column "${col.name}" is a generated column.`,
    });
  }
  if (cmd.using !== undefined) {
    const facts = exprFacts(cmd.using);
    if (facts.hasSubquery) {
      throw new SqlError(SqlState.featureNotSupported, 'cannot use subquery in transform expression', positionOf(facts.subqueryLocation));
    }
  }
  rejectUsedByGenerated(before, col);
  rejectUsedByView(run, before, col);
  return resolved.type;
}
