/**
 * The session's view of the catalog inside a transaction: the committed base it started from
 * plus the DDL ops buffered so far (applied in order). Immutable: every append returns a new
 * overlay, so ROLLBACK TO SAVEPOINT is "keep the overlay you had at the savepoint".
 */
import { assert } from '../util/assert.js';
import type { DdlOp } from './ops.js';
import type { CatalogState } from './state.js';

/** Bound on DDL ops one transaction may buffer. */
export const bufferedDdlOpsMax = 100_000;

export class CatalogOverlay {
  private constructor(
    /** The committed state the transaction's DDL is validated against (stage() checks it). */
    readonly base: CatalogState,
    readonly ops: readonly DdlOp[],
    /** base + ops: what statements of this transaction see. */
    readonly state: CatalogState,
  ) {
    Object.freeze(this);
  }

  static start(base: CatalogState): CatalogOverlay {
    return new CatalogOverlay(base, [], base);
  }

  /** After executeDdl: append its ops and take the state it computed. */
  append(ops: readonly DdlOp[], state: CatalogState): CatalogOverlay {
    assert(this.ops.length + ops.length <= bufferedDdlOpsMax, 'too many buffered DDL ops');
    assert(state.version === this.base.version, 'overlay state keeps the base version');
    assert(ops.length > 0 || state === this.state, 'state changed without ops');
    return new CatalogOverlay(this.base, [...this.ops, ...ops], state);
  }

  get hasDdl(): boolean {
    return this.ops.length > 0;
  }

  /**
   * Takes a newer committed base when no DDL is buffered (READ COMMITTED statements see DDL
   * committed since the transaction began); keeps the overlay otherwise.
   */
  rebase(committed: CatalogState): CatalogOverlay {
    if (this.ops.length > 0 || committed.version <= this.base.version) return this;
    return CatalogOverlay.start(committed);
  }
}
