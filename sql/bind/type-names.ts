/**
 * Type names with the catalog: built-in types first (pg_catalog is implicitly first on the
 * search path), then catalog-defined types (enums and their `_name` array types) along the
 * search path or in the named schema, as PostgreSQL's typenameTypeId.
 */
import type { CatalogState } from '../../catalog/state.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { resolveTypeName, sqlType, type ResolvedTypeName } from '../types/index.js';

export type TypeNameResolver = (names: readonly string[], typmods: readonly number[], arrayBounds: number) => ResolvedTypeName;

export function catalogTypeResolver(catalog: CatalogState, searchPath: readonly string[], user?: string): TypeNameResolver {
  return (names, typmods, arrayBounds) => resolveCatalogTypeName(catalog, searchPath, user, names, typmods, arrayBounds);
}

export function resolveCatalogTypeName(
  catalog: CatalogState,
  searchPath: readonly string[],
  user: string | undefined,
  names: readonly string[],
  typmods: readonly number[],
  arrayBounds: number,
): ResolvedTypeName {
  let builtinError: unknown;
  try {
    return resolveTypeName(names, typmods, arrayBounds);
  } catch (e) {
    if (!(e instanceof SqlError) || e.code !== SqlState.undefinedObject) throw e;
    builtinError = e;
  }
  if (names.length > 3) throw builtinError;
  const oid = catalog.lookupTypeOid(searchPath, names, user);
  if (oid === undefined) throw builtinError;
  if (typmods.length > 0) {
    throw new SqlError(SqlState.syntaxError, `type modifier is not allowed for type "${names[names.length - 1]}"`);
  }
  const elem = catalog.enumType(oid);
  if (arrayBounds === 0 || elem === undefined) return { kind: 'type', type: sqlType(oid) };
  return { kind: 'type', type: sqlType(elem.arrayOid) };
}
