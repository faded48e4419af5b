/**
 * Enum type DDL: CREATE TYPE ... AS ENUM, ALTER TYPE ... ADD VALUE / RENAME VALUE / RENAME TO,
 * DROP TYPE, COMMENT ON TYPE. Names resolve through the search path like PostgreSQL's
 * typenameTypeId; messages and SQLSTATEs follow PostgreSQL 15.
 */
import type { AlterEnumStmt, CreateEnumStmt, QualifiedName } from '../ast.js';
import type { EnumTypeDescriptor } from '../../catalog/descriptors.js';
import { formatQualifiedName } from '../../catalog/state.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { formatType, resolveTypeName } from '../types/index.js';
import type { DdlResult } from './context.js';
import type { DdlRun } from './run.js';

function undefinedType(name: QualifiedName): SqlError {
  return new SqlError(SqlState.undefinedObject, `type "${formatQualifiedName(name)}" does not exist`);
}

/** A built-in type of that name (not ours to alter or drop), if any. */
function builtinTypeName(name: QualifiedName): string | undefined {
  if (name.length > 1 && name[0] !== 'pg_catalog') return undefined;
  try {
    const r = resolveTypeName(name, [], 0);
    return r.kind === 'type' ? formatType(r.type) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The enum type `name` names along the search path; undefined when no type has that name
 * (the caller reports 42704 or skips for IF EXISTS). The array type `_name` and built-in types
 * are refused as PostgreSQL refuses them.
 */
export function lookupEnumType(run: DdlRun, name: QualifiedName, action: 'drop' | 'alter'): EnumTypeDescriptor | undefined {
  const builtin = builtinTypeName(name);
  if (builtin !== undefined) {
    if (action === 'drop') {
      throw new SqlError(SqlState.dependentObjectsStillExist, `cannot drop type ${builtin} because it is required by the database system`);
    }
    throw new SqlError(SqlState.wrongObjectType, `${builtin} is not an enum`);
  }
  const oid = run.state.lookupTypeOid(run.ctx.searchPath, name, run.ctx.user);
  if (oid === undefined) return undefined;
  const e = run.state.enumType(oid);
  if (e !== undefined) return e;
  const elem = run.state.enumTypes().find((t) => t.arrayOid === oid);
  if (elem !== undefined && action === 'drop') {
    throw new SqlError(SqlState.dependentObjectsStillExist, `cannot drop type ${elem.name}[] because type ${elem.name} requires it`, {
      hint: `You can drop type ${elem.name} instead.`,
    });
  }
  throw new SqlError(SqlState.wrongObjectType, `${formatQualifiedName(name)}[] is not an enum`);
}

function mustEnumType(run: DdlRun, name: QualifiedName): EnumTypeDescriptor {
  const e = lookupEnumType(run, name, 'alter');
  if (e === undefined) throw undefinedType(name);
  return e;
}

export async function createEnum(run: DdlRun, stmt: CreateEnumStmt): Promise<DdlResult> {
  const { schema, name } = run.state.creationSchema(run.ctx.searchPath, stmt.name, run.ctx.user);
  if (run.state.typeOidByName(schema.oid, name) !== undefined) {
    throw new SqlError(SqlState.duplicateObject, `type "${name}" already exists`);
  }
  run.apply({
    kind: 'createEnum', oid: await run.allocOid(), arrayOid: await run.allocOid(), schemaOid: schema.oid, name,
    ownerOid: run.ownerOid(), labels: stmt.labels,
  });
  return run.finish('CREATE TYPE');
}

export async function alterEnum(run: DdlRun, stmt: AlterEnumStmt): Promise<DdlResult> {
  const e = mustEnumType(run, stmt.name);
  const a = stmt.action;
  switch (a.kind) {
    case 'addValue':
      if (a.ifNotExists && e.labels.some((l) => l.label === a.label)) {
        run.notice(SqlState.duplicateObject, `enum label "${a.label}" already exists, skipping`);
        return run.finish('ALTER TYPE');
      }
      run.apply({ kind: 'addEnumValue', typeOid: e.oid, label: a.label, ...(a.position === undefined ? {} : { position: a.position }) });
      return run.finish('ALTER TYPE');
    case 'renameValue':
      run.apply({ kind: 'renameEnumValue', typeOid: e.oid, from: a.from, to: a.to });
      return run.finish('ALTER TYPE');
    default: {
      const never: never = a;
      throw new Error(`unexpected ALTER TYPE action ${JSON.stringify(never)}`);
    }
  }
}

export async function renameType(run: DdlRun, name: QualifiedName, newName: string, ifExists: boolean): Promise<DdlResult> {
  const e = lookupEnumType(run, name, 'alter');
  if (e === undefined) {
    if (!ifExists) throw undefinedType(name);
    run.notice(SqlState.successfulCompletion, `type "${formatQualifiedName(name)}" does not exist, skipping`);
    return run.finish('ALTER TYPE');
  }
  run.apply({ kind: 'renameType', typeOid: e.oid, newName });
  return run.finish('ALTER TYPE');
}

/** DROP TYPE of one name (the caller loops over the statement's names). */
export async function dropType(run: DdlRun, name: QualifiedName, ifExists: boolean, cascade: boolean): Promise<void> {
  const e = lookupEnumType(run, name, 'drop');
  if (e === undefined) {
    if (!ifExists) throw undefinedType(name);
    run.notice(SqlState.successfulCompletion, `type "${formatQualifiedName(name)}" does not exist, skipping`);
    return;
  }
  for (const t of run.state.tables()) {
    if (t.columns.some((c) => !c.dropped && (c.type.oid === e.oid || c.type.oid === e.arrayOid))) await run.lockTable(t.oid);
  }
  run.apply({ kind: 'dropType', typeOid: e.oid, cascade });
}

/** COMMENT ON TYPE: the type's oid. */
export function commentTypeOid(run: DdlRun, name: QualifiedName): number {
  return mustEnumType(run, name).oid;
}
