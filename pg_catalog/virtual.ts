/**
 * Virtual system tables: `pg_catalog.*` and `information_schema.*` relations whose columns are
 * declared by PostgreSQL 15's own text (./defs.ts, parsed once with the project's parser) and
 * whose rows are computed at EXECUTION time from the statement's catalog snapshot and the
 * session (./rows.ts). The binder resolves names to a VirtualTable (lookupVirtualTable), the
 * planner emits a `virtualScan` node, and the executor calls virtualRows(); everything else
 * (WHERE, joins, ORDER BY, aggregates) is the ordinary engine.
 */
import type { CatalogState } from '../catalog/state.js';
import { BootstrapOid } from '../catalog/descriptors.js';
import { assert } from '../util/assert.js';
import { parseSql } from '../sql/parser/index.js';
import type { ColumnDef } from '../sql/ast.js';
import { allTypes, resolveTypeName, sqlType, type SqlType } from '../sql/types/index.js';
import { virtualTableDefs, type VirtualTableDef, type VirtualTableKey } from './defs.js';

export interface VirtualColumn {
  readonly name: string;
  readonly type: SqlType;
  /** NOT NULL in PostgreSQL's declaration (pg_attribute.attnotnull). */
  readonly notNull: boolean;
  /** The PostgreSQL type name declared, when nodedb has no such type and uses `type` instead. */
  readonly substitutedFrom?: string;
}

export interface VirtualTable {
  readonly key: VirtualTableKey;
  readonly def: VirtualTableDef;
  readonly columns: readonly VirtualColumn[];
}


/**
 * PostgreSQL types of catalog columns that nodedb has no type for yet, and the type used in
 * their place (same text form for every value nodedb produces). The comparison test with
 * PostgreSQL lists exactly these as known differences.
 */
export const typeSubstitutes: ReadonlyMap<string, { readonly names: readonly string[]; readonly arrayBounds: number }> = new Map([
  ['aclitem', { names: ['text'], arrayBounds: 0 }],
  ['pg_node_tree', { names: ['text'], arrayBounds: 0 }],
  ['inet', { names: ['text'], arrayBounds: 0 }],
]);

let tables: ReadonlyMap<VirtualTableKey, VirtualTable> | undefined;

function declare(key: VirtualTableKey, def: VirtualTableDef): VirtualTable {
  const stmts = parseSql(def.sql);
  assert(stmts.length === 1, `virtual table ${key}: one statement expected`);
  const stmt = stmts[0]!.statement;
  assert(stmt.kind === 'CreateTable', `virtual table ${key}: CREATE TABLE expected`);
  assert(stmt.table.name === def.name && stmt.table.schema === def.schema, `virtual table ${key}: name mismatch`);
  const columns = stmt.columns.map((c): VirtualColumn => ({ ...columnType(key, c), notNull: c.constraints.some((k) => k.kind === 'notNull') }));
  return Object.freeze({ key, def, columns: Object.freeze(columns) });
}

/** The column's type as nodedb represents it (see typeSubstitutes for PostgreSQL types it lacks). */
function columnType(key: VirtualTableKey, c: ColumnDef): { name: string; type: SqlType; substitutedFrom?: string } {
  const last = c.type.names[c.type.names.length - 1]!;
  const sub = typeSubstitutes.get(last);
  if (sub !== undefined) {
    const r = resolveTypeName(sub.names, [], c.type.arrayBounds + sub.arrayBounds);
    assert(r.kind === 'type', 'substitute is a plain type');
    return { name: c.name, type: r.type, substitutedFrom: `${last}${'[]'.repeat(c.type.arrayBounds)}` };
  }
  // Pseudo-types (anyarray) are not valid in user DDL, but the catalogs do have such columns.
  const pseudo = c.type.arrayBounds === 0 ? allTypes().find((t) => t.typtype === 'p' && t.name === last) : undefined;
  if (pseudo !== undefined) return { name: c.name, type: sqlType(pseudo.oid) };
  const r = resolveTypeName(c.type.names, c.type.typmods, c.type.arrayBounds);
  assert(r.kind === 'type', `virtual table ${key}.${c.name}: plain type expected`);
  return { name: c.name, type: r.type };
}

/** Every virtual table (declarations parsed on first use: the parser must be initialised). */
export function virtualTables(): ReadonlyMap<VirtualTableKey, VirtualTable> {
  if (tables === undefined) {
    const m = new Map<VirtualTableKey, VirtualTable>();
    for (const [key, def] of Object.entries(virtualTableDefs) as [VirtualTableKey, VirtualTableDef][]) m.set(key, declare(key, def));
    tables = m;
  }
  return tables;
}

function inSchema(schemaOid: number, name: string): VirtualTable | undefined {
  if (schemaOid === BootstrapOid.pgCatalog) return virtualTables().get(name as VirtualTableKey);
  if (schemaOid === BootstrapOid.informationSchema) return virtualTables().get(`information_schema.${name}` as VirtualTableKey);
  return undefined;
}

/**
 * Resolves a relation name to a virtual table, or undefined when it names something else
 * (a user relation earlier on the search path, or nothing). pg_catalog is searched first
 * unless the path lists it elsewhere, as in PostgreSQL.
 */
export function lookupVirtualTable(
  catalog: CatalogState,
  searchPath: readonly string[],
  schema: string | undefined,
  name: string,
  user?: string,
): VirtualTable | undefined {
  if (schema !== undefined) {
    if (schema === 'pg_catalog') return inSchema(BootstrapOid.pgCatalog, name);
    if (schema === 'information_schema') return inSchema(BootstrapOid.informationSchema, name);
    return undefined;
  }
  for (const schemaOid of catalog.effectiveSearchPath(searchPath, user)) {
    const v = inSchema(schemaOid, name);
    if (v !== undefined) return v;
    if (catalog.classEntry(schemaOid, name) !== undefined) return undefined;
  }
  return undefined;
}

/** Virtual tables by pg_class oid (RowDescription table oids, regclass output). */
export function virtualTableByOid(oid: number): VirtualTable | undefined {
  for (const t of virtualTables().values()) if (t.def.oid === oid) return t;
  return undefined;
}
