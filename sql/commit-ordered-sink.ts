/**
 * PostgreSQL commits an implicit transaction BEFORE it sends the CommandComplete of the simple
 * query's last statement (exec_simple_query: finish_xact_command, then EndCommand). A commit that
 * fails — a deferred foreign-key check, a serialization failure — then reports only its error,
 * never "INSERT 0 1" followed by an error. This sink holds that last CommandComplete, and
 * whatever the commit reports after it (ParameterStatus of settings the transaction ends), until
 * `release()`; `discard()` drops them when the commit failed.
 */
import { assertNever } from '../util/assert.js';
import type { CopyFormat, FieldDescription, NoticeFields, ResultSink } from './session-api.js';

type Held =
  | { readonly kind: 'complete'; readonly tag: string }
  | { readonly kind: 'status'; readonly name: string; readonly value: string }
  | { readonly kind: 'notice'; readonly notice: NoticeFields };

export class CommitOrderedSink implements ResultSink {
  private held: Held[] | undefined;

  constructor(private readonly sink: ResultSink) {}

  commandComplete(tag: string): void {
    (this.held ??= []).push({ kind: 'complete', tag });
  }

  parameterStatus(name: string, value: string): void {
    if (this.held === undefined) this.sink.parameterStatus(name, value);
    else this.held.push({ kind: 'status', name, value });
  }

  notice(notice: NoticeFields): void {
    if (this.held === undefined) this.sink.notice(notice);
    else this.held.push({ kind: 'notice', notice });
  }

  /** Sends what was held, in order (the commit succeeded). */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const h of held) {
      switch (h.kind) {
        case 'complete':
          this.sink.commandComplete(h.tag);
          break;
        case 'status':
          this.sink.parameterStatus(h.name, h.value);
          break;
        case 'notice':
          this.sink.notice(h.notice);
          break;
        default:
          assertNever(h, 'held message');
      }
    }
  }

  discard(): void {
    this.held = undefined;
  }

  rowDescription(fields: readonly FieldDescription[]): void {
    this.sink.rowDescription(fields);
  }
  dataRow(values: readonly (Uint8Array | null)[]): void {
    this.sink.dataRow(values);
  }
  emptyQuery(): void {
    this.sink.emptyQuery();
  }
  drain(): Promise<void> {
    return this.sink.drain();
  }
  copyIn(format: CopyFormat, columnCount: number): AsyncIterable<Uint8Array> {
    return this.sink.copyIn(format, columnCount);
  }
  copyOutStart(format: CopyFormat, columnCount: number): void {
    this.sink.copyOutStart(format, columnCount);
  }
  copyData(data: Uint8Array): void {
    this.sink.copyData(data);
  }
  copyDone(): void {
    this.sink.copyDone();
  }
}
