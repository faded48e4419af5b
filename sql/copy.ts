/**
 * COPY ... FROM STDIN / COPY ... TO STDOUT. Rows go through the engine's normal paths:
 * COPY FROM inserts with the same constraints, defaults and index maintenance as INSERT;
 * COPY TO runs a SELECT plan.
 */
import { SqlError, SqlState } from '../util/errors.js';
import type * as A from './ast.js';
import {
  CopyBinaryReader,
  CopyTextReader,
  binaryCopyHeader,
  binaryCopyRow,
  binaryCopyTrailer,
  formatCopyHeader,
  formatCopyTextRow,
  resolveCopyOptions,
  type CopyTextOptions,
  type CopyTextRow,
} from './copy-format.js';
import { executeQuery, prepareCopyFrom, prepareQuery, type BindContext, type ExecContext, type ResultColumn } from './plan/api.js';
import type { ResultSink } from './session-api.js';
import { decodeBinary, encodeBinary, formatText, parseText, type Datum, type FormatContext } from './types/index.js';

/** Rows inserted per engine call during COPY FROM. */
const copyBatchRowsMax = 1000;
/** Rows fetched per engine call during COPY TO. */
const copyFetchRowsMax = 1000;

export interface CopyContext {
  readonly sink: ResultSink;
  readonly bind: BindContext;
  readonly exec: ExecContext;
  readonly format: FormatContext;
}

/** Runs a COPY statement; returns the row count for the `COPY n` tag. */
export async function runCopy(s: A.CopyStmt, ctx: CopyContext): Promise<number> {
  if (s.where) throw new SqlError(SqlState.featureNotSupported, 'COPY FROM ... WHERE is not supported yet');
  return s.direction === 'from' ? copyFrom(s, ctx) : copyTo(s, ctx);
}

/** Adds the CONTEXT PostgreSQL gives COPY errors (`COPY t, line 3...`). */
function withContext(err: unknown, where: string): unknown {
  if (!(err instanceof SqlError) || err.fields.where !== undefined) return err;
  const { position: _position, ...fields } = err.fields;
  void _position;
  return new SqlError(err.code, err.message, { ...fields, where });
}

async function copyFrom(s: A.CopyStmt, ctx: CopyContext): Promise<number> {
  if (!s.table) throw new SqlError(SqlState.syntaxError, 'COPY FROM requires a table');
  const tableName = s.table.name;
  // PostgreSQL reports COPY's name errors without a position.
  const target = prepareCopyFrom({ ...s.table, location: -1 }, s.columns, ctx.bind);
  const columns = target.columns;
  const names = columns.map((c) => c.name);
  let total = 0;
  let batch: Datum[][] = [];
  let lines: number[] = [];
  const txn = ctx.exec.txn;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const savepoint = txn.savepoint();
    try {
      total += await target.insert(batch, ctx.exec);
    } catch (err) {
      if (!(err instanceof SqlError) || batch.length === 1) throw withContext(err, `COPY ${tableName}, line ${lines[0]}`);
      // Find the row that failed, for the error's line number: undo the batch, replay row by row.
      txn.rollbackToSavepoint(savepoint);
      for (let i = 0; i < batch.length; i++) {
        try {
          total += await target.insert([batch[i]!], ctx.exec);
        } catch (rowErr) {
          throw withContext(rowErr, `COPY ${tableName}, line ${lines[i]}`);
        }
      }
      throw err;
    }
    batch = [];
    lines = [];
  };
  const input = ctx.sink.copyIn(s.options.format, columns.length);
  if (s.options.format === 'binary') {
    const reader = new CopyBinaryReader(columns.length);
    let row = 0;
    for await (const chunk of input) {
      for (const fields of reader.feed(chunk)) {
        row++;
        try {
          batch.push(fields.map((f, i) => (f === null ? null : decodeBinary(columns[i]!.type, f, ctx.format))));
        } catch (err) {
          throw withContext(err, `COPY ${tableName}, line ${row}`);
        }
        lines.push(row);
        if (batch.length >= copyBatchRowsMax) await flush();
      }
      if (ctx.exec.signal.aborted) throw ctx.exec.signal.reason;
    }
    reader.finish();
  } else {
    const opts = resolveCopyOptions(s.options, names);
    const reader = new CopyTextReader(opts);
    const convert = (row: CopyTextRow): Datum[] => {
      const { fields } = row;
      const rawContext = `COPY ${tableName}, line ${row.line}: "${row.raw}"`;
      if (fields.length > columns.length) {
        throw new SqlError(SqlState.badCopyFileFormat, 'extra data after last expected column', { where: rawContext });
      }
      if (fields.length < columns.length) {
        throw new SqlError(SqlState.badCopyFileFormat, `missing data for column "${names[fields.length]}"`, { where: rawContext });
      }
      return fields.map((f, i) => {
        if (f === null) return null;
        try {
          return parseText(columns[i]!.type, f, ctx.format);
        } catch (err) {
          throw withContext(err, `COPY ${tableName}, line ${row.line}, column ${names[i]}: "${f}"`);
        }
      });
    };
    const take = async (rows: CopyTextRow[]): Promise<void> => {
      for (const row of rows) {
        batch.push(convert(row));
        lines.push(row.line);
        if (batch.length >= copyBatchRowsMax) await flush();
      }
    };
    for await (const chunk of input) {
      await take(reader.feed(chunk));
      if (ctx.exec.signal.aborted) throw ctx.exec.signal.reason;
    }
    await take(reader.finish());
  }
  await flush();
  // End of the statement: deferred per-statement checks (foreign keys) run now, without a line CONTEXT.
  await target.finish(ctx.exec);
  return total;
}

/**
 * The columns COPY table TO writes (undefined: all, as `*`). Generated columns are left out of
 * the default list and refused by name, as in PostgreSQL 15.
 */
function copyToColumns(table: A.RangeVar, columns: readonly string[], bind: BindContext): readonly string[] | undefined {
  const entry = bind.catalog.lookupClass(bind.searchPath, table.schema === undefined ? [table.name] : [table.schema, table.name]);
  const t = entry?.kind === 'table' ? bind.catalog.table(entry.oid) : undefined;
  const generated = t?.columns.filter((c) => !c.dropped && c.generated !== undefined) ?? [];
  if (generated.length === 0 || t === undefined) return columns.length === 0 ? undefined : columns;
  const named = generated.find((c) => columns.includes(c.name));
  if (named !== undefined) {
    throw new SqlError(SqlState.invalidColumnReference, `column "${named.name}" is a generated column`, {
      detail: 'Generated columns cannot be used in COPY.',
    });
  }
  return columns.length > 0 ? columns : t.columns.filter((c) => !c.dropped && !c.hidden && c.generated === undefined).map((c) => c.name);
}

async function copyTo(s: A.CopyStmt, ctx: CopyContext): Promise<number> {
  let stmt: A.SelectStmt;
  if (s.query) {
    const q = s.query;
    if (q.kind !== 'Select' && q.kind !== 'Values' && q.kind !== 'SetOp') {
      throw new SqlError(SqlState.featureNotSupported, 'COPY (INSERT/UPDATE/DELETE ... RETURNING) TO is not supported yet');
    }
    stmt = q;
  } else {
    if (!s.table) throw new SqlError(SqlState.syntaxError, 'COPY TO requires a table or a query');
    const names = copyToColumns(s.table, s.columns, ctx.bind);
    stmt = {
      kind: 'Select',
      targets:
        names === undefined
          ? [{ kind: 'ResTarget', expr: { kind: 'Star', qualifier: [], location: -1 }, location: -1 }]
          : names.map((c) => ({ kind: 'ResTarget', expr: { kind: 'ColumnRef', names: [c], location: -1 }, location: -1 })),
      from: [s.table],
      groupBy: [],
      groupByDistinct: false,
      windows: [],
      orderBy: [],
      limitWithTies: false,
      locking: [],
    };
  }
  const q = prepareQuery(stmt, ctx.bind);
  const columns: readonly ResultColumn[] = q.columns ?? [];
  const exec = executeQuery(q, [], ctx.exec);
  const { sink } = ctx;
  sink.copyOutStart(s.options.format, columns.length);
  const enc = new TextEncoder();
  let opts: CopyTextOptions | undefined;
  if (s.options.format === 'binary') sink.copyData(binaryCopyHeader());
  else {
    opts = resolveCopyOptions(s.options, columns.map((c) => c.name));
    if (opts.header) sink.copyData(enc.encode(formatCopyHeader(columns.map((c) => c.name), opts)));
  }
  let count = 0;
  try {
    for (;;) {
      const rows = await exec.fetch(copyFetchRowsMax);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (opts) {
          const fields = row.map((d, i) => (d === null ? null : formatText(columns[i]!.type, d, ctx.format)));
          sink.copyData(enc.encode(formatCopyTextRow(fields, opts)));
        } else {
          sink.copyData(binaryCopyRow(row.map((d, i) => (d === null ? null : encodeBinary(columns[i]!.type, d, ctx.format)))));
        }
      }
      count += rows.length;
      await sink.drain();
      if (ctx.exec.signal.aborted) throw ctx.exec.signal.reason;
    }
  } finally {
    await exec.close();
  }
  if (!opts) sink.copyData(binaryCopyTrailer());
  sink.copyDone();
  return count;
}
