/** COPY FROM (through the INSERT path) and ANALYZE (row counts under system table 4). */
import type { RangeVar } from '../ast.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { bindChecks, bindGenerated, defaultFor, resolveTargetTable } from '../bind/dml.js';
import type { BindContext, CopyFromTarget, ExecContext, ResultColumn } from '../plan/api.js';
import { newBinder } from '../plan/prepare.js';
import type { Datum } from '../types/index.js';
import { lockTablesShared, newEnv } from './execute.js';
import { FkQueue } from './foreign-key.js';
import { decodeTableRowCount, tableStatsKey } from './keys.js';
import { checkAbort, computeGenerated, insertOne, writeOptions } from './run.js';
import { compiled, evaluate, type Compiled } from './expr.js';

export function prepareCopy(rv: RangeVar, columnNames: readonly string[], ctx: BindContext): CopyFromTarget {
  const b = newBinder(ctx);
  // PostgreSQL reports COPY's relation errors without a cursor position.
  const table = resolveTargetTable(b, { ...rv, location: -1 });
  let slots: number[];
  if (columnNames.length === 0) {
    slots = table.columns.flatMap((c, i) => (c.dropped || c.hidden || c.generated !== undefined ? [] : [i]));
  } else {
    slots = columnNames.map((name) => {
      const i = table.columns.findIndex((c) => !c.dropped && c.name === name);
      if (i < 0) throw new SqlError(SqlState.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`);
      if (table.columns[i]!.generated !== undefined) {
        throw new SqlError(SqlState.invalidColumnReference, `column "${name}" is a generated column`, {
          detail: 'Generated columns cannot be used in COPY.',
        });
      }
      return i;
    });
    const dup = columnNames.find((n, i) => columnNames.indexOf(n) !== i);
    if (dup !== undefined) throw new SqlError(SqlState.duplicateColumn, `column "${dup}" specified more than once`);
  }
  const given = new Set(slots);
  const defaults: (Compiled | null)[] = table.columns.map((c, i) => (c.dropped || given.has(i) ? null : compiled(defaultFor(b, table, c))));
  const generated = bindGenerated(b, table);
  const checks = bindChecks(b, table);
  const columns: ResultColumn[] = slots.map((i) => ({
    name: table.columns[i]!.name,
    type: table.columns[i]!.type,
    tableOid: table.oid,
    attnum: table.columns[i]!.attnum,
  }));
  /** One queue for the whole COPY: its checks run at the end of the statement (finish). */
  let fk: FkQueue | undefined;
  let fkReady = false;
  return {
    columns,
    async insert(rows: readonly Datum[][], ectx: ExecContext): Promise<number> {
      await lockTablesShared([table.oid], ectx);
      const env = newEnv([], ectx);
      const opts = writeOptions(env, table);
      if (!fkReady) {
        fk = FkQueue.for(env, table);
        fkReady = true;
      }
      const width = table.columns.length;
      for (const values of rows) {
        checkAbort(env);
        const row: Datum[] = new Array<Datum>(width);
        for (let i = 0; i < width; i++) {
          const d = defaults[i];
          row[i] = d == null ? null : await evaluate(d, [], env);
        }
        for (let k = 0; k < slots.length; k++) row[slots[k]!] = values[k] ?? null;
        await computeGenerated(generated, row, env);
        await insertOne(table, checks, row, env, opts);
        fk?.inserted(table, row);
      }
      return env.affected;
    },
    async finish(): Promise<void> {
      await fk?.finish();
    },
  };
}

// ANALYZE itself (row count and column statistics) lives in ./stats.ts.

/** Row counts from ANALYZE for the given tables (absent when never analyzed). */
export async function readTableRows(tables: readonly number[], ctx: ExecContext): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (tables.length === 0) return out;
  const values = await ctx.txn.getMany(tables.map(tableStatsKey));
  values.forEach((v, i) => {
    if (v !== undefined) out.set(tables[i]!, decodeTableRowCount(v));
  });
  return out;
}
