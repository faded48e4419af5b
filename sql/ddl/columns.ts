/**
 * Column definitions → column specs: type resolution (serial → integer + owned sequence +
 * nextval default + NOT NULL, exactly as PostgreSQL), NULL/NOT NULL/DEFAULT/IDENTITY, and the
 * constraints written on the column, collected for the table-level pass.
 */
import type { TypeNameResolver } from '../bind/type-names.js';
import type { ColumnDef, ConstraintDef, Expr, SequenceOptions } from '../ast.js';
import type { Oid, StoredExpr } from '../../catalog/descriptors.js';
import type { ColumnSpec } from '../../catalog/ops.js';
import type { CatalogState } from '../../catalog/state.js';
import { isSequenceType } from '../../catalog/sequence.js';
import { assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { formatType, resolveTypeName, typeInfo } from '../types/index.js';
import type { SqlType } from '../types/datum.js';
import { exprFacts } from './exprs.js';

export interface ColumnPlan {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  readonly default?: StoredExpr;
  readonly collation?: string;
  /** serial: create `<t>_<c>_seq` AS the column type, default nextval, OWNED BY. */
  readonly serial: boolean;
  readonly identity?: { readonly generated: 'always' | 'by default'; readonly options: SequenceOptions };
  /** GENERATED ALWAYS AS (expr) STORED (validated against the table by ./generated.ts). */
  readonly generated?: StoredExpr;
  /** PRIMARY KEY / UNIQUE / CHECK written on the column, as table constraints on [name]. */
  readonly constraints: readonly ConstraintDef[];
}

function syntax(message: string): SqlError {
  return new SqlError(SqlState.syntaxError, message);
}

/** The collation a column may carry: C/POSIX/default; others are not supported. */
export function resolveCollation(names: readonly string[], type: SqlType): string | undefined {
  const name = names[names.length - 1]!;
  const info = typeInfo(type.oid);
  const elem = info.typcategory === 'A' ? typeInfo(info.typelem) : info;
  if (elem.typcategory !== 'S') {
    throw new SqlError(SqlState.datatypeMismatch, `collations are not supported by type ${formatType(type)}`);
  }
  if (name === 'default') return undefined;
  if (name === 'C' || name === 'POSIX') return name;
  throw new SqlError(SqlState.featureNotSupported, `collation "${name}" is not supported (only "C" and "POSIX")`);
}

export function planColumn(def: ColumnDef, tableName: string, resolveType: TypeNameResolver = resolveTypeName): ColumnPlan {
  const resolved = resolveType(def.type.names, def.type.typmods, def.type.arrayBounds);
  const type = resolved.type;
  let notNull = false;
  let explicitNull = false;
  let def_: StoredExpr | undefined;
  let identity: ColumnPlan['identity'];
  let generated: StoredExpr | undefined;
  let generatedLocation = -1;
  const constraints: ConstraintDef[] = [];
  const multipleDefaults = (): SqlError =>
    syntax(`multiple default values specified for column "${def.name}" of table "${tableName}"`);
  for (const c of def.constraints) {
    switch (c.kind) {
      case 'notNull':
        if (explicitNull) throw syntax(`conflicting NULL/NOT NULL declarations for column "${def.name}" of table "${tableName}"`);
        notNull = true;
        break;
      case 'null':
        if (notNull) throw syntax(`conflicting NULL/NOT NULL declarations for column "${def.name}" of table "${tableName}"`);
        explicitNull = true;
        break;
      case 'default':
        if (def_ !== undefined) throw multipleDefaults();
        def_ = { expr: c.expr, source: c.source };
        break;
      case 'identity':
        if (identity !== undefined) throw syntax(`multiple identity specifications for column "${def.name}" of table "${tableName}"`);
        identity = { generated: c.generated, options: c.options };
        break;
      case 'generated':
        if (generated !== undefined) throw syntax(`multiple generation clauses specified for column "${def.name}" of table "${tableName}"`);
        generated = { expr: c.expr, source: c.source };
        generatedLocation = c.location;
        break;
      case 'primaryKey':
      case 'unique':
      case 'check':
      case 'foreignKey':
        constraints.push(c);
        break;
      default:
        assertNever(c, 'column constraint');
    }
  }
  const serial = resolved.kind === 'serial';
  if (serial && def_ !== undefined) throw multipleDefaults();
  if (identity !== undefined) {
    if (def_ !== undefined) throw syntax(`both default and identity specified for column "${def.name}" of table "${tableName}"`);
    if (serial) throw syntax(`both default and identity specified for column "${def.name}" of table "${tableName}"`);
    if (explicitNull) throw syntax(`conflicting NULL/NOT NULL declarations for column "${def.name}" of table "${tableName}"`);
    if (!isSequenceType(type.oid)) {
      throw new SqlError(SqlState.invalidParameterValue, 'identity column type must be smallint, integer, or bigint');
    }
  }
  if (generated !== undefined) {
    const at = positionOf(generatedLocation);
    if (def_ !== undefined || serial) {
      throw new SqlError(SqlState.syntaxError, `both default and generation expression specified for column "${def.name}" of table "${tableName}"`, at);
    }
    if (identity !== undefined) {
      throw new SqlError(SqlState.syntaxError, `both identity and generation expression specified for column "${def.name}" of table "${tableName}"`, at);
    }
  }
  const collation = def.collation === undefined ? undefined : resolveCollation(def.collation, type);
  return {
    name: def.name,
    type,
    notNull: notNull || serial || identity !== undefined,
    serial,
    constraints,
    ...(def_ !== undefined ? { default: def_ } : {}),
    ...(identity !== undefined ? { identity } : {}),
    ...(generated !== undefined ? { generated } : {}),
    ...(collation !== undefined ? { collation } : {}),
  };
}

/** Error position (1-based) for a 0-based AST location; none when unknown. */
export function positionOf(location: number): { position?: number } {
  return location >= 0 ? { position: location + 1 } : {};
}

/** DEFAULT must not use columns or subqueries (PostgreSQL's messages). */
export function checkDefaultShape(expr: Expr): void {
  const f = exprFacts(expr);
  const ref = f.columnRefs[0];
  if (ref !== undefined) {
    throw new SqlError(SqlState.featureNotSupported, 'cannot use column reference in DEFAULT expression', positionOf(ref.location));
  }
  if (f.hasSubquery) throw new SqlError(SqlState.featureNotSupported, 'cannot use subquery in DEFAULT expression');
}

/** Oids of the sequences a DEFAULT's nextval('s') calls name (resolved now, like 's'::regclass). */
export function defaultDependencies(state: CatalogState, searchPath: readonly string[], user: string, expr: Expr): Oid[] {
  const out: Oid[] = [];
  for (const name of exprFacts(expr).nextvalSequences) {
    const parts = name.split('.');
    const seq = state.resolveRelation(searchPath, parts, user);
    if (seq.kind !== 'index' && !out.includes(seq.oid)) out.push(seq.oid);
  }
  return out;
}

/** The ColumnSpec for a planned column (default completed by the caller for serial). */
export function columnSpec(p: ColumnPlan, extra: { default?: StoredExpr; identitySequenceOid?: Oid } = {}): ColumnSpec {
  const dflt = extra.default ?? p.default;
  return {
    name: p.name,
    type: p.type,
    notNull: p.notNull,
    ...(dflt !== undefined ? { default: dflt } : {}),
    ...(p.identity !== undefined && extra.identitySequenceOid !== undefined
      ? { identity: { generated: p.identity.generated, sequenceOid: extra.identitySequenceOid } }
      : {}),
    ...(p.collation !== undefined ? { collation: p.collation } : {}),
  };
}

/** nextval('<seq>'::regclass) as PostgreSQL stores a serial default. */
export function nextvalDefault(seqText: string, seqOid: Oid): StoredExpr {
  const quoted = seqText.replace(/'/g, "''");
  const expr: Expr = {
    kind: 'FuncCall',
    name: ['nextval'],
    args: [
      {
        kind: 'Cast',
        arg: { kind: 'Const', type: 'string', value: seqText, location: -1 },
        type: { kind: 'TypeName', names: ['regclass'], typmods: [], arrayBounds: 0, location: -1 },
        location: -1,
      },
    ],
    argNames: [undefined],
    star: false,
    distinct: false,
    variadic: false,
    orderBy: [],
    withinGroup: false,
    location: -1,
  };
  return { expr, source: `nextval('${quoted}'::regclass)`, dependsOn: [seqOid] };
}

/** How a relation name prints as regclass: qualified unless its schema is on the search path first. */
export function regclassText(state: CatalogState, searchPath: readonly string[], user: string, schemaOid: Oid, name: string): string {
  const found = state.lookupClass(searchPath, [name], user);
  const quote = (s: string): string => (/^[a-z_][a-z0-9_$]*$/.test(s) ? s : `"${s.replace(/"/g, '""')}"`);
  if (found !== undefined && state.relationSchemaOid(state.classDescriptor(found)) === schemaOid) return quote(name);
  const schema = state.schema(schemaOid);
  return `${quote(schema?.name ?? String(schemaOid))}.${quote(name)}`;
}
