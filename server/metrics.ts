/**
 * Prometheus metrics of one node, in a registry of its own (never prom-client's global one),
 * so several nodes can live in one process (tests) without clashing.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { spillDirBytes } from '../sql/exec/spill.js';

export const statementDurationBucketsSeconds: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** Longest statement kind label we keep (the first word of a command tag). */
export const statementKindCharsMax = 32;
/** Distinct command tags whose counter child is cached (row counts make tags vary; cleared when full). */
export const statementTagsCachedMax = 1024;

export class ServerMetrics {
  readonly registry = new Registry();
  readonly connections: Gauge;
  readonly statements: Counter<'kind'>;
  readonly statementDuration: Histogram;
  readonly errors: Counter<'sqlstate_class'>;
  readonly commits: Counter;
  readonly rollbacks: Counter;

  constructor(opts: { collectProcessMetrics: boolean } = { collectProcessMetrics: true }) {
    const registers = [this.registry];
    this.connections = new Gauge({ name: 'nodedb_connections', help: 'Open client connections (after startup).', registers });
    this.statements = new Counter({
      name: 'nodedb_statements_total',
      help: 'Completed statements by kind (first word of the command tag).',
      labelNames: ['kind'],
      registers,
    });
    this.statementDuration = new Histogram({
      name: 'nodedb_statement_duration_seconds',
      help: 'Statement latency as seen by the pgwire server, successful or not.',
      buckets: [...statementDurationBucketsSeconds],
      registers,
    });
    this.errors = new Counter({
      name: 'nodedb_errors_total',
      help: 'Errors sent to clients, by SQLSTATE class (first two characters).',
      labelNames: ['sqlstate_class'],
      registers,
    });
    this.commits = new Counter({
      name: 'nodedb_commits_total',
      help: 'Transactions that committed: explicit COMMIT, and implicit (single-message) transactions that succeeded.',
      registers,
    });
    this.rollbacks = new Counter({
      name: 'nodedb_rollbacks_total',
      help: 'Transactions that rolled back: explicit ROLLBACK, failed COMMIT, and implicit transactions that failed.',
      registers,
    });
    if (opts.collectProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Labeled children by command tag (tags repeat: 'SELECT 1', 'UPDATE 1', ...), so a statement costs no label hashing. */
  private readonly statementCounterByTag = new Map<string, { inc(): void }>();

  statementCompleted(tag: string): void {
    let child = this.statementCounterByTag.get(tag);
    if (child === undefined) {
      child = this.statements.labels({ kind: statementKind(tag) });
      if (this.statementCounterByTag.size >= statementTagsCachedMax) this.statementCounterByTag.clear();
      this.statementCounterByTag.set(tag, child);
    }
    child.inc();
  }

  /** nodedb_spill_bytes: bytes of sort / hash spill files on disk now, read from `dir` at each scrape. */
  watchSpillDir(dir: string): void {
    new Gauge({
      name: 'nodedb_spill_bytes',
      help: 'Bytes of temporary files of sorts, hash joins and hash aggregates that exceeded work_mem, now on disk.',
      registers: [this.registry],
      collect() {
        this.set(spillDirBytes(dir));
      },
    });
  }

  errorSent(sqlstate: string): void {
    this.errors.inc({ sqlstate_class: sqlstate.slice(0, 2) });
  }
}

/** 'INSERT 0 1' → 'INSERT'; 'CREATE TABLE' → 'CREATE'. */
export function statementKind(tag: string): string {
  const space = tag.indexOf(' ');
  const word = space < 0 ? tag : tag.slice(0, space);
  return word.slice(0, statementKindCharsMax).toUpperCase();
}
