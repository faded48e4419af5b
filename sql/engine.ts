/**
 * The SQL engine of one node: owns what sessions share (the KV handle, the catalog store,
 * a bounded parse cache, backend pids) and opens sessions for server/.
 */
import type { Kv, Span } from '../cluster/kv/api.js';
import { openCatalog, type CatalogStore } from '../catalog/store.js';
import { type CatalogState, defaultDatabaseName } from '../catalog/state.js';
import { resolveCatalogTypeName } from './bind/type-names.js';
import { SqlError, SqlState } from '../util/errors.js';
import type * as A from './ast.js';
import { databaseByName, type BackendActivity } from '../pg_catalog/index.js';
import { tablePrefix, prefixEnd } from './encoding/key.js';
import { initParser, parseSql } from './parser/index.js';
import { SqlSession } from './session.js';
import { clearSpillDir, spillDirOf } from './exec/spill.js';
import type { Engine, Session, SessionControl, StartupParams } from './session-api.js';
import type { BackendSignal } from '../pg_catalog/index.js';
import { tableStatsCache } from './exec/stats.js';
import { defaultVersionString, resolveTypeName, typeInfo, arrayElemOid, type SqlType } from './types/index.js';

/** Parsed statement lists kept for repeated query texts (ASTs are frozen, so sharing is safe). */
const parseCacheEntriesMax = 2048;
/** Query texts longer than this are not cached. */
const parseCacheTextCharsMax = 8192;

export interface EngineOptions {
  readonly kv: Kv;
  readonly dataDir: string;
  /** This node's id (SHOW SCHEMA VERSION). */
  readonly nodeId?: number;
  readonly versionString?: string;
  /** The role named by --user: it may log in even before a role of that name is created. */
  readonly bootstrapUser?: string;
}

export class EngineCore {
  readonly kv: Kv;
  readonly catalog: CatalogStore;
  readonly nodeId: number;
  readonly versionString: string;
  readonly bootstrapUser: string;
  /** Spill files of sorts, hash joins and hash aggregates (sql/exec/spill.ts); emptied at startup. */
  readonly tempDir: string;
  private readonly parseCache = new Map<string, readonly A.ParsedStatement[]>();
  private readonly sessions = new Map<number, SqlSession>();
  private readonly controls = new Map<number, SessionControl>();
  private nextPid = 1000 + Math.floor(Math.random() * 1000);

  constructor(opts: EngineOptions, catalog: CatalogStore) {
    this.kv = opts.kv;
    this.catalog = catalog;
    this.nodeId = opts.nodeId ?? 1;
    this.versionString = opts.versionString ?? defaultVersionString;
    this.bootstrapUser = opts.bootstrapUser ?? 'postgres';
    this.tempDir = spillDirOf(opts.dataDir);
  }

  parse(sql: string): readonly A.ParsedStatement[] {
    const cached = this.parseCache.get(sql);
    if (cached) return cached;
    const parsed = parseSql(sql);
    if (sql.length <= parseCacheTextCharsMax) {
      this.parseCache.set(sql, parsed);
      if (this.parseCache.size > parseCacheEntriesMax) this.parseCache.delete(this.parseCache.keys().next().value!);
    }
    return parsed;
  }

  /** A written type; with a catalog, catalog-defined (enum) types resolve along `searchPath` too. */
  resolveType(t: A.TypeName, catalog?: CatalogState, searchPath: readonly string[] = []): SqlType {
    const r = catalog === undefined
      ? resolveTypeName(t.names, t.typmods, t.arrayBounds)
      : resolveCatalogTypeName(catalog, searchPath, undefined, t.names, t.typmods, t.arrayBounds);
    if (r.kind === 'serial') throw new SqlError(SqlState.undefinedObject, `type "${t.names[t.names.length - 1]}" does not exist`);
    return r.type;
  }

  /** A TypeName node that resolves back to `t` (used to cast EXECUTE arguments). */
  typeNameOf(t: SqlType, catalog?: CatalogState): A.TypeName {
    const elem = arrayElemOid(t.oid);
    const base = elem !== 0 ? elem : t.oid;
    const info = typeInfo(base);
    const enumType = catalog?.enumType(base);
    if (enumType !== undefined) {
      // A catalog-defined (enum) type: named in its own schema.
      const schema = catalog?.schema(enumType.schemaOid)?.name ?? 'public';
      return { kind: 'TypeName', names: [schema, enumType.name], typmods: [], arrayBounds: elem !== 0 ? 1 : 0, location: -1 };
    }
    const typmods: number[] = [];
    if (t.typmod >= 0 && (info.name === 'varchar' || info.name === 'bpchar')) typmods.push(t.typmod - 4);
    if (t.typmod >= 0 && info.name === 'numeric') typmods.push(((t.typmod - 4) >> 16) & 0xffff, (t.typmod - 4) & 0xffff);
    return { kind: 'TypeName', names: ['pg_catalog', info.name], typmods, arrayBounds: elem !== 0 ? 1 : 0, location: -1 };
  }

  tableSpan(tableOid: number): Span {
    const start = tablePrefix(tableOid);
    return { start, end: prefixEnd(start) };
  }

  register(session: SqlSession, control: SessionControl | undefined): void {
    this.sessions.set(session.backendPid, session);
    if (control) this.controls.set(session.backendPid, control);
  }

  sessionClosed(session: SqlSession): void {
    this.sessions.delete(session.backendPid);
    this.controls.delete(session.backendPid);
  }

  /** pg_cancel_backend / pg_terminate_backend: false when no session of this node has the pid. */
  signalBackend(pid: number, signal: BackendSignal): boolean {
    const control = this.controls.get(pid);
    if (!control) return false;
    if (signal === 'cancel') control.cancel();
    else control.terminate();
    return true;
  }

  allocatePid(): number {
    do {
      this.nextPid = this.nextPid >= 2_000_000_000 ? 1000 : this.nextPid + 1;
    } while (this.sessions.has(this.nextPid));
    return this.nextPid;
  }

  /** pg_stat_activity: every session of this node. */
  activity(): BackendActivity[] {
    return [...this.sessions.values()].map((s) => s.activity());
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.close()));
  }
}

class NodeEngine implements Engine {
  constructor(private readonly core: EngineCore) {}

  openSession(params: StartupParams, control?: SessionControl): Session {
    const catalog = this.core.catalog.current();
    if (params.database !== defaultDatabaseName) {
      const template = databaseByName(catalog, params.database);
      if (template === undefined) throw new SqlError('3D000', `database "${params.database}" does not exist`, { severity: 'FATAL' });
      if (!template.allowConn) throw new SqlError(SqlState.objectNotInPrerequisiteState, `database "${params.database}" is not currently accepting connections`, { severity: 'FATAL' });
      throw new SqlError(SqlState.featureNotSupported, `connecting to template database "${params.database}" is not supported`, { severity: 'FATAL' });
    }
    if (params.user !== this.core.bootstrapUser && !catalog.roleByNameOrUndefined(params.user)) {
      throw new SqlError(SqlState.invalidAuthorizationSpecification, `role "${params.user}" does not exist`, { severity: 'FATAL' });
    }
    if (catalog.roleByNameOrUndefined(params.user)?.login === false) {
      throw new SqlError(SqlState.invalidAuthorizationSpecification, `role "${params.user}" is not permitted to log in`, { severity: 'FATAL' });
    }
    const session = new SqlSession(this.core, params, this.core.allocatePid());
    this.core.register(session, control);
    return session;
  }

  scramSecret(user: string): string | undefined {
    return this.core.catalog.current().roleByNameOrUndefined(user)?.scramSecret;
  }

  async shutdown(): Promise<void> {
    await this.core.closeAll();
  }
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  await initParser();
  const catalog = await openCatalog(opts.kv);
  await clearSpillDir(spillDirOf(opts.dataDir));
  await tableStatsCache(opts.kv).load(opts.kv);
  return new NodeEngine(new EngineCore(opts, catalog));
}
