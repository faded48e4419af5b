/**
 * A scripted Engine/Session test double for server/ tests (imported only by *.test.ts).
 * It understands a tiny command language, one command per ';'-separated statement:
 *   select N          one int4 column "n", rows 1..N (text format, or binary when asked)
 *   echo              returns the bound parameters as one row (extended protocol)
 *   sleep             waits until the AbortSignal fires, then throws 57014
 *   error CODE MSG    throws SqlError(CODE, MSG)
 *   fatal             throws a FATAL SqlError
 *   boom              throws a plain Error (reported as XX000)
 *   begin | commit | rollback
 *   set NAME VALUE    sends ParameterStatus
 *   notice            sends a NOTICE, then 'DO'
 *   copy in           COPY FROM STDIN (text, 1 column); rows kept in `copied`
 *   copy out N        COPY TO STDOUT of N lines
 *   wide N            N rows of one 64 KiB text value, awaiting sink.drain() after each row
 */
import { SqlError, SqlState } from '../../util/errors.js';
import type {
  Engine,
  ExecuteOutcome,
  FieldDescription,
  ResultSink,
  Session,
  StartupParams,
  StatementDescription,
  TransactionStatus,
} from '../../sql/session-api.js';
import { formatScramSecret, makeScramSecret } from '../pgwire/scram.js';

const int4Oid = 23;
const textOid = 25;

function intField(name: string, format: 0 | 1): FieldDescription {
  return { name, tableOid: 0, columnAttr: 0, typeOid: int4Oid, typeSize: 4, typmod: -1, format };
}

/** As sql/ does: the server's abort reason when it is a SqlError, else a plain 57014. */
function canceled(signal?: AbortSignal): SqlError {
  if (signal?.reason instanceof SqlError) return signal.reason;
  return new SqlError(SqlState.queryCanceled, 'canceling statement due to user request');
}

interface Portal {
  readonly sql: string;
  readonly params: readonly (Uint8Array | null)[];
  readonly resultFormats: readonly number[];
  /** Rows already returned (for Execute with a row limit). */
  sent: number;
}

export class FakeEngine implements Engine {
  readonly sessions: FakeSession[] = [];
  private nextPid = 1000;
  shutdownCalls = 0;
  /** Users with a SCRAM secret, besides any bootstrap user handled by the server. */
  readonly passwords = new Map<string, string>([['alice', 'alice-secret']]);

  openSession(params: StartupParams): Session {
    if (params.database === 'nope') {
      throw new SqlError('3D000', `database "${params.database}" does not exist`, { severity: 'FATAL' });
    }
    const s = new FakeSession(this.nextPid++, params);
    this.sessions.push(s);
    return s;
  }

  scramSecret(user: string): string | undefined {
    const pw = this.passwords.get(user);
    return pw === undefined ? undefined : formatScramSecret(makeScramSecret(pw));
  }

  async shutdown(): Promise<void> {
    this.shutdownCalls++;
  }
}

export class FakeSession implements Session {
  private status: TransactionStatus = 'I';
  private readonly statements = new Map<string, { sql: string; paramTypes: number[] }>();
  private readonly portals = new Map<string, Portal>();
  readonly copied: string[] = [];
  closed = false;
  syncs = 0;
  /** Rows produced by 'wide', and how often drain() did not resolve at once (client not reading). */
  wideRowsSent = 0;
  drainBlocked = 0;
  running = false;

  constructor(
    readonly backendPid: number,
    readonly params: StartupParams,
  ) {}

  initialParameterStatus(): ReadonlyMap<string, string> {
    return new Map([
      ['server_version', '15.0 (nodedb fake)'],
      ['client_encoding', 'UTF8'],
      ['application_name', this.params.applicationName],
    ]);
  }

  transactionStatus(): TransactionStatus {
    return this.status;
  }

  async simpleQuery(sql: string, sink: ResultSink, signal: AbortSignal): Promise<void> {
    const parts = sql.split(';').map((s) => s.trim());
    const stmts = parts.filter((s) => s.length > 0);
    if (stmts.length === 0) {
      sink.emptyQuery();
      return;
    }
    for (const stmt of stmts) {
      try {
        await this.run(stmt, sink, signal, { params: [], resultFormats: [], maxRows: 0, portal: undefined });
      } catch (err) {
        if (this.status === 'T') this.status = 'E';
        throw err;
      }
    }
  }

  private async run(
    stmt: string,
    sink: ResultSink,
    signal: AbortSignal,
    ctx: { params: readonly (Uint8Array | null)[]; resultFormats: readonly number[]; maxRows: number; portal: Portal | undefined },
  ): Promise<ExecuteOutcome> {
    this.running = true;
    try {
      return await this.runInner(stmt, sink, signal, ctx);
    } finally {
      this.running = false;
    }
  }

  private async runInner(
    stmt: string,
    sink: ResultSink,
    signal: AbortSignal,
    ctx: { params: readonly (Uint8Array | null)[]; resultFormats: readonly number[]; maxRows: number; portal: Portal | undefined },
  ): Promise<ExecuteOutcome> {
    const words = stmt.split(/\s+/);
    const cmd = words[0]!.toLowerCase();
    if (this.status === 'E' && cmd !== 'rollback' && cmd !== 'commit') {
      throw new SqlError(SqlState.inFailedSqlTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
    }
    switch (cmd) {
      case 'select': {
        const n = Number(words[1] ?? '1');
        const binary = ctx.resultFormats[0] === 1;
        if (ctx.portal === undefined) sink.rowDescription([intField('n', binary ? 1 : 0)]);
        const start = ctx.portal?.sent ?? 0;
        const end = ctx.maxRows > 0 ? Math.min(n, start + ctx.maxRows) : n;
        for (let i = start + 1; i <= end; i++) {
          if (binary) {
            const b = Buffer.alloc(4);
            b.writeInt32BE(i);
            sink.dataRow([b]);
          } else {
            sink.dataRow([Buffer.from(String(i))]);
          }
          if (i % 100 === 0) await sink.drain();
        }
        if (ctx.portal !== undefined) ctx.portal.sent = end;
        if (end < n) return 'suspended';
        sink.commandComplete(`SELECT ${n}`);
        return 'complete';
      }
      case 'wide': {
        const n = Number(words[1] ?? '1');
        sink.rowDescription([{ ...intField('w', 0), typeOid: textOid, typeSize: -1 }]);
        const value = Buffer.alloc(64 * 1024, 0x77);
        for (let i = 0; i < n; i++) {
          sink.dataRow([value]);
          this.wideRowsSent++;
          let settled = false;
          const drained = sink.drain().then(() => {
            settled = true;
          });
          await Promise.resolve();
          if (!settled) this.drainBlocked++;
          await drained;
        }
        sink.commandComplete(`SELECT ${n}`);
        return 'complete';
      }
      case 'echo':
        if (ctx.portal === undefined) sink.rowDescription(ctx.params.map((_, i) => ({ ...intField(`p${i + 1}`, 0), typeOid: textOid, typeSize: -1 })));
        sink.dataRow(ctx.params);
        sink.commandComplete('SELECT 1');
        return 'complete';
      case 'sleep':
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        throw canceled(signal);
      case 'error':
        throw new SqlError(words[1] ?? 'XX000', words.slice(2).join(' ') || 'error', { detail: 'some detail', hint: 'some hint', position: 3 });
      case 'fatal':
        throw new SqlError(SqlState.adminShutdown, 'fatal from session', { severity: 'FATAL' });
      case 'boom':
        throw new Error('kaboom');
      case 'begin':
        this.status = 'T';
        sink.commandComplete('BEGIN');
        return 'complete';
      case 'commit': {
        const wasFailed = this.status === 'E';
        this.status = 'I';
        sink.commandComplete(wasFailed ? 'ROLLBACK' : 'COMMIT');
        return 'complete';
      }
      case 'rollback':
        this.status = 'I';
        sink.commandComplete('ROLLBACK');
        return 'complete';
      case 'set':
        sink.parameterStatus(words[1] ?? '', words[2] ?? '');
        sink.commandComplete('SET');
        return 'complete';
      case 'notice':
        sink.notice({ severity: 'NOTICE', code: '00000', message: 'hello notice' });
        sink.commandComplete('DO');
        return 'complete';
      case 'copy':
        return await this.copy(words, sink, signal);
      default:
        throw new SqlError(SqlState.syntaxError, `syntax error at or near "${words[0]}"`, { position: 1 });
    }
  }

  private async copy(words: string[], sink: ResultSink, signal: AbortSignal): Promise<ExecuteOutcome> {
    if (words[1] === 'in') {
      let rows = 0;
      let chunks = 0;
      let pending = '';
      for await (const chunk of sink.copyIn('text', 1)) {
        if (signal.aborted) throw canceled(signal);
        // Yield to the event loop now and then, like a consumer that writes to storage does.
        if (++chunks % 64 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        pending += Buffer.from(chunk).toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (line === '\\.') continue;
          if (line === 'bad') throw new SqlError(SqlState.invalidTextRepresentation, 'invalid input syntax for type integer: "bad"');
          this.copied.push(line);
          rows++;
        }
      }
      sink.commandComplete(`COPY ${rows}`);
      return 'complete';
    }
    const n = Number(words[2] ?? '0');
    sink.copyOutStart('text', 1);
    for (let i = 1; i <= n; i++) sink.copyData(Buffer.from(`${i}\n`));
    sink.copyDone();
    sink.commandComplete(`COPY ${n}`);
    return 'complete';
  }

  parse(name: string, sql: string, paramTypeOids: readonly number[]): void {
    if (name !== '' && this.statements.has(name)) {
      throw new SqlError(SqlState.duplicatePreparedStatement, `prepared statement "${name}" already exists`);
    }
    const first = sql.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    if (!['select', 'echo', 'sleep', 'error', 'begin', 'commit', 'rollback', 'copy', 'boom', ''].includes(first)) {
      throw new SqlError(SqlState.syntaxError, `syntax error at or near "${first}"`, { position: 1 });
    }
    const paramCount = (sql.match(/\$\d+/g) ?? []).length;
    const paramTypes = Array.from({ length: paramCount }, (_, i) => paramTypeOids[i] || textOid);
    this.statements.set(name, { sql, paramTypes });
  }

  bind(portal: string, statement: string, params: readonly (Uint8Array | null)[], _paramFormats: readonly number[], resultFormats: readonly number[]): void {
    const st = this.statements.get(statement);
    if (st === undefined) throw new SqlError(SqlState.invalidSqlStatementName, `prepared statement "${statement}" does not exist`);
    if (params.length !== st.paramTypes.length) {
      throw new SqlError(SqlState.protocolViolation, `bind message supplies ${params.length} parameters, but prepared statement "${statement}" requires ${st.paramTypes.length}`);
    }
    this.portals.set(portal, { sql: st.sql, params: [...params], resultFormats: [...resultFormats], sent: 0 });
  }

  describeStatement(name: string): StatementDescription {
    const st = this.statements.get(name);
    if (st === undefined) throw new SqlError(SqlState.invalidSqlStatementName, `prepared statement "${name}" does not exist`);
    return { paramTypes: st.paramTypes, fields: this.fieldsFor(st.sql, [], st.paramTypes.length) };
  }

  describePortal(name: string): readonly FieldDescription[] | null {
    const p = this.portals.get(name);
    if (p === undefined) throw new SqlError(SqlState.invalidCursorName, `portal "${name}" does not exist`);
    return this.fieldsFor(p.sql, p.resultFormats, p.params.length);
  }

  private fieldsFor(sql: string, resultFormats: readonly number[], paramCount: number): FieldDescription[] | null {
    const first = sql.trim().split(/\s+/)[0]?.toLowerCase();
    if (first === 'select') return [intField('n', resultFormats[0] === 1 ? 1 : 0)];
    if (first === 'echo') return Array.from({ length: paramCount }, (_, i) => ({ ...intField(`p${i + 1}`, 0), typeOid: textOid, typeSize: -1 }));
    return null;
  }

  async execute(portal: string, maxRows: number, sink: ResultSink, signal: AbortSignal): Promise<ExecuteOutcome> {
    const p = this.portals.get(portal);
    if (p === undefined) throw new SqlError(SqlState.invalidCursorName, `portal "${portal}" does not exist`);
    if (p.sql.trim() === '') {
      sink.emptyQuery();
      return 'complete';
    }
    try {
      return await this.run(p.sql.trim(), sink, signal, { params: p.params, resultFormats: p.resultFormats, maxRows, portal: p });
    } catch (err) {
      if (this.status === 'T') this.status = 'E';
      throw err;
    }
  }

  closeStatement(name: string): void {
    this.statements.delete(name);
  }

  closePortal(name: string): void {
    this.portals.delete(name);
  }

  async sync(): Promise<void> {
    this.syncs++;
    this.portals.delete('');
  }

  errorInExtended(_err: SqlError): void {
    if (this.status === 'T') this.status = 'E';
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
