/** Types and helpers shared by the row generators (./rows.ts, ./information-schema.ts). */
import type { CatalogState } from '../catalog/state.js';
import type { ConstraintDescriptor, TableDescriptor } from '../catalog/descriptors.js';
import { assertNever } from '../util/assert.js';
import type { Datum } from '../sql/types/index.js';

export type VirtualRow = Readonly<Record<string, Datum>>;

/** Session facts some tables show (pg_settings, current user/database). */
export interface VirtualSession {
  readonly user: string;
  readonly database: string;
  /** SHOW ALL rows: name, setting, description. Absent => pg_settings lists nothing. */
  readonly settings?: readonly (readonly [string, string, string])[];
  /** BackendKeyData process id, when the session provides it. */
  readonly backendPid?: number;
}

export interface GenContext {
  readonly catalog: CatalogState;
  readonly session: VirtualSession;
}

export type RowGenerator = (ctx: GenContext) => VirtualRow[];

/** Columns a constraint covers (key order). */
export function constraintColumns(t: TableDescriptor, c: ConstraintDescriptor): readonly number[] {
  switch (c.kind) {
    case 'primaryKey':
    case 'unique': {
      const idx = [t.primaryIndex, ...t.indexes].find((i) => i.oid === c.indexOid);
      return idx?.columns.map((x) => x.attnum) ?? [];
    }
    case 'check':
    case 'foreignKey':
      return c.attnums;
    default:
      return assertNever(c, 'constraint');
  }
}

