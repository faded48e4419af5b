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

async function copyFrom(s: A.CopyStmt, ctx: CopyContext): Promise<number> {
  if (!s.table) throw new SqlError(SqlState.syntaxError, 'COPY FROM requires a table');
  const target = prepareCopyFrom(s.table, s.columns, ctx.bind);
  const columns = target.columns;
  const names = columns.map((c) => c.name);
  let total = 0;
  let batch: Datum[][] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    total += await target.insert(batch, ctx.exec);
    batch = [];
  };
  const input = ctx.sink.copyIn(s.options.format, columns.length);
  if (s.options.format === 'binary') {
    const reader = new CopyBinaryReader(columns.length);
    for await (const chunk of input) {
      for (const fields of reader.feed(chunk)) {
        batch.push(fields.map((f, i) => (f === null ? null : decodeBinary(columns[i]!.type, f, ctx.format))));
        if (batch.length >= copyBatchRowsMax) await flush();
      }
      if (ctx.exec.signal.aborted) throw ctx.exec.signal.reason;
    }
    reader.finish();
  } else {
    const opts = resolveCopyOptions(s.options, names);
    const reader = new CopyTextReader(opts);
    const convert = (fields: (string | null)[]): Datum[] => {
      if (fields.length > columns.length) {
        throw new SqlError(SqlState.badCopyFileFormat, 'extra data after last expected column', { detail: `COPY ${s.table!.name}, line ${reader.lineNumber}` });
      }
      if (fields.length < columns.length) {
        throw new SqlError(SqlState.badCopyFileFormat, `missing data for column "${names[fields.length]}"`, {
          detail: `COPY ${s.table!.name}, line ${reader.lineNumber}`,
        });
      }
      return fields.map((f, i) => {
        if (f === null) return null;
        try {
          return parseText(columns[i]!.type, f, ctx.format);
        } catch (err) {
          if (err instanceof SqlError) {
            throw new SqlError(err.code, err.message, { ...err.fields, detail: `COPY ${s.table!.name}, line ${reader.lineNumber}, column ${names[i]}: "${f}"` });
          }
          throw err;
        }
      });
    };
    for await (const chunk of input) {
      for (const fields of reader.feed(chunk)) {
        batch.push(convert(fields));
        if (batch.length >= copyBatchRowsMax) await flush();
      }
      if (ctx.exec.signal.aborted) throw ctx.exec.signal.reason;
    }
    for (const fields of reader.finish()) batch.push(convert(fields));
  }
  await flush();
  return total;
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
    stmt = {
      kind: 'Select',
      targets:
        s.columns.length === 0
          ? [{ kind: 'ResTarget', expr: { kind: 'Star', qualifier: [], location: -1 }, location: -1 }]
          : s.columns.map((c) => ({ kind: 'ResTarget', expr: { kind: 'ColumnRef', names: [c], location: -1 }, location: -1 })),
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
