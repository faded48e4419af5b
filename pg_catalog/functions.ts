/**
 * Introspection functions that read the catalog (pg_table_is_visible, pg_get_indexdef,
 * obj_description, ...) and reg* literal input ('t'::regclass). They run against the
 * statement's catalog snapshot: the binder binds a call to a `catalogFn` expression and the
 * executor passes the ExecContext's catalog and session (sql/exec/expr.ts).
 */
import { enumProcNames } from './enum-rows.js';
import { resolveCatalogTypeName } from '../sql/bind/type-names.js';
import type { CatalogState } from '../catalog/state.js';
import type { Kv } from '../cluster/kv/api.js';
import { indexPrefix, prefixEnd, tablePrefix } from '../sql/encoding/key.js';
import { BootstrapOid, type ConstraintDescriptor, type TableDescriptor } from '../catalog/descriptors.js';
import { assertNever } from '../util/assert.js';
import { splitIdentifiers } from '../catalog/names.js';
import { SqlError, SqlState } from '../util/errors.js';
import { allTypes, findTypeInfo, formatType, Oid, PgArray, resolveTypeName, sqlType, type Datum, type SqlType } from '../sql/types/index.js';
import { constraintColumns, type VirtualSession } from './common.js';
import { indexDefinition, quoteIdent } from './rows.js';
import { lookupVirtualTable, virtualTableByOid } from './virtual.js';
import { procRows } from './pg-proc-data.js';
import { ioProcs } from './pg-data.js';
import { databaseByName, databaseByOid } from './databases.js';
import { viewDefinition } from './viewdef.js';
import { sessionFunctions } from './session-functions.js';
import { checkConstraintText, checkExprText, defaultExprText, generatedExprText, isNullDefault } from './typed-expr.js';
import { indexColumnDef, indexDefinitionText, prettyIndexExpr } from './index-def.js';

export interface CatalogFnContext {
  readonly catalog: CatalogState;
  readonly session: VirtualSession;
  readonly searchPath: readonly string[];
  /** The statement's cancel signal (pg_sleep ends early when it fires). */
  readonly signal?: AbortSignal;
}

interface CatalogFunctionBase {
  readonly name: string;
  readonly argTypes: readonly SqlType[];
  readonly resultType: SqlType;
  /** Strict: NULL when any argument is NULL (the evaluator checks). */
  readonly strict: boolean;
}

/** `sync` functions read the catalog snapshot only; `async` ones also read storage (sizes). */
export type CatalogFunction =
  | (CatalogFunctionBase & { readonly kind: 'sync'; eval(args: readonly Datum[], ctx: CatalogFnContext): Datum })
  | (CatalogFunctionBase & { readonly kind: 'async'; evalAsync(args: readonly Datum[], ctx: CatalogFnContext, kv: Kv): Promise<Datum> });

const t = (oid: number): SqlType => sqlType(oid);
const OID = t(Oid.oid);
const TEXT = t(Oid.text);
const INT4 = t(Oid.int4);
const BOOL = t(Oid.bool);
const NAME = t(Oid.name);

function defs(): CatalogFunction[] {
  type SyncEval = (args: readonly Datum[], ctx: CatalogFnContext) => Datum;
  type AsyncEval = (args: readonly Datum[], ctx: CatalogFnContext, kv: Kv) => Promise<Datum>;
  const fn = (name: string, args: readonly SqlType[], result: SqlType, f: SyncEval, strict = true): CatalogFunction => ({
    kind: 'sync',
    name,
    argTypes: args,
    resultType: result,
    strict,
    eval: f,
  });
  const afn = (name: string, args: readonly SqlType[], result: SqlType, f: AsyncEval): CatalogFunction => ({
    kind: 'async',
    name,
    argTypes: args,
    resultType: result,
    strict: true,
    evalAsync: f,
  });
  const REGCLASS = t(Oid.regclass);
  const INT8 = t(Oid.int8);
  const oidArg = (d: Datum): number => Number(d);
  return [
    fn('pg_table_is_visible', [OID], BOOL, (a, c) => relationVisible(c, oidArg(a[0]!))),
    fn('pg_type_is_visible', [OID], BOOL, (a, c) => enumTypeVisible(c, oidArg(a[0]!)) ?? findTypeInfo(oidArg(a[0]!)) !== undefined),
    fn('format_type', [OID, INT4], TEXT, (a, c) => (a[0] === null ? null : enumTypeName(c, oidArg(a[0])) ?? formatTypeOrUnknown(oidArg(a[0]), a[1] === null ? -1 : Number(a[1]))), false),
    fn('pg_get_expr', [TEXT, OID], TEXT, (a) => a[0]),
    fn('pg_get_expr', [TEXT, OID, BOOL], TEXT, (a, c) => (a[2] === true ? prettyExpr(c.catalog, String(a[0]), oidArg(a[1]!)) : a[0])),
    fn('pg_get_indexdef', [OID], TEXT, (a, c) => indexDef(c, oidArg(a[0]!), 0, false)),
    fn('pg_get_indexdef', [OID, INT4, BOOL], TEXT, (a, c) => indexDef(c, oidArg(a[0]!), Number(a[1]), a[2] === true)),
    fn('pg_get_constraintdef', [OID], TEXT, (a, c) => constraintDef(c, oidArg(a[0]!), false)),
    fn('pg_get_constraintdef', [OID, BOOL], TEXT, (a, c) => constraintDef(c, oidArg(a[0]!), a[1] === true)),
    // There are no triggers (pg_trigger is empty; foreign keys are enforced without them): no oid has a definition.
    fn('pg_get_triggerdef', [OID], TEXT, () => null),
    fn('pg_get_triggerdef', [OID, BOOL], TEXT, () => null),
    fn('pg_get_viewdef', [OID], TEXT, (a, c) => viewDef(c, oidArg(a[0]!), false)),
    fn('pg_get_viewdef', [OID, BOOL], TEXT, (a, c) => viewDef(c, oidArg(a[0]!), a[1] === true)),
    fn('pg_get_ruledef', [OID], TEXT, (a, c) => ruleDef(c, oidArg(a[0]!), false)),
    fn('pg_get_ruledef', [OID, BOOL], TEXT, (a, c) => ruleDef(c, oidArg(a[0]!), a[1] === true)),
    fn('pg_get_userbyid', [OID], NAME, (a, c) => c.catalog.role(oidArg(a[0]!))?.name ?? `unknown (OID=${oidArg(a[0]!)})`),
    fn('obj_description', [OID, NAME], TEXT, (a, c) => description(c.catalog, oidArg(a[0]!), String(a[1]), 0)),
    fn('obj_description', [OID], TEXT, (a, c) => description(c.catalog, oidArg(a[0]!), undefined, 0)),
    fn('col_description', [OID, INT4], TEXT, (a, c) => description(c.catalog, oidArg(a[0]!), 'pg_class', Number(a[1]))),
    fn('shobj_description', [OID, NAME], TEXT, (a, c) => (String(a[1]) === 'pg_database' ? (databaseByOid(c.catalog, oidArg(a[0]!))?.comment ?? null) : null)),
    fn('pg_encoding_to_char', [INT4], NAME, (a) => (Number(a[0]) === 6 ? 'UTF8' : Number(a[0]) === 0 ? 'SQL_ASCII' : '')),
    fn('current_schemas', [BOOL], t(Oid._name), (a, c) => {
      const names = c.catalog.effectiveSearchPath(c.searchPath, c.session.user).map((o) => c.catalog.schema(o)?.name ?? '');
      return new PgArray(Oid.name, a[0] === true ? names : names.filter((n) => n !== 'pg_catalog'));
    }),
    fn('pg_get_serial_sequence', [TEXT, TEXT], TEXT, (a, c) => serialSequence(c, String(a[0]), String(a[1]))),
    fn('pg_backend_pid', [], INT4, (_a, c) => {
      if (c.session.backendPid === undefined) throw new SqlError(SqlState.featureNotSupported, 'pg_backend_pid() is not available in this context');
      return c.session.backendPid;
    }),
    fn('pg_collation_is_visible', [OID], BOOL, (a) => [100, 950, 951].includes(oidArg(a[0]!))),
    fn('pg_function_is_visible', [OID], BOOL, (a) => procByOid().has(oidArg(a[0]!))),
    fn('pg_get_function_result', [OID], TEXT, (a) => {
      const p = procByOid().get(oidArg(a[0]!));
      return p === undefined ? null : formatTypeOrUnknown(p[3], -1);
    }),
    fn('pg_get_function_arguments', [OID], TEXT, (a) => procArguments(oidArg(a[0]!))),
    fn('pg_get_function_identity_arguments', [OID], TEXT, (a) => procArguments(oidArg(a[0]!))),
    afn('pg_relation_size', [REGCLASS], INT8, (a, c, kv) => relationSize(c.catalog, kv, oidArg(a[0]!), 'main')),
    afn('pg_relation_size', [REGCLASS, TEXT], INT8, (a, c, kv) => relationSize(c.catalog, kv, oidArg(a[0]!), String(a[1]) === 'main' ? 'main' : 'none')),
    afn('pg_table_size', [REGCLASS], INT8, (a, c, kv) => relationSize(c.catalog, kv, oidArg(a[0]!), 'main')),
    afn('pg_indexes_size', [REGCLASS], INT8, (a, c, kv) => relationSize(c.catalog, kv, oidArg(a[0]!), 'indexes')),
    afn('pg_total_relation_size', [REGCLASS], INT8, (a, c, kv) => relationSize(c.catalog, kv, oidArg(a[0]!), 'total')),
    afn('pg_database_size', [NAME], INT8, (a, c, kv) => databaseSize(c.catalog, kv, databaseByName(c.catalog, String(a[0]))?.oid, String(a[0]))),
    afn('pg_database_size', [OID], INT8, (a, c, kv) => databaseSize(c.catalog, kv, oidArg(a[0]!), undefined)),
    fn('pg_size_pretty', [INT8], TEXT, (a) => sizePretty(BigInt(a[0] as bigint))),
    // PostgreSQL's is_publishable_class: user tables are; system catalogs, views, sequences, indexes are not.
    fn('pg_relation_is_publishable', [REGCLASS], BOOL, (a, c) => {
      const oid = oidArg(a[0]!);
      if (virtualTableByOid(oid) !== undefined) return false;
      const rel = c.catalog.relationByOid(oid);
      return rel === undefined ? null : rel.kind === 'table';
    }),
    // nodedb has no extended statistics objects: NULL, as PostgreSQL answers for an unknown oid.
    fn('pg_get_statisticsobjdef_columns', [OID], TEXT, () => null),
    // to_regclass('t') ...: the object's oid, NULL when nothing has that name (a numeric string is a name here).
    ...([Oid.regclass, Oid.regtype, Oid.regnamespace, Oid.regrole] as const).map((type) =>
      fn(`to_${formatType({ oid: type, typmod: -1 })}`, [TEXT], t(type), (a, c) => toRegObject(c, type, String(a[0]))),
    ),
    ...sessionFunctions(),
  ];
}

let table: ReadonlyMap<string, readonly CatalogFunction[]> | undefined;

function functions(): ReadonlyMap<string, readonly CatalogFunction[]> {
  if (table === undefined) {
    const m = new Map<string, CatalogFunction[]>();
    for (const f of defs()) {
      const l = m.get(f.name) ?? [];
      l.push(f);
      m.set(f.name, l);
    }
    table = m;
  }
  return table;
}

/** True when `name` is one of these functions (checked before the built-in function set). */
export function isCatalogFunctionName(name: string): boolean {
  return functions().has(name);
}

/** The overload taking `argCount` arguments, or undefined (the binder then reports 42883 as usual). */
export function catalogFunctionByArity(name: string, argCount: number): CatalogFunction | undefined {
  return functions().get(name)?.find((f) => f.argTypes.length === argCount);
}

/**
 * The overload for these argument types: among those of the right arity, the one whose
 * parameter types fit best (has_table_privilege('t', ...) takes text, (c.oid, ...) takes oid).
 */
export function catalogFunctionFor(name: string, argTypes: readonly SqlType[]): CatalogFunction | undefined {
  const candidates = functions().get(name)?.filter((f) => f.argTypes.length === argTypes.length) ?? [];
  let best: CatalogFunction | undefined;
  let bestScore = -1;
  for (const f of candidates) {
    let score = 0;
    for (let i = 0; i < argTypes.length; i++) score += argFit(argTypes[i]!.oid, f.argTypes[i]!.oid);
    if (score > bestScore) {
      best = f;
      bestScore = score;
    }
  }
  return best;
}

const textLikeOids: ReadonlySet<number> = new Set([Oid.text, Oid.name, Oid.varchar, Oid.bpchar]);
const oidLikeOids: ReadonlySet<number> = new Set([Oid.oid, Oid.int2, Oid.int4, Oid.int8, Oid.regclass, Oid.regtype, Oid.regproc, Oid.regnamespace, Oid.regrole]);

function argFit(arg: number, param: number): number {
  if (arg === param) return 3;
  if (textLikeOids.has(param) && (arg === Oid.unknown || textLikeOids.has(arg))) return 2;
  if (oidLikeOids.has(param) && oidLikeOids.has(arg)) return 2;
  return 0;
}

/**
 * pg_get_expr(text, rel, true): adbin / conbin hold the non-pretty text (what pg_get_expr(x, rel)
 * prints); the pretty form is printed again from the default or CHECK that has that text.
 */
function prettyExpr(cat: CatalogState, text: string, relOid: number): string {
  const t = cat.table(relOid);
  if (t === undefined) return text;
  for (const col of t.columns) {
    if (col.dropped || col.default === undefined || isNullDefault(col)) continue;
    if (defaultExprText(cat, t, col, false) === text) return defaultExprText(cat, t, col, true);
  }
  for (const col of t.columns) {
    if (!col.dropped && col.generated !== undefined && generatedExprText(cat, t, col, false) === text) return generatedExprText(cat, t, col, true);
  }
  for (const con of t.constraints) {
    if (con.kind === 'check' && checkExprText(cat, t, con, false) === text) return checkExprText(cat, t, con, true);
  }
  return prettyIndexExpr(cat, t, text) ?? text;
}

// ─── helpers ───────────────────────────────────────────────────────────────────────────────

let procs: ReadonlyMap<number, (typeof procRows)[number]> | undefined;

function procByOid(): ReadonlyMap<number, (typeof procRows)[number]> {
  procs ??= new Map(procRows.map((r) => [r[0], r]));
  return procs;
}

function procArguments(oid: number): string | null {
  const p = procByOid().get(oid);
  return p === undefined ? null : p[2].map((t) => formatTypeOrUnknown(t, -1)).join(', ');
}

function formatTypeOrUnknown(oid: number, typmod: number): string {
  if (findTypeInfo(oid) === undefined) return '???';
  return formatType({ oid, typmod });
}

function relationSchemaOid(cat: CatalogState, oid: number): number | undefined {
  const v = virtualTableByOid(oid);
  if (v !== undefined) return v.def.schema === 'pg_catalog' ? BootstrapOid.pgCatalog : BootstrapOid.informationSchema;
  const rel = cat.relationByOid(oid);
  return rel === undefined ? undefined : cat.relationSchemaOid(rel);
}

function relationName(cat: CatalogState, oid: number): string | undefined {
  const v = virtualTableByOid(oid);
  if (v !== undefined) return v.def.name;
  return cat.relationByOid(oid)?.name;
}

/** PostgreSQL's RelationIsVisible: the first relation of that name along the search path is this one. */
/** For an enum type or its array type: whether its name finds it on the search path; else undefined. */
function enumTypeVisible(c: CatalogFnContext, oid: number): boolean | undefined {
  const e = c.catalog.enumType(oid) ?? c.catalog.enumTypes().find((t) => t.arrayOid === oid);
  if (e === undefined) return undefined;
  const name = e.oid === oid ? e.name : `_${e.name}`;
  for (const s of c.catalog.effectiveSearchPath(c.searchPath, c.session.user)) {
    const found = c.catalog.typeOidByName(s, name);
    if (found !== undefined) return found === oid;
  }
  return false;
}

/** format_type of an enum type or its array type: schema-qualified when not visible, as PostgreSQL. */
function enumTypeName(c: CatalogFnContext, oid: number): string | undefined {
  const e = c.catalog.enumType(oid) ?? c.catalog.enumTypes().find((t) => t.arrayOid === oid);
  if (e === undefined) return undefined;
  const base = enumTypeVisible(c, e.oid) === true ? quoteIdent(e.name) : `${quoteIdent(c.catalog.schema(e.schemaOid)?.name ?? '')}.${quoteIdent(e.name)}`;
  return e.oid === oid ? base : `${base}[]`;
}

function relationVisible(c: CatalogFnContext, oid: number): boolean | null {
  const schemaOid = relationSchemaOid(c.catalog, oid);
  const name = relationName(c.catalog, oid);
  if (schemaOid === undefined || name === undefined) return null;
  const path = c.catalog.effectiveSearchPath(c.searchPath, c.session.user);
  if (!path.includes(schemaOid)) return false;
  for (const s of path) {
    if (s === schemaOid) return true;
    if (c.catalog.classEntry(s, name) !== undefined) return false;
  }
  return false;
}

function viewDef(c: CatalogFnContext, oid: number, pretty: boolean): string | null {
  const v = c.catalog.view(oid);
  return v === undefined ? null : viewDefinition(c.catalog, v, c.searchPath, pretty);
}

/** A view's _RETURN rule (pg_rewrite oid = the view's oid) as CREATE RULE text; NULL for other oids. */
function ruleDef(c: CatalogFnContext, oid: number, pretty: boolean): string | null {
  const v = c.catalog.view(oid);
  if (v === undefined) return null;
  const qualified = `${quoteIdent(c.catalog.schema(v.schemaOid)?.name ?? '')}.${quoteIdent(v.name)}`;
  const name = pretty ? (regObjectName(c, Oid.regclass, v.oid) ?? qualified) : qualified;
  return `CREATE RULE "_RETURN" AS\n    ON SELECT TO ${name} DO INSTEAD ${viewDefinition(c.catalog, v, c.searchPath, pretty)}`;
}

function indexDef(c: CatalogFnContext, oid: number, column: number, pretty: boolean): string | null {
  const found = c.catalog.index(oid);
  if (found === undefined) return null;
  if (column > 0) {
    const ic = found.index.columns[column - 1];
    if (ic === undefined) return '';
    return indexColumnDef(c.catalog, found.table, ic, pretty);
  }
  if (!pretty) return indexDefinition(c.catalog, found.table, found.index);
  const name = regObjectName(c, Oid.regclass, found.table.oid) ?? quoteIdent(found.table.name);
  return indexDefinitionText(c.catalog, found.table, found.index, name, true);
}

function columnList(t: TableDescriptor, attnums: readonly number[]): string {
  return attnums.map((a) => quoteIdent(t.columns.find((x) => x.attnum === a)?.name ?? `#${a}`)).join(', ');
}

function constraintText(c0: CatalogFnContext, t: TableDescriptor, c: ConstraintDescriptor, pretty: boolean): string {
  const cat = c0.catalog;
  switch (c.kind) {
    case 'primaryKey':
      return `PRIMARY KEY (${columnList(t, constraintColumns(t, c))})`;
    case 'unique':
      return `UNIQUE (${columnList(t, constraintColumns(t, c))})`;
    case 'check':
      return `${checkConstraintText(cat, t, c, pretty)}${c.noInherit ? ' NO INHERIT' : ''}`;
    case 'foreignKey': {
      const ref = cat.table(c.refTableOid);
      // generate_relation_name: qualified when the search path would not find it.
      const refName =
        ref === undefined
          ? String(c.refTableOid)
          : relationVisible(c0, ref.oid) === true
            ? quoteIdent(ref.name)
            : `${quoteIdent(cat.schema(ref.schemaOid)?.name ?? '')}.${quoteIdent(ref.name)}`;
      const actions = (what: string, a: string): string => (a === 'no action' ? '' : ` ON ${what} ${a.toUpperCase()}`);
      const match = c.match === 'full' ? ' MATCH FULL' : '';
      const deferral = `${c.deferrable === true ? ' DEFERRABLE' : ''}${c.initiallyDeferred === true ? ' INITIALLY DEFERRED' : ''}`;
      const setCols = `${c.deleteSetAttnums === undefined ? '' : ` (${columnList(t, c.deleteSetAttnums)})`}${deferral}${c.notValid === true ? ' NOT VALID' : ''}`;
      return `FOREIGN KEY (${columnList(t, c.attnums)}) REFERENCES ${refName}(${ref === undefined ? '' : columnList(ref, c.refAttnums)})${match}${actions('UPDATE', c.onUpdate)}${actions('DELETE', c.onDelete)}${setCols}`;
    }
    default:
      return assertNever(c, 'constraint');
  }
}

function constraintDef(c: CatalogFnContext, oid: number, pretty: boolean): string | null {
  for (const tbl of c.catalog.tables()) {
    const con = tbl.constraints.find((x) => x.oid === oid);
    if (con !== undefined) return constraintText(c, tbl, con, pretty);
  }
  return null;
}

function description(cat: CatalogState, oid: number, catalogName: string | undefined, subid: number): string | null {
  const rel = catalogName === undefined || catalogName === 'pg_class' ? cat.relationByOid(oid) : undefined;
  if (rel !== undefined) {
    const d = rel;
    if (subid === 0) return d.comment ?? null;
    if (d.kind !== 'table') return null;
    return d.columns.find((x) => x.attnum === subid)?.comment ?? null;
  }
  if (subid !== 0) return null;
  if (catalogName === undefined || catalogName === 'pg_namespace') {
    const s = cat.schema(oid);
    if (s !== undefined) return s.comment ?? null;
  }
  if (catalogName === undefined || catalogName === 'pg_type') {
    const e = cat.enumType(oid);
    if (e !== undefined) return e.comment ?? null;
  }
  if (catalogName === undefined || catalogName === 'pg_constraint') {
    for (const tbl of cat.tables()) {
      const con = tbl.constraints.find((x) => x.oid === oid);
      if (con !== undefined) return con.comment ?? null;
    }
  }
  return null;
}

function serialSequence(c: CatalogFnContext, tableName: string, column: string): string | null {
  const names = splitIdentifiers(tableName);
  const tbl = c.catalog.resolveTable(c.searchPath, names, c.session.user);
  const col = tbl.columns.find((x) => !x.dropped && x.name === column);
  if (col === undefined) throw new SqlError(SqlState.undefinedColumn, `column "${column}" of relation "${tbl.name}" does not exist`);
  for (const s of c.catalog.sequences()) {
    if (s.ownedBy?.tableOid === tbl.oid && s.ownedBy.attnum === col.attnum) {
      return `${quoteIdent(c.catalog.schema(s.schemaOid)?.name ?? '')}.${quoteIdent(s.name)}`;
    }
  }
  return null;
}

/** Input of a reg* literal ('t'::regclass, 'int4'::regtype ...) against the catalog: the oid. */
export function regLiteralOid(cat: CatalogState, searchPath: readonly string[], user: string | undefined, typeOid: number, text: string): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  switch (typeOid) {
    case Oid.regclass: {
      const names = splitIdentifiers(trimmed);
      if (names.length > 2) throw new SqlError(SqlState.featureNotSupported, `cross-database references are not implemented: "${trimmed}"`);
      const rel = names.length === 2 ? names[1]! : names[0]!;
      const v = lookupVirtualTable(cat, searchPath, names.length === 2 ? names[0] : undefined, rel, user);
      if (v !== undefined) return v.def.oid;
      const e = cat.lookupClass(searchPath, names, user);
      if (e === undefined) throw new SqlError(SqlState.undefinedTable, `relation "${trimmed}" does not exist`);
      return e.oid;
    }
    case Oid.regtype: {
      const byName = allTypes().find((x) => x.name === trimmed);
      if (byName !== undefined) return byName.oid;
      const r = resolveCatalogTypeName(cat, searchPath, user, splitIdentifiers(trimmed.replace(/\[\]$/, '')), [], trimmed.endsWith('[]') ? 1 : 0);
      if (r.kind !== 'type') throw new SqlError(SqlState.undefinedObject, `type "${trimmed}" does not exist`);
      return r.type.oid;
    }
    case Oid.regnamespace: {
      const [n] = splitIdentifiers(trimmed);
      const oid = cat.schemaOidByName(n ?? '');
      if (oid === undefined) throw new SqlError(SqlState.undefinedSchema, `schema "${trimmed}" does not exist`);
      return oid;
    }
    case Oid.regrole: {
      const [n] = splitIdentifiers(trimmed);
      const r = cat.roleByNameOrUndefined(n ?? '');
      if (r === undefined) throw new SqlError(SqlState.undefinedObject, `role "${trimmed}" does not exist`);
      return r.oid;
    }
    default:
      throw new SqlError(SqlState.featureNotSupported, `input of type ${formatType({ oid: typeOid, typmod: -1 })} by name is not supported`);
  }
}

const notFoundStates: ReadonlySet<string> = new Set([SqlState.undefinedTable, SqlState.undefinedObject, SqlState.undefinedSchema]);

/** PostgreSQL's to_regclass / to_regtype / to_regnamespace / to_regrole: like the reg* input, NULL when not found. */
function toRegObject(c: CatalogFnContext, typeOid: number, text: string): Datum {
  if (/^\s*\d+\s*$/.test(text)) return null;
  try {
    return regLiteralOid(c.catalog, c.searchPath, c.session.user, typeOid, text);
  } catch (e) {
    if (e instanceof SqlError && notFoundStates.has(e.code)) return null;
    throw e;
  }
}

/** Types whose literal input needs the catalog (folded at bind time by the binder). */
export const catalogInputTypes: ReadonlySet<number> = new Set([Oid.regclass, Oid.regtype, Oid.regnamespace, Oid.regrole]);

const regInputs = new Map<number, CatalogFunction>();

/**
 * The input function of a reg* type for a value known only at run time (`relname::regclass` over
 * a column): resolves the text against the statement's catalog and search_path, with the errors
 * of a literal ('42P01 relation "x" does not exist').
 */
export function regInputFunction(typeOid: number): CatalogFunction {
  let f = regInputs.get(typeOid);
  if (f === undefined) {
    f = { kind: 'sync', name: `${formatTypeOrUnknown(typeOid, -1)}in`, argTypes: [TEXT], resultType: t(typeOid), strict: true, eval: (a, c) => regLiteralOid(c.catalog, c.searchPath, c.session.user, typeOid, String(a[0])) };
    regInputs.set(typeOid, f);
  }
  return f;
}

/**
 * reg* output names (PostgreSQL's regclassout, regprocout, regnamespaceout, regroleout): the
 * relation name, schema-qualified when it is not visible on the search path; undefined when
 * the oid names nothing (PostgreSQL then prints the number).
 */
export function regObjectName(ctx: CatalogFnContext, typeOid: number, oid: number): string | undefined {
  const cat = ctx.catalog;
  switch (typeOid) {
    case Oid.regclass: {
      const name = relationName(cat, oid);
      const schemaOid = relationSchemaOid(cat, oid);
      if (name === undefined || schemaOid === undefined) return undefined;
      if (relationVisible(ctx, oid) === true) return quoteIdent(name);
      const schema = schemaOid === BootstrapOid.informationSchema ? 'information_schema' : (cat.schema(schemaOid)?.name ?? 'pg_catalog');
      return `${quoteIdent(schema)}.${quoteIdent(name)}`;
    }
    case Oid.regproc:
      return procByOid().get(oid)?.[1] ?? ioProcNames().get(oid) ?? enumProcNames.get(oid);
    case Oid.regtype:
      return enumTypeName(ctx, oid);
    case Oid.regnamespace: {
      const s = cat.schema(oid);
      return s === undefined ? undefined : quoteIdent(s.name);
    }
    case Oid.regrole: {
      const r = cat.role(oid);
      return r === undefined ? undefined : quoteIdent(r.name);
    }
    default:
      return undefined;
  }
}

let ioNames: ReadonlyMap<number, string> | undefined;

function ioProcNames(): ReadonlyMap<number, string> {
  ioNames ??= new Map(ioProcs.map(([oid, name]) => [oid, name]));
  return ioNames;
}

/**
 * Bytes stored for a relation, from storage (kv.approximateSize over its key spans):
 * main = the table's primary index (its rows) or the index itself, indexes = its secondary
 * indexes, total = everything under the table's prefix. Sequences and virtual tables: 0.
 * NULL for an oid that names no relation, as PostgreSQL.
 */
async function relationSize(cat: CatalogState, kv: Kv, oid: number, what: 'main' | 'indexes' | 'total' | 'none'): Promise<Datum> {
  const span = (prefix: Uint8Array): { start: Uint8Array; end: Uint8Array } => ({ start: prefix, end: prefixEnd(prefix) });
  if (virtualTableByOid(oid) !== undefined) return 0n;
  const rel = cat.relationByOid(oid);
  if (rel === undefined) return null;
  if (what === 'none') return 0n;
  switch (rel.kind) {
    case 'table': {
      if (what === 'total') return BigInt(await kv.approximateSize(span(tablePrefix(rel.oid))));
      if (what === 'main') return BigInt(await kv.approximateSize(span(indexPrefix(rel.oid, rel.primaryIndex.indexId))));
      let sum = 0;
      for (const i of rel.indexes) sum += await kv.approximateSize(span(indexPrefix(rel.oid, i.indexId)));
      return BigInt(sum);
    }
    case 'index':
      return what === 'indexes' ? 0n : BigInt(await kv.approximateSize(span(indexPrefix(rel.tableOid, rel.indexId))));
    case 'sequence':
    case 'view':
      return 0n;
    default:
      return assertNever(rel, 'relation');
  }
}

/**
 * pg_database_size: the storage of every table of the served database; the templates hold
 * nothing in nodedb (0). By name, an unknown database is 3D000; by oid, NULL (as PostgreSQL).
 */
async function databaseSize(cat: CatalogState, kv: Kv, oid: number | undefined, name: string | undefined): Promise<Datum> {
  if (oid === undefined) throw new SqlError('3D000', `database "${name ?? ''}" does not exist`);
  const db = databaseByOid(cat, oid);
  if (db === undefined) return null;
  if (db.oid !== cat.database().oid) return 0n;
  let sum = 0n;
  for (const t of cat.tables()) sum += BigInt(await kv.approximateSize({ start: tablePrefix(t.oid), end: prefixEnd(tablePrefix(t.oid)) }));
  return sum;
}

/** PostgreSQL 15's pg_size_pretty(bigint): bytes below 10 kB, then kB..PB with half-rounding. */
export function sizePretty(size: bigint): string {
  const units: readonly { name: string; limit: bigint; round: boolean; bits: number }[] = [
    { name: 'bytes', limit: 10n * 1024n, round: false, bits: 0 },
    { name: 'kB', limit: 20n * 1024n - 1n, round: true, bits: 10 },
    { name: 'MB', limit: 20n * 1024n - 1n, round: true, bits: 20 },
    { name: 'GB', limit: 20n * 1024n - 1n, round: true, bits: 30 },
    { name: 'TB', limit: 20n * 1024n - 1n, round: true, bits: 40 },
    { name: 'PB', limit: 20n * 1024n - 1n, round: true, bits: 50 },
  ];
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  let v = size;
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    const next = units[i + 1];
    if (next === undefined || abs(v) < u.limit) {
      if (u.round) v = (v + (v < 0n ? -1n : 1n)) / 2n;
      return `${v} ${u.name}`;
    }
    const bits = next.bits - u.bits - (next.round ? 1 : 0) + (u.round ? 1 : 0);
    v = v / (1n << BigInt(bits));
  }
  return `${v} PB`;
}

export { splitIdentifiers };
