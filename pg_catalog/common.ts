/** Types and helpers shared by the row generators (./rows.ts, ./information-schema.ts). */
import type { CatalogState } from '../catalog/state.js';
import type { ConstraintDescriptor, TableDescriptor } from '../catalog/descriptors.js';
import type { TableStatistics } from '../sql/exec/stats.js';
import { assertNever } from '../util/assert.js';
import type { Datum } from '../sql/types/index.js';
import type { CursorInfo } from './cursors.js';
import type { LockSnapshotEntry } from '../cluster/kv/lock-table.js';

export type VirtualRow = Readonly<Record<string, Datum>>;

/** Session facts some tables show (pg_settings, current user/database). */
export interface VirtualSession {
  readonly user: string;
  readonly database: string;
  /** SHOW ALL rows: name, setting, description. Absent => pg_settings lists nothing. */
  readonly settings?: readonly (readonly [string, string, string])[];
  /** BackendKeyData process id, when the session provides it. */
  readonly backendPid?: number;
  /** Every session of this node (pg_stat_activity); absent => pg_stat_activity fails with 0A000. */
  readonly activity?: () => readonly BackendActivity[];
  /** The session's DECLAREd cursors (pg_cursors); absent => pg_cursors fails with 0A000. */
  readonly cursors?: () => readonly CursorInfo[];
  /**
   * Cancels the running statement of / terminates the session with this pid on this node
   * (pg_cancel_backend / pg_terminate_backend); false when no such session. Absent => those
   * functions fail with 0A000.
   */
  readonly signalBackend?: (pid: number, signal: BackendSignal) => boolean;
  /** pg_sequences.last_value per sequence oid (NULL until nextval/setval), read by virtualStorageFacts. */
  readonly sequenceLastValues?: ReadonlyMap<number, bigint | null>;
  /** Row counts ANALYZE stored per table oid (pg_class.reltuples), read by virtualStorageFacts. */
  readonly tableRowCounts?: ReadonlyMap<number, number>;
  /** Column statistics ANALYZE stored per table oid (pg_stats), read by virtualStorageFacts. */
  readonly tableStatistics?: ReadonlyMap<number, TableStatistics>;
  /** The node's lock table (pg_locks); absent => pg_locks fails with 0A000. */
  readonly locks?: () => readonly LockSnapshotEntry[];
}

/** What pg_cancel_backend / pg_terminate_backend ask of the session registry. */
export type BackendSignal = 'cancel' | 'terminate';

/** One session as pg_stat_activity shows it. Timestamps: µs since 2000-01-01 UTC. */
export interface BackendActivity {
  readonly pid: number;
  readonly user: string;
  readonly database: string;
  readonly applicationName: string;
  readonly clientAddr: string | null;
  readonly clientPort: number | null;
  readonly backendStartMicros: bigint;
  readonly xactStartMicros: bigint | null;
  readonly queryStartMicros: bigint | null;
  readonly stateChangeMicros: bigint | null;
  readonly state: 'active' | 'idle' | 'idle in transaction' | 'idle in transaction (aborted)';
  /** The running statement, or the last one when idle (as PostgreSQL). */
  readonly query: string;
  /** The KV transaction of the open transaction, if any (its lock owner id in pg_locks). */
  readonly kvTxnId?: string;
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

