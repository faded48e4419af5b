/**
 * Table rewrites for DDL (ALTER COLUMN TYPE, ADD COLUMN ... GENERATED on a table with rows):
 * every row is read under the old descriptor, given its new column values and written under
 * the new one, in the statement's transaction — other sessions keep reading the old rows until
 * COMMIT, and ROLLBACK leaves no trace. The new rows are checked against the new descriptor
 * (NOT NULL, CHECK, unique keys) before the table's entries are replaced.
 */
import type { Txn } from '../../cluster/kv/api.js';
import type { StoredExpr, TableDescriptor } from '../../catalog/descriptors.js';
import type { CatalogState } from '../../catalog/state.js';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { noAggregates, Scope, type Binder } from '../bind/binder.js';
import { bindChecks } from '../bind/dml.js';
import type { BExpr } from '../bind/expr.js';
import { isImmutable } from '../bind/index-exprs.js';
import type { RewriteValue } from '../ddl/context.js';
import { quoteIdentifier } from '../deparse.js';
import { prefixEnd, tablePrefix } from '../encoding/key.js';
import { defaultFormatContext, formatText, formatType, type Datum, type SqlType } from '../types/index.js';
import { compiled, evaluate, type Compiled, type Env } from './expr.js';
import { encodeRowValue, indexEntry, indexValuesOf, primaryKeyOf, scanTableRows, tableCodec, type IndexCodec, type TableCodec } from './table.js';

/** Rows held in memory while a table is rewritten (the new keys are checked for duplicates first). */
export const rewriteRowsMax = 500_000;

function rowScope(b: Binder, table: TableDescriptor): Scope {
  const scope = new Scope(null);
  scope.ranges.push(b.tableRange(table, table.name, '', 0, []));
  return scope;
}

/** A generation expression bound over the table row (slot = column index), as PostgreSQL's cookDefault. */
export function bindGeneration(b: Binder, table: TableDescriptor, expr: StoredExpr, type: SqlType, column: string): BExpr {
  const e = b.bind(expr.expr, rowScope(b, table), noAggregates('column generation expressions'));
  if (!isImmutable(e)) throw new SqlError(SqlState.invalidObjectDefinition, 'generation expression is not immutable');
  return b.coerceAssign(e, type, column, -1, 'default expression');
}

/** ALTER COLUMN TYPE's new value: USING (or the column) assignment-cast to the new type, PostgreSQL's 42804 otherwise. */
function bindRetype(b: Binder, before: TableDescriptor, after: TableDescriptor, v: Extract<RewriteValue, { kind: 'retype' }>): BExpr {
  const slot = before.columns.findIndex((c) => c.attnum === v.attnum);
  const target = after.columns.find((c) => c.attnum === v.attnum);
  assert(slot >= 0 && target !== undefined, 'retyped column exists before and after');
  const col = before.columns[slot]!;
  const source: BExpr =
    v.using === undefined ? { kind: 'col', slot, type: col.type } : b.bind(v.using, rowScope(b, before), noAggregates('transform expressions'));
  const cast = b.tryCoerce(source, target.type, 'assignment');
  if (cast !== undefined) return cast;
  const typeText = formatType(target.type);
  if (v.using === undefined) {
    throw new SqlError(SqlState.datatypeMismatch, `column "${col.name}" cannot be cast automatically to type ${typeText}`, {
      hint: `You might need to specify "USING ${quoteIdentifier(col.name)}::${typeText}".`,
    });
  }
  throw new SqlError(SqlState.datatypeMismatch, `result of USING clause for column "${col.name}" cannot be cast automatically to type ${typeText}`, {
    hint: 'You might need to add an explicit cast.',
  });
}

export interface RewriteIo {
  readonly txn: Txn;
  readonly binder: (state: CatalogState) => Binder;
  readonly env: (state: CatalogState) => Env;
  readonly signal: AbortSignal | undefined;
}

interface NewValue {
  /** Slot in the new row. */
  readonly slot: number;
  readonly fn: Compiled;
}

function keyHex(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

function duplicateKey(table: TableDescriptor, ic: IndexCodec, row: readonly Datum[]): SqlError {
  const names = ic.names.join(', ');
  const vals = indexValuesOf(ic, row).map((v, i) => (v === null ? 'null' : formatText(ic.keyColumns[i]!.type, v, defaultFormatContext))).join(', ');
  return new SqlError(SqlState.uniqueViolation, `could not create unique index "${ic.index.name}"`, {
    detail: `Key (${names})=(${vals}) is duplicated.`,
    table: table.name,
    constraint: ic.index.name,
  });
}

/** NOT NULL and CHECK of the new descriptor, with PostgreSQL's table-rewrite messages. */
async function checkNewRow(after: TableDescriptor, checks: readonly { name: string; fn: Compiled }[], row: readonly Datum[], env: Env): Promise<void> {
  after.columns.forEach((c, slot) => {
    if (c.notNull && !c.dropped && row[slot] === null) {
      throw new SqlError(SqlState.notNullViolation, `column "${c.name}" of relation "${after.name}" contains null values`, {
        table: after.name,
        column: c.name,
      });
    }
  });
  for (const c of checks) {
    if ((await evaluate(c.fn, row, env)) === false) {
      throw new SqlError(SqlState.checkViolation, `check constraint "${c.name}" of relation "${after.name}" is violated by some row`, {
        table: after.name,
        constraint: c.name,
      });
    }
  }
}

/** Writes `rows` as the whole content of `codec`'s table, rejecting duplicate unique keys. */
function replaceEntries(txn: Txn, codec: TableCodec, rows: readonly Datum[][]): void {
  const primaryKeys = new Set<string>();
  const uniqueKeys = codec.secondaries.map(() => new Set<string>());
  const start = tablePrefix(codec.table.oid);
  txn.deleteRange({ start, end: prefixEnd(start) });
  for (const row of rows) {
    const key = primaryKeyOf(codec, row);
    const hex = keyHex(key);
    if (primaryKeys.has(hex)) throw duplicateKey(codec.table, codec.primary, row);
    primaryKeys.add(hex);
    txn.put(key, encodeRowValue(codec, row));
    codec.secondaries.forEach((ic, i) => {
      const e = indexEntry(codec, ic, row);
      if (e === null) return;
      if (e.unique) {
        const k = keyHex(e.key);
        if (uniqueKeys[i]!.has(k)) throw duplicateKey(codec.table, ic, row);
        uniqueKeys[i]!.add(k);
      }
      txn.put(e.key, e.value);
    });
  }
}

/** The new values bound over the old row (slot in the new row, compiled expression). */
export function bindRewriteValues(
  binder: (state: CatalogState) => Binder,
  stateBefore: CatalogState,
  tables: { readonly before: TableDescriptor; readonly after: TableDescriptor },
  values: readonly RewriteValue[],
): NewValue[] {
  const { before, after } = tables;
  const b = binder(stateBefore);
  return values.map((v) => {
    const slot = after.columns.findIndex((c) => c.attnum === v.attnum);
    assert(slot >= 0, 'rewritten column exists after');
    const col = after.columns[slot]!;
    switch (v.kind) {
      case 'generated':
        return { slot, fn: compiled(bindGeneration(b, before, v.expr, col.type, col.name)) };
      case 'retype':
        return { slot, fn: compiled(bindRetype(b, before, after, v)) };
      default:
        return assertNever(v, 'rewrite value');
    }
  });
}

export async function rewriteTableRows(
  io: RewriteIo,
  states: { readonly before: CatalogState; readonly after: CatalogState },
  tables: { readonly before: TableDescriptor; readonly after: TableDescriptor },
  values: readonly RewriteValue[],
): Promise<void> {
  const { before, after } = tables;
  assert(before.oid === after.oid, 'a rewrite keeps the table');
  const news = bindRewriteValues(io.binder, states.before, tables, values);
  const checks = bindChecks(io.binder(states.after), after).map((c) => ({ name: c.name, fn: compiled(c.expr) }));
  const copyFrom = after.columns.map((c) => before.columns.findIndex((x) => x.attnum === c.attnum));
  const env = io.env(states.after);
  const rows: Datum[][] = [];
  for await (const old of scanTableRows(io.txn, tableCodec(before, states.before), io.signal)) {
    if (rows.length >= rewriteRowsMax) {
      throw new SqlError(SqlState.featureNotSupported, `rewriting a table with more than ${rewriteRowsMax} rows is not supported yet`);
    }
    const row: Datum[] = copyFrom.map((s) => (s >= 0 ? old[s]! : null));
    for (const n of news) row[n.slot] = await evaluate(n.fn, old, env);
    await checkNewRow(after, checks, row, env);
    rows.push(row);
  }
  replaceEntries(io.txn, tableCodec(after, states.after), rows);
}
