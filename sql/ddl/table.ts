/**
 * CREATE TABLE and ALTER TABLE, plus the constraint helpers both use (index-backed PRIMARY
 * KEY / UNIQUE with backfill, CHECK with validation of existing rows).
 */
import { catalogTypeResolver } from '../bind/type-names.js';
import type { AlterTableCmd, AlterTableStmt, ConstraintDef, CreateTableStmt, RangeVar } from '../ast.js';
import type { ColumnDescriptor, Oid, StoredExpr, TableDescriptor } from '../../catalog/descriptors.js';
import { findColumn } from '../../catalog/descriptors.js';
import { chooseConstraintName, chooseRelationName, indexNameAddition } from '../../catalog/names.js';
import { type ColumnSpec, type KeyColumnSpec, rowidColumnName } from '../../catalog/ops.js';
import { resolveSequenceOptions } from '../../catalog/sequence.js';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import {
  type ColumnPlan,
  checkDefaultShape,
  columnSpec,
  defaultDependencies,
  nextvalDefault,
  planColumn,
  positionOf,
  regclassText,
} from './columns.js';
import type { DdlResult } from './context.js';
import { exprFacts } from './exprs.js';
import { addForeignKey, checkForeignKeyTypes, validateConstraint } from './foreign-key.js';
import { rekeyPrimary, rekeyToRowid } from './rekey.js';
import type { DdlRun } from './run.js';
import { alterColumnType, alterColumnTypes } from './alter-column.js';
import { alterViewDefaults } from './view.js';
import { addGeneration, dropExpression, rejectDefaultOnGenerated, renameInStoredExprs } from './generated.js';

/** Heap fillfactor bounds (PostgreSQL's HEAP_MIN_FILLFACTOR .. 100). */
const fillfactorMin = 10;
const fillfactorMax = 100;

export function rangeVarName(rv: RangeVar): string[] {
  return rv.schema !== undefined ? [rv.schema, rv.name] : [rv.name];
}

function notSupported(what: string): SqlError {
  return new SqlError(SqlState.featureNotSupported, `${what} is not supported yet`);
}

function undefinedColumnOf(name: string, table: string): SqlError {
  return new SqlError(SqlState.undefinedColumn, `column "${name}" of relation "${table}" does not exist`);
}

/** A live, user-visible column by name. */
function userColumn(t: TableDescriptor, name: string): ColumnDescriptor | undefined {
  const c = findColumn(t, name);
  return c === undefined || c.hidden ? undefined : c;
}

// ─── CREATE TABLE ────────────────────────────────────────────────────────────────────────

interface PendingSequence {
  readonly column: string;
  readonly seqOid: Oid;
  readonly seqName: string;
}

export async function createTable(run: DdlRun, stmt: CreateTableStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  if (stmt.temporary) throw notSupported('CREATE TEMPORARY TABLE');
  if (stmt.unlogged) throw notSupported('CREATE UNLOGGED TABLE');
  const { schema, name } = run.state.creationSchema(ctx.searchPath, rangeVarName(stmt.table), ctx.user);
  if (run.state.classEntry(schema.oid, name) !== undefined) {
    if (stmt.ifNotExists) {
      run.notice(SqlState.duplicateTable, `relation "${name}" already exists, skipping`);
      return run.finish('CREATE TABLE');
    }
    throw new SqlError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  if (stmt.fillfactor !== undefined && (stmt.fillfactor < fillfactorMin || stmt.fillfactor > fillfactorMax)) {
    throw new SqlError(SqlState.invalidParameterValue, `value ${stmt.fillfactor} out of bounds for option "fillfactor"`, {
      detail: `Valid values are between "${fillfactorMin}" and "${fillfactorMax}".`,
    });
  }
  const ownerOid = run.ownerOid();
  const types = catalogTypeResolver(run.state, ctx.searchPath, ctx.user);
  const plans = stmt.columns.map((c) => planColumn(c, name, types));

  // Constraints in written order: column ones first within their column, then table ones.
  const constraints: ConstraintDef[] = [];
  for (const p of plans) {
    for (const c of p.constraints) {
      switch (c.kind) {
        case 'primaryKey': constraints.push({ ...c, columns: [p.name] }); break;
        case 'unique': constraints.push({ ...c, columns: [p.name] }); break;
        case 'check': constraints.push(c); break;
        case 'foreignKey': constraints.push({ ...c, columns: c.columns.length > 0 ? c.columns : [p.name] }); break;
        default: assertNever(c, 'constraint');
      }
    }
  }
  for (const c of stmt.constraints) constraints.push(c);
  const pks = constraints.filter((c) => c.kind === 'primaryKey');
  if (pks.length > 1) {
    throw new SqlError(SqlState.invalidTableDefinition, `multiple primary keys for table "${name}" are not allowed`);
  }
  const declaredPk = pks[0];
  // PostgreSQL drops index constraints that repeat an earlier one (the primary key first),
  // moving a name onto the kept one when that one is unnamed.
  const indexConstraints: Extract<ConstraintDef, { kind: 'primaryKey' | 'unique' }>[] =
    declaredPk !== undefined && declaredPk.kind === 'primaryKey' ? [declaredPk] : [];
  for (const c of constraints) {
    if (c.kind !== 'unique') continue;
    const same = indexConstraints.findIndex((p) => sameKey(p, c));
    if (same < 0) {
      indexConstraints.push(c);
      continue;
    }
    const prior = indexConstraints[same]!;
    if (prior.name === undefined && c.name !== undefined) indexConstraints[same] = { ...prior, name: c.name };
  }
  const first = indexConstraints[0];
  const pk = first !== undefined && first.kind === 'primaryKey' ? first : undefined;
  const uniques = indexConstraints.filter((c): c is Extract<ConstraintDef, { kind: 'unique' }> => c.kind === 'unique');
  const explicitCheckNames = new Set(constraints.flatMap((c) => (c.kind === 'check' && c.name !== undefined ? [c.name] : [])));

  // Sequences for serial / identity columns come first (PostgreSQL creates them before the table).
  const sequences: PendingSequence[] = [];
  for (const p of plans) {
    if (!p.serial && p.identity === undefined) continue;
    const seqName = chooseRelationName(run.state, schema.oid, { name1: name, name2: p.name, label: 'seq' }, { isConstraint: false });
    const { spec } = resolveSequenceOptions(p.identity?.options ?? {}, p.type.oid, undefined);
    if (p.identity?.options.ownedBy !== undefined) throw notSupported('OWNED BY in an identity column');
    run.apply({ kind: 'createSequence', oid: await run.allocOid(), schemaOid: schema.oid, name: seqName, ownerOid, spec });
    const seq = run.state.resolveSequence([], [schema.name, seqName]);
    sequences.push({ column: p.name, seqOid: seq.oid, seqName });
  }

  const specs: ColumnSpec[] = plans.map((p) => {
    const seq = sequences.find((s) => s.column === p.name);
    if (p.serial) {
      assert(seq !== undefined, 'serial sequence');
      const text = regclassText(run.state, ctx.searchPath, ctx.user, schema.oid, seq.seqName);
      return columnSpec(p, { default: nextvalDefault(text, seq.seqOid) });
    }
    if (p.identity !== undefined) {
      assert(seq !== undefined, 'identity sequence');
      return columnSpec(p, { identitySequenceOid: seq.seqOid });
    }
    if (p.default !== undefined) {
      checkDefaultShape(p.default.expr);
      const deps = defaultDependencies(run.state, ctx.searchPath, ctx.user, p.default.expr);
      return columnSpec(p, { default: deps.length > 0 ? { ...p.default, dependsOn: deps } : p.default });
    }
    return columnSpec(p);
  });

  let primaryKey: { name: string; columns: KeyColumnSpec[]; indexOid: Oid; constraintOid: Oid } | undefined;
  if (pk !== undefined && pk.kind === 'primaryKey') {
    for (const c of pk.columns) {
      if (!plans.some((p) => p.name === c)) {
        throw new SqlError(SqlState.undefinedColumn, `column "${c}" named in key does not exist`);
      }
    }
    const pkName =
      pk.name ?? chooseRelationName(run.state, schema.oid, { name1: name, label: 'pkey' }, { isConstraint: true, alsoTaken: explicitCheckNames });
    if (pk.name !== undefined && run.state.classEntry(schema.oid, pk.name) !== undefined) {
      throw new SqlError(SqlState.duplicateTable, `relation "${pk.name}" already exists`);
    }
    primaryKey = {
      name: pkName,
      columns: pk.columns.map((c) => ({ name: c, direction: 'asc', nulls: 'last' })),
      indexOid: await run.allocOid(),
      constraintOid: await run.allocOid(),
    };
  }
  run.apply({
    kind: 'createTable', oid: await run.allocOid(), schemaOid: schema.oid, name, ownerOid, columns: specs,
    ...(primaryKey !== undefined ? { primaryKey } : {}),
    ...(stmt.fillfactor !== undefined ? { fillfactor: stmt.fillfactor } : {}),
  });
  const table = run.state.resolveTable([], [schema.name, name]);
  await run.lockTable(table.oid);
  for (const s of sequences) {
    const col = findColumn(table, s.column);
    assert(col !== undefined, 'sequence column');
    run.apply({ kind: 'setSequenceOwner', sequenceOid: s.seqOid, ownedBy: { tableOid: table.oid, attnum: col.attnum } });
  }
  for (const c of run.table(table.oid).columns) {
    if (c.default !== undefined && !c.hidden) {
      ctx.data.validateExpr(run.state, run.table(table.oid), c.default, { kind: 'default', type: c.type, column: c.name });
    }
  }
  const generatedNames = new Set(plans.flatMap((p) => (p.generated !== undefined ? [p.name] : [])));
  for (const p of plans) {
    if (p.generated !== undefined) await addGeneration(run, table.oid, p.name, p.generated, { generatedNames, rewrite: false, positions: true });
  }
  // CHECKs are named and added before the indexes, as in PostgreSQL.
  for (const c of constraints) {
    if (c.kind === 'check') await addCheck(run, table.oid, c, { newTable: true });
  }
  for (const c of uniques) {
    await addIndexConstraint(run, table.oid, { kind: 'unique', name: c.name, columns: c.columns, nullsNotDistinct: c.nullsNotDistinct }, { newTable: true });
  }
  // FOREIGN KEYs last: they may reference this table's own keys.
  for (const c of constraints) {
    if (c.kind === 'foreignKey') await addForeignKey(run, table.oid, c, { newTable: true });
  }
  return run.finish('CREATE TABLE');
}

function sameKey(
  a: Extract<ConstraintDef, { kind: 'primaryKey' | 'unique' }>,
  b: Extract<ConstraintDef, { kind: 'primaryKey' | 'unique' }>,
): boolean {
  const nnd = (c: typeof a): boolean => c.kind === 'unique' && c.nullsNotDistinct;
  return a.columns.length === b.columns.length && a.columns.every((c, i) => c === b.columns[i]) && nnd(a) === nnd(b);
}

// ─── constraints on a (possibly populated) table ─────────────────────────────────────────

export async function addCheck(
  run: DdlRun,
  tableOid: Oid,
  c: Extract<ConstraintDef, { kind: 'check' }>,
  opts: { readonly newTable: boolean },
): Promise<void> {
  const t = run.table(tableOid);
  const facts = exprFacts(c.expr);
  if (facts.hasSubquery) throw new SqlError(SqlState.featureNotSupported, 'cannot use subquery in check constraint');
  const attnums: number[] = [];
  for (const { names: ref, location } of facts.columnRefs) {
    const colName = ref[ref.length - 1]!;
    const col = userColumn(t, colName);
    if (col === undefined || (ref.length === 2 && ref[0] !== t.name) || ref.length > 2) {
      throw new SqlError(SqlState.undefinedColumn, `column "${colName}" does not exist`, positionOf(location));
    }
    if (!attnums.includes(col.attnum)) attnums.push(col.attnum);
  }
  let name: string;
  if (c.name !== undefined) {
    if (t.constraints.some((x) => x.name === c.name)) {
      throw new SqlError(
        SqlState.duplicateObject,
        opts.newTable ? `check constraint "${c.name}" already exists` : `constraint "${c.name}" for relation "${t.name}" already exists`,
      );
    }
    name = c.name;
  } else {
    const single = attnums.length === 1 ? t.columns.find((col) => col.attnum === attnums[0])?.name : undefined;
    name = chooseConstraintName(run.state, t.schemaOid, { name1: t.name, ...(single !== undefined ? { name2: single } : {}), label: 'check' });
  }
  const check: StoredExpr = { expr: c.expr, source: c.source };
  run.ctx.data.validateExpr(run.state, t, check, { kind: 'check', constraint: name });
  if (!opts.newTable) await run.ctx.data.validateCheck(run.ctx.txn, run.state, t, name, check);
  const oid = await run.allocOid();
  run.apply({ kind: 'addConstraint', tableOid, constraint: { kind: 'check', oid, name, check, attnums, noInherit: c.noInherit } });
}

export async function addIndexConstraint(
  run: DdlRun,
  tableOid: Oid,
  c: {
    readonly kind: 'primaryKey' | 'unique';
    readonly name: string | undefined;
    readonly columns: readonly string[];
    readonly nullsNotDistinct: boolean;
  },
  opts: { readonly newTable: boolean },
): Promise<void> {
  let t = run.table(tableOid);
  const cols = c.columns.map((n) => {
    const col = userColumn(t, n);
    if (col === undefined) throw new SqlError(SqlState.undefinedColumn, `column "${n}" named in key does not exist`);
    return col;
  });
  if (c.kind === 'primaryKey' && t.constraints.some((x) => x.kind === 'primaryKey')) {
    throw new SqlError(SqlState.invalidTableDefinition, `multiple primary keys for table "${t.name}" are not allowed`);
  }
  let name: string;
  if (c.name !== undefined) {
    if (run.state.classEntry(t.schemaOid, c.name) !== undefined) {
      throw new SqlError(SqlState.duplicateTable, `relation "${c.name}" already exists`);
    }
    name = c.name;
  } else if (c.kind === 'primaryKey') {
    name = chooseRelationName(run.state, t.schemaOid, { name1: t.name, label: 'pkey' }, { isConstraint: true });
  } else {
    name = chooseRelationName(
      run.state, t.schemaOid, { name1: t.name, name2: indexNameAddition(cols.map((x) => x.name)), label: 'key' }, { isConstraint: true },
    );
  }
  if (c.kind === 'primaryKey') {
    for (const col of cols) {
      if (col.notNull) continue;
      if (!opts.newTable) await run.ctx.data.validateNotNull(run.ctx.txn, run.state, t, col);
      run.apply({ kind: 'setNotNull', tableOid, attnum: col.attnum, notNull: true });
    }
    t = run.table(tableOid);
    if (t.rowidAttnum !== undefined) {
      const keyCols = cols.map((col) => findColumn(t, col.name)!);
      if (await rekeyPrimary(run, tableOid, name, keyCols)) return;
    }
  }
  run.apply({
    kind: 'createIndex', oid: await run.allocOid(), tableOid, name, unique: true, primary: c.kind === 'primaryKey',
    columns: cols.map((col) => ({ attnum: col.attnum, direction: 'asc' as const, nulls: 'last' as const })),
    nullsNotDistinct: c.nullsNotDistinct, state: opts.newTable ? 'public' : 'backfilling',
  });
  const index = run.state.resolveIndex([], [run.state.schema(t.schemaOid)?.name ?? '', name]).index;
  if (!opts.newTable) {
    await run.ctx.data.backfillIndex(run.ctx.txn, run.state, run.table(tableOid), index);
    run.apply({ kind: 'setIndexPublic', indexOid: index.oid });
  }
  const constraintOid = await run.allocOid();
  run.apply({ kind: 'addConstraint', tableOid, constraint: { kind: c.kind, oid: constraintOid, name, indexOid: index.oid } });
}

// ─── ALTER TABLE ─────────────────────────────────────────────────────────────────────────

export async function alterTable(run: DdlRun, stmt: AlterTableStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  const relName = rangeVarName(stmt.table);
  const found = run.state.lookupClass(ctx.searchPath, relName, ctx.user);
  if (found === undefined) {
    if (stmt.ifExists) {
      run.notice(SqlState.successfulCompletion, `relation "${stmt.table.name}" does not exist, skipping`);
      return run.finish('ALTER TABLE');
    }
    throw new SqlError(SqlState.undefinedTable, `relation "${relName.join('.')}" does not exist`);
  }
  if (found.kind === 'view' && stmt.commands.every((c) => c.kind === 'setDefault' || c.kind === 'dropDefault')) {
    return alterViewDefaults(run, found.oid, stmt);
  }
  if (stmt.view === true && found.kind === 'table') throw new SqlError(SqlState.wrongObjectType, `"${stmt.table.name}" is not a view`);
  if (found.kind !== 'table') {
    // ALTER TABLE ... RENAME works on any relation in PostgreSQL.
    if (stmt.commands.length === 1 && stmt.commands[0]!.kind === 'renameTable') {
      run.apply({ kind: 'renameRelation', oid: found.oid, newName: stmt.commands[0]!.to });
      return run.finish('ALTER TABLE');
    }
    const action = alterActionName(stmt.commands[0]!);
    if (action === undefined) throw new SqlError(SqlState.wrongObjectType, `"${stmt.table.name}" is not a table`);
    const plural = found.kind === 'index' ? 'indexes' : `${found.kind}s`;
    throw new SqlError(SqlState.wrongObjectType, `ALTER action ${action} cannot be performed on relation "${stmt.table.name}"`, {
      detail: `This operation is not supported for ${plural}.`,
    });
  }
  await run.lockTable(found.oid);
  const retypes = stmt.commands.filter((c): c is Extract<AlterTableCmd, { kind: 'alterColumnType' }> => c.kind === 'alterColumnType');
  for (const cmd of stmt.commands) {
    // PostgreSQL rewrites once for all ALTER COLUMN TYPE subcommands, each USING over the old row.
    if (cmd.kind === 'alterColumnType' && retypes.length > 1) {
      if (cmd === retypes[0]) {
        await alterColumnTypes(run, found.oid, retypes);
        checkForeignKeyTypes(run, found.oid);
      }
      continue;
    }
    await alterTableCmd(run, found.oid, cmd);
  }
  return run.finish('ALTER TABLE');
}

/** PostgreSQL's alter_table_type_to_string for the commands we have. */
function alterActionName(cmd: AlterTableCmd): string | undefined {
  switch (cmd.kind) {
    case 'addColumn': return 'ADD COLUMN';
    case 'dropColumn': return 'DROP COLUMN';
    case 'addConstraint': return 'ADD CONSTRAINT';
    case 'dropConstraint': return 'DROP CONSTRAINT';
    case 'validateConstraint': return 'VALIDATE CONSTRAINT';
    case 'setDefault': return 'ALTER COLUMN ... SET DEFAULT';
    case 'dropDefault': return 'ALTER COLUMN ... DROP DEFAULT';
    case 'setNotNull': return 'ALTER COLUMN ... SET NOT NULL';
    case 'dropNotNull': return 'ALTER COLUMN ... DROP NOT NULL';
    case 'alterColumnType': return 'ALTER COLUMN ... SET DATA TYPE';
    case 'dropExpression': return 'ALTER COLUMN ... DROP EXPRESSION';
    case 'renameColumn':
    case 'renameTable':
    case 'renameConstraint':
    case 'setSchema':
      return undefined;
    default:
      return assertNever(cmd, 'alter table command');
  }
}

function columnForAlter(run: DdlRun, tableOid: Oid, name: string): ColumnDescriptor {
  const t = run.table(tableOid);
  const c = userColumn(t, name);
  if (c === undefined) throw undefinedColumnOf(name, t.name);
  return c;
}

function identityError(c: ColumnDescriptor, t: TableDescriptor, withHint: boolean): SqlError {
  return new SqlError(SqlState.syntaxError, `column "${c.name}" of relation "${t.name}" is an identity column`, {
    ...(withHint ? { hint: 'Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.' } : {}),
  });
}

/** Renames the hidden rowid column out of the way when a user column takes its name. */
function moveHiddenRowid(run: DdlRun, tableOid: Oid, wanted: string): void {
  const t = run.table(tableOid);
  const hidden = findColumn(t, wanted);
  if (hidden === undefined || !hidden.hidden) return;
  const names = t.columns.filter((c) => !c.dropped).map((c) => c.name);
  run.apply({ kind: 'renameColumn', tableOid, attnum: hidden.attnum, newName: rowidColumnName([...names, wanted]) });
}

async function alterTableCmd(run: DdlRun, tableOid: Oid, cmd: AlterTableCmd): Promise<void> {
  const ctx = run.ctx;
  const t = run.table(tableOid);
  switch (cmd.kind) {
    case 'addColumn':
      await addColumn(run, tableOid, cmd);
      return;
    case 'dropColumn': {
      const c = userColumn(t, cmd.name);
      if (c === undefined) {
        if (cmd.ifExists) {
          run.notice(SqlState.successfulCompletion, `column "${cmd.name}" of relation "${t.name}" does not exist, skipping`);
          return;
        }
        throw undefinedColumnOf(cmd.name, t.name);
      }
      const physicalPk = t.primaryIndex.primary && !t.primaryIndex.hidden;
      if (physicalPk && t.primaryIndex.columns.some((k) => k.attnum === c.attnum)) await rekeyToRowid(run, tableOid);
      run.apply({ kind: 'dropColumn', tableOid, attnum: c.attnum, cascade: cmd.cascade });
      return;
    }
    case 'renameColumn': {
      const c = userColumn(t, cmd.from);
      if (c === undefined) throw new SqlError(SqlState.undefinedColumn, `column "${cmd.from}" does not exist`);
      moveHiddenRowid(run, tableOid, cmd.to);
      renameInStoredExprs(run, tableOid, c, cmd.to);
      run.apply({ kind: 'renameColumn', tableOid, attnum: c.attnum, newName: cmd.to });
      return;
    }
    case 'renameTable':
      run.apply({ kind: 'renameRelation', oid: tableOid, newName: cmd.to });
      return;
    case 'renameConstraint':
      run.apply({ kind: 'renameConstraint', tableOid, name: cmd.from, newName: cmd.to });
      return;
    case 'addConstraint': {
      const c = cmd.constraint;
      switch (c.kind) {
        case 'check':
          await addCheck(run, tableOid, c, { newTable: false });
          return;
        case 'primaryKey':
          await addIndexConstraint(run, tableOid, { kind: 'primaryKey', name: c.name, columns: c.columns, nullsNotDistinct: false }, { newTable: false });
          return;
        case 'unique':
          await addIndexConstraint(run, tableOid, { kind: 'unique', name: c.name, columns: c.columns, nullsNotDistinct: c.nullsNotDistinct }, { newTable: false });
          return;
        case 'foreignKey':
          await addForeignKey(run, tableOid, c, { newTable: false });
          return;
        default:
          assertNever(c, 'constraint');
      }
      return;
    }
    case 'dropConstraint':
      if (cmd.ifExists && !t.constraints.some((c) => c.name === cmd.name)) {
        run.notice(SqlState.successfulCompletion, `constraint "${cmd.name}" of relation "${t.name}" does not exist, skipping`);
        return;
      }
      if (t.constraints.some((c) => c.kind === 'primaryKey' && c.name === cmd.name && c.indexOid === t.primaryIndex.oid)) {
        await rekeyToRowid(run, tableOid);
        return;
      }
      run.apply({ kind: 'dropConstraint', tableOid, name: cmd.name, cascade: cmd.cascade });
      return;
    case 'setDefault': {
      const c = columnForAlter(run, tableOid, cmd.column);
      if (c.identity !== undefined) throw identityError(c, t, false);
      rejectDefaultOnGenerated(c, t, false);
      checkDefaultShape(cmd.expr);
      const deps = defaultDependencies(run.state, ctx.searchPath, ctx.user, cmd.expr);
      const dflt: StoredExpr = { expr: cmd.expr, source: cmd.source, ...(deps.length > 0 ? { dependsOn: deps } : {}) };
      ctx.data.validateExpr(run.state, t, dflt, { kind: 'default', type: c.type, column: c.name });
      run.apply({ kind: 'setDefault', tableOid, attnum: c.attnum, default: dflt });
      return;
    }
    case 'dropDefault': {
      const c = columnForAlter(run, tableOid, cmd.column);
      if (c.identity !== undefined) throw identityError(c, t, true);
      rejectDefaultOnGenerated(c, t, true);
      run.apply({ kind: 'setDefault', tableOid, attnum: c.attnum, default: null });
      return;
    }
    case 'setNotNull': {
      const c = columnForAlter(run, tableOid, cmd.column);
      if (c.notNull) return;
      await ctx.data.validateNotNull(ctx.txn, run.state, t, c);
      run.apply({ kind: 'setNotNull', tableOid, attnum: c.attnum, notNull: true });
      return;
    }
    case 'dropNotNull': {
      const c = columnForAlter(run, tableOid, cmd.column);
      const pkIndex = [t.primaryIndex, ...t.indexes].find((i) => i.primary);
      if (pkIndex?.columns.some((k) => k.attnum === c.attnum) === true) {
        throw new SqlError(SqlState.invalidTableDefinition, `column "${c.name}" is in a primary key`);
      }
      if (c.identity !== undefined) {
        throw new SqlError(SqlState.invalidTableDefinition, `column "${c.name}" of relation "${t.name}" is an identity column`);
      }
      if (!c.notNull) return;
      run.apply({ kind: 'setNotNull', tableOid, attnum: c.attnum, notNull: false });
      return;
    }
    case 'alterColumnType':
      await alterColumnType(run, tableOid, cmd);
      checkForeignKeyTypes(run, tableOid);
      return;
    case 'validateConstraint':
      await validateConstraint(run, tableOid, cmd.name);
      return;
    case 'dropExpression':
      dropExpression(run, tableOid, cmd, columnForAlter(run, tableOid, cmd.column));
      return;
    case 'setSchema':
      throw notSupported('ALTER TABLE ... SET SCHEMA');
    default:
      assertNever(cmd, 'alter table command');
  }
}

async function addColumn(run: DdlRun, tableOid: Oid, cmd: Extract<AlterTableCmd, { kind: 'addColumn' }>): Promise<void> {
  const ctx = run.ctx;
  const t = run.table(tableOid);
  moveHiddenRowid(run, tableOid, cmd.column.name);
  if (userColumn(run.table(tableOid), cmd.column.name) !== undefined) {
    if (cmd.ifNotExists) {
      run.notice(SqlState.duplicateColumn, `column "${cmd.column.name}" of relation "${t.name}" already exists, skipping`);
      return;
    }
    throw new SqlError(SqlState.duplicateColumn, `column "${cmd.column.name}" of relation "${t.name}" already exists`);
  }
  const p: ColumnPlan = planColumn(cmd.column, t.name, catalogTypeResolver(run.state, ctx.searchPath, ctx.user));
  const hasRows = await ctx.data.tableHasRows(ctx.txn, run.state, t);
  if ((p.serial || p.identity !== undefined) && hasRows) {
    throw notSupported('ADD COLUMN with a serial or identity column on a table with rows');
  }
  let spec: ColumnSpec;
  let seqOid: Oid | undefined;
  const schemaName = run.state.schema(t.schemaOid)?.name ?? '';
  if (p.serial || p.identity !== undefined) {
    const seqName = chooseRelationName(run.state, t.schemaOid, { name1: t.name, name2: p.name, label: 'seq' }, { isConstraint: false });
    const { spec: seqSpec } = resolveSequenceOptions(p.identity?.options ?? {}, p.type.oid, undefined);
    run.apply({ kind: 'createSequence', oid: await run.allocOid(), schemaOid: t.schemaOid, name: seqName, ownerOid: run.ownerOid(), spec: seqSpec });
    seqOid = run.state.resolveSequence([], [schemaName, seqName]).oid;
    spec = p.serial
      ? columnSpec(p, { default: nextvalDefault(regclassText(run.state, ctx.searchPath, ctx.user, t.schemaOid, seqName), seqOid) })
      : columnSpec(p, { identitySequenceOid: seqOid });
  } else if (p.default !== undefined) {
    checkDefaultShape(p.default.expr);
    const deps = defaultDependencies(run.state, ctx.searchPath, ctx.user, p.default.expr);
    spec = columnSpec(p, { default: deps.length > 0 ? { ...p.default, dependsOn: deps } : p.default });
  } else {
    spec = columnSpec(p);
  }
  let missing: { text: string | null } | undefined;
  if (spec.default !== undefined && !p.serial) {
    const probe: ColumnDescriptor = { attnum: t.nextAttnum, name: spec.name, type: spec.type, notNull: spec.notNull, hidden: false, dropped: false };
    ctx.data.validateExpr(run.state, t, spec.default, { kind: 'default', type: spec.type, column: spec.name });
    const mv = ctx.data.evaluateMissingValue(run.state, t, probe, spec.default);
    if (mv.kind === 'volatile') {
      if (hasRows) throw notSupported('ADD COLUMN with a volatile DEFAULT on a table with rows');
    } else {
      missing = { text: mv.text };
    }
  }
  if (spec.notNull && hasRows && p.generated === undefined && (missing === undefined || missing.text === null)) {
    throw new SqlError(SqlState.notNullViolation, `column "${spec.name}" of relation "${t.name}" contains null values`, {
      schema: run.state.schema(t.schemaOid)?.name ?? '', table: t.name, column: spec.name,
    });
  }
  run.apply({ kind: 'addColumn', tableOid, column: spec, ...(missing !== undefined ? { missing } : {}) });
  if (seqOid !== undefined) {
    const col = findColumn(run.table(tableOid), p.name);
    assert(col !== undefined, 'added column');
    run.apply({ kind: 'setSequenceOwner', sequenceOid: seqOid, ownedBy: { tableOid, attnum: col.attnum } });
  }
  if (p.generated !== undefined) await addGeneration(run, tableOid, p.name, p.generated, { generatedNames: new Set([p.name]), rewrite: hasRows, positions: false });
  for (const c of p.constraints) {
    switch (c.kind) {
      case 'check':
        await addCheck(run, tableOid, c, { newTable: !hasRows });
        break;
      case 'primaryKey':
        await addIndexConstraint(run, tableOid, { kind: 'primaryKey', name: c.name, columns: [p.name], nullsNotDistinct: false }, { newTable: false });
        break;
      case 'unique':
        await addIndexConstraint(run, tableOid, { kind: 'unique', name: c.name, columns: [p.name], nullsNotDistinct: c.nullsNotDistinct }, { newTable: false });
        break;
      case 'foreignKey':
        await addForeignKey(run, tableOid, { ...c, columns: [p.name] }, { newTable: !hasRows });
        break;
      default:
        assertNever(c, 'constraint');
    }
  }
}
