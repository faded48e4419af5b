/**
 * Row generators of the virtual tables (declared in ./defs.ts): pure functions of a catalog
 * snapshot and the session. A row is a record keyed by column name; a column left out is NULL
 * (virtual.ts rejects names the declaration does not have). Built-in objects carry their
 * PostgreSQL 15 OIDs, user objects the catalog's stable OIDs.
 */
import type { CatalogState } from '../catalog/state.js';
import {
  BootstrapOid,
  primaryKeyIndex,
  type ColumnDescriptor,
  type ConstraintDescriptor,
  type IndexDescriptor,
  type SchemaDescriptor,
  type TableDescriptor,
} from '../catalog/descriptors.js';
import { assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import { allTypes, findTypeInfo, Oid, PgArray, type Datum, type SqlType } from '../sql/types/index.js';
import type { VirtualTableKey } from './defs.js';
import { virtualTables } from './virtual.js';
import { btreeOpclasses, defaultBtreeOpclasses, ioProcs } from './pg-data.js';
import { procRows } from './pg-proc-data.js';
import { informationSchemaGenerators } from './information-schema.js';
import { constraintColumns, type GenContext, type RowGenerator, type VirtualRow } from './common.js';
import { clusterDatabases } from './databases.js';
import { pgLocks } from './locks.js';
import { viewDefinition } from './viewdef.js';
import { pgCursors } from './cursors.js';
import { pgStats } from './stats-rows.js';
import { enumPgTypeRows, pgEnum } from './enum-rows.js';
import { checkExprText, defaultExprText, generatedExprText, isNullDefault } from './typed-expr.js';
import { indexAttributeNames, indexDefinitionText, indexExprColumn, indexExprsText, indexPredicateText } from './index-def.js';

/** pg_class oids of the catalogs objects are classified by (pg_depend/pg_description classid). */
export const ClassOid = { pgClass: 1259, pgNamespace: 2615, pgConstraint: 2606, pgType: 1247, pgDatabase: 1262, pgAuthid: 1260, pgRewrite: 2618 } as const;
const heapAmOid = 2;
const btreeAmOid = 403;
const defaultTablespaceOid = 1663;
const defaultCollationOid = 100;
const cCollationOid = 950;
const posixCollationOid = 951;
const utf8Encoding = 6;
const pgToastNamespaceOid = 99;
const plpgsqlExtensionOid = 13559;

const procOidByName = new Map(ioProcs.map(([oid, name]) => [name, oid]));
const opclassByType = new Map(defaultBtreeOpclasses.map(([t, o]) => [t, o]));

function regproc(name: string): number {
  return procOidByName.get(name) ?? 0;
}

const collatable = new Set<number>([Oid.text, Oid.varchar, Oid.bpchar, Oid.name]);

function collationOf(type: SqlType, collation: string | undefined): number {
  if (!collatable.has(type.oid) && !collatable.has(findTypeInfo(type.oid)?.typelem ?? 0)) return 0;
  if (collation === 'C') return cCollationOid;
  if (collation === 'POSIX') return posixCollationOid;
  return type.oid === Oid.name ? cCollationOid : defaultCollationOid;
}

/** int2vector / oidvector values are 0-based arrays in PostgreSQL (indkey[0] is the first column). */
function zeroBased(elemOid: number, items: readonly number[]): PgArray {
  return items.length === 0 ? new PgArray(elemOid, items) : new PgArray(elemOid, items, [items.length], [0]);
}

function int2vector(items: readonly number[]): PgArray {
  return zeroBased(Oid.int2, items);
}

function oidvector(items: readonly number[]): PgArray {
  return zeroBased(Oid.oid, items);
}

function textArray(items: readonly string[]): PgArray {
  return new PgArray(Oid.text, items);
}

function int2Array(items: readonly number[]): PgArray {
  return new PgArray(Oid.int2, items);
}

function schemaName(cat: CatalogState, oid: number): string {
  return cat.schema(oid)?.name ?? '';
}

function roleName(cat: CatalogState, oid: number): string {
  return cat.role(oid)?.name ?? '';
}

/** Columns PostgreSQL would show (no hidden rowid, which PostgreSQL has no counterpart for). */
function pgColumns(t: TableDescriptor): readonly ColumnDescriptor[] {
  return t.columns.filter((c) => !c.hidden);
}

/** Indexes that are pg_class rows (not the hidden rowid primary index). */
function realIndexes(t: TableDescriptor): readonly IndexDescriptor[] {
  return [t.primaryIndex, ...t.indexes].filter((i) => !i.hidden && i.oid !== 0);
}

// ─── pg_class and friends ───────────────────────────────────────────────────────────────────

function classRow(o: {
  oid: number;
  name: string;
  namespace: number;
  owner: number;
  kind: string;
  am: number;
  natts: number;
  hasIndex: boolean;
  checks: number;
  options?: readonly string[];
  /** Rows counted by ANALYZE (reltuples; -1 = never analyzed, as PostgreSQL). */
  tuples?: number;
  /** A FOREIGN KEY references or is on the table (PostgreSQL's RI triggers). */
  hasTriggers?: boolean;
}): VirtualRow {
  return {
    oid: o.oid,
    relname: o.name,
    relnamespace: o.namespace,
    reltype: 0,
    reloftype: 0,
    relowner: o.owner,
    relam: o.am,
    relfilenode: o.kind === 'v' ? 0 : o.oid,
    reltablespace: 0,
    relpages: 0,
    reltuples: o.tuples ?? -1,
    relallvisible: 0,
    reltoastrelid: 0,
    relhasindex: o.hasIndex,
    relisshared: false,
    relpersistence: 'p',
    relkind: o.kind,
    relnatts: o.natts,
    relchecks: o.checks,
    relhasrules: o.kind === 'v',
    relhastriggers: o.hasTriggers === true,
    relhassubclass: false,
    relrowsecurity: false,
    relforcerowsecurity: false,
    relispopulated: true,
    relreplident: o.kind === 'r' ? 'd' : 'n',
    relispartition: false,
    relrewrite: 0,
    relfrozenxid: 0,
    relminmxid: 0,
    reloptions: o.options === undefined ? null : textArray(o.options),
  };
}

function analyzedRows(ctx: GenContext, tableOid: number): { tuples: number } | undefined {
  const n = ctx.session.tableRowCounts?.get(tableOid);
  return n === undefined ? undefined : { tuples: n };
}

function pgClass(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const v of virtualTables().values()) {
    const ns = v.def.schema === 'pg_catalog' ? BootstrapOid.pgCatalog : BootstrapOid.informationSchema;
    rows.push(classRow({ oid: v.def.oid, name: v.def.name, namespace: ns, owner: BootstrapOid.superuser, kind: v.def.relkind, am: v.def.relkind === 'r' ? heapAmOid : 0, natts: v.columns.length, hasIndex: false, checks: 0 }));
  }
  const fkTables = new Set<number>();
  for (const t of cat.tables()) {
    for (const c of t.constraints) {
      if (c.kind === 'foreignKey') {
        fkTables.add(t.oid);
        fkTables.add(c.refTableOid);
      }
    }
  }
  for (const t of cat.tables()) {
    const indexes = realIndexes(t);
    rows.push(
      classRow({
        hasTriggers: fkTables.has(t.oid),
        ...(analyzedRows(ctx, t.oid) ?? {}),
        oid: t.oid,
        name: t.name,
        namespace: t.schemaOid,
        owner: t.ownerOid,
        kind: 'r',
        am: heapAmOid,
        natts: pgColumns(t).length,
        hasIndex: indexes.length > 0,
        checks: t.constraints.filter((c) => c.kind === 'check').length,
        ...(t.fillfactor === undefined ? {} : { options: [`fillfactor=${t.fillfactor}`] }),
      }),
    );
    const analyzed = ctx.session.tableRowCounts?.get(t.oid);
    for (const i of indexes) {
      // An index starts at 0 (PostgreSQL's build over the then-empty table); ANALYZE counts a full
      // index's entries as the table's rows (a partial index's stay unknown: 0).
      const tuples = { tuples: analyzed !== undefined && i.predicate === undefined ? analyzed : 0 };
      rows.push(classRow({ oid: i.oid, name: i.name, namespace: t.schemaOid, owner: t.ownerOid, kind: 'i', am: btreeAmOid, natts: i.columns.length, hasIndex: false, checks: 0, ...tuples }));
    }
  }
  for (const s of cat.sequences()) {
    rows.push(classRow({ oid: s.oid, name: s.name, namespace: s.schemaOid, owner: s.ownerOid, kind: 'S', am: 0, natts: 3, hasIndex: false, checks: 0 }));
  }
  for (const v of cat.views()) {
    rows.push(classRow({ oid: v.oid, name: v.name, namespace: v.schemaOid, owner: v.ownerOid, kind: 'v', am: 0, natts: v.columns.length, hasIndex: false, checks: 0 }));
  }
  return rows;
}

function attributeRow(relid: number, name: string, attnum: number, type: SqlType, extra: Partial<Record<string, Datum>> = {}): VirtualRow {
  const info = findTypeInfo(type.oid);
  return {
    attrelid: relid,
    attname: name,
    atttypid: type.oid,
    attstattarget: -1,
    attlen: info?.typlen ?? -1,
    attnum,
    attndims: info?.typcategory === 'A' && info.typelem !== 0 && info.typlen === -1 ? 1 : 0,
    attcacheoff: -1,
    atttypmod: type.typmod,
    attbyval: info?.typbyval ?? false,
    attalign: info?.typalign ?? 'i',
    attstorage: info?.typstorage ?? 'p',
    attcompression: '',
    attnotnull: false,
    atthasdef: false,
    atthasmissing: false,
    attidentity: '',
    attgenerated: '',
    attisdropped: false,
    attislocal: true,
    attinhcount: 0,
    attcollation: collationOf(type, undefined),
    ...extra,
  };
}

function pgAttribute(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [];
  for (const v of virtualTables().values()) {
    v.columns.forEach((c, i) => rows.push(attributeRow(v.def.oid, c.name, i + 1, c.type, { attnotnull: c.notNull })));
  }
  for (const t of ctx.catalog.tables()) {
    for (const c of pgColumns(t)) {
      rows.push(
        attributeRow(t.oid, c.name, c.attnum, c.dropped ? { oid: 0, typmod: -1 } : c.type, {
          attnotnull: c.notNull,
          atthasdef: (c.default !== undefined && !isNullDefault(c)) || c.generated !== undefined,
          atthasmissing: c.missing !== undefined && c.missing.text !== null,
          attidentity: c.identity === undefined ? '' : c.identity.generated === 'always' ? 'a' : 'd',
          attgenerated: c.generated === undefined ? '' : 's',
          attisdropped: c.dropped,
          attcollation: c.dropped ? 0 : collationOf(c.type, c.collation),
        }),
      );
    }
    for (const i of realIndexes(t)) {
      const names = indexAttributeNames(t, i);
      i.columns.forEach((ic, k) => {
        const col = ic.expr === undefined ? t.columns.find((c) => c.attnum === ic.attnum) : indexExprColumn(ctx.catalog, t, ic.expr);
        if (col !== undefined) rows.push(attributeRow(i.oid, names[k]!, k + 1, col.type, { attcollation: collationOf(col.type, col.collation) }));
      });
    }
  }
  for (const s of ctx.catalog.sequences()) {
    rows.push(attributeRow(s.oid, 'last_value', 1, { oid: Oid.int8, typmod: -1 }, { attnotnull: true }));
    rows.push(attributeRow(s.oid, 'log_cnt', 2, { oid: Oid.int8, typmod: -1 }, { attnotnull: true }));
    rows.push(attributeRow(s.oid, 'is_called', 3, { oid: Oid.bool, typmod: -1 }, { attnotnull: true }));
  }
  for (const v of ctx.catalog.views()) {
    v.columns.forEach((c, i) => rows.push(attributeRow(v.oid, c.name, i + 1, c.type)));
  }
  return rows;
}

function pgAttrdef(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [];
  for (const t of ctx.catalog.tables()) {
    for (const c of pgColumns(t)) {
      if (c.dropped) continue;
      if (c.default !== undefined && !isNullDefault(c)) rows.push({ adrelid: t.oid, adnum: c.attnum, adbin: defaultExprText(ctx.catalog, t, c, false) });
      else if (c.generated !== undefined) rows.push({ adrelid: t.oid, adnum: c.attnum, adbin: generatedExprText(ctx.catalog, t, c, false) });
    }
  }
  return rows;
}

function pgIndex(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [];
  for (const t of ctx.catalog.tables()) {
    for (const i of realIndexes(t)) {
      const cols = i.columns.map((c) =>
        c.expr === undefined ? t.columns.find((x) => x.attnum === c.attnum) : indexExprColumn(ctx.catalog, t, c.expr),
      );
      rows.push({
        indexrelid: i.oid,
        indrelid: t.oid,
        indnatts: i.columns.length,
        indnkeyatts: i.columns.length,
        indisunique: i.unique || i.primary,
        indnullsnotdistinct: i.nullsNotDistinct,
        indisprimary: i.primary,
        indisexclusion: false,
        indimmediate: true,
        indisclustered: false,
        indisvalid: i.state === 'public',
        indcheckxmin: false,
        indisready: true,
        indislive: true,
        indisreplident: false,
        indkey: int2vector(i.columns.map((c) => c.attnum)),
        indcollation: oidvector(cols.map((c) => (c === undefined ? 0 : collationOf(c.type, c.collation)))),
        indclass: oidvector(cols.map((c) => (c === undefined ? 0 : (opclassByType.get(c.type.oid) ?? opclassByType.get(Oid.text)!)))),
        indoption: int2vector(i.columns.map((c) => (c.direction === 'desc' ? 1 : 0) | (c.nulls === 'first' ? 2 : 0))),
        indexprs: indexExprsText(ctx.catalog, t, i),
        indpred: indexPredicateText(ctx.catalog, t, i),
      });
    }
  }
  return rows;
}

function contype(c: ConstraintDescriptor): string {
  switch (c.kind) {
    case 'primaryKey':
      return 'p';
    case 'unique':
      return 'u';
    case 'check':
      return 'c';
    case 'foreignKey':
      return 'f';
    default:
      return assertNever(c, 'constraint');
  }
}

const fkActionCode = { 'no action': 'a', restrict: 'r', cascade: 'c', 'set null': 'n', 'set default': 'd' } as const;

function pgConstraint(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [];
  for (const t of ctx.catalog.tables()) {
    for (const c of t.constraints) {
      const fk = c.kind === 'foreignKey' ? c : undefined;
      rows.push({
        oid: c.oid,
        conname: c.name,
        connamespace: t.schemaOid,
        contype: contype(c),
        condeferrable: fk?.deferrable === true,
        condeferred: fk?.initiallyDeferred === true,
        convalidated: fk?.notValid !== true,
        conrelid: t.oid,
        contypid: 0,
        conindid: c.kind === 'primaryKey' || c.kind === 'unique' || c.kind === 'foreignKey' ? c.indexOid : 0,
        conparentid: 0,
        confrelid: fk?.refTableOid ?? 0,
        confupdtype: fk === undefined ? ' ' : fkActionCode[fk.onUpdate],
        confdeltype: fk === undefined ? ' ' : fkActionCode[fk.onDelete],
        confmatchtype: fk === undefined ? ' ' : fk.match === 'full' ? 'f' : 's',
        conislocal: true,
        coninhcount: 0,
        connoinherit: c.kind === 'check' ? c.noInherit : true,
        conkey: int2Array(constraintColumns(t, c)),
        confkey: fk === undefined ? null : int2Array(fk.refAttnums),
        confdelsetcols: fk?.deleteSetAttnums === undefined ? null : int2Array(fk.deleteSetAttnums),
        conbin: c.kind === 'check' ? checkExprText(ctx.catalog, t, c, false) : null,
      });
    }
  }
  return rows;
}

// ─── namespaces, types, roles, database ────────────────────────────────────────────────────

function pgNamespace(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [{ oid: pgToastNamespaceOid, nspname: 'pg_toast', nspowner: BootstrapOid.superuser }];
  for (const s of ctx.catalog.schemas()) rows.push({ oid: s.oid, nspname: s.name, nspowner: s.ownerOid, nspacl: schemaAcl(ctx.catalog, s) });
  return rows;
}

/** PostgreSQL 15's initdb ACLs of the schemas it creates (owner: all, PUBLIC: USAGE); NULL for user schemas. */
function schemaAcl(cat: CatalogState, s: SchemaDescriptor): PgArray | null {
  const builtIn = s.oid === BootstrapOid.pgCatalog || s.oid === BootstrapOid.public || s.oid === BootstrapOid.informationSchema;
  if (!builtIn) return null;
  const owner = roleName(cat, s.ownerOid);
  return textArray([`${owner}=UC/${owner}`, `=U/${owner}`]);
}

/** PostgreSQL 15's memberships among its predefined roles (pg_monitor's). */
function pgAuthMembers(): VirtualRow[] {
  const pgMonitor = 3373;
  return [3374, 3375, 3377].map((member) => ({ roleid: member, member: pgMonitor, grantor: BootstrapOid.superuser, admin_option: false }));
}

function pgType(): VirtualRow[] {
  return allTypes().map((t) => ({
    oid: t.oid,
    typname: t.name,
    typnamespace: BootstrapOid.pgCatalog,
    typowner: BootstrapOid.superuser,
    typlen: t.typlen,
    typbyval: t.typbyval,
    typtype: t.typtype,
    typcategory: t.typcategory,
    typispreferred: t.typispreferred,
    typisdefined: true,
    typdelim: t.typdelim,
    typrelid: 0,
    typsubscript: 0,
    typelem: t.typelem,
    typarray: t.typarray,
    typinput: regproc(t.typinput),
    typoutput: regproc(t.typoutput),
    typreceive: regproc(t.typreceive),
    typsend: regproc(t.typsend),
    typmodin: 0,
    typmodout: 0,
    typanalyze: 0,
    typalign: t.typalign,
    typstorage: t.typstorage,
    typnotnull: false,
    typbasetype: 0,
    typtypmod: -1,
    typndims: 0,
    // An array of a collatable type is collatable too (_text 100, _name 950), as in PostgreSQL.
    typcollation: collatable.has(t.oid) || collatable.has(t.typelem) ? (t.oid === Oid.name || t.typelem === Oid.name ? cCollationOid : defaultCollationOid) : 0,
  }));
}

function pgAuthid(ctx: GenContext): VirtualRow[] {
  return ctx.catalog.roles().map((r) => ({
    oid: r.oid,
    rolname: r.name,
    rolsuper: r.superuser,
    rolinherit: true,
    rolcreaterole: r.superuser,
    rolcreatedb: r.superuser,
    rolcanlogin: r.login,
    rolreplication: r.superuser,
    rolbypassrls: r.superuser,
    rolconnlimit: -1,
    rolpassword: r.scramSecret ?? null,
  }));
}

function pgRoles(ctx: GenContext): VirtualRow[] {
  return pgAuthid(ctx).map((r) => ({ ...r, rolpassword: '********' }));
}

function pgUser(ctx: GenContext): VirtualRow[] {
  return ctx.catalog
    .roles()
    .filter((r) => r.login)
    .map((r) => ({ usename: r.name, usesysid: r.oid, usecreatedb: r.superuser, usesuper: r.superuser, userepl: r.superuser, usebypassrls: r.superuser, passwd: '********' }));
}

function pgDatabase(ctx: GenContext): VirtualRow[] {
  return clusterDatabases(ctx.catalog).map((d) => ({
    oid: d.oid,
    datname: d.name,
    datdba: d.ownerOid,
    encoding: utf8Encoding,
    datlocprovider: 'c',
    datistemplate: d.isTemplate,
    datallowconn: d.allowConn,
    datconnlimit: -1,
    datfrozenxid: 0,
    datminmxid: 1,
    dattablespace: defaultTablespaceOid,
    datcollate: d.collate,
    datctype: d.ctype,
    datacl: d.acl === null ? null : textArray(d.acl),
  }));
}

function pgDescription(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [];
  const add = (objoid: number, classoid: number, objsubid: number, text: string | undefined): void => {
    if (text !== undefined) rows.push({ objoid, classoid, objsubid, description: text });
  };
  const cat = ctx.catalog;
  for (const s of cat.schemas()) add(s.oid, ClassOid.pgNamespace, 0, s.comment);
  for (const t of cat.tables()) {
    add(t.oid, ClassOid.pgClass, 0, t.comment);
    for (const c of pgColumns(t)) add(t.oid, ClassOid.pgClass, c.attnum, c.comment);
    for (const i of realIndexes(t)) add(i.oid, ClassOid.pgClass, 0, i.comment);
    for (const c of t.constraints) add(c.oid, ClassOid.pgConstraint, 0, c.comment);
  }
  for (const s of cat.sequences()) add(s.oid, ClassOid.pgClass, 0, s.comment);
  for (const v of cat.views()) add(v.oid, ClassOid.pgClass, 0, v.comment);
  for (const e of cat.enumTypes()) add(e.oid, ClassOid.pgType, 0, e.comment);
  return rows;
}

function pgShdescription(ctx: GenContext): VirtualRow[] {
  return clusterDatabases(ctx.catalog).flatMap((d) => (d.comment === undefined ? [] : [{ objoid: d.oid, classoid: ClassOid.pgDatabase, description: d.comment }]));
}

function pgSettings(ctx: GenContext): VirtualRow[] {
  // Only what the session reports (SHOW ALL); unit/context/vartype/source are not tracked yet.
  return (ctx.session.settings ?? []).map(([name, setting, desc]) => ({ name, setting, short_desc: desc, pending_restart: false }));
}

// ─── sequences, dependencies ───────────────────────────────────────────────────────────────

function pgSequence(ctx: GenContext): VirtualRow[] {
  return ctx.catalog.sequences().map((s) => ({
    seqrelid: s.oid,
    seqtypid: s.typeOid,
    seqstart: BigInt(s.start),
    seqincrement: BigInt(s.increment),
    seqmax: BigInt(s.max),
    seqmin: BigInt(s.min),
    seqcache: BigInt(s.cache),
    seqcycle: s.cycle,
  }));
}

function pgSequences(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  return cat.sequences().map((s) => ({
    schemaname: schemaName(cat, s.schemaOid),
    sequencename: s.name,
    sequenceowner: roleName(cat, s.ownerOid),
    data_type: s.typeOid,
    start_value: BigInt(s.start),
    min_value: BigInt(s.min),
    max_value: BigInt(s.max),
    increment_by: BigInt(s.increment),
    cycle: s.cycle,
    cache_size: BigInt(s.cache),
    last_value: ctx.session.sequenceLastValues?.get(s.oid) ?? null,
  }));
}

function pgDepend(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [];
  const dep = (objid: number, objsubid: number, refobjid: number, refobjsubid: number, deptype: string, classid: number = ClassOid.pgClass): void => {
    rows.push({ classid, objid, objsubid, refclassid: ClassOid.pgClass, refobjid, refobjsubid, deptype });
  };
  const cat = ctx.catalog;
  for (const s of cat.sequences()) {
    if (s.ownedBy === undefined) continue;
    const t = cat.table(s.ownedBy.tableOid);
    const col = t?.columns.find((c) => c.attnum === s.ownedBy!.attnum);
    dep(s.oid, 0, s.ownedBy.tableOid, s.ownedBy.attnum, col?.identity !== undefined ? 'i' : 'a');
  }
  for (const t of cat.tables()) {
    for (const c of t.constraints) {
      if (c.kind === 'primaryKey' || c.kind === 'unique') rows.push({ classid: ClassOid.pgClass, objid: c.indexOid, objsubid: 0, refclassid: ClassOid.pgConstraint, refobjid: c.oid, refobjsubid: 0, deptype: 'i' });
      else for (const a of constraintColumns(t, c)) dep(c.oid, 0, t.oid, a, 'a', ClassOid.pgConstraint);
    }
    for (const i of realIndexes(t)) {
      if (t.constraints.some((c) => (c.kind === 'primaryKey' || c.kind === 'unique') && c.indexOid === i.oid)) continue;
      for (const ic of i.columns) dep(i.oid, 0, t.oid, ic.attnum, 'a');
    }
  }
  // A view's _RETURN rule (pg_rewrite oid = the view's oid) depends internally on the view and
  // normally on what it reads (PostgreSQL records columns; nodedb tracks whole relations).
  for (const v of cat.views()) {
    dep(v.oid, 0, v.oid, 0, 'i', ClassOid.pgRewrite);
    dep(v.oid, 0, v.oid, 0, 'n', ClassOid.pgRewrite);
    for (const r of v.dependsOn) dep(v.oid, 0, r, 0, 'n', ClassOid.pgRewrite);
  }
  return rows;
}

/**
 * The built-in functions nodedb implements: internal language (12), or SQL (14) for those
 * PostgreSQL 15 defines with an SQL-standard body (their prosrc is empty).
 */
function pgProc(): VirtualRow[] {
  return procRows.map(([oid, name, args, ret, kind, volatility, strict, src]) => ({
    oid,
    proname: name,
    pronamespace: BootstrapOid.pgCatalog,
    proowner: BootstrapOid.superuser,
    prolang: src === '' ? 14 : 12,
    procost: 1,
    prorows: 0,
    provariadic: 0,
    prosupport: 0,
    prokind: kind,
    prosecdef: false,
    proleakproof: false,
    proisstrict: strict,
    proretset: false,
    provolatile: volatility,
    proparallel: 's',
    pronargs: args.length,
    pronargdefaults: 0,
    prorettype: ret,
    proargtypes: oidvector(args),
    prosrc: kind === 'a' ? 'aggregate_dummy' : src,
  }));
}

/** The btree operator classes nodedb's indexes use (the default one per indexable type). */
function pgOpclass(): VirtualRow[] {
  return btreeOpclasses.map(([oid, name, method, family, intype, keytype]) => ({
    oid,
    opcmethod: method,
    opcname: name,
    opcnamespace: BootstrapOid.pgCatalog,
    opcowner: BootstrapOid.superuser,
    opcfamily: family,
    opcintype: intype,
    opcdefault: true,
    opckeytype: keytype,
  }));
}

/** Sessions of this node, from the session layer (SqlError 0A000 when it provides none). */
function pgStatActivity(ctx: GenContext): VirtualRow[] {
  const activity = ctx.session.activity;
  if (activity === undefined) throw new SqlError(SqlState.featureNotSupported, 'pg_stat_activity is not available in this context');
  const cat = ctx.catalog;
  const db = cat.database();
  return activity().map((a) => ({
    datid: a.database === db.name ? db.oid : null,
    datname: a.database,
    pid: a.pid,
    usesysid: cat.roleByNameOrUndefined(a.user)?.oid ?? null,
    usename: a.user,
    application_name: a.applicationName,
    client_addr: a.clientAddr,
    client_port: a.clientPort,
    backend_start: a.backendStartMicros,
    xact_start: a.xactStartMicros,
    query_start: a.queryStartMicros,
    state_change: a.stateChangeMicros,
    state: a.state,
    query: a.query,
    backend_type: 'client backend',
  }));
}

// ─── fixed catalogs ────────────────────────────────────────────────────────────────────────

function pgAm(): VirtualRow[] {
  return [
    { oid: heapAmOid, amname: 'heap', amhandler: 3, amtype: 't' },
    { oid: btreeAmOid, amname: 'btree', amhandler: 330, amtype: 'i' },
  ];
}

function pgCollation(): VirtualRow[] {
  const row = (oid: number, name: string, provider: string, encoding: number, collate: string | null): VirtualRow => ({
    oid,
    collname: name,
    collnamespace: BootstrapOid.pgCatalog,
    collowner: BootstrapOid.superuser,
    collprovider: provider,
    collisdeterministic: true,
    collencoding: encoding,
    collcollate: collate,
    collctype: collate,
  });
  return [row(defaultCollationOid, 'default', 'd', -1, null), row(cCollationOid, 'C', 'c', -1, 'C'), row(posixCollationOid, 'POSIX', 'c', -1, 'POSIX')];
}

function pgTablespace(): VirtualRow[] {
  return [
    { oid: defaultTablespaceOid, spcname: 'pg_default', spcowner: BootstrapOid.superuser },
    { oid: 1664, spcname: 'pg_global', spcowner: BootstrapOid.superuser },
  ];
}

function pgExtension(): VirtualRow[] {
  return [{ oid: plpgsqlExtensionOid, extname: 'plpgsql', extowner: BootstrapOid.superuser, extnamespace: BootstrapOid.pgCatalog, extrelocatable: false, extversion: '1.0' }];
}

// ─── system views over the above ───────────────────────────────────────────────────────────

function pgTables(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const v of virtualTables().values()) {
    if (v.def.relkind === 'r') rows.push({ schemaname: v.def.schema, tablename: v.def.name, tableowner: roleName(cat, BootstrapOid.superuser), hasindexes: false, hasrules: false, hastriggers: false, rowsecurity: false });
  }
  for (const t of cat.tables()) {
    rows.push({ schemaname: schemaName(cat, t.schemaOid), tablename: t.name, tableowner: roleName(cat, t.ownerOid), hasindexes: realIndexes(t).length > 0, hasrules: false, hastriggers: false, rowsecurity: false });
  }
  return rows;
}

/** pg_get_indexdef text: `CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)`. */
export function indexDefinition(cat: CatalogState, t: TableDescriptor, i: IndexDescriptor): string {
  return indexDefinitionText(cat, t, i, `${quoteIdent(schemaName(cat, t.schemaOid))}.${quoteIdent(t.name)}`, false);
}

const reservedWords = new Set(['all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with']);

/** PostgreSQL's quote_ident (reserved keywords only; unreserved keywords stay bare). */
export function quoteIdent(s: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(s) && !reservedWords.has(s)) return s;
  return `"${s.replace(/"/g, '""')}"`;
}

function pgIndexes(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const t of cat.tables()) {
    for (const i of realIndexes(t)) {
      rows.push({ schemaname: schemaName(cat, t.schemaOid), tablename: t.name, indexname: i.name, indexdef: indexDefinition(cat, t, i) });
    }
  }
  return rows;
}

function pgViews(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  return cat.views().map((v) => ({ schemaname: schemaName(cat, v.schemaOid), viewname: v.name, viewowner: roleName(cat, v.ownerOid), definition: viewDefinition(cat, v, v.searchPath ?? ['$user', 'public'], false) }));
}

/**
 * One ON SELECT DO INSTEAD rule per view, as PostgreSQL stores views. Its oid is the view's (oids
 * are unique per catalog); ev_action holds the view's query text, not PostgreSQL's node tree.
 */
function pgRewrite(ctx: GenContext): VirtualRow[] {
  return ctx.catalog.views().map((v) => ({
    oid: v.oid,
    rulename: '_RETURN',
    ev_class: v.oid,
    ev_type: '1',
    ev_enabled: 'O',
    is_instead: true,
    ev_qual: '<>',
    ev_action: v.source,
  }));
}

/** Catalogs that are empty in nodedb because it has no such objects (no rows is the truth). */
const none: RowGenerator = () => [];

export const rowGenerators: Readonly<Record<VirtualTableKey, RowGenerator>> = {
  pg_am: pgAm,
  pg_attrdef: pgAttrdef,
  pg_attribute: pgAttribute,
  pg_auth_members: pgAuthMembers,
  pg_authid: pgAuthid,
  pg_class: pgClass,
  pg_collation: pgCollation,
  pg_constraint: pgConstraint,
  pg_database: pgDatabase,
  pg_default_acl: none,
  pg_depend: pgDepend,
  pg_description: pgDescription,
  pg_enum: pgEnum,
  pg_event_trigger: none,
  pg_extension: pgExtension,
  pg_foreign_table: none,
  pg_index: pgIndex,
  pg_indexes: pgIndexes,
  pg_inherits: none,
  pg_locks: pgLocks,
  pg_matviews: none,
  pg_namespace: pgNamespace,
  pg_opclass: pgOpclass,
  pg_partitioned_table: none,
  pg_policy: none,
  pg_proc: pgProc,
  pg_publication: none,
  pg_publication_namespace: none,
  pg_publication_rel: none,
  pg_range: none,
  pg_rewrite: pgRewrite,
  pg_roles: pgRoles,
  pg_seclabel: none,
  pg_sequence: pgSequence,
  pg_sequences: pgSequences,
  pg_settings: pgSettings,
  pg_shdescription: pgShdescription,
  pg_stat_activity: pgStatActivity,
  pg_cursors: pgCursors,
  pg_statistic_ext: none,
  pg_tables: pgTables,
  pg_stats: pgStats,
  pg_tablespace: pgTablespace,
  pg_trigger: none,
  pg_type: (ctx) => [...pgType(), ...enumPgTypeRows(ctx)],
  pg_user: pgUser,
  pg_views: pgViews,
  ...informationSchemaGenerators,
};
