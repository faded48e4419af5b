/**
 * Row generators of the information_schema views (SQL-standard spellings of the same catalog
 * facts as ./rows.ts). Every user schema object is visible: nodedb has no privileges yet.
 */
import type { CatalogState } from '../catalog/state.js';
import { BootstrapOid, type ColumnDescriptor, type ConstraintDescriptor, type TableDescriptor, type ViewDescriptor } from '../catalog/descriptors.js';
import { assertNever } from '../util/assert.js';
import { findTypeInfo, formatType, Oid, type SqlType } from '../sql/types/index.js';
import { virtualTables } from './virtual.js';
import { procRows } from './pg-proc-data.js';
import { defaultExprText, generatedExprText, isNullDefault } from './typed-expr.js';
import { constraintColumns, type GenContext, type RowGenerator, type VirtualRow } from './common.js';
import { viewDefinition } from './viewdef.js';

function schemaName(cat: CatalogState, oid: number): string {
  return cat.schema(oid)?.name ?? '';
}

function yesNo(b: boolean): string {
  return b ? 'YES' : 'NO';
}

function schemata(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const db = cat.database().name;
  const rows: VirtualRow[] = [{ catalog_name: db, schema_name: 'pg_toast', schema_owner: cat.role(BootstrapOid.superuser)?.name ?? '' }];
  for (const s of cat.schemas()) rows.push({ catalog_name: db, schema_name: s.name, schema_owner: cat.role(s.ownerOid)?.name ?? '' });
  return rows;
}

function tables(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const db = cat.database().name;
  const rows: VirtualRow[] = [];
  const row = (schema: string, name: string, type: 'BASE TABLE' | 'VIEW', insertable: boolean): VirtualRow => ({
    table_catalog: db,
    table_schema: schema,
    table_name: name,
    table_type: type,
    is_insertable_into: yesNo(insertable),
    is_typed: 'NO',
  });
  for (const v of virtualTables().values()) rows.push(row(v.def.schema, v.def.name, v.def.relkind === 'r' ? 'BASE TABLE' : 'VIEW', false));
  for (const t of cat.tables()) rows.push(row(schemaName(cat, t.schemaOid), t.name, 'BASE TABLE', true));
  for (const v of cat.views()) rows.push(row(schemaName(cat, v.schemaOid), v.name, 'VIEW', viewWritable(v)));
  return rows;
}

/** information_schema data_type: the SQL-standard name, 'ARRAY' or 'USER-DEFINED'. */
function dataType(type: SqlType): string {
  const info = findTypeInfo(type.oid);
  if (info !== undefined && info.typcategory === 'A' && info.typlen === -1) return 'ARRAY';
  if (info === undefined || info.typtype === 'e') return 'USER-DEFINED';
  // PostgreSQL's views call format_type(oid, NULL): bpchar without a typmod prints as 'character'.
  if (type.oid === Oid.bpchar) return 'character';
  return formatType({ oid: type.oid, typmod: -1 });
}

/** udt_schema: the schema of a catalog-defined (enum) type or its array type, else pg_catalog. */
function udtSchema(cat: CatalogState, type: SqlType): string {
  const e = cat.enumType(type.oid) ?? cat.enumTypes().find((x) => x.arrayOid === type.oid);
  return e === undefined ? 'pg_catalog' : schemaName(cat, e.schemaOid);
}

function typeFacets(type: SqlType): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const mod = type.typmod;
  switch (type.oid) {
    case Oid.varchar:
    case Oid.bpchar:
      out.character_maximum_length = mod >= 4 ? mod - 4 : null;
      out.character_octet_length = mod >= 4 ? (mod - 4) * 4 : 1073741824;
      break;
    case Oid.text:
      out.character_octet_length = 1073741824;
      break;
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
      out.numeric_precision = type.oid === Oid.int2 ? 16 : type.oid === Oid.int4 ? 32 : 64;
      out.numeric_precision_radix = 2;
      out.numeric_scale = 0;
      break;
    case Oid.float4:
    case Oid.float8:
      out.numeric_precision = type.oid === Oid.float4 ? 24 : 53;
      out.numeric_precision_radix = 2;
      break;
    case Oid.numeric:
      out.numeric_precision = mod >= 4 ? ((mod - 4) >> 16) & 0xffff : null;
      out.numeric_precision_radix = 10;
      out.numeric_scale = mod >= 4 ? (mod - 4) & 0xffff : null;
      break;
    case Oid.date:
      out.datetime_precision = 0;
      break;
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
    case Oid.timetz:
    case Oid.interval:
      out.datetime_precision = mod >= 0 ? mod & 0xffff : 6;
      break;
    default:
      break;
  }
  return out;
}

function columnRow(cat: CatalogState, t: TableDescriptor, c: ColumnDescriptor, position: number): VirtualRow {
  const info = findTypeInfo(c.type.oid);
  const seq = c.identity === undefined ? undefined : cat.sequence(c.identity.sequenceOid);
  return {
    table_catalog: cat.database().name,
    table_schema: schemaName(cat, t.schemaOid),
    table_name: t.name,
    column_name: c.name,
    ordinal_position: position,
    column_default: c.default === undefined || isNullDefault(c) ? null : defaultExprText(cat, t, c, false),
    is_nullable: yesNo(!c.notNull),
    data_type: dataType(c.type),
    ...typeFacets(c.type),
    udt_catalog: cat.database().name,
    udt_schema: udtSchema(cat, c.type),
    udt_name: info?.name ?? null,
    dtd_identifier: String(position),
    is_self_referencing: 'NO',
    is_identity: yesNo(c.identity !== undefined),
    identity_generation: c.identity === undefined ? null : c.identity.generated === 'always' ? 'ALWAYS' : 'BY DEFAULT',
    identity_start: seq?.start ?? null,
    identity_increment: seq?.increment ?? null,
    identity_maximum: seq?.max ?? null,
    identity_minimum: seq?.min ?? null,
    identity_cycle: seq === undefined ? 'NO' : yesNo(seq.cycle),
    is_generated: c.generated === undefined ? 'NEVER' : 'ALWAYS',
    generation_expression: c.generated === undefined ? null : generatedExprText(cat, t, c, false),
    is_updatable: 'YES',
  };
}

/** Where a column without default, identity or generation (a view's or a catalog table's) stands. */
interface DerivedColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  readonly position: number;
  readonly type: SqlType;
  readonly udtSchema: string;
  readonly nullable: boolean;
  readonly updatable: boolean;
}

function derivedColumnRow(db: string, c: DerivedColumn): VirtualRow {
  return {
    table_catalog: db,
    table_schema: c.schema,
    table_name: c.table,
    column_name: c.column,
    ordinal_position: c.position,
    is_nullable: yesNo(c.nullable),
    data_type: dataType(c.type),
    ...typeFacets(c.type),
    udt_catalog: db,
    udt_schema: c.udtSchema,
    udt_name: findTypeInfo(c.type.oid)?.name ?? null,
    dtd_identifier: String(c.position),
    is_self_referencing: 'NO',
    is_identity: 'NO',
    identity_cycle: 'NO',
    is_generated: 'NEVER',
    is_updatable: yesNo(c.updatable),
  };
}

function columns(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  const db = cat.database().name;
  for (const v of virtualTables().values()) {
    v.columns.forEach((c, i) => {
      rows.push(
        derivedColumnRow(db, { schema: v.def.schema, table: v.def.name, column: c.name, position: i + 1, type: c.type, udtSchema: 'pg_catalog', nullable: !c.notNull, updatable: false }),
      );
    });
  }
  for (const t of cat.tables()) {
    for (const c of t.columns) if (!c.dropped && !c.hidden) rows.push(columnRow(cat, t, c, c.attnum));
  }
  for (const v of cat.views()) {
    v.columns.forEach((c, i) => {
      const schema = schemaName(cat, v.schemaOid);
      const udt = udtSchema(cat, c.type);
      rows.push(
        derivedColumnRow(db, { schema, table: v.name, column: c.name, position: i + 1, type: c.type, udtSchema: udt, nullable: true, updatable: v.updatableColumns?.[i] === true }),
      );
    });
  }
  return rows;
}

/** INSERT and UPDATE work through the view: automatically updatable with an updatable column. */
function viewWritable(v: ViewDescriptor): boolean {
  return v.updatableColumns?.some((c) => c) === true;
}

function views(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  return cat.views().map((v) => ({
    table_catalog: cat.database().name,
    table_schema: schemaName(cat, v.schemaOid),
    table_name: v.name,
    view_definition: viewDefinition(cat, v, v.searchPath ?? ['$user', 'public'], false),
    check_option: v.checkOption === undefined ? 'NONE' : v.checkOption.toUpperCase(),
    is_updatable: yesNo(viewWritable(v)),
    is_insertable_into: yesNo(viewWritable(v)),
    is_trigger_updatable: 'NO',
    is_trigger_deletable: 'NO',
    is_trigger_insertable_into: 'NO',
  }));
}

function constraintType(c: ConstraintDescriptor): string {
  switch (c.kind) {
    case 'primaryKey':
      return 'PRIMARY KEY';
    case 'unique':
      return 'UNIQUE';
    case 'check':
      return 'CHECK';
    case 'foreignKey':
      return 'FOREIGN KEY';
    default:
      return assertNever(c, 'constraint');
  }
}

function constraintHead(cat: CatalogState, t: TableDescriptor, c: ConstraintDescriptor): VirtualRow {
  const db = cat.database().name;
  const schema = schemaName(cat, t.schemaOid);
  return { constraint_catalog: db, constraint_schema: schema, constraint_name: c.name, table_catalog: db, table_schema: schema, table_name: t.name };
}

function tableConstraints(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const t of cat.tables()) {
    for (const c of t.constraints) {
      const idx = c.kind === 'unique' ? [t.primaryIndex, ...t.indexes].find((i) => i.oid === c.indexOid) : undefined;
      rows.push({
        ...constraintHead(cat, t, c),
        constraint_type: constraintType(c),
        is_deferrable: c.kind === 'foreignKey' && c.deferrable === true ? 'YES' : 'NO',
        initially_deferred: c.kind === 'foreignKey' && c.initiallyDeferred === true ? 'YES' : 'NO',
        enforced: 'YES',
        nulls_distinct: idx === undefined ? null : yesNo(!idx.nullsNotDistinct),
      });
    }
    // PostgreSQL lists NOT NULL columns as CHECK constraints named <nsp oid>_<rel oid>_<attnum>_not_null.
    for (const col of t.columns) {
      if (col.dropped || col.hidden || !col.notNull) continue;
      const db = cat.database().name;
      const schema = schemaName(cat, t.schemaOid);
      rows.push({
        constraint_catalog: db,
        constraint_schema: schema,
        constraint_name: `${t.schemaOid}_${t.oid}_${col.attnum}_not_null`,
        table_catalog: db,
        table_schema: schema,
        table_name: t.name,
        constraint_type: 'CHECK',
        is_deferrable: 'NO',
        initially_deferred: 'NO',
        enforced: 'YES',
        nulls_distinct: null,
      });
    }
  }
  return rows;
}

function keyColumnUsage(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const t of cat.tables()) {
    for (const c of t.constraints) {
      if (c.kind === 'check') continue;
      constraintColumns(t, c).forEach((attnum, i) => {
        const col = t.columns.find((x) => x.attnum === attnum);
        rows.push({ ...constraintHead(cat, t, c), column_name: col?.name ?? null, ordinal_position: i + 1, position_in_unique_constraint: c.kind === 'foreignKey' ? i + 1 : null });
      });
    }
  }
  return rows;
}

function constraintColumnUsage(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const t of cat.tables()) {
    for (const c of t.constraints) {
      const target = c.kind === 'foreignKey' ? cat.table(c.refTableOid) : t;
      if (target === undefined) continue;
      const attnums = c.kind === 'foreignKey' ? c.refAttnums : constraintColumns(t, c);
      const db = cat.database().name;
      for (const attnum of attnums) {
        const col = target.columns.find((x) => x.attnum === attnum);
        rows.push({
          table_catalog: db,
          table_schema: schemaName(cat, target.schemaOid),
          table_name: target.name,
          column_name: col?.name ?? null,
          constraint_catalog: db,
          constraint_schema: schemaName(cat, t.schemaOid),
          constraint_name: c.name,
        });
      }
    }
  }
  return rows;
}

function checkConstraints(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const t of cat.tables()) {
    const db = cat.database().name;
    const schema = schemaName(cat, t.schemaOid);
    for (const c of t.constraints) {
      if (c.kind === 'check') rows.push({ constraint_catalog: db, constraint_schema: schema, constraint_name: c.name, check_clause: c.check.source });
    }
    for (const col of t.columns) {
      if (col.dropped || col.hidden || !col.notNull) continue;
      rows.push({ constraint_catalog: db, constraint_schema: schema, constraint_name: `${t.schemaOid}_${t.oid}_${col.attnum}_not_null`, check_clause: `${col.name} IS NOT NULL` });
    }
  }
  return rows;
}

function referentialConstraints(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  const rule = { 'no action': 'NO ACTION', restrict: 'RESTRICT', cascade: 'CASCADE', 'set null': 'SET NULL', 'set default': 'SET DEFAULT' } as const;
  for (const t of cat.tables()) {
    for (const c of t.constraints) {
      if (c.kind !== 'foreignKey') continue;
      const ref = cat.table(c.refTableOid);
      const uc = ref?.constraints.find((x) => (x.kind === 'primaryKey' || x.kind === 'unique') && sameSet(constraintColumns(ref, x), c.refAttnums));
      const db = cat.database().name;
      rows.push({
        constraint_catalog: db,
        constraint_schema: schemaName(cat, t.schemaOid),
        constraint_name: c.name,
        unique_constraint_catalog: uc === undefined ? null : db,
        unique_constraint_schema: uc === undefined || ref === undefined ? null : schemaName(cat, ref.schemaOid),
        unique_constraint_name: uc?.name ?? null,
        match_option: c.match === 'full' ? 'FULL' : 'NONE',
        update_rule: rule[c.onUpdate],
        delete_rule: rule[c.onDelete],
      });
    }
  }
  return rows;
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

function sequences(ctx: GenContext): VirtualRow[] {
  const cat = ctx.catalog;
  const bits = (oid: number): number => (oid === Oid.int2 ? 16 : oid === Oid.int4 ? 32 : 64);
  return cat.sequences().map((s) => ({
    sequence_catalog: cat.database().name,
    sequence_schema: schemaName(cat, s.schemaOid),
    sequence_name: s.name,
    data_type: formatType({ oid: s.typeOid, typmod: -1 }),
    numeric_precision: bits(s.typeOid),
    numeric_precision_radix: 2,
    numeric_scale: 0,
    start_value: s.start,
    minimum_value: s.min,
    maximum_value: s.max,
    increment: s.increment,
    cycle_option: yesNo(s.cycle),
  }));
}

/**
 * One row per function nodedb implements (pg_proc's rows, all in pg_catalog and all INTERNAL
 * language), as PostgreSQL 15's view computes them. Aggregates have no routine_type there.
 */
function routines(ctx: GenContext): VirtualRow[] {
  const db = ctx.catalog.database().name;
  return procRows.map(([oid, name, , resultOid, prokind, volatility, strict, prosrc]) => ({
    specific_catalog: db,
    specific_schema: 'pg_catalog',
    specific_name: `${name}_${oid}`,
    routine_catalog: db,
    routine_schema: 'pg_catalog',
    routine_name: name,
    routine_type: prokind === 'f' ? 'FUNCTION' : null,
    data_type: dataType({ oid: resultOid, typmod: -1 }),
    type_udt_catalog: db,
    type_udt_schema: 'pg_catalog',
    type_udt_name: findTypeInfo(resultOid)?.name ?? null,
    dtd_identifier: '0',
    // PostgreSQL 15's SQL-standard-body functions (prosrc '') are LANGUAGE sql.
    routine_body: prosrc === '' ? 'SQL' : 'EXTERNAL',
    routine_definition: prosrc,
    external_name: null,
    external_language: prosrc === '' ? 'SQL' : 'INTERNAL',
    parameter_style: 'GENERAL',
    is_deterministic: yesNo(volatility === 'i'),
    sql_data_access: 'MODIFIES',
    is_null_call: yesNo(strict),
    schema_level_routine: 'YES',
    max_dynamic_result_sets: 0,
    security_type: 'INVOKER',
    as_locator: 'NO',
    is_udt_dependent: 'NO',
  }));
}

export const informationSchemaGenerators = {
  'information_schema.check_constraints': checkConstraints,
  'information_schema.columns': columns,
  'information_schema.constraint_column_usage': constraintColumnUsage,
  'information_schema.key_column_usage': keyColumnUsage,
  'information_schema.referential_constraints': referentialConstraints,
  'information_schema.routines': routines,
  'information_schema.schemata': schemata,
  'information_schema.sequences': sequences,
  'information_schema.table_constraints': tableConstraints,
  'information_schema.tables': tables,
  'information_schema.views': views,
} as const satisfies Record<string, RowGenerator>;
