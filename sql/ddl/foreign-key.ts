/**
 * FOREIGN KEY constraints: CREATE TABLE (column REFERENCES and table FOREIGN KEY), ALTER TABLE
 * ADD [COLUMN ... REFERENCES | CONSTRAINT ... FOREIGN KEY]. Resolves the referenced table and
 * columns (default: its primary key), finds the unique index that backs them (conindid),
 * checks the key types, names the constraint `<table>_<cols>_fkey` like PostgreSQL and, on a
 * populated table, validates the existing rows through DdlDataOps (23503). Enforcement is
 * sql/exec/foreign-key.ts.
 */
import type { ConstraintDef } from '../ast.js';
import type { ColumnDescriptor, IndexDescriptor, Oid, TableDescriptor } from '../../catalog/descriptors.js';
import { findColumn, primaryKeyIndex } from '../../catalog/descriptors.js';
import { chooseConstraintName, indexNameAddition } from '../../catalog/names.js';
import type { NewConstraint } from '../../catalog/ops.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { formatType } from '../types/index.js';
import { Oid as TypeOid, type SqlType } from '../types/datum.js';
import type { DdlRun } from './run.js';

export type ForeignKeyDef = Extract<ConstraintDef, { kind: 'foreignKey' }>;
export type NewForeignKey = Extract<NewConstraint, { kind: 'foreignKey' }>;

/** Type groups whose values compare (and key-encode after a range check) across members. */
const compatibleTypeGroups: readonly (readonly number[])[] = [
  [TypeOid.int2, TypeOid.int4, TypeOid.int8],
  [TypeOid.float4, TypeOid.float8],
  [TypeOid.text, TypeOid.varchar],
];

/** Whether a referencing column of type `fk` can reference a key column of type `pk`. */
export function foreignKeyTypesCompatible(fk: SqlType, pk: SqlType): boolean {
  if (fk.oid === pk.oid) return true;
  return compatibleTypeGroups.some((g) => g.includes(fk.oid) && g.includes(pk.oid));
}

function missingFkColumn(name: string): SqlError {
  return new SqlError(SqlState.undefinedColumn, `column "${name}" referenced in foreign key constraint does not exist`);
}

function liveUserColumn(t: TableDescriptor, name: string): ColumnDescriptor {
  const c = findColumn(t, name);
  if (c === undefined || c.hidden) throw missingFkColumn(name);
  return c;
}

/** A public, non-partial unique index whose columns are exactly `attnums` (any order). */
function uniqueIndexOn(t: TableDescriptor, attnums: readonly number[]): IndexDescriptor | undefined {
  const candidates = [t.primaryIndex, ...t.indexes].filter((i) => i.unique && !i.hidden && i.state === 'public' && i.predicate === undefined);
  return candidates.find((i) => i.columns.length === attnums.length && attnums.every((a) => i.columns.some((k) => k.attnum === a)))
    ?? undefined;
}

/**
 * Adds FOREIGN KEY `c` to table `tableOid` (already created in the overlay). `newTable`: the
 * table was created by this statement (no rows to validate).
 */
export async function addForeignKey(run: DdlRun, tableOid: Oid, c: ForeignKeyDef, opts: { readonly newTable: boolean }): Promise<void> {
  const ctx = run.ctx;
  const t = run.table(tableOid);
  if (c.match === 'partial') throw new SqlError(SqlState.featureNotSupported, 'MATCH PARTIAL not yet implemented');
  const refName = c.refTable.schema !== undefined ? [c.refTable.schema, c.refTable.name] : [c.refTable.name];
  const refRel = run.state.resolveRelation(ctx.searchPath, refName, ctx.user);
  if (refRel.kind !== 'table') {
    throw new SqlError(SqlState.wrongObjectType, `referenced relation "${c.refTable.name}" is not a table`);
  }
  const ref = refRel.oid === t.oid ? t : run.table(refRel.oid);
  const cols = c.columns.map((n) => liveUserColumn(t, n));
  let refCols: ColumnDescriptor[];
  let index: IndexDescriptor | undefined;
  if (c.refColumns.length === 0) {
    const pk = primaryKeyIndex(ref);
    if (pk === undefined || pk.hidden) {
      throw new SqlError(SqlState.undefinedObject, `there is no primary key for referenced table "${ref.name}"`);
    }
    index = pk;
    refCols = pk.columns.map((k) => ref.columns.find((x) => x.attnum === k.attnum)!);
  } else {
    refCols = c.refColumns.map((n) => liveUserColumn(ref, n));
  }
  if (cols.length !== refCols.length) {
    throw new SqlError(SqlState.invalidForeignKey, 'number of referencing and referenced columns for foreign key disagree');
  }
  if (index === undefined) {
    const distinct = new Set(refCols.map((x) => x.attnum));
    index = distinct.size === refCols.length ? uniqueIndexOn(ref, refCols.map((x) => x.attnum)) : undefined;
    if (index === undefined) {
      throw new SqlError(SqlState.invalidForeignKey, `there is no unique constraint matching given keys for referenced table "${ref.name}"`);
    }
  }
  let deleteSetAttnums: number[] | undefined;
  if (c.deleteSetColumns !== undefined) {
    deleteSetAttnums = c.deleteSetColumns.map((n) => {
      const col = liveUserColumn(t, n);
      if (!cols.some((x) => x.attnum === col.attnum)) {
        throw new SqlError(SqlState.invalidColumnReference, `column "${n}" referenced in ON DELETE SET action must be part of foreign key`);
      }
      return col.attnum;
    });
  }
  const name = constraintName(run, t, c, cols);
  cols.forEach((col, i) => {
    const rc = refCols[i]!;
    if (!foreignKeyTypesCompatible(col.type, rc.type)) {
      throw new SqlError(SqlState.datatypeMismatch, `foreign key constraint "${name}" cannot be implemented`, {
        detail: `Key columns "${col.name}" and "${rc.name}" are of incompatible types: ${formatType(col.type)} and ${formatType(rc.type)}.`,
      });
    }
  });
  if (ref.oid !== t.oid) await run.lockTable(ref.oid);
  const fk: NewForeignKey = {
    kind: 'foreignKey',
    oid: await run.allocOid(),
    name,
    attnums: cols.map((x) => x.attnum),
    refTableOid: ref.oid,
    refAttnums: refCols.map((x) => x.attnum),
    indexOid: index.oid,
    onDelete: c.onDelete,
    onUpdate: c.onUpdate,
    match: c.match,
    ...(deleteSetAttnums !== undefined ? { deleteSetAttnums } : {}),
    ...(c.deferrable === true ? { deferrable: true as const } : {}),
    ...(c.initiallyDeferred === true ? { initiallyDeferred: true as const } : {}),
  };
  // NOT VALID skips the existing rows; in CREATE TABLE there are none, so the key is valid (PostgreSQL).
  const skipRows = c.notValid === true && !opts.newTable;
  if (!opts.newTable && !skipRows) await ctx.data.validateForeignKey(ctx.txn, run.state, run.table(tableOid), fk);
  run.apply({ kind: 'addConstraint', tableOid, constraint: skipRows ? { ...fk, notValid: true } : fk });
}

/** ALTER TABLE VALIDATE CONSTRAINT: checks a NOT VALID foreign key's rows (CHECKs here are always valid). */
export async function validateConstraint(run: DdlRun, tableOid: Oid, name: string): Promise<void> {
  const t = run.table(tableOid);
  const c = t.constraints.find((x) => x.name === name);
  if (c === undefined) throw new SqlError(SqlState.undefinedObject, `constraint "${name}" of relation "${t.name}" does not exist`);
  if (c.kind !== 'foreignKey' && c.kind !== 'check') {
    throw new SqlError(SqlState.wrongObjectType, `constraint "${name}" of relation "${t.name}" is not a foreign key or check constraint`);
  }
  if (c.kind !== 'foreignKey' || c.notValid !== true) return;
  if (c.refTableOid !== tableOid) await run.lockTable(c.refTableOid);
  await run.ctx.data.validateForeignKey(run.ctx.txn, run.state, t, c);
  run.apply({ kind: 'validateConstraint', tableOid, name });
}

/** After ALTER COLUMN TYPE: every FOREIGN KEY on or referencing the table must still compare (42804). */
export function checkForeignKeyTypes(run: DdlRun, tableOid: Oid): void {
  for (const t of run.state.tables()) {
    for (const c of t.constraints) {
      if (c.kind !== 'foreignKey' || (t.oid !== tableOid && c.refTableOid !== tableOid)) continue;
      const ref = run.table(c.refTableOid);
      c.attnums.forEach((a, i) => {
        const col = t.columns.find((x) => x.attnum === a)!;
        const rc = ref.columns.find((x) => x.attnum === c.refAttnums[i])!;
        if (!foreignKeyTypesCompatible(col.type, rc.type)) {
          throw new SqlError(SqlState.datatypeMismatch, `foreign key constraint "${c.name}" cannot be implemented`, {
            detail: `Key columns "${col.name}" and "${rc.name}" are of incompatible types: ${formatType(col.type)} and ${formatType(rc.type)}.`,
          });
        }
      });
    }
  }
}

function constraintName(run: DdlRun, t: TableDescriptor, c: ForeignKeyDef, cols: readonly ColumnDescriptor[]): string {
  if (c.name !== undefined) {
    if (t.constraints.some((x) => x.name === c.name)) {
      throw new SqlError(SqlState.duplicateObject, `constraint "${c.name}" for relation "${t.name}" already exists`);
    }
    return c.name;
  }
  return chooseConstraintName(run.state, t.schemaOid, { name1: t.name, name2: indexNameAddition(cols.map((x) => x.name)), label: 'fkey' });
}
