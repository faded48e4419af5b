/**
 * The catalog a fresh cluster starts with: database `postgres`, superuser role `postgres`,
 * schemas pg_catalog, public and information_schema (PostgreSQL 15's oids where they are fixed).
 */
import { BootstrapOid, type Descriptor, firstUserOid } from './descriptors.js';
import { CatalogState, defaultDatabaseName } from './state.js';

/** Schema version of the bootstrap catalog; every committed DDL batch adds one. */
export const bootstrapVersion = 1;
export const bootstrapSuperuser = 'postgres';

/**
 * PostgreSQL 15's predefined roles (pg_authid rows every cluster has; they cannot log in).
 * pg_database_owner owns the public schema, as in PostgreSQL 15.
 */
export const predefinedRoles: readonly (readonly [number, string])[] = [
  [3373, 'pg_monitor'],
  [3374, 'pg_read_all_settings'],
  [3375, 'pg_read_all_stats'],
  [3377, 'pg_stat_scan_tables'],
  [4200, 'pg_signal_backend'],
  [4544, 'pg_checkpoint'],
  [4569, 'pg_read_server_files'],
  [4570, 'pg_write_server_files'],
  [4571, 'pg_execute_server_program'],
  [BootstrapOid.pgDatabaseOwner, 'pg_database_owner'],
  [6181, 'pg_read_all_data'],
  [6182, 'pg_write_all_data'],
];

export function bootstrapDescriptors(): Descriptor[] {
  return [
    {
      kind: 'database', oid: BootstrapOid.database, name: defaultDatabaseName, ownerOid: BootstrapOid.superuser,
      encoding: 'UTF8', collate: 'C', ctype: 'C', comment: 'default administrative connection database',
    },
    { kind: 'role', oid: BootstrapOid.superuser, name: bootstrapSuperuser, superuser: true, login: true },
    ...predefinedRoles.map(([oid, name]): Descriptor => ({ kind: 'role', oid, name, superuser: false, login: false })),
    { kind: 'schema', oid: BootstrapOid.pgCatalog, name: 'pg_catalog', ownerOid: BootstrapOid.superuser, system: true, comment: 'system catalog schema' },
    { kind: 'schema', oid: BootstrapOid.public, name: 'public', ownerOid: BootstrapOid.pgDatabaseOwner, system: false, comment: 'standard public schema' },
    { kind: 'schema', oid: BootstrapOid.informationSchema, name: 'information_schema', ownerOid: BootstrapOid.superuser, system: true },
  ];
}

export function bootstrapState(): CatalogState {
  return CatalogState.fromDescriptors(bootstrapVersion, firstUserOid, bootstrapDescriptors());
}
