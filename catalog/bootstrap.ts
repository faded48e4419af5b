/**
 * The catalog a fresh cluster starts with: database `postgres`, superuser role `postgres`,
 * schemas pg_catalog, public and information_schema (PostgreSQL 15's oids where they are fixed).
 */
import { BootstrapOid, type Descriptor, firstUserOid } from './descriptors.js';
import { CatalogState, defaultDatabaseName } from './state.js';

/** Schema version of the bootstrap catalog; every committed DDL batch adds one. */
export const bootstrapVersion = 1;
export const bootstrapSuperuser = 'postgres';

export function bootstrapDescriptors(): Descriptor[] {
  return [
    {
      kind: 'database', oid: BootstrapOid.database, name: defaultDatabaseName, ownerOid: BootstrapOid.superuser,
      encoding: 'UTF8', collate: 'C', ctype: 'C',
    },
    { kind: 'role', oid: BootstrapOid.superuser, name: bootstrapSuperuser, superuser: true, login: true },
    { kind: 'schema', oid: BootstrapOid.pgCatalog, name: 'pg_catalog', ownerOid: BootstrapOid.superuser, system: true, comment: 'system catalog schema' },
    { kind: 'schema', oid: BootstrapOid.public, name: 'public', ownerOid: BootstrapOid.superuser, system: false, comment: 'standard public schema' },
    { kind: 'schema', oid: BootstrapOid.informationSchema, name: 'information_schema', ownerOid: BootstrapOid.superuser, system: true },
  ];
}

export function bootstrapState(): CatalogState {
  return CatalogState.fromDescriptors(bootstrapVersion, firstUserOid, bootstrapDescriptors());
}
