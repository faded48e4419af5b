/**
 * CREATE [OR REPLACE] VIEW: the query is bound with the engine's binder against the
 * transaction's overlay, which gives the view's columns (names and types) and the relations it
 * reads (its dependencies: DROP of one of them needs CASCADE, catalog/ops.ts). The query AST is
 * stored and re-bound whenever the view is read (sql/bind/view.ts). Errors follow PostgreSQL 15.
 */
import type { AlterTableStmt, CreateViewStmt } from '../ast.js';
import type { Oid, ViewColumn, ViewDescriptor } from '../../catalog/descriptors.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { noAggregates, Scope } from '../bind/binder.js';
import { bindQuery } from '../bind/select.js';
import { resolveViewTarget, viewQueryNotUpdatable } from '../bind/view-dml.js';
import { newBinder } from '../plan/prepare.js';
import { formatType } from '../types/index.js';
import type { DdlResult } from './context.js';
import type { DdlRun } from './run.js';
import { rangeVarName } from './table.js';

interface BoundView {
  readonly columns: readonly ViewColumn[];
  readonly dependsOn: readonly Oid[];
  readonly updatableColumns: readonly boolean[] | undefined;
}

export async function createView(run: DdlRun, stmt: CreateViewStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  const { schema, name } = run.state.creationSchema(ctx.searchPath, rangeVarName(stmt.view), ctx.user);
  const bound = bindView(run, stmt);
  const existing = run.state.classEntry(schema.oid, name);
  let replaceOid: Oid | undefined;
  let columns = bound.columns;
  if (existing !== undefined) {
    if (!stmt.orReplace) throw new SqlError(SqlState.duplicateTable, `relation "${name}" already exists`);
    if (existing.kind !== 'view') throw new SqlError(SqlState.wrongObjectType, `"${name}" is not a view`);
    const old = run.state.view(existing.oid);
    assert(old !== undefined, 'class entry of a view names a view');
    checkReplacement(old, bound.columns);
    if (bound.dependsOn.includes(old.oid)) {
      throw new SqlError(SqlState.invalidObjectDefinition, `infinite recursion detected in rules for relation "${name}"`);
    }
    replaceOid = old.oid;
    // Column defaults (ALTER VIEW ... SET DEFAULT) survive the replacement, as in PostgreSQL.
    columns = columns.map((c, i) => {
      const d = old.columns[i]?.default;
      return d === undefined ? c : { ...c, default: d };
    });
  }
  run.apply({
    kind: 'createView',
    ...(replaceOid === undefined ? { oid: await run.allocOid() } : { replaceOid }),
    schemaOid: schema.oid,
    name,
    ownerOid: run.ownerOid(),
    columns,
    query: stmt.query,
    source: stmt.source,
    dependsOn: bound.dependsOn,
    searchPath: ctx.searchPath,
    ...(stmt.checkOption === undefined ? {} : { checkOption: stmt.checkOption }),
    ...(bound.updatableColumns === undefined ? {} : { updatableColumns: bound.updatableColumns }),
  });
  return run.finish('CREATE VIEW');
}

function bindView(run: DdlRun, stmt: CreateViewStmt): BoundView {
  const b = newBinder({ catalog: run.state, searchPath: run.ctx.searchPath, paramTypes: [] });
  const q = bindQuery(b, stmt.query, new Scope(null));
  if (b.maxParam > 0) throw new SqlError(SqlState.undefinedParameter, `there is no parameter $${b.maxParam}`);
  if (!b.readOnly) throw new SqlError(SqlState.featureNotSupported, 'views must not contain data-modifying statements in WITH');
  if (stmt.columns.length > q.columns.length) {
    throw new SqlError(SqlState.syntaxError, 'CREATE VIEW specifies more column names than columns');
  }
  const columns: ViewColumn[] = q.columns.map((c, i) => ({ name: stmt.columns[i] ?? c.name, type: c.type }));
  if (stmt.checkOption !== undefined) checkOptionAllowed(stmt);
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new SqlError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  return { columns, dependsOn: [...b.relations], updatableColumns: updatableColumns(run, stmt, columns) };
}

/** Which columns INSERT/UPDATE can write through the view; undefined = not automatically updatable. */
function updatableColumns(run: DdlRun, stmt: CreateViewStmt, columns: readonly ViewColumn[]): readonly boolean[] | undefined {
  const b = newBinder({ catalog: run.state, searchPath: run.ctx.searchPath, paramTypes: [] });
  const draft: ViewDescriptor = {
    kind: 'view', oid: 0, schemaOid: 0, name: rangeVarName(stmt.view).at(-1) ?? '', ownerOid: 0, columns,
    query: stmt.query, source: stmt.source, dependsOn: [], searchPath: run.ctx.searchPath,
  };
  try {
    return resolveViewTarget(b, draft, 'delete').columns.map((c) => c.baseSlot !== undefined);
  } catch (e) {
    if (e instanceof SqlError) return undefined;
    throw e;
  }
}

/**
 * ALTER VIEW (or ALTER TABLE) ... ALTER COLUMN c SET/DROP DEFAULT: the default INSERT and
 * UPDATE ... SET c = DEFAULT use through the view (sql/bind/view-dml.ts). The expression is
 * bound and coerced to the column's type now, as PostgreSQL's cookDefault does.
 */
export async function alterViewDefaults(run: DdlRun, viewOid: Oid, stmt: AlterTableStmt): Promise<DdlResult> {
  for (const cmd of stmt.commands) {
    const view = run.state.view(viewOid);
    assert(view !== undefined, 'ALTER of a view names a view');
    if (cmd.kind !== 'setDefault' && cmd.kind !== 'dropDefault') throw new SqlError(SqlState.internalError, 'view ALTER other than a default');
    const col = view.columns.find((c) => c.name === cmd.column);
    if (col === undefined) throw new SqlError(SqlState.undefinedColumn, `column "${cmd.column}" of relation "${view.name}" does not exist`);
    if (cmd.kind === 'dropDefault') {
      run.apply({ kind: 'setViewDefault', viewOid, column: col.name, default: null });
      continue;
    }
    const b = newBinder({ catalog: run.state, searchPath: run.ctx.searchPath, paramTypes: [] });
    b.coerceAssign(b.bind(cmd.expr, new Scope(null), noAggregates('DEFAULT expressions')), col.type, col.name, -1);
    run.apply({ kind: 'setViewDefault', viewOid, column: col.name, default: { expr: cmd.expr, source: cmd.source } });
  }
  return run.finish(stmt.view === true ? 'ALTER VIEW' : 'ALTER TABLE');
}

/** WITH CHECK OPTION needs an automatically updatable view (PostgreSQL's DefineView check). */
function checkOptionAllowed(stmt: CreateViewStmt): void {
  const q = stmt.query;
  const detail =
    viewQueryNotUpdatable(q) ??
    (q.kind === 'Select' && (q.from.length !== 1 || q.from[0]!.kind !== 'RangeVar')
      ? 'Views that do not select from a single table or view are not automatically updatable.'
      : undefined);
  if (detail !== undefined) {
    throw new SqlError(SqlState.featureNotSupported, 'WITH CHECK OPTION is supported only on automatically updatable views', { hint: detail });
  }
}

/** CREATE OR REPLACE VIEW may only add columns at the end (PostgreSQL's checkViewTupleDesc). */
function checkReplacement(old: ViewDescriptor, columns: readonly ViewColumn[]): void {
  if (columns.length < old.columns.length) throw new SqlError(SqlState.invalidTableDefinition, 'cannot drop columns from view');
  old.columns.forEach((o, i) => {
    const n = columns[i]!;
    if (o.name !== n.name) {
      throw new SqlError(SqlState.invalidTableDefinition, `cannot change name of view column "${o.name}" to "${n.name}"`, {
        hint: 'Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.',
      });
    }
    if (o.type.oid !== n.type.oid || o.type.typmod !== n.type.typmod) {
      throw new SqlError(
        SqlState.invalidTableDefinition,
        `cannot change data type of view column "${o.name}" from ${formatType(o.type)} to ${formatType(n.type)}`,
      );
    }
  });
}
