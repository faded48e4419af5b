/** libpg-query statement nodes → nodedb Statement (sql/ast.ts). */
import type * as pg from '@pgsql/types';
import type * as ast from '../ast.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { ExprConverter } from './convert-expr.js';
import * as ddl from './convert-ddl.js';
import { convertSelect, deleteStmt, insertStmt, rangeVar, updateStmt } from './convert-select.js';
import { bodyOf, internal, list, strings, tagOf, unsupported, type Node } from './pg.js';
import { textAfterAs } from './source-text.js';

/** Statement node tags we do not support, as the SQL words users wrote. */
const unsupportedStatementWords: Record<string, string> = {
  CreateTrigStmt: 'CREATE TRIGGER',
  CreateFunctionStmt: 'CREATE FUNCTION',
  AlterFunctionStmt: 'ALTER FUNCTION',
  CreateRoleStmt: 'CREATE ROLE',
  AlterRoleStmt: 'ALTER ROLE',
  DropRoleStmt: 'DROP ROLE',
  GrantStmt: 'GRANT/REVOKE',
  GrantRoleStmt: 'GRANT/REVOKE role',
  MergeStmt: 'MERGE',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  AlterDatabaseStmt: 'ALTER DATABASE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW',
  LockStmt: 'LOCK',
  CreateExtensionStmt: 'CREATE EXTENSION',
  CreateDomainStmt: 'CREATE DOMAIN',
  CompositeTypeStmt: 'CREATE TYPE AS (composite)',
  CreateRangeStmt: 'CREATE TYPE AS RANGE',
  DefineStmt: 'CREATE AGGREGATE/OPERATOR/TYPE',
  RuleStmt: 'CREATE RULE',
  CreatePolicyStmt: 'CREATE POLICY',
  ReindexStmt: 'REINDEX',
  ClusterStmt: 'CLUSTER',
  CheckPointStmt: 'CHECKPOINT',
  LoadStmt: 'LOAD',
  AlterSystemStmt: 'ALTER SYSTEM',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  CreateStatsStmt: 'CREATE STATISTICS',
  CreatePublicationStmt: 'CREATE PUBLICATION',
  CreateSubscriptionStmt: 'CREATE SUBSCRIPTION',
  ReturnStmt: 'RETURN',
  AlterOwnerStmt: 'ALTER ... OWNER TO',
  AlterDefaultPrivilegesStmt: 'ALTER DEFAULT PRIVILEGES',
  CreateCastStmt: 'CREATE CAST',
  CreateConversionStmt: 'CREATE CONVERSION',
  ImportForeignSchemaStmt: 'IMPORT FOREIGN SCHEMA',
  CreateForeignTableStmt: 'CREATE FOREIGN TABLE',
  SecLabelStmt: 'SECURITY LABEL',
  ReassignOwnedStmt: 'REASSIGN OWNED',
  DropOwnedStmt: 'DROP OWNED',
  ConstraintsSetStmt: 'SET CONSTRAINTS',
  CreateEventTrigStmt: 'CREATE EVENT TRIGGER',
  CreateOpClassStmt: 'CREATE OPERATOR CLASS',
  AlterTableMoveAllStmt: 'ALTER TABLE ALL IN TABLESPACE',
  AlterExtensionStmt: 'ALTER EXTENSION',
  AlterCollationStmt: 'ALTER COLLATION',
  CreateSchemaStmt_elements: 'CREATE SCHEMA with elements',
  AlterTSConfigurationStmt: 'ALTER TEXT SEARCH CONFIGURATION',
  AlterTSDictionaryStmt: 'ALTER TEXT SEARCH DICTIONARY',
  AlterStatsStmt: 'ALTER STATISTICS',
  AlterPolicyStmt: 'ALTER POLICY',
  CreateAmStmt: 'CREATE ACCESS METHOD',
  CreatePLangStmt: 'CREATE LANGUAGE',
  CreateTransformStmt: 'CREATE TRANSFORM',
  CreateUserMappingStmt: 'CREATE USER MAPPING',
  CreateFdwStmt: 'CREATE FOREIGN DATA WRAPPER',
  CreateForeignServerStmt: 'CREATE SERVER',
  AlterDomainStmt: 'ALTER DOMAIN',
  AlterOperatorStmt: 'ALTER OPERATOR',
  AlterTypeStmt: 'ALTER TYPE',
  AlterObjectDependsStmt: 'ALTER ... DEPENDS ON EXTENSION',
  AlterEventTrigStmt: 'ALTER EVENT TRIGGER',
  AlterRoleSetStmt: 'ALTER ROLE ... SET',
  AlterDatabaseSetStmt: 'ALTER DATABASE ... SET',
  AlterDatabaseRefreshCollStmt: 'ALTER DATABASE ... REFRESH COLLATION VERSION',
  AlterPublicationStmt: 'ALTER PUBLICATION',
  AlterSubscriptionStmt: 'ALTER SUBSCRIPTION',
  DropSubscriptionStmt: 'DROP SUBSCRIPTION',
  DropTableSpaceStmt: 'DROP TABLESPACE',
  DropUserMappingStmt: 'DROP USER MAPPING',
  AlterSeqStmt_identity: 'ALTER SEQUENCE of an identity column',
  PLAssignStmt: 'PL/pgSQL assignment',
  WaitStmt: 'WAIT',
};

export function convertStatementNode(c: ExprConverter, node: Node | undefined, where: string): ast.Statement {
  if (node === undefined) throw internal(`missing statement in ${where}`);
  const tag = tagOf(node);
  const location = c.stmtLocation;
  switch (tag) {
    case 'SelectStmt':
      return convertSelect(c, node, where);
    case 'InsertStmt':
      return insertStmt(c, bodyOf(node, 'InsertStmt') as pg.InsertStmt);
    case 'UpdateStmt':
      return updateStmt(c, bodyOf(node, 'UpdateStmt') as pg.UpdateStmt);
    case 'DeleteStmt':
      return deleteStmt(c, bodyOf(node, 'DeleteStmt') as pg.DeleteStmt);
    case 'CreateStmt':
      return ddl.createTable(c, bodyOf(node, 'CreateStmt') as pg.CreateStmt);
    case 'IndexStmt':
      return ddl.createIndex(c, bodyOf(node, 'IndexStmt') as pg.IndexStmt);
    case 'DropStmt':
      return ddl.dropStmt(c, bodyOf(node, 'DropStmt') as pg.DropStmt, location);
    case 'AlterTableStmt':
      return ddl.alterTable(c, bodyOf(node, 'AlterTableStmt') as pg.AlterTableStmt);
    case 'RenameStmt':
      return ddl.renameStmt(c, bodyOf(node, 'RenameStmt') as pg.RenameStmt, location);
    case 'AlterObjectSchemaStmt':
      return ddl.alterObjectSchema(c, bodyOf(node, 'AlterObjectSchemaStmt') as pg.AlterObjectSchemaStmt);
    case 'CreateSchemaStmt':
      return ddl.createSchema(bodyOf(node, 'CreateSchemaStmt') as pg.CreateSchemaStmt, location);
    case 'CreateSeqStmt':
      return ddl.createSequence(c, bodyOf(node, 'CreateSeqStmt') as pg.CreateSeqStmt);
    case 'AlterSeqStmt':
      return ddl.alterSequence(c, bodyOf(node, 'AlterSeqStmt') as pg.AlterSeqStmt);
    case 'ViewStmt':
      return createView(c, bodyOf(node, 'ViewStmt') as pg.ViewStmt);
    case 'TruncateStmt':
      return ddl.truncate(c, bodyOf(node, 'TruncateStmt') as pg.TruncateStmt, location);
    case 'CommentStmt':
      return ddl.comment(c, bodyOf(node, 'CommentStmt') as pg.CommentStmt, location);
    case 'CreateEnumStmt':
      return ddl.createEnum(bodyOf(node, 'CreateEnumStmt') as pg.CreateEnumStmt, location);
    case 'AlterEnumStmt':
      return ddl.alterEnum(bodyOf(node, 'AlterEnumStmt') as pg.AlterEnumStmt, location);
    case 'TransactionStmt':
      return transaction(bodyOf(node, 'TransactionStmt') as pg.TransactionStmt, location);
    case 'VariableSetStmt':
      return variableSet(bodyOf(node, 'VariableSetStmt') as pg.VariableSetStmt, location);
    case 'VariableShowStmt': {
      const s = bodyOf(node, 'VariableShowStmt') as pg.VariableShowStmt;
      return { kind: 'Show', name: (s.name ?? '').toLowerCase(), location };
    }
    case 'ExplainStmt':
      return explain(c, bodyOf(node, 'ExplainStmt') as pg.ExplainStmt, location);
    case 'CopyStmt':
      return copy(c, bodyOf(node, 'CopyStmt') as pg.CopyStmt, location);
    case 'PrepareStmt': {
      const s = bodyOf(node, 'PrepareStmt') as pg.PrepareStmt;
      return {
        kind: 'Prepare',
        name: s.name ?? '',
        paramTypes: list(s.argtypes).map((t) => c.typeName(bodyOf(t, 'TypeName'), 'PREPARE')),
        statement: convertStatementNode(c, s.query, 'PREPARE'),
        source: textAfterAs(c.ctx, c.stmtStartByte, c.stmtEndByte, 'PREPARE'),
        location,
      };
    }
    case 'ExecuteStmt': {
      const s = bodyOf(node, 'ExecuteStmt') as pg.ExecuteStmt;
      return { kind: 'Execute', name: s.name ?? '', params: c.exprs(s.params, 'EXECUTE'), location };
    }
    case 'DeallocateStmt': {
      const s = bodyOf(node, 'DeallocateStmt') as pg.DeallocateStmt;
      if (s.isall === true || s.name === undefined) return { kind: 'Deallocate', location };
      return { kind: 'Deallocate', name: s.name, location };
    }
    case 'DeclareCursorStmt':
      return declareCursor(c, bodyOf(node, 'DeclareCursorStmt') as pg.DeclareCursorStmt, location);
    case 'FetchStmt':
      return fetch(bodyOf(node, 'FetchStmt') as pg.FetchStmt, location);
    case 'ClosePortalStmt': {
      const s = bodyOf(node, 'ClosePortalStmt') as pg.ClosePortalStmt;
      return s.portalname === undefined ? { kind: 'CloseCursor', location } : { kind: 'CloseCursor', name: s.portalname, location };
    }
    case 'VacuumStmt':
      return vacuum(c, bodyOf(node, 'VacuumStmt') as pg.VacuumStmt, location);
    case 'DiscardStmt': {
      const s = bodyOf(node, 'DiscardStmt') as pg.DiscardStmt;
      const t = s.target ?? 'DISCARD_ALL';
      const target = t === 'DISCARD_PLANS' ? 'plans' : t === 'DISCARD_SEQUENCES' ? 'sequences' : t === 'DISCARD_TEMP' ? 'temp' : 'all';
      return { kind: 'Discard', target, location };
    }
    case 'ListenStmt':
      return { kind: 'Listen', channel: (bodyOf(node, 'ListenStmt') as pg.ListenStmt).conditionname ?? '', location };
    case 'UnlistenStmt':
      return { kind: 'Unlisten', channel: (bodyOf(node, 'UnlistenStmt') as pg.UnlistenStmt).conditionname ?? '*', location };
    case 'NotifyStmt': {
      const s = bodyOf(node, 'NotifyStmt') as pg.NotifyStmt;
      const base: ast.ListenStmt = { kind: 'Notify', channel: s.conditionname ?? '', location };
      return s.payload === undefined ? base : { ...base, payload: s.payload };
    }
    case 'CreateFunctionStmt': {
      const s = bodyOf(node, 'CreateFunctionStmt') as pg.CreateFunctionStmt;
      throw unsupported(s.is_procedure === true ? 'CREATE PROCEDURE' : 'CREATE FUNCTION');
    }
    case 'CreateTableAsStmt': {
      const s = bodyOf(node, 'CreateTableAsStmt') as pg.CreateTableAsStmt;
      throw unsupported(s.objtype === 'OBJECT_MATVIEW' ? 'CREATE MATERIALIZED VIEW' : 'CREATE TABLE AS');
    }
    case 'GrantStmt': {
      const s = bodyOf(node, 'GrantStmt') as pg.GrantStmt;
      throw unsupported(s.is_grant === true ? 'GRANT' : 'REVOKE');
    }
    default: {
      const words = unsupportedStatementWords[tag];
      throw unsupported(words ?? `statement ${tag.replace(/Stmt$/, '')}`);
    }
  }
}

function createView(c: ExprConverter, s: pg.ViewStmt): ast.CreateViewStmt {
  if (list(s.options).length > 0) throw unsupported('WITH options in CREATE VIEW');
  if (s.view?.relpersistence === 't') throw unsupported('temporary views');
  if (bodyOf(s.query, 'SelectStmt') === undefined) throw internal('view query is not a SELECT');
  return {
    kind: 'CreateView',
    view: rangeVar(c, s.view, 'CREATE VIEW'),
    columns: strings(s.aliases, 'view column list'),
    query: convertSelect(c, s.query, 'CREATE VIEW'),
    source: textAfterAs(c.ctx, c.stmtStartByte, c.stmtEndByte, 'CREATE VIEW'),
    orReplace: s.replace === true,
    ...(s.withCheckOption === 'LOCAL_CHECK_OPTION' ? { checkOption: 'local' as const } : {}),
    ...(s.withCheckOption === 'CASCADED_CHECK_OPTION' ? { checkOption: 'cascaded' as const } : {}),
    location: c.ctx.loc(s.view?.location),
  };
}

/** PostgreSQL's defGetBoolean. */
function defBoolean(d: pg.DefElem): boolean {
  if (d.arg === undefined) return true;
  const b = bodyOf(d.arg, 'Boolean');
  if (b !== undefined) return b.boolval === true;
  const i = bodyOf(d.arg, 'Integer');
  if (i !== undefined && (i.ival ?? 0) <= 1 && (i.ival ?? 0) >= 0) return (i.ival ?? 0) === 1;
  const s = bodyOf(d.arg, 'String')?.sval?.toLowerCase();
  if (s === 'true' || s === 'on') return true;
  if (s === 'false' || s === 'off') return false;
  throw new SqlError(SqlState.syntaxError, `${d.defname ?? ''} requires a Boolean value`);
}

/** PostgreSQL's defGetString for the option kinds we accept. */
function defString(d: pg.DefElem): string {
  if (d.arg === undefined) throw new SqlError(SqlState.syntaxError, `${d.defname ?? ''} requires a parameter`);
  const s = bodyOf(d.arg, 'String');
  if (s !== undefined) return s.sval ?? '';
  const i = bodyOf(d.arg, 'Integer');
  if (i !== undefined) return String(i.ival ?? 0);
  const f = bodyOf(d.arg, 'Float');
  if (f !== undefined) return f.fval ?? '';
  const b = bodyOf(d.arg, 'Boolean');
  if (b !== undefined) return b.boolval === true ? 'true' : 'false';
  throw unsupported(`${tagOf(d.arg)} as the value of ${d.defname ?? ''}`);
}

function optionError(c: ExprConverter, d: pg.DefElem, message: string): SqlError {
  const position = c.ctx.position(d.location);
  return new SqlError(SqlState.invalidParameterValue, message, position === undefined ? {} : { position });
}

function defElems(c: ExprConverter, nodes: readonly Node[] | undefined, where: string): pg.DefElem[] {
  const seen = new Set<string>();
  return list(nodes).map((n) => {
    const d = bodyOf(n, 'DefElem');
    if (d === undefined) throw internal(`${tagOf(n)} in ${where} options`);
    const name = d.defname ?? '';
    if (seen.has(name)) throw ddl.conflictingOptions(c.ctx.position(d.location));
    seen.add(name);
    return d;
  });
}

function explain(c: ExprConverter, s: pg.ExplainStmt, location: number): ast.ExplainStmt {
  let analyze = false;
  let verbose = false;
  let costs = true;
  let format: 'text' | 'json' = 'text';
  for (const d of defElems(c, s.options, 'EXPLAIN')) {
    const name = d.defname ?? '';
    switch (name) {
      case 'analyze':
        analyze = defBoolean(d);
        break;
      case 'verbose':
        verbose = defBoolean(d);
        break;
      case 'costs':
        costs = defBoolean(d);
        break;
      case 'format': {
        const f = defString(d).toLowerCase();
        if (f === 'text' || f === 'json') format = f;
        else if (f === 'xml' || f === 'yaml') throw unsupported(`EXPLAIN format ${f.toUpperCase()}`);
        else throw optionError(c, d, `unrecognized value for EXPLAIN option "format": "${f}"`);
        break;
      }
      default:
        throw unsupported(`EXPLAIN option ${name.toUpperCase()}`);
    }
  }
  return { kind: 'Explain', analyze, verbose, costs, format, statement: convertStatementNode(c, s.query, 'EXPLAIN'), location };
}

/** PG 15's messages for server-side COPY files/programs (we never allow them). */
function copyFileError(s: pg.CopyStmt): SqlError {
  const hint = "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.";
  const message =
    s.is_program === true
      ? 'must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program'
      : s.is_from === true
        ? 'must be superuser or have privileges of the pg_read_server_files role to COPY from a file'
        : 'must be superuser or have privileges of the pg_write_server_files role to COPY to a file';
  return new SqlError(SqlState.insufficientPrivilege, message, { hint });
}

function columnList(d: pg.DefElem, what: string): string[] {
  return strings(bodyOf(d.arg, 'List')?.items, what);
}

function copy(c: ExprConverter, s: pg.CopyStmt, location: number): ast.CopyStmt {
  if (s.is_program === true || (s.filename !== undefined && s.filename !== '')) throw copyFileError(s);
  let options: ast.CopyOptions = { format: 'text', header: false, forceQuote: [], forceNotNull: [] };
  for (const d of defElems(c, s.options, 'COPY')) {
    const name = d.defname ?? '';
    switch (name) {
      case 'format': {
        const f = defString(d).toLowerCase();
        if (f !== 'text' && f !== 'csv' && f !== 'binary') {
          throw optionError(c, d, `COPY format "${f}" not recognized`);
        }
        options = { ...options, format: f };
        break;
      }
      case 'delimiter':
        options = { ...options, delimiter: defString(d) };
        break;
      case 'null':
        options = { ...options, null: defString(d) };
        break;
      case 'quote':
        options = { ...options, quote: defString(d) };
        break;
      case 'escape':
        options = { ...options, escape: defString(d) };
        break;
      case 'encoding':
        options = { ...options, encoding: defString(d) };
        break;
      case 'header': {
        const isMatch = bodyOf(d.arg, 'String')?.sval?.toLowerCase() === 'match';
        options = { ...options, header: isMatch ? 'match' : defBoolean(d) };
        break;
      }
      case 'force_quote':
        options = { ...options, forceQuote: bodyOf(d.arg, 'A_Star') !== undefined ? '*' : columnList(d, 'FORCE_QUOTE') };
        break;
      case 'freeze':
        options = { ...options, freeze: defBoolean(d) };
        break;
      case 'force_not_null':
        if (bodyOf(d.arg, 'A_Star') !== undefined) throw unsupported('FORCE_NOT_NULL *');
        options = { ...options, forceNotNull: columnList(d, 'FORCE_NOT_NULL') };
        break;
      default:
        throw unsupported(`COPY option ${name.toUpperCase()}`);
    }
  }
  let out: ast.CopyStmt = {
    kind: 'Copy',
    columns: strings(s.attlist, 'COPY column list'),
    direction: s.is_from === true ? 'from' : 'to',
    target: 'stdio',
    options,
    location,
  };
  if (s.relation !== undefined) out = { ...out, table: rangeVar(c, s.relation, 'COPY') };
  if (s.query !== undefined) out = { ...out, query: convertStatementNode(c, s.query, 'COPY') };
  const where = c.optExpr(s.whereClause, 'COPY WHERE');
  if (where !== undefined) out = { ...out, where };
  return out;
}

function transactionModes(nodes: readonly Node[] | undefined, where: string): ast.TransactionModes {
  let modes: ast.TransactionModes = {};
  for (const n of list(nodes)) {
    const d = bodyOf(n, 'DefElem');
    if (d === undefined) throw internal(`${tagOf(n)} in ${where}`);
    const c = bodyOf(d.arg, 'A_Const');
    switch (d.defname) {
      case 'transaction_isolation': {
        const level = c?.sval?.sval ?? '';
        if (level !== 'read uncommitted' && level !== 'read committed' && level !== 'repeatable read' && level !== 'serializable') {
          throw internal(`isolation level ${level}`);
        }
        modes = { ...modes, isolation: level };
        break;
      }
      case 'transaction_read_only':
        modes = { ...modes, readOnly: (c?.ival?.ival ?? 0) !== 0 };
        break;
      case 'transaction_deferrable':
        modes = { ...modes, deferrable: (c?.ival?.ival ?? 0) !== 0 };
        break;
      default:
        throw unsupported(`transaction mode ${String(d.defname)}`);
    }
  }
  return modes;
}

function transaction(s: pg.TransactionStmt, location: number): ast.TransactionStmt {
  const k = s.kind;
  switch (k) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return { kind: 'Begin', modes: transactionModes(s.options, 'BEGIN'), location };
    case 'TRANS_STMT_COMMIT':
      return { kind: 'Commit', chain: s.chain === true, location };
    case 'TRANS_STMT_ROLLBACK':
      return { kind: 'Rollback', chain: s.chain === true, location };
    case 'TRANS_STMT_SAVEPOINT':
      return { kind: 'Savepoint', name: s.savepoint_name ?? '', location };
    case 'TRANS_STMT_RELEASE':
      return { kind: 'ReleaseSavepoint', name: s.savepoint_name ?? '', location };
    case 'TRANS_STMT_ROLLBACK_TO':
      return { kind: 'RollbackToSavepoint', name: s.savepoint_name ?? '', location };
    case 'TRANS_STMT_PREPARE':
      throw unsupported('PREPARE TRANSACTION');
    case 'TRANS_STMT_COMMIT_PREPARED':
      throw unsupported('COMMIT PREPARED');
    case 'TRANS_STMT_ROLLBACK_PREPARED':
      throw unsupported('ROLLBACK PREPARED');
    default:
      throw internal(`transaction statement ${String(k)}`);
  }
}

function setValueText(n: Node): string {
  const c = bodyOf(n, 'A_Const');
  if (c === undefined) {
    if (bodyOf(n, 'TypeCast') !== undefined) throw unsupported('SET with a typed value (INTERVAL time zone)');
    throw unsupported(`${tagOf(n)} as a SET value`);
  }
  if (c.isnull === true) throw internal('NULL as a SET value');
  if (c.ival !== undefined) return String(c.ival.ival ?? 0);
  if (c.fval !== undefined) return c.fval.fval ?? '0';
  if (c.boolval !== undefined) return c.boolval.boolval === true ? 'true' : 'false';
  if (c.sval !== undefined) return c.sval.sval ?? '';
  if (c.bsval !== undefined) throw unsupported('bit string as a SET value');
  return '0';
}

function variableSet(s: pg.VariableSetStmt, location: number): ast.Statement {
  const k = s.kind;
  const name = (s.name ?? '').toLowerCase();
  const local = s.is_local === true;
  switch (k) {
    case 'VAR_SET_VALUE':
      return { kind: 'Set', name, value: list(s.args).map(setValueText), local, location };
    case 'VAR_SET_DEFAULT':
      return { kind: 'Set', name, value: 'default', local, location };
    case 'VAR_SET_CURRENT':
      throw unsupported('SET ... FROM CURRENT');
    case 'VAR_SET_MULTI':
      if (name === 'transaction' || name === 'session characteristics') {
        return {
          kind: 'SetTransaction',
          modes: transactionModes(s.args, 'SET TRANSACTION'),
          session: name === 'session characteristics',
          location,
        };
      }
      throw unsupported(`SET ${name.toUpperCase()}`);
    case 'VAR_RESET':
      return { kind: 'Reset', name, location };
    case 'VAR_RESET_ALL':
      return { kind: 'Reset', name: 'all', location };
    default:
      throw internal(`SET kind ${String(k)}`);
  }
}

function declareCursor(c: ExprConverter, s: pg.DeclareCursorStmt, location: number): ast.DeclareCursorStmt {
  const o = s.options ?? 0;
  const binary = 0x1;
  const scroll = 0x2;
  const noScroll = 0x4;
  const hold = 0x20;
  return {
    kind: 'DeclareCursor',
    name: s.portalname ?? '',
    query: convertSelect(c, s.query, 'DECLARE CURSOR'),
    binary: (o & binary) !== 0,
    scroll: (o & scroll) !== 0,
    noScroll: (o & noScroll) !== 0,
    hold: (o & hold) !== 0,
    location,
  };
}

/** FETCH ALL is LONG_MAX in the parser; libpg-query's wasm build has 32-bit longs. */
const fetchAllCountMin = 2147483647;

function fetch(s: pg.FetchStmt, location: number): ast.FetchStmt {
  const d = s.direction ?? 'FETCH_FORWARD';
  const direction =
    d === 'FETCH_FORWARD' ? 'forward'
    : d === 'FETCH_BACKWARD' ? 'backward'
    : d === 'FETCH_ABSOLUTE' ? 'absolute'
    : d === 'FETCH_RELATIVE' ? 'relative'
    : undefined;
  if (direction === undefined) throw internal(`fetch direction ${String(d)}`);
  const howMany = Number(s.howMany ?? 0);
  const count = howMany >= fetchAllCountMin && (direction === 'forward' || direction === 'backward') ? Infinity : howMany;
  return { kind: 'Fetch', name: s.portalname ?? '', move: s.ismove === true, direction, count, location };
}

function vacuum(c: ExprConverter, s: pg.VacuumStmt, location: number): ast.VacuumStmt {
  let analyze = false;
  for (const d of defElems(c, s.options, s.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE')) {
    const name = d.defname ?? '';
    if (name === 'analyze') analyze = defBoolean(d);
    else throw unsupported(`${s.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE'} option ${name.toUpperCase()}`);
  }
  const tables = list(s.rels).map((n) => {
    const v = bodyOf(n, 'VacuumRelation');
    if (v === undefined) throw internal(`${tagOf(n)} in VACUUM`);
    if (list(v.va_cols).length > 0) throw unsupported('ANALYZE with a column list');
    return rangeVar(c, v.relation, 'VACUUM');
  });
  const isVacuum = s.is_vacuumcmd === true;
  return { kind: 'Vacuum', analyze: isVacuum ? analyze : true, vacuum: isVacuum, tables, location };
}
