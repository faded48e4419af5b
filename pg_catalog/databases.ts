/**
 * The databases a PostgreSQL 15 cluster shows: the one nodedb serves (the catalog's database)
 * and the two templates initdb creates. nodedb has no CREATE DATABASE, so the templates hold
 * nothing; they are listed (pg_database, psql \l) with PostgreSQL's flags, ACLs and comments,
 * template0 refuses connections as in PostgreSQL, and connecting to template1 answers 0A000.
 */
import type { CatalogState } from '../catalog/state.js';
import { BootstrapOid } from '../catalog/descriptors.js';

export interface DatabaseFacts {
  readonly oid: number;
  readonly name: string;
  readonly ownerOid: number;
  readonly isTemplate: boolean;
  readonly allowConn: boolean;
  /** pg_database.datacl items (owner's name filled in), or null for the default ACL. */
  readonly acl: readonly string[] | null;
  /** pg_shdescription text. */
  readonly comment: string | undefined;
  readonly collate: string;
  readonly ctype: string;
}

/** PostgreSQL 15's template databases: oid, name, datallowconn, comment. */
const templates: readonly (readonly [number, string, boolean, string])[] = [
  [1, 'template1', true, 'default template for new databases'],
  [4, 'template0', false, 'unmodifiable empty database'],
];

/** Every database of pg_database, the served one first. */
export function clusterDatabases(cat: CatalogState): readonly DatabaseFacts[] {
  const d = cat.database();
  const owner = cat.role(BootstrapOid.superuser)?.name ?? '';
  return [
    { oid: d.oid, name: d.name, ownerOid: d.ownerOid, isTemplate: false, allowConn: true, acl: null, comment: d.comment, collate: d.collate, ctype: d.ctype },
    ...templates.map(([oid, name, allowConn, comment]): DatabaseFacts => ({
      oid,
      name,
      ownerOid: BootstrapOid.superuser,
      isTemplate: true,
      allowConn,
      acl: [`=c/${owner}`, `${owner}=CTc/${owner}`],
      comment,
      collate: d.collate,
      ctype: d.ctype,
    })),
  ];
}

export function databaseByName(cat: CatalogState, name: string): DatabaseFacts | undefined {
  return clusterDatabases(cat).find((d) => d.name === name);
}

export function databaseByOid(cat: CatalogState, oid: number): DatabaseFacts | undefined {
  return clusterDatabases(cat).find((d) => d.oid === oid);
}
