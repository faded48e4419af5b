/**
 * pg_type rows of catalog-defined enum types (the type and its `_name` array type) and
 * pg_enum rows, from the statement's catalog snapshot (so an uncommitted CREATE TYPE is
 * visible only to its own transaction), with PostgreSQL 15's column values.
 */
import type { GenContext, VirtualRow } from './common.js';

/** pg_proc oids of the I/O functions of enum and array types (PostgreSQL 15). */
const EnumProc = { enumIn: 3506, enumOut: 3507, enumRecv: 3532, enumSend: 3533 } as const;
const ArrayProc = { arrayIn: 750, arrayOut: 751, arrayRecv: 2400, arraySend: 2401 } as const;

/** regproc output of the enum I/O functions (they are not in pg-data.ts ioProcs). */
export const enumProcNames: ReadonlyMap<number, string> = new Map([
  [EnumProc.enumIn, 'enum_in'], [EnumProc.enumOut, 'enum_out'], [EnumProc.enumRecv, 'enum_recv'], [EnumProc.enumSend, 'enum_send'],
]);

export function enumPgTypeRows(ctx: GenContext): VirtualRow[] {
  const rows: VirtualRow[] = [];
  for (const e of ctx.catalog.enumTypes()) {
    const common = {
      typnamespace: e.schemaOid, typowner: e.ownerOid, typisdefined: true, typdelim: ',', typrelid: 0, typsubscript: 0,
      typmodin: 0, typmodout: 0, typanalyze: 0, typalign: 'i', typnotnull: false, typbasetype: 0, typtypmod: -1,
      typndims: 0, typcollation: 0,
    };
    rows.push({
      ...common, oid: e.oid, typname: e.name, typlen: 4, typbyval: true, typtype: 'e', typcategory: 'E',
      typispreferred: false, typelem: 0, typarray: e.arrayOid, typinput: EnumProc.enumIn, typoutput: EnumProc.enumOut,
      typreceive: EnumProc.enumRecv, typsend: EnumProc.enumSend, typstorage: 'p',
    });
    rows.push({
      ...common, oid: e.arrayOid, typname: `_${e.name}`, typlen: -1, typbyval: false, typtype: 'b', typcategory: 'A',
      typispreferred: false, typelem: e.oid, typarray: 0, typinput: ArrayProc.arrayIn, typoutput: ArrayProc.arrayOut,
      typreceive: ArrayProc.arrayRecv, typsend: ArrayProc.arraySend, typstorage: 'x',
    });
  }
  return rows;
}

export function pgEnum(ctx: GenContext): VirtualRow[] {
  return ctx.catalog.enumTypes().flatMap((e) =>
    e.labels.map((l) => ({ oid: l.oid, enumtypid: e.oid, enumsortorder: l.sortOrder, enumlabel: l.label })),
  );
}
