/** libpg-query DDL nodes → nodedb DDL AST (sql/ast.ts). */
import type * as pg from '@pgsql/types';
import type * as ast from '../ast.js';
import type { ExprConverter } from './convert-expr.js';
import { rangeVar } from './convert-select.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { bodyOf, internal, list, stringOf, strings, tagOf, unsupported, type Node } from './pg.js';
import { checkSource, defaultSource, generatedSource, minLocation, setDefaultSource } from './source-text.js';

/** 'OBJECT_MATVIEW' → 'MATERIALIZED VIEW' for messages. */
export function objectTypeWords(t: string | undefined): string {
  const raw = (t ?? 'OBJECT_TABLE').replace(/^OBJECT_/, '');
  const special: Record<string, string> = {
    MATVIEW: 'MATERIALIZED VIEW',
    TABCONSTRAINT: 'CONSTRAINT',
    FOREIGN_TABLE: 'FOREIGN TABLE',
    ACCESS_METHOD: 'ACCESS METHOD',
    EVENT_TRIGGER: 'EVENT TRIGGER',
  };
  return special[raw] ?? raw.replace(/_/g, ' ');
}

function objectKind(t: string | undefined): ast.ObjectKind | undefined {
  switch (t) {
    case 'OBJECT_TABLE':
      return 'table';
    case 'OBJECT_INDEX':
      return 'index';
    case 'OBJECT_SEQUENCE':
      return 'sequence';
    case 'OBJECT_VIEW':
      return 'view';
    case 'OBJECT_SCHEMA':
      return 'schema';
    case 'OBJECT_TYPE':
      return 'type';
    case 'OBJECT_MATVIEW':
      return 'materialized view';
    default:
      return undefined;
  }
}

function fkAction(a: string | undefined): ast.FkAction {
  switch (a ?? 'a') {
    case 'a':
      return 'no action';
    case 'r':
      return 'restrict';
    case 'c':
      return 'cascade';
    case 'n':
      return 'set null';
    case 'd':
      return 'set default';
    default:
      throw internal(`foreign key action ${String(a)}`);
  }
}

function rejectConstraintExtras(k: pg.Constraint, what: string): void {
  if (k.deferrable === true || k.initdeferred === true) throw unsupported(`DEFERRABLE ${what}`);
  if (k.skip_validation === true) throw unsupported(`NOT VALID ${what}`);
  if (list(k.including).length > 0) throw unsupported(`INCLUDE in ${what}`);
  if (list(k.options).length > 0) throw unsupported(`WITH options in ${what}`);
  if (k.indexname !== undefined && k.indexname !== '') throw unsupported(`USING INDEX in ${what}`);
  if (k.indexspace !== undefined && k.indexspace !== '') throw unsupported(`USING INDEX TABLESPACE in ${what}`);
  if (k.fk_with_period === true || k.pk_with_period === true || k.without_overlaps === true) {
    throw unsupported(`temporal ${what}`);
  }
}

/**
 * A table-level or column-level constraint that is a ConstraintDef; `column` is the owning
 * column for column constraints (PRIMARY KEY/UNIQUE/REFERENCES without a column list).
 */
function constraintDef(c: ExprConverter, k: pg.Constraint, column: string | undefined): ast.ConstraintDef | undefined {
  const name = k.conname !== undefined && k.conname !== '' ? { name: k.conname } : {};
  const keysOr = (nodes: readonly Node[] | undefined): string[] => {
    const keys = strings(nodes, 'constraint column list');
    return keys.length === 0 && column !== undefined ? [column] : keys;
  };
  switch (k.contype) {
    case 'CONSTR_PRIMARY':
      rejectConstraintExtras(k, 'PRIMARY KEY');
      return { kind: 'primaryKey', ...name, columns: keysOr(k.keys) };
    case 'CONSTR_UNIQUE':
      rejectConstraintExtras(k, 'UNIQUE constraint');
      return { kind: 'unique', ...name, columns: keysOr(k.keys), nullsNotDistinct: k.nulls_not_distinct === true };
    case 'CONSTR_CHECK': {
      rejectConstraintExtras(k, 'CHECK constraint');
      if (k.is_enforced !== true) throw unsupported('NOT ENFORCED CHECK constraint');
      const expr = c.expr(k.raw_expr, 'CHECK');
      const source = checkSource(c.ctx, k.location ?? minLocation(k.raw_expr));
      return { kind: 'check', ...name, expr, source, noInherit: k.is_no_inherit === true };
    }
    case 'CONSTR_FOREIGN': {
      rejectConstraintExtras({ ...k, skip_validation: false, deferrable: false, initdeferred: false }, 'FOREIGN KEY');
      if (k.is_enforced !== true) throw unsupported('NOT ENFORCED FOREIGN KEY');
      const m = k.fk_matchtype ?? 's';
      const match = m === 'f' ? 'full' : m === 'p' ? 'partial' : 's' === m ? 'simple' : undefined;
      if (match === undefined) throw internal(`foreign key match type ${m}`);
      return {
        kind: 'foreignKey',
        ...name,
        columns: keysOr(k.fk_attrs),
        refTable: rangeVar(c, k.pktable, 'REFERENCES'),
        refColumns: strings(k.pk_attrs, 'REFERENCES column list'),
        onDelete: fkAction(k.fk_del_action),
        onUpdate: fkAction(k.fk_upd_action),
        match,
        ...(list(k.fk_del_set_cols).length > 0 ? { deleteSetColumns: strings(k.fk_del_set_cols, 'ON DELETE SET column list') } : {}),
        ...(k.skip_validation === true ? { notValid: true } : {}),
        ...(k.deferrable === true || k.initdeferred === true ? { deferrable: true } : {}),
        ...(k.initdeferred === true ? { initiallyDeferred: true } : {}),
      };
    }
    case 'CONSTR_EXCLUSION':
      throw unsupported('EXCLUDE constraint');
    default:
      return undefined;
  }
}

export function tableConstraint(c: ExprConverter, n: Node): ast.ConstraintDef {
  const k = bodyOf(n, 'Constraint');
  if (k === undefined) throw internal(`${tagOf(n)} as a table constraint`);
  const def = constraintDef(c, k, undefined);
  if (def === undefined) throw unsupported(`table constraint ${String(k.contype).replace(/^CONSTR_/, '')}`);
  return def;
}

function columnConstraints(c: ExprConverter, col: string, nodes: readonly Node[] | undefined): ast.ColumnConstraint[] {
  const out: ast.ColumnConstraint[] = [];
  for (const n of list(nodes)) {
    const k = bodyOf(n, 'Constraint');
    if (k === undefined) throw internal(`${tagOf(n)} as a column constraint`);
    const def = constraintDef(c, k, col);
    if (def !== undefined) {
      out.push(def);
      continue;
    }
    const t = k.contype;
    switch (t) {
      case 'CONSTR_NOTNULL':
        if (k.is_no_inherit === true) throw unsupported('NOT NULL NO INHERIT');
        out.push({ kind: 'notNull' });
        break;
      case 'CONSTR_NULL':
        out.push({ kind: 'null' });
        break;
      case 'CONSTR_DEFAULT': {
        const expr = c.expr(k.raw_expr, 'DEFAULT');
        out.push({ kind: 'default', expr, source: defaultSource(c.ctx, k.location ?? minLocation(k.raw_expr), true) });
        break;
      }
      case 'CONSTR_IDENTITY':
        out.push({
          kind: 'identity',
          generated: k.generated_when === 'd' ? 'by default' : 'always',
          options: sequenceOptions(c, k.options, 'identity column'),
        });
        break;
      case 'CONSTR_GENERATED': {
        if (k.generated_kind === 'v') throw unsupported('VIRTUAL generated column');
        const expr = c.expr(k.raw_expr, 'GENERATED');
        const location = k.location ?? minLocation(k.raw_expr);
        out.push({ kind: 'generated', expr, source: generatedSource(c.ctx, location), location });
        break;
      }
      case 'CONSTR_ATTR_NOT_DEFERRABLE':
      case 'CONSTR_ATTR_IMMEDIATE':
      case 'CONSTR_ATTR_ENFORCED':
        // The default behaviour, written out: nothing to record.
        break;
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_DEFERRED': {
        // Applies to the constraint before it (PostgreSQL's transformConstraintAttrs).
        const last = out[out.length - 1];
        const what = t === 'CONSTR_ATTR_DEFERRABLE' ? 'DEFERRABLE' : 'INITIALLY DEFERRED';
        if (last?.kind === 'primaryKey' || last?.kind === 'unique') throw unsupported('DEFERRABLE constraint');
        if (last?.kind !== 'foreignKey') {
          const at = c.ctx.loc(k.location);
          throw new SqlError(SqlState.syntaxError, `misplaced ${what} clause`, at >= 0 ? { position: at + 1 } : {});
        }
        out[out.length - 1] = { ...last, deferrable: true, ...(t === 'CONSTR_ATTR_DEFERRED' ? { initiallyDeferred: true } : {}) };
        break;
      }
      case 'CONSTR_ATTR_NOT_ENFORCED':
        throw unsupported('NOT ENFORCED constraint');
      default:
        throw unsupported(`column constraint ${String(t).replace(/^CONSTR_/, '')}`);
    }
  }
  return out;
}

export function columnDef(c: ExprConverter, n: Node | undefined, where: string): ast.ColumnDef {
  const d = bodyOf(n, 'ColumnDef');
  if (d === undefined) throw internal(`${n === undefined ? 'nothing' : tagOf(n)} as a column definition in ${where}`);
  if (d.compression !== undefined && d.compression !== '') throw unsupported('COMPRESSION');
  if (d.storage_name !== undefined && d.storage_name !== '') throw unsupported('STORAGE');
  if (list(d.fdwoptions).length > 0) throw unsupported('column OPTIONS');
  if (d.raw_default !== undefined) throw internal('raw default on a column definition');
  const name = d.colname ?? '';
  const out: ast.ColumnDef = {
    kind: 'ColumnDef',
    name,
    type: c.typeName(d.typeName, 'column definition'),
    constraints: columnConstraints(c, name, d.constraints),
    location: c.ctx.loc(d.location),
  };
  return d.collClause === undefined ? out : { ...out, collation: strings(d.collClause.collname, 'COLLATE') };
}

export function createTable(c: ExprConverter, s: pg.CreateStmt): ast.CreateTableStmt {
  if (list(s.inhRelations).length > 0) throw unsupported('INHERITS');
  if (s.partspec !== undefined) throw unsupported('PARTITION BY');
  if (s.partbound !== undefined) throw unsupported('PARTITION OF');
  if (s.ofTypename !== undefined) throw unsupported('CREATE TABLE OF type');
  const fillfactor = tableFillfactor(s.options);
  if (s.tablespacename !== undefined && s.tablespacename !== '') throw unsupported('TABLESPACE');
  if (s.accessMethod !== undefined && s.accessMethod !== '') throw unsupported('CREATE TABLE ... USING');
  const oncommit = s.oncommit ?? 'ONCOMMIT_NOOP';
  if (oncommit !== 'ONCOMMIT_NOOP') throw unsupported('ON COMMIT');
  const columns: ast.ColumnDef[] = [];
  const constraints: ast.ConstraintDef[] = [];
  for (const e of list(s.tableElts)) {
    if (bodyOf(e, 'ColumnDef') !== undefined) columns.push(columnDef(c, e, 'CREATE TABLE'));
    else if (bodyOf(e, 'Constraint') !== undefined) constraints.push(tableConstraint(c, e));
    else if (bodyOf(e, 'TableLikeClause') !== undefined) throw unsupported('CREATE TABLE ... LIKE');
    else throw internal(`${tagOf(e)} in CREATE TABLE`);
  }
  const persistence = s.relation?.relpersistence ?? 'p';
  return {
    kind: 'CreateTable',
    table: rangeVar(c, s.relation, 'CREATE TABLE'),
    ifNotExists: s.if_not_exists === true,
    columns,
    constraints,
    temporary: persistence === 't',
    unlogged: persistence === 'u',
    ...(fillfactor === undefined ? {} : { fillfactor }),
    location: c.ctx.loc(s.relation?.location),
  };
}

/** Bounds PostgreSQL enforces on a table's fillfactor (heap pages). */
const fillfactorPercentMin = 10;
const fillfactorPercentMax = 100;

/** rint(): what PostgreSQL's parse_int does with a fractional value. */
function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** CREATE TABLE ... WITH (fillfactor = n): the only storage parameter accepted. */
function tableFillfactor(nodes: readonly Node[] | undefined): number | undefined {
  let fillfactor: number | undefined;
  for (const n of list(nodes)) {
    const d = bodyOf(n, 'DefElem');
    if (d === undefined) throw internal(`${tagOf(n)} in WITH options`);
    if (d.defnamespace !== undefined || d.defname !== 'fillfactor') {
      throw unsupported(`storage parameter "${d.defname ?? ''}"`);
    }
    const i = bodyOf(d.arg, 'Integer');
    const text = i !== undefined ? String(i.ival ?? 0) : bodyOf(d.arg, 'String')?.sval ?? bodyOf(d.arg, 'Float')?.fval;
    const v = text === undefined || text.trim() === '' ? NaN : roundHalfEven(Number(text));
    if (!Number.isInteger(v)) {
      throw new SqlError(SqlState.invalidParameterValue, `invalid value for integer option "fillfactor": ${text ?? ''}`);
    }
    if (v < fillfactorPercentMin || v > fillfactorPercentMax) {
      throw new SqlError(SqlState.invalidParameterValue, `value ${v} out of bounds for option "fillfactor"`, {
        detail: `Valid values are between "${fillfactorPercentMin}" and "${fillfactorPercentMax}".`,
      });
    }
    fillfactor = v;
  }
  return fillfactor;
}

export function createIndex(c: ExprConverter, s: pg.IndexStmt): ast.CreateIndexStmt {
  if (s.tableSpace !== undefined && s.tableSpace !== '') throw unsupported('TABLESPACE');
  if (list(s.options).length > 0) throw unsupported('WITH options in CREATE INDEX');
  if (list(s.excludeOpNames).length > 0) throw unsupported('exclusion index');
  const elements = list(s.indexParams).map((n): ast.IndexElem => {
    const e = bodyOf(n, 'IndexElem');
    if (e === undefined) throw internal(`${tagOf(n)} in index column list`);
    if (list(e.collation).length > 0) throw unsupported('COLLATE in an index column');
    if (list(e.opclass).length > 0) throw unsupported('operator class in an index column');
    const ordering = e.ordering ?? 'SORTBY_DEFAULT';
    if (ordering === 'SORTBY_USING') throw unsupported('USING in an index column');
    const nulls = e.nulls_ordering ?? 'SORTBY_NULLS_DEFAULT';
    const base = {
      direction: ordering === 'SORTBY_ASC' ? 'asc' : ordering === 'SORTBY_DESC' ? 'desc' : 'default',
      nulls: nulls === 'SORTBY_NULLS_FIRST' ? 'first' : nulls === 'SORTBY_NULLS_LAST' ? 'last' : 'default',
    } as const;
    if (e.name !== undefined && e.name !== '') return { ...base, column: e.name };
    return { ...base, expr: c.expr(e.expr, 'index expression') };
  });
  const include = list(s.indexIncludingParams).map((n) => {
    const e = bodyOf(n, 'IndexElem');
    if (e === undefined || e.name === undefined) throw unsupported('expression in INCLUDE');
    return e.name;
  });
  const out: ast.CreateIndexStmt = {
    kind: 'CreateIndex',
    table: rangeVar(c, s.relation, 'CREATE INDEX'),
    unique: s.unique === true,
    ifNotExists: s.if_not_exists === true,
    concurrently: s.concurrent === true,
    method: s.accessMethod ?? 'btree',
    elements,
    include,
    nullsNotDistinct: s.nulls_not_distinct === true,
    location: c.ctx.loc(s.relation?.location),
  };
  const where = c.optExpr(s.whereClause, 'index predicate');
  const withWhere = where === undefined ? out : { ...out, where };
  return s.idxname !== undefined && s.idxname !== '' ? { ...withWhere, name: s.idxname } : withWhere;
}

export function dropStmt(c: ExprConverter, s: pg.DropStmt, location: number): ast.DropStmt {
  const kind = objectKind(s.removeType);
  if (kind === undefined) throw unsupported(`DROP ${objectTypeWords(s.removeType)}`);
  if (s.concurrent === true) throw unsupported('DROP INDEX CONCURRENTLY');
  const names = list(s.objects).map((o): string[] => {
    const l = bodyOf(o, 'List');
    if (l !== undefined) return strings(l.items, 'DROP');
    const t = bodyOf(o, 'TypeName');
    if (t !== undefined) return c.typeName(t, 'DROP TYPE').names.slice();
    return [stringOf(o, 'DROP')];
  });
  return {
    kind: 'Drop',
    objectKind: kind,
    names,
    ifExists: s.missing_ok === true,
    cascade: s.behavior === 'DROP_CASCADE',
    location,
  };
}

function alterTableCmd(c: ExprConverter, n: Node): ast.AlterTableCmd {
  const a = bodyOf(n, 'AlterTableCmd');
  if (a === undefined) throw internal(`${tagOf(n)} in ALTER TABLE`);
  const column = a.name ?? '';
  const cascade = a.behavior === 'DROP_CASCADE';
  const sub = a.subtype;
  switch (sub) {
    case 'AT_AddColumn':
      return { kind: 'addColumn', column: columnDef(c, a.def, 'ADD COLUMN'), ifNotExists: a.missing_ok === true };
    case 'AT_DropColumn':
      return { kind: 'dropColumn', name: column, ifExists: a.missing_ok === true, cascade };
    case 'AT_ColumnDefault': {
      if (a.def === undefined) return { kind: 'dropDefault', column };
      const expr = c.expr(a.def, 'SET DEFAULT');
      return { kind: 'setDefault', column, expr, source: setDefaultSource(c.ctx, minLocation(a.def)) };
    }
    case 'AT_SetNotNull':
      return { kind: 'setNotNull', column };
    case 'AT_DropNotNull':
      return { kind: 'dropNotNull', column };
    case 'AT_AlterColumnType': {
      const d = bodyOf(a.def, 'ColumnDef');
      if (d === undefined) throw internal('ALTER COLUMN TYPE without a column definition');
      const type = c.typeName(d.typeName, 'ALTER COLUMN TYPE');
      const using = c.optExpr(d.raw_default, 'USING');
      const collation = d.collClause === undefined ? undefined : strings(d.collClause.collname, 'COLLATE');
      return {
        kind: 'alterColumnType', column, type,
        ...(using === undefined ? {} : { using }),
        ...(collation === undefined ? {} : { collation }),
      };
    }
    case 'AT_DropExpression':
      return { kind: 'dropExpression', column, ifExists: a.missing_ok === true };
    case 'AT_AddConstraint':
      return { kind: 'addConstraint', constraint: tableConstraint(c, a.def as Node) };
    case 'AT_DropConstraint':
      return { kind: 'dropConstraint', name: column, ifExists: a.missing_ok === true, cascade };
    case 'AT_ValidateConstraint':
      return { kind: 'validateConstraint', name: column };
    default:
      throw unsupported(`ALTER TABLE ${String(sub).replace(/^AT_/, '')}`);
  }
}

export function alterTable(c: ExprConverter, s: pg.AlterTableStmt): ast.AlterTableStmt {
  const view = s.objtype === 'OBJECT_VIEW';
  if ((s.objtype ?? 'OBJECT_TABLE') !== 'OBJECT_TABLE' && !view) throw unsupported(`ALTER ${objectTypeWords(s.objtype)}`);
  const commands = list(s.cmds).map((n) => alterTableCmd(c, n));
  if (view && commands.some((cmd) => cmd.kind !== 'setDefault' && cmd.kind !== 'dropDefault')) {
    throw unsupported('ALTER VIEW other than ALTER COLUMN SET/DROP DEFAULT and RENAME');
  }
  return {
    kind: 'AlterTable',
    table: rangeVar(c, s.relation, 'ALTER TABLE'),
    ...(view ? { view: true } : {}),
    ifExists: s.missing_ok === true,
    commands,
    location: c.ctx.loc(s.relation?.location),
  };
}

export function renameStmt(c: ExprConverter, s: pg.RenameStmt, location: number): ast.AlterTableStmt | ast.RenameStmt {
  const t = s.renameType;
  const newName = s.newname ?? '';
  const ifExists = s.missing_ok === true;
  const tableCmd = (cmd: ast.AlterTableCmd): ast.AlterTableStmt => ({
    kind: 'AlterTable',
    table: rangeVar(c, s.relation, 'ALTER TABLE'),
    ifExists,
    commands: [cmd],
    location: c.ctx.loc(s.relation?.location),
  });
  switch (t) {
    case 'OBJECT_TABLE':
      return tableCmd({ kind: 'renameTable', to: newName });
    case 'OBJECT_COLUMN':
      if (s.relationType !== 'OBJECT_TABLE') throw unsupported(`ALTER ${objectTypeWords(s.relationType)} RENAME COLUMN`);
      return tableCmd({ kind: 'renameColumn', from: s.subname ?? '', to: newName });
    case 'OBJECT_TABCONSTRAINT':
      return tableCmd({ kind: 'renameConstraint', from: s.subname ?? '', to: newName });
    case 'OBJECT_INDEX':
    case 'OBJECT_SEQUENCE':
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW': {
      const rv = rangeVar(c, s.relation, 'RENAME');
      const name = rv.schema === undefined ? [rv.name] : [rv.schema, rv.name];
      return { kind: 'Rename', objectKind: objectKind(t) as ast.ObjectKind, name, newName, ifExists, location };
    }
    case 'OBJECT_SCHEMA':
      return { kind: 'Rename', objectKind: 'schema', name: [s.subname ?? ''], newName, ifExists, location };
    case 'OBJECT_TYPE': {
      const l = bodyOf(s.object, 'List');
      const name = l !== undefined ? strings(l.items, 'ALTER TYPE') : [stringOf(s.object, 'ALTER TYPE')];
      return { kind: 'Rename', objectKind: 'type', name, newName, ifExists, location };
    }
    default:
      throw unsupported(`ALTER ${objectTypeWords(t)} RENAME`);
  }
}

export function alterObjectSchema(c: ExprConverter, s: pg.AlterObjectSchemaStmt): ast.AlterTableStmt {
  if (s.objectType !== 'OBJECT_TABLE') throw unsupported(`ALTER ${objectTypeWords(s.objectType)} SET SCHEMA`);
  return {
    kind: 'AlterTable',
    table: rangeVar(c, s.relation, 'ALTER TABLE'),
    ifExists: s.missing_ok === true,
    commands: [{ kind: 'setSchema', schema: s.newschema ?? '' }],
    location: c.ctx.loc(s.relation?.location),
  };
}

export function createSchema(s: pg.CreateSchemaStmt, location: number): ast.CreateSchemaStmt {
  if (list(s.schemaElts).length > 0) throw unsupported('CREATE SCHEMA with schema elements');
  const role = s.authrole;
  if (role !== undefined && (role.roletype ?? 'ROLESPEC_CSTRING') !== 'ROLESPEC_CSTRING') {
    throw unsupported(`CREATE SCHEMA AUTHORIZATION ${String(role.roletype).replace(/^ROLESPEC_/, '')}`);
  }
  const authorization = role?.rolename;
  const name = s.schemaname !== undefined && s.schemaname !== '' ? s.schemaname : (authorization ?? '');
  const out: ast.CreateSchemaStmt = { kind: 'CreateSchema', name, ifNotExists: s.if_not_exists === true, location };
  return authorization === undefined ? out : { ...out, authorization };
}

/** Numeric option argument as text (Integer / Float / a negative number). */
function numberText(arg: Node | undefined, what: string): string {
  const i = bodyOf(arg, 'Integer');
  if (i !== undefined) return String(i.ival ?? 0);
  const f = bodyOf(arg, 'Float');
  if (f !== undefined) return f.fval ?? '0';
  throw unsupported(`non-numeric ${what}`);
}

export function sequenceOptions(c: ExprConverter, nodes: readonly Node[] | undefined, where: string): ast.SequenceOptions {
  const o: {
    -readonly [K in keyof ast.SequenceOptions]: ast.SequenceOptions[K];
  } = {};
  const seen = new Set<string>();
  for (const n of list(nodes)) {
    const d = bodyOf(n, 'DefElem');
    if (d === undefined) throw internal(`${tagOf(n)} in ${where} options`);
    const name = d.defname ?? '';
    if (seen.has(name)) throw conflictingOptions(c.ctx.position(d.location));
    seen.add(name);
    switch (name) {
      case 'as':
        o.as = c.typeName(bodyOf(d.arg, 'TypeName'), 'AS');
        break;
      case 'increment':
        o.increment = numberText(d.arg, 'INCREMENT');
        break;
      case 'minvalue':
        o.minValue = d.arg === undefined ? null : numberText(d.arg, 'MINVALUE');
        break;
      case 'maxvalue':
        o.maxValue = d.arg === undefined ? null : numberText(d.arg, 'MAXVALUE');
        break;
      case 'start':
        o.start = numberText(d.arg, 'START');
        break;
      case 'cache':
        o.cache = numberText(d.arg, 'CACHE');
        break;
      case 'cycle':
        o.cycle = bodyOf(d.arg, 'Boolean')?.boolval === true;
        break;
      case 'restart':
        o.restart = d.arg === undefined ? '' : numberText(d.arg, 'RESTART');
        break;
      case 'owned_by': {
        const parts = strings(bodyOf(d.arg, 'List')?.items, 'OWNED BY');
        o.ownedBy = parts.length === 1 && parts[0] === 'none' ? 'none' : parts;
        break;
      }
      case 'sequence_name':
        throw unsupported('SEQUENCE NAME');
      default:
        throw unsupported(`sequence option ${name.toUpperCase()}`);
    }
  }
  return o;
}

/** PostgreSQL's errorConflictingDefElem. */
export function conflictingOptions(position: number | undefined): SqlError {
  return new SqlError(SqlState.syntaxError, 'conflicting or redundant options', position === undefined ? {} : { position });
}

export function createSequence(c: ExprConverter, s: pg.CreateSeqStmt): ast.CreateSequenceStmt {
  if (s.sequence?.relpersistence === 't') throw unsupported('temporary sequences');
  if (s.sequence?.relpersistence === 'u') throw unsupported('unlogged sequences');
  return {
    kind: 'CreateSequence',
    sequence: rangeVar(c, s.sequence, 'CREATE SEQUENCE'),
    ifNotExists: s.if_not_exists === true,
    options: sequenceOptions(c, s.options, 'CREATE SEQUENCE'),
    location: c.ctx.loc(s.sequence?.location),
  };
}

export function alterSequence(c: ExprConverter, s: pg.AlterSeqStmt): ast.AlterSequenceStmt {
  if (s.for_identity === true) throw unsupported('ALTER SEQUENCE of an identity column');
  return {
    kind: 'AlterSequence',
    sequence: rangeVar(c, s.sequence, 'ALTER SEQUENCE'),
    ifExists: s.missing_ok === true,
    options: sequenceOptions(c, s.options, 'ALTER SEQUENCE'),
    location: c.ctx.loc(s.sequence?.location),
  };
}

export function truncate(c: ExprConverter, s: pg.TruncateStmt, location: number): ast.TruncateStmt {
  return {
    kind: 'Truncate',
    tables: list(s.relations).map((n) => rangeVar(c, bodyOf(n, 'RangeVar'), 'TRUNCATE')),
    restartIdentity: s.restart_seqs === true,
    cascade: s.behavior === 'DROP_CASCADE',
    location,
  };
}

export function comment(c: ExprConverter, s: pg.CommentStmt, location: number): ast.CommentStmt {
  const t = s.objtype;
  const kinds: Record<string, ast.CommentStmt['objectKind']> = {
    OBJECT_TABLE: 'table',
    OBJECT_COLUMN: 'column',
    OBJECT_INDEX: 'index',
    OBJECT_SEQUENCE: 'sequence',
    OBJECT_VIEW: 'view',
    OBJECT_SCHEMA: 'schema',
    OBJECT_DATABASE: 'database',
    OBJECT_TYPE: 'type',
    OBJECT_TABCONSTRAINT: 'constraint',
  };
  const objectKindName = t === undefined ? undefined : kinds[t];
  if (objectKindName === undefined) throw unsupported(`COMMENT ON ${objectTypeWords(t)}`);
  const l = bodyOf(s.object, 'List');
  const tn = bodyOf(s.object, 'TypeName');
  const name: string[] =
    l !== undefined ? strings(l.items, 'COMMENT')
    : tn !== undefined ? c.typeName(tn, 'COMMENT').names.slice()
    : [stringOf(s.object, 'COMMENT')];
  const text = s.comment === undefined || s.comment === '' ? null : s.comment;
  if (objectKindName === 'constraint') {
    if (name.length < 2) throw internal('COMMENT ON CONSTRAINT without a table');
    return {
      kind: 'Comment',
      objectKind: 'constraint',
      name: name.slice(-1),
      onTable: name.slice(0, -1),
      comment: text,
      location,
    };
  }
  return { kind: 'Comment', objectKind: objectKindName, name, comment: text, location };
}

export function createEnum(s: pg.CreateEnumStmt, location: number): ast.CreateEnumStmt {
  return { kind: 'CreateEnum', name: strings(s.typeName, 'CREATE TYPE'), labels: strings(s.vals, 'enum labels'), location };
}

export function alterEnum(s: pg.AlterEnumStmt, location: number): ast.AlterEnumStmt {
  const name = strings(s.typeName, 'ALTER TYPE');
  if (s.oldVal !== undefined) {
    return { kind: 'AlterEnum', name, action: { kind: 'renameValue', from: s.oldVal, to: s.newVal ?? '' }, location };
  }
  const label = s.newVal ?? '';
  const ifNotExists = s.skipIfNewValExists === true;
  const neighbor = s.newValNeighbor;
  const action: ast.AlterEnumStmt['action'] =
    neighbor === undefined
      ? { kind: 'addValue', label, ifNotExists }
      : { kind: 'addValue', label, ifNotExists, position: { where: s.newValIsAfter === true ? 'after' : 'before', neighbor } };
  return { kind: 'AlterEnum', name, action, location };
}
