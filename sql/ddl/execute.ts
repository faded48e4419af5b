/**
 * executeDdl: turns one DDL statement into catalog ops validated against the session's
 * overlay, doing the data work (backfill, validation, TRUNCATE/DROP key ranges) through the
 * statement's KV transaction. Messages and SQLSTATEs follow PostgreSQL 15.
 */
import type {
  AlterSequenceStmt,
  CommentStmt,
  CreateIndexStmt,
  CreateSchemaStmt,
  CreateSequenceStmt,
  DdlStatement,
  DropStmt,
  ObjectKind,
  QualifiedName,
  RenameStmt,
  SequenceOptions,
  TruncateStmt,
} from '../ast.js';
import { type IndexColumn, type Oid, type TableDescriptor } from '../../catalog/descriptors.js';
import { sequenceValueKey } from '../../catalog/keys.js';
import { chooseRelationName, indexNameAddition } from '../../catalog/names.js';
import type { CommentTarget } from '../../catalog/ops.js';
import { encodeSequenceValue, resolveSequenceOptions } from '../../catalog/sequence.js';
import { type ClassEntry, defaultDatabaseName, formatQualifiedName, splitQualifiedName } from '../../catalog/state.js';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { prefixEnd, tablePrefix } from '../encoding/key.js';
import { resolveTypeName } from '../types/index.js';
import type { DdlContext, DdlResult } from './context.js';
import { DdlRun } from './run.js';
import { alterTable, createTable, rangeVarName } from './table.js';
import { createView } from './view.js';
import { createIndex } from './create-index.js';
import { alterEnum, commentTypeOid, createEnum, dropType, renameType } from './type.js';

/** SQLSTATE 3D000 invalid_catalog_name. */
const invalidCatalogNameState = '3D000';

function notSupported(what: string): SqlError {
  return new SqlError(SqlState.featureNotSupported, `${what} is not supported yet`);
}

export async function executeDdl(stmt: DdlStatement, ctx: DdlContext): Promise<DdlResult> {
  const run = new DdlRun(ctx);
  switch (stmt.kind) {
    case 'CreateTable': return createTable(run, stmt);
    case 'AlterTable': return alterTable(run, stmt);
    case 'CreateIndex': return createIndex(run, stmt);
    case 'Drop': return drop(run, stmt);
    case 'Rename': return rename(run, stmt);
    case 'CreateSchema': return createSchema(run, stmt);
    case 'CreateSequence': return createSequence(run, stmt);
    case 'AlterSequence': return alterSequence(run, stmt);
    case 'Truncate': return truncate(run, stmt);
    case 'Comment': return comment(run, stmt);
    case 'CreateView': return createView(run, stmt);
    case 'CreateEnum': return createEnum(run, stmt);
    case 'AlterEnum': return alterEnum(run, stmt);
    default: return assertNever(stmt, 'ddl statement');
  }
}

// ─── DROP ────────────────────────────────────────────────────────────────────────────────

const dropWord: Readonly<Record<ObjectKind, string>> = {
  table: 'table', index: 'index', sequence: 'sequence', view: 'view', schema: 'schema', type: 'type',
  'materialized view': 'materialized view',
};

const dropTag: Readonly<Record<ObjectKind, string>> = {
  table: 'DROP TABLE', index: 'DROP INDEX', sequence: 'DROP SEQUENCE', view: 'DROP VIEW', schema: 'DROP SCHEMA',
  type: 'DROP TYPE', 'materialized view': 'DROP MATERIALIZED VIEW',
};

/** HINT for DROP <kind> on a relation of another kind (PostgreSQL's DropErrorMsgWrongType). */
function wrongKindHint(actual: ClassEntry['kind']): string {
  switch (actual) {
    case 'table': return 'Use DROP TABLE to remove a table.';
    case 'index': return 'Use DROP INDEX to remove an index.';
    case 'sequence': return 'Use DROP SEQUENCE to remove a sequence.';
    case 'view': return 'Use DROP VIEW to remove a view.';
    default: return assertNever(actual, 'relation kind');
  }
}

async function drop(run: DdlRun, stmt: DropStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  const word = dropWord[stmt.objectKind];
  const tag = dropTag[stmt.objectKind];
  if (stmt.objectKind === 'materialized view') throw notSupported('DROP MATERIALIZED VIEW');
  if (stmt.objectKind === 'table' && !stmt.cascade) await dropForeignKeysAmong(run, stmt.names);
  for (const name of stmt.names) {
    if (stmt.objectKind === 'schema') {
      assert(name.length === 1, 'schema names are unqualified');
      const oid = run.state.schemaOidByName(name[0]!);
      if (oid === undefined) {
        if (stmt.ifExists) {
          run.notice(SqlState.successfulCompletion, `schema "${name[0]}" does not exist, skipping`);
          continue;
        }
        throw new SqlError(SqlState.undefinedSchema, `schema "${name[0]}" does not exist`);
      }
      for (const t of run.state.tables()) if (t.schemaOid === oid) await run.lockTable(t.oid);
      run.apply({ kind: 'dropSchema', schemaOid: oid, cascade: stmt.cascade });
      continue;
    }
    if (stmt.objectKind === 'type') {
      await dropType(run, name, stmt.ifExists, stmt.cascade);
      continue;
    }
    const { schemaName } = splitQualifiedName(name);
    if (schemaName !== undefined && run.state.schemaOidByName(schemaName) === undefined && stmt.ifExists) {
      run.notice(SqlState.successfulCompletion, `schema "${schemaName}" does not exist, skipping`);
      continue;
    }
    const entry = run.state.lookupClass(ctx.searchPath, name, ctx.user);
    if (entry === undefined) {
      const msg = `${word} "${name[name.length - 1]}" does not exist`;
      if (stmt.ifExists) {
        run.notice(SqlState.successfulCompletion, `${msg}, skipping`);
        continue;
      }
      throw new SqlError(stmt.objectKind === 'index' ? SqlState.undefinedObject : SqlState.undefinedTable, msg);
    }
    if (entry.kind !== stmt.objectKind) {
      throw new SqlError(SqlState.wrongObjectType, `"${name[name.length - 1]}" is not ${stmt.objectKind === 'index' ? 'an' : 'a'} ${word}`, {
        hint: wrongKindHint(entry.kind),
      });
    }
    switch (entry.kind) {
      case 'table':
        await run.lockTable(entry.oid);
        run.apply({ kind: 'dropTable', tableOid: entry.oid, cascade: stmt.cascade });
        break;
      case 'index':
        await run.lockTable(entry.tableOid);
        run.apply({ kind: 'dropIndex', indexOid: entry.oid, cascade: stmt.cascade });
        break;
      case 'sequence':
        await run.lockTable(entry.oid);
        run.apply({ kind: 'dropSequence', sequenceOid: entry.oid, cascade: stmt.cascade });
        break;
      case 'view':
        await run.lockTable(entry.oid);
        run.apply({ kind: 'dropView', viewOid: entry.oid, cascade: stmt.cascade });
        break;
      default:
        assertNever(entry, 'class entry');
    }
  }
  return run.finish(tag);
}

/**
 * DROP TABLE a, b: foreign keys between the listed tables do not need CASCADE (PostgreSQL drops
 * the objects together), so they are dropped first.
 */
async function dropForeignKeysAmong(run: DdlRun, names: readonly QualifiedName[]): Promise<void> {
  if (names.length < 2) return;
  const oids = new Set<Oid>();
  for (const name of names) {
    const { schemaName } = splitQualifiedName(name);
    if (schemaName !== undefined && run.state.schemaOidByName(schemaName) === undefined) continue;
    const e = run.state.lookupClass(run.ctx.searchPath, name, run.ctx.user);
    if (e?.kind === 'table') oids.add(e.oid);
  }
  for (const oid of oids) {
    const t = run.table(oid);
    for (const c of t.constraints) {
      if (c.kind !== 'foreignKey' || c.refTableOid === oid || !oids.has(c.refTableOid)) continue;
      await run.lockTable(oid);
      run.apply({ kind: 'dropConstraint', tableOid: oid, name: c.name, cascade: false });
    }
  }
}

// ─── ALTER ... RENAME ────────────────────────────────────────────────────────────────────

async function rename(run: DdlRun, stmt: RenameStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  switch (stmt.objectKind) {
    case 'schema': {
      const oid = run.state.resolveSchema(stmt.name[0]!).oid;
      run.apply({ kind: 'renameSchema', schemaOid: oid, newName: stmt.newName });
      return run.finish('ALTER SCHEMA');
    }
    case 'table':
    case 'index':
    case 'sequence':
    case 'view': {
      const tag = `ALTER ${stmt.objectKind.toUpperCase()}`;
      const entry = run.state.lookupClass(ctx.searchPath, stmt.name, ctx.user);
      if (entry === undefined) {
        if (stmt.ifExists) {
          run.notice(SqlState.successfulCompletion, `relation "${formatQualifiedName(stmt.name)}" does not exist, skipping`);
          return run.finish(tag);
        }
        throw new SqlError(SqlState.undefinedTable, `relation "${formatQualifiedName(stmt.name)}" does not exist`);
      }
      if ((stmt.objectKind === 'sequence' || stmt.objectKind === 'view') && entry.kind !== stmt.objectKind) {
        throw new SqlError(SqlState.wrongObjectType, `"${stmt.name[stmt.name.length - 1]}" is not a ${stmt.objectKind}`);
      }
      await run.lockTable(entry.kind === 'index' ? entry.tableOid : entry.oid);
      run.apply({ kind: 'renameRelation', oid: entry.oid, newName: stmt.newName });
      return run.finish(tag);
    }
    case 'type':
      return renameType(run, stmt.name, stmt.newName, stmt.ifExists);
    case 'materialized view':
      throw notSupported(`ALTER ${stmt.objectKind.toUpperCase()} ... RENAME`);
    default:
      return assertNever(stmt.objectKind, 'object kind');
  }
}

// ─── schemas ─────────────────────────────────────────────────────────────────────────────

async function createSchema(run: DdlRun, stmt: CreateSchemaStmt): Promise<DdlResult> {
  let ownerOid = run.ownerOid();
  if (stmt.authorization !== undefined) {
    const role = run.state.roleByNameOrUndefined(stmt.authorization);
    if (role === undefined) throw new SqlError(SqlState.undefinedObject, `role "${stmt.authorization}" does not exist`);
    ownerOid = role.oid;
  }
  if (run.state.schemaOidByName(stmt.name) !== undefined) {
    if (stmt.ifNotExists) {
      run.notice(SqlState.duplicateSchema, `schema "${stmt.name}" already exists, skipping`);
      return run.finish('CREATE SCHEMA');
    }
    throw new SqlError(SqlState.duplicateSchema, `schema "${stmt.name}" already exists`);
  }
  run.apply({ kind: 'createSchema', oid: await run.allocOid(), name: stmt.name, ownerOid });
  return run.finish('CREATE SCHEMA');
}

// ─── sequences ───────────────────────────────────────────────────────────────────────────

function sequenceAsType(options: SequenceOptions): number | undefined {
  if (options.as === undefined) return undefined;
  const r = resolveTypeName(options.as.names, options.as.typmods, options.as.arrayBounds);
  return r.type.oid;
}

/** OWNED BY t.c → {tableOid, attnum}; NONE → null. */
function resolveOwnedBy(run: DdlRun, ownedBy: QualifiedName | 'none'): { tableOid: Oid; attnum: number } | null {
  if (ownedBy === 'none') return null;
  if (ownedBy.length < 2) {
    throw new SqlError(SqlState.syntaxError, 'invalid OWNED BY option', { hint: 'Specify OWNED BY table.column or OWNED BY NONE.' });
  }
  const tableName = ownedBy.slice(0, -1);
  const colName = ownedBy[ownedBy.length - 1]!;
  const rel = run.state.resolveRelation(run.ctx.searchPath, tableName, run.ctx.user);
  if (rel.kind !== 'table') {
    throw new SqlError(SqlState.wrongObjectType, `sequence cannot be owned by relation "${tableName[tableName.length - 1]}"`);
  }
  const c = rel.columns.find((col) => !col.dropped && !col.hidden && col.name === colName);
  if (c === undefined) throw new SqlError(SqlState.undefinedColumn, `column "${colName}" of relation "${rel.name}" does not exist`);
  return { tableOid: rel.oid, attnum: c.attnum };
}

async function createSequence(run: DdlRun, stmt: CreateSequenceStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  const { schema, name } = run.state.creationSchema(ctx.searchPath, rangeVarName(stmt.sequence), ctx.user);
  if (run.state.classEntry(schema.oid, name) !== undefined) {
    if (stmt.ifNotExists) {
      run.notice(SqlState.duplicateTable, `relation "${name}" already exists, skipping`);
      return run.finish('CREATE SEQUENCE');
    }
    throw new SqlError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  if (stmt.options.restart !== undefined) {
    throw new SqlError(SqlState.syntaxError, 'option "restart" not recognized');
  }
  const { spec } = resolveSequenceOptions(stmt.options, sequenceAsType(stmt.options), undefined);
  const ownedBy = stmt.options.ownedBy === undefined ? undefined : resolveOwnedBy(run, stmt.options.ownedBy);
  run.apply({ kind: 'createSequence', oid: await run.allocOid(), schemaOid: schema.oid, name, ownerOid: run.ownerOid(), spec });
  if (ownedBy !== undefined && ownedBy !== null) {
    const seq = run.state.resolveSequence([], [schema.name, name]);
    run.apply({ kind: 'setSequenceOwner', sequenceOid: seq.oid, ownedBy });
  }
  return run.finish('CREATE SEQUENCE');
}

async function alterSequence(run: DdlRun, stmt: AlterSequenceStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  const name = rangeVarName(stmt.sequence);
  const entry = run.state.lookupClass(ctx.searchPath, name, ctx.user);
  if (entry === undefined) {
    if (stmt.ifExists) {
      run.notice(SqlState.successfulCompletion, `relation "${formatQualifiedName(name)}" does not exist, skipping`);
      return run.finish('ALTER SEQUENCE');
    }
    throw new SqlError(SqlState.undefinedTable, `relation "${formatQualifiedName(name)}" does not exist`);
  }
  if (entry.kind !== 'sequence') throw new SqlError(SqlState.wrongObjectType, `"${stmt.sequence.name}" is not a sequence`);
  const seq = run.state.sequence(entry.oid);
  assert(seq !== undefined, 'sequence entry');
  await run.lockTable(seq.oid);
  const { spec, restart } = resolveSequenceOptions(stmt.options, sequenceAsType(stmt.options), seq);
  const ownedBy = stmt.options.ownedBy === undefined ? undefined : resolveOwnedBy(run, stmt.options.ownedBy);
  run.apply({ kind: 'alterSequence', sequenceOid: seq.oid, spec, restart: restart !== undefined });
  if (ownedBy !== undefined) run.apply({ kind: 'setSequenceOwner', sequenceOid: seq.oid, ownedBy });
  // Last: nothing after this can fail, so the statement never leaves a half-done write behind.
  if (restart !== undefined) ctx.txn.put(sequenceValueKey(seq.oid), encodeSequenceValue({ last: restart, isCalled: false }));
  return run.finish('ALTER SEQUENCE');
}

// ─── TRUNCATE ────────────────────────────────────────────────────────────────────────────

async function truncate(run: DdlRun, stmt: TruncateStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  const tables: TableDescriptor[] = [];
  for (const rv of stmt.tables) {
    const rel = run.state.resolveRelation(ctx.searchPath, rangeVarName(rv), ctx.user);
    if (rel.kind !== 'table') throw new SqlError(SqlState.wrongObjectType, `"${rv.name}" is not a table`);
    tables.push(rel);
  }
  truncateForeignKeys(run, tables, stmt.cascade);
  for (const t of tables) {
    await run.lockTable(t.oid);
    const start = tablePrefix(t.oid);
    ctx.txn.deleteRange({ start, end: prefixEnd(start) });
    if (stmt.restartIdentity) {
      for (const s of run.state.sequences()) {
        if (s.ownedBy?.tableOid === t.oid) ctx.txn.delete(sequenceValueKey(s.oid));
      }
    }
  }
  return run.finish('TRUNCATE TABLE');
}

/**
 * Tables referencing a truncated one must be truncated too: with CASCADE they are added (NOTICE
 * `truncate cascades to table "c"`), else 0A000 as in PostgreSQL. Appends to `tables`.
 */
function truncateForeignKeys(run: DdlRun, tables: TableDescriptor[], cascade: boolean): void {
  for (let i = 0; i < tables.length; i++) {
    const t = tables[i]!;
    for (const child of run.state.tables()) {
      if (tables.some((x) => x.oid === child.oid)) continue;
      if (!child.constraints.some((c) => c.kind === 'foreignKey' && c.refTableOid === t.oid)) continue;
      if (!cascade) {
        throw new SqlError(SqlState.featureNotSupported, 'cannot truncate a table referenced in a foreign key constraint', {
          detail: `Table "${child.name}" references "${t.name}".`,
          hint: `Truncate table "${child.name}" at the same time, or use TRUNCATE ... CASCADE.`,
        });
      }
      run.notice(SqlState.successfulCompletion, `truncate cascades to table "${child.name}"`);
      tables.push(child);
    }
  }
}

// ─── COMMENT ON ──────────────────────────────────────────────────────────────────────────

async function comment(run: DdlRun, stmt: CommentStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  const text = stmt.comment === null || stmt.comment === '' ? null : stmt.comment;
  let target: CommentTarget;
  const relation = (kind: 'table' | 'index' | 'sequence' | 'view', name: QualifiedName): Oid => {
    const rel = run.state.resolveRelation(ctx.searchPath, name, ctx.user);
    if (rel.kind !== kind) {
      throw new SqlError(SqlState.wrongObjectType, `"${name[name.length - 1]}" is not ${kind === 'index' ? 'an' : 'a'} ${kind}`);
    }
    return rel.oid;
  };
  switch (stmt.objectKind) {
    case 'table':
    case 'index':
    case 'sequence':
    case 'view':
      target = { kind: 'relation', oid: relation(stmt.objectKind, stmt.name) };
      break;
    case 'column': {
      if (stmt.name.length < 2) throw new SqlError(SqlState.syntaxError, 'column name must be qualified');
      const rel = run.state.resolveRelation(ctx.searchPath, stmt.name.slice(0, -1), ctx.user);
      const colName = stmt.name[stmt.name.length - 1]!;
      if (rel.kind !== 'table') throw notSupported('COMMENT ON COLUMN of a non-table');
      const c = rel.columns.find((col) => !col.dropped && !col.hidden && col.name === colName);
      if (c === undefined) throw new SqlError(SqlState.undefinedColumn, `column "${colName}" of relation "${rel.name}" does not exist`);
      target = { kind: 'column', tableOid: rel.oid, attnum: c.attnum };
      break;
    }
    case 'constraint': {
      assert(stmt.onTable !== undefined, 'COMMENT ON CONSTRAINT needs ON table');
      const rel = run.state.resolveTable(ctx.searchPath, stmt.onTable, ctx.user);
      const cname = stmt.name[stmt.name.length - 1]!;
      if (!rel.constraints.some((c) => c.name === cname)) {
        throw new SqlError(SqlState.undefinedObject, `constraint "${cname}" for table "${rel.name}" does not exist`);
      }
      target = { kind: 'constraint', tableOid: rel.oid, name: cname };
      break;
    }
    case 'schema':
      target = { kind: 'schema', oid: run.state.resolveSchema(stmt.name[0]!).oid };
      break;
    case 'database': {
      if (stmt.name[0] !== defaultDatabaseName) {
        // PostgreSQL only warns here (comments on other databases may come from a dump).
        run.notices.push({ severity: 'WARNING', code: invalidCatalogNameState, message: `database "${stmt.name[0]}" does not exist` });
        return run.finish('COMMENT');
      }
      target = { kind: 'database', oid: run.state.database().oid };
      break;
    }
    case 'type':
      target = { kind: 'type', oid: commentTypeOid(run, stmt.name) };
      break;
    default:
      return assertNever(stmt.objectKind, 'comment object');
  }
  if (target.kind === 'relation' || target.kind === 'column' || target.kind === 'constraint') {
    const oid = target.kind === 'relation' ? target.oid : target.tableOid;
    const idx = run.state.index(oid);
    await run.lockTable(idx !== undefined ? idx.table.oid : oid);
  }
  run.apply({ kind: 'comment', target, comment: text });
  return run.finish('COMMENT');
}
