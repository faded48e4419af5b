/**
 * Memory accounting and spill files for the blocking operators (sort, hash join, hash aggregate,
 * DISTINCT). Each operator bounds its in-memory state by `work_mem` (ExecContext.workMemBytes),
 * counting datum sizes with `rowBytes`; past the bound it writes rows to temporary files under
 * the node's `<data-dir>/tmp` (external merge sort, grace hash partitions) or fails with 53200.
 *
 * Spill file format: a sequence of records `u32 byteLength, u32 datumCount, datum...`; a datum is
 * a tag byte and its body (see `writeDatum`). Rows are untyped (Datum carries its JS
 * representation), so the encoding is by runtime class: it round-trips every Datum exactly,
 * numeric display scale included. Files live only as long as their query: every operator removes
 * its files in a `finally` (end, error, cancel), and `clearSpillDir` empties the directory at startup.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { GrowableBuffer } from '../../util/growable-buffer.js';
import { Decimal, Interval, PgArray, PgRecord, type Datum } from '../types/datum.js';
import { formatNumeric, parseNumeric } from '../types/numeric.js';
import type { Env } from './expr.js';

type Row = Datum[];

/** work_mem when the context does not say (PostgreSQL's default, 4MB). */
export const workMemBytesDefault = 4 * 1024 * 1024;
/** Bytes buffered per spill file before a write (one write per full chunk). */
export const spillWriteChunkBytes = 8 * 1024;
/** Bytes read per refill of a spill file reader. */
export const spillReadChunkBytes = 8 * 1024;

export function workMemBytesOf(env: Env): number {
  return env.ctx.workMemBytes ?? workMemBytesDefault;
}

export function spillDirOf(dataDir: string): string {
  return path.join(dataDir, 'tmp');
}

/** Startup: spill files left by a crashed process are garbage. */
export async function clearSpillDir(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.startsWith('spill-')).map((n) => rm(path.join(dir, n), { force: true })));
}

/** Bytes of the spill files now in `dir` (the nodedb_spill_bytes gauge; the directory is usually empty). */
export function spillDirBytes(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    try {
      n += statSync(path.join(dir, name)).size;
    } catch {
      // Removed between readdir and stat: its query just ended.
    }
  }
  return n;
}

/** 53200 with PostgreSQL's message; DETAIL names the operator and the bound. */
export function outOfWorkMem(operator: string, env: Env, why: string): SqlError {
  const kb = Math.round(workMemBytesOf(env) / 1024);
  return new SqlError(SqlState.outOfMemory, 'out of memory', { detail: `${operator} ${why} (work_mem = ${kb}kB).` });
}

// ─── size estimates ───────────────────────────────────────────────────────────────────────

/** Estimated heap bytes of one datum (V8 object headers included, strings one byte per char). */
export function datumBytes(d: Datum): number {
  if (d === null) return 8;
  switch (typeof d) {
    case 'boolean':
      return 8;
    case 'number':
      return 16;
    case 'bigint':
      return 24;
    case 'string':
      return 24 + d.length;
    case 'object':
      if (d instanceof Uint8Array) return 96 + d.byteLength;
      if (d instanceof Interval) return 56;
      if (d instanceof PgArray) {
        let n = 96 + 8 * d.items.length;
        for (const it of d.items) n += datumBytes(it);
        return n;
      }
      if (d instanceof PgRecord) {
        let n = 64 + 8 * d.fields.length;
        for (const f of d.fields) n += datumBytes(f);
        return n;
      }
      if (d instanceof Decimal) return 72 + 8 * d.d.length;
      return otherObjectBytes(d);
    default:
      return assertNever(d, 'datum');
  }
}

/** Object datums without a case above (records): 64 bytes plus their `fields`, when they have them. */
function otherObjectBytes(d: object): number {
  const fields: unknown = Reflect.get(d, 'fields');
  if (!Array.isArray(fields)) return 64;
  let n = 64 + 8 * fields.length;
  for (const f of fields as readonly Datum[]) n += datumBytes(f);
  return n;
}

/** Estimated heap bytes of a row (array header and slots included). */
export function rowBytes(row: readonly Datum[]): number {
  let n = 32 + 8 * row.length;
  for (let i = 0; i < row.length; i++) n += datumBytes(row[i]!);
  return n;
}

/** 32-bit FNV-1a of a hash-table key string, salted by the partitioning depth. */
export function partitionOf(key: string, depth: number, partitions: number): number {
  let h = (0x811c9dc5 ^ Math.imul(depth + 1, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) % partitions;
}

/** Partitions per spill level of the hash operators (join, aggregate, DISTINCT, set operations). */
export const hashSpillPartitions = 32;
/** Repartitioning levels of a hash operator before a partition that still overflows fails with 53200. */
export const hashSpillDepthMax = 4;

/** 53200 when a hash operator's batch at `depth` overflows and may not be repartitioned again. */
export function checkRepartitionDepth(operator: string, env: Env, depth: number): void {
  if (depth >= hashSpillDepthMax) throw outOfWorkMem(operator, env, `batch still exceeds the bound after ${depth} repartitions`);
}

/** One spill file per partition (`hashSpillPartitions`), routed to by `partitionOf`. */
export function openSpillPartitions(spills: SpillSet): SpillWriter[] {
  const parts: SpillWriter[] = [];
  for (let i = 0; i < hashSpillPartitions; i++) parts.push(spills.create());
  return parts;
}

/** Writes `row` to the partition of `key` at `depth`. */
export function writeToPartition(parts: readonly SpillWriter[], key: string, depth: number, row: readonly Datum[]): void {
  parts[partitionOf(key, depth, parts.length)]!.write(row);
}

// ─── row encoding ─────────────────────────────────────────────────────────────────────────

const enum Tag {
  null = 0,
  false = 1,
  true = 2,
  int32 = 3,
  float64 = 4,
  int64 = 5,
  bigText = 6,
  string = 7,
  bytes = 8,
  numeric = 9,
  interval = 10,
  array = 11,
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

class ByteWriter extends GrowableBuffer {
  constructor(initialBytes = 256) {
    super(initialBytes);
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v, this.len);
    this.len += 4;
  }
  i32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.len);
    this.len += 4;
  }
  str(s: string): void {
    this.ensure(4 + s.length * 3);
    const n = this.buf.write(s, this.len + 4, 'utf8');
    this.buf.writeUInt32LE(n, this.len);
    this.len += 4 + n;
  }
}

function writeDatum(w: ByteWriter, d: Datum): void {
  if (d === null) return w.u8(Tag.null);
  switch (typeof d) {
    case 'boolean':
      return w.u8(d ? Tag.true : Tag.false);
    case 'number':
      if (Number.isInteger(d) && d >= -0x80000000 && d <= 0x7fffffff && !Object.is(d, -0)) {
        w.u8(Tag.int32);
        return w.i32(d);
      }
      w.u8(Tag.float64);
      w.ensure(8);
      w.buf.writeDoubleLE(d, w.len);
      w.len += 8;
      return;
    case 'bigint':
      if (d >= int64Min && d <= int64Max) {
        w.u8(Tag.int64);
        w.ensure(8);
        w.buf.writeBigInt64LE(d, w.len);
        w.len += 8;
        return;
      }
      w.u8(Tag.bigText);
      return w.str(d.toString());
    case 'string':
      w.u8(Tag.string);
      return w.str(d);
    case 'object':
      if (d instanceof Uint8Array) {
        w.u8(Tag.bytes);
        w.u32(d.byteLength);
        w.ensure(d.byteLength);
        w.buf.set(d, w.len);
        w.len += d.byteLength;
        return;
      }
      if (d instanceof Interval) {
        w.u8(Tag.interval);
        w.i32(d.months);
        w.i32(d.days);
        w.ensure(8);
        w.buf.writeBigInt64LE(d.micros, w.len);
        w.len += 8;
        return;
      }
      if (d instanceof PgArray) {
        w.u8(Tag.array);
        w.u32(d.elemOid);
        w.u32(d.dims.length);
        for (const x of d.dims) w.i32(x);
        for (const x of d.lbounds) w.i32(x);
        w.u32(d.items.length);
        for (const it of d.items) writeDatum(w, it);
        return;
      }
      if (d instanceof Decimal) {
        w.u8(Tag.numeric);
        return w.str(formatNumeric(d));
      }
      throw new SqlError(SqlState.featureNotSupported, 'spilling record values to disk is not supported (raise work_mem)');
    default:
      return assertNever(d, 'datum');
  }
}

class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
  ) {}
  u32(): number {
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  i32(): number {
    const v = this.buf.readInt32LE(this.pos);
    this.pos += 4;
    return v;
  }
  str(): string {
    const n = this.u32();
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

function readDatum(r: ByteReader): Datum {
  const tag = r.buf[r.pos++] as Tag;
  switch (tag) {
    case Tag.null:
      return null;
    case Tag.false:
      return false;
    case Tag.true:
      return true;
    case Tag.int32:
      return r.i32();
    case Tag.float64: {
      const v = r.buf.readDoubleLE(r.pos);
      r.pos += 8;
      return v;
    }
    case Tag.int64: {
      const v = r.buf.readBigInt64LE(r.pos);
      r.pos += 8;
      return v;
    }
    case Tag.bigText:
      return BigInt(r.str());
    case Tag.string:
      return r.str();
    case Tag.bytes: {
      const n = r.u32();
      const out = new Uint8Array(n);
      out.set(r.buf.subarray(r.pos, r.pos + n));
      r.pos += n;
      return out;
    }
    case Tag.numeric:
      return parseNumeric(r.str());
    case Tag.interval: {
      const months = r.i32();
      const days = r.i32();
      const micros = r.buf.readBigInt64LE(r.pos);
      r.pos += 8;
      return new Interval(months, days, micros);
    }
    case Tag.array: {
      const elemOid = r.u32();
      const ndims = r.u32();
      const dims: number[] = [];
      for (let i = 0; i < ndims; i++) dims.push(r.i32());
      const lbounds: number[] = [];
      for (let i = 0; i < ndims; i++) lbounds.push(r.i32());
      const n = r.u32();
      const items: Datum[] = [];
      for (let i = 0; i < n; i++) items.push(readDatum(r));
      return new PgArray(elemOid, items, dims, lbounds);
    }
    default:
      throw new SqlError(SqlState.internalError, `corrupt spill file: datum tag ${String(tag)}`);
  }
}

/** Encodes one row as a record (exported for tests). */
export function encodeRecord(row: readonly Datum[]): Buffer {
  const w = new ByteWriter();
  appendRecord(w, row);
  return w.buf.subarray(0, w.len);
}

function appendRecord(w: ByteWriter, row: readonly Datum[]): void {
  const start = w.len;
  w.u32(0);
  w.u32(row.length);
  for (let i = 0; i < row.length; i++) writeDatum(w, row[i]!);
  w.buf.writeUInt32LE(w.len - start - 4, start);
}

/** Decodes every record of a buffer (exported for tests). */
export function decodeRecords(buf: Buffer): Row[] {
  const out: Row[] = [];
  const r = new ByteReader(buf, 0);
  while (r.pos < buf.length) out.push(readRecordBody(r));
  return out;
}

function readRecordBody(r: ByteReader): Row {
  const end = r.pos + 4 + r.buf.readUInt32LE(r.pos);
  r.pos += 4;
  const n = r.u32();
  const row: Row = new Array<Datum>(n);
  for (let i = 0; i < n; i++) row[i] = readDatum(r);
  assert(r.pos === end, 'spill record length matches its datums');
  return row;
}

// ─── files ────────────────────────────────────────────────────────────────────────────────

/** What one operator spilled, for EXPLAIN ANALYZE. */
export interface SpillReport {
  /** Bytes written to spill files (every pass). */
  diskBytes: number;
  /** Largest estimated in-memory footprint. */
  peakMemoryBytes: number;
  /** Sorted runs (sort) or partitions (hash join / aggregate / distinct) written. */
  files: number;
}

export function newSpillReport(): SpillReport {
  return { diskBytes: 0, peakMemoryBytes: 0, files: 0 };
}

/** Hands the report to EXPLAIN ANALYZE when the plan node is instrumented. */
export function publishSpillReport(plan: object, env: Env, report: SpillReport): void {
  const s = env.stats?.get(plan);
  if (s !== undefined) s.spill = report;
}

/**
 * The spill files of one operator execution: created on demand, all removed by `cleanup()`
 * (which every operator calls in a `finally`). File I/O is synchronous: writes and reads are
 * whole chunks against the page cache, far cheaper than a thread-pool round trip per chunk.
 */
export class SpillSet {
  private readonly paths = new Set<string>();
  private dirReady = false;
  private readonly dir: string;

  constructor(
    env: Env,
    readonly report: SpillReport,
  ) {
    this.dir = env.ctx.tempDir ?? path.join(os.tmpdir(), 'nodedb-spill');
  }

  /** A new spill file; `chunkBytes` is its write buffer (larger for one sequential writer). */
  create(chunkBytes = spillWriteChunkBytes): SpillWriter {
    if (!this.dirReady) {
      mkdirSync(this.dir, { recursive: true });
      this.dirReady = true;
    }
    const p = path.join(this.dir, `spill-${process.pid}-${randomUUID()}`);
    this.paths.add(p);
    const fd = openSync(p, 'w');
    this.report.files++;
    return new SpillWriter(p, fd, this.report, chunkBytes);
  }

  remove(file: SpillFile): void {
    this.paths.delete(file.path);
    rmSync(file.path, { force: true });
  }

  async cleanup(): Promise<void> {
    const ps = [...this.paths];
    this.paths.clear();
    await Promise.all(ps.map((p) => rm(p, { force: true })));
  }
}

/** A finished spill file. */
export interface SpillFile {
  readonly path: string;
  readonly rows: number;
}

export class SpillWriter {
  private readonly w: ByteWriter;
  private position = 0;
  rows = 0;

  constructor(
    readonly path: string,
    private fd: number | undefined,
    private readonly report: SpillReport,
    private readonly chunkBytes: number,
  ) {
    this.w = new ByteWriter(chunkBytes + 1024);
  }

  write(row: readonly Datum[]): void {
    appendRecord(this.w, row);
    this.rows++;
    if (this.w.len >= this.chunkBytes) this.flush();
  }

  private flush(): void {
    assert(this.fd !== undefined, 'write to a closed spill file');
    let off = 0;
    while (off < this.w.len) {
      const n = writeSync(this.fd, this.w.buf, off, this.w.len - off, this.position);
      off += n;
      this.position += n;
    }
    this.report.diskBytes += this.w.len;
    this.w.len = 0;
  }

  finish(): SpillFile {
    this.flush();
    this.close();
    return { path: this.path, rows: this.rows };
  }

  /** Closes without flushing (error paths; the SpillSet removes the file). */
  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

/** Sequential reader of a spill file: `next()` decodes from its chunk and refills when needed. */
export class SpillReader {
  private buf = Buffer.allocUnsafe(0);
  private pos = 0;
  private filePos = 0;
  private eof = false;
  private fd: number | undefined;

  constructor(
    readonly file: SpillFile,
    private readonly chunkBytes = spillReadChunkBytes,
  ) {
    this.fd = openSync(file.path, 'r');
  }

  /** The next row, or undefined at the end. */
  next(): Row | undefined {
    for (;;) {
      const avail = this.buf.length - this.pos;
      if (avail >= 4) {
        const need = 4 + this.buf.readUInt32LE(this.pos);
        if (avail >= need) {
          const r = new ByteReader(this.buf, this.pos);
          const row = readRecordBody(r);
          this.pos = r.pos;
          return row;
        }
        if (!this.refill(need)) return undefined;
        continue;
      }
      if (!this.refill(4)) return undefined;
    }
  }

  private refill(needBytes: number): boolean {
    if (this.eof) {
      if (this.pos < this.buf.length) throw new SqlError(SqlState.internalError, `spill file ${this.file.path} ends inside a record`);
      return false;
    }
    const rest = this.buf.subarray(this.pos);
    const size = Math.max(this.chunkBytes, needBytes);
    const next = Buffer.allocUnsafe(rest.length + size);
    rest.copy(next, 0);
    assert(this.fd !== undefined, 'read from a closed spill file');
    const bytesRead = readSync(this.fd, next, rest.length, size, this.filePos);
    this.filePos += bytesRead;
    this.buf = next.subarray(0, rest.length + bytesRead);
    this.pos = 0;
    if (bytesRead === 0) {
      this.eof = true;
      this.close();
      return this.refill(needBytes);
    }
    return true;
  }

  close(): void {
    const fd = this.fd;
    this.fd = undefined;
    if (fd !== undefined) closeSync(fd);
  }
}

/** Every row of a spill file, in order. */
export async function* readSpill(file: SpillFile): AsyncGenerator<Row> {
  const r = new SpillReader(file);
  try {
    for (;;) {
      const row = r.next();
      if (row === undefined) return;
      yield row;
    }
  } finally {
    r.close();
  }
}
