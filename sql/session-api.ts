/**
 * The contract between server/ (pgwire) and sql/ (sessions, planning, execution).
 * server/ owns bytes on the wire; sql/ owns meaning. sql/ encodes every value itself
 * (text or binary per the requested format) so server/ never needs to know types.
 */
import type { SqlError } from '../util/errors.js';

/** One column of a RowDescription. */
export interface FieldDescription {
  readonly name: string;
  /** OID of the source table, or 0. */
  readonly tableOid: number;
  /** Attribute number in the source table, or 0. */
  readonly columnAttr: number;
  readonly typeOid: number;
  /** pg_type.typlen: -1 varlena, -2 cstring. */
  readonly typeSize: number;
  readonly typmod: number;
  /** 0 text, 1 binary. */
  readonly format: 0 | 1;
}

export type CopyFormat = 'text' | 'csv' | 'binary';

export interface NoticeFields {
  readonly severity: 'NOTICE' | 'WARNING' | 'INFO' | 'DEBUG' | 'LOG';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
}

/**
 * Where a statement's results go. Calls arrive in protocol order:
 * [rowDescription] dataRow* commandComplete, or emptyQuery, or the COPY sub-protocol.
 */
export interface ResultSink {
  rowDescription(fields: readonly FieldDescription[]): void;
  /** Values already encoded in the format given by the field description; null = SQL NULL. */
  dataRow(values: readonly (Uint8Array | null)[]): void;
  /** e.g. 'SELECT 3', 'INSERT 0 1', 'UPDATE 2', 'BEGIN'. */
  commandComplete(tag: string): void;
  emptyQuery(): void;
  notice(notice: NoticeFields): void;
  /** A reported parameter changed (SET DateStyle, application_name, ...). */
  parameterStatus(name: string, value: string): void;
  /** Resolves when the client socket has drained below its bound; await every few rows. */
  drain(): Promise<void>;
  /**
   * COPY ... FROM STDIN: sends CopyInResponse and yields the CopyData payloads until CopyDone.
   * CopyFail from the client makes the iterator throw a SqlError (57014-like 'COPY from stdin failed').
   */
  copyIn(format: CopyFormat, columnCount: number): AsyncIterable<Uint8Array>;
  /** COPY ... TO STDOUT: CopyOutResponse, then copyData* and copyDone. */
  copyOutStart(format: CopyFormat, columnCount: number): void;
  copyData(data: Uint8Array): void;
  copyDone(): void;
}

export type TransactionStatus = 'I' | 'T' | 'E';

export interface StatementDescription {
  /** Parameter type OIDs (inferred where the client sent 0). */
  readonly paramTypes: readonly number[];
  /** null when the statement returns no rows (NoData). Formats are all 0 here. */
  readonly fields: readonly FieldDescription[] | null;
}

export type ExecuteOutcome = 'complete' | 'suspended';

export interface StartupParams {
  readonly user: string;
  readonly database: string;
  readonly applicationName: string;
  /** name=value pairs from `options=-c name=value` and other startup parameters. */
  readonly settings: ReadonlyMap<string, string>;
}

/** One client connection's SQL session. Not re-entrant: server/ runs one call at a time. */
export interface Session {
  readonly backendPid: number;
  /** ParameterStatus messages to send after authentication (PostgreSQL 15's set). */
  initialParameterStatus(): ReadonlyMap<string, string>;
  transactionStatus(): TransactionStatus;

  /** Simple query protocol: one Query message, possibly several statements. Errors are thrown. */
  simpleQuery(sql: string, sink: ResultSink, signal: AbortSignal): Promise<void>;

  // Extended query protocol
  parse(name: string, sql: string, paramTypeOids: readonly number[]): void;
  bind(
    portal: string,
    statement: string,
    params: readonly (Uint8Array | null)[],
    paramFormats: readonly number[],
    resultFormats: readonly number[],
  ): void;
  describeStatement(name: string): StatementDescription;
  /** Row description of a bound portal (with its result formats), or null for NoData. */
  describePortal(name: string): readonly FieldDescription[] | null;
  /** maxRows 0 = all. On 'suspended' server/ sends PortalSuspended. */
  execute(portal: string, maxRows: number, sink: ResultSink, signal: AbortSignal): Promise<ExecuteOutcome>;
  closeStatement(name: string): void;
  closePortal(name: string): void;
  /** Sync: ends an implicit transaction (commit, or rollback after an error); unnamed portal dropped. */
  sync(): Promise<void>;
  /** Called after an error in the extended protocol, before skipping to Sync. */
  errorInExtended(err: SqlError): void;

  /** Connection closed: roll back, release locks and cursors. */
  close(): Promise<void>;
}

/** What the connection lets the engine do to it (pg_cancel_backend / pg_terminate_backend). */
export interface SessionControl {
  /** Cancel the running statement (57014), as a CancelRequest would. */
  cancel(): void;
  /** End the session with FATAL 57P01 `terminating connection due to administrator command`. */
  terminate(): void;
}

export interface Engine {
  /** Throws SqlError 3D000 for an unknown database, 28000 for an unknown role. */
  openSession(params: StartupParams, control?: SessionControl): Session;
  /** Verifies a role's password for SCRAM: returns the stored SCRAM secret, or undefined. */
  scramSecret(user: string): string | undefined;
  shutdown(): Promise<void>;
}
