/**
 * Defensive accessors over libpg-query's JSON parse tree. The JSON omits defaults (0, false, "",
 * empty lists), so every read tolerates absence. @pgsql/types stays inside sql/parser/.
 */
import type { Node } from '@pgsql/types';
import { SqlError, SqlState } from '../../util/errors.js';

export type { Node };

type AllKeys<T> = T extends unknown ? keyof T : never;
/** Every node tag libpg-query can emit ('SelectStmt', 'A_Const', ...). */
export type NodeTag = AllKeys<Node>;
export type NodeBody<K extends NodeTag> = Extract<Node, { [P in K]: unknown }>[K];

/** The single key of a wrapped node. */
export function tagOf(node: Node): string {
  const keys = Object.keys(node);
  if (keys.length !== 1) throw internal(`node with ${keys.length} tags`);
  return keys[0] as string;
}

/** The body of `node` when it is a `tag` node, else undefined. */
export function bodyOf<K extends NodeTag>(node: Node | undefined, tag: K): NodeBody<K> | undefined {
  if (node === undefined || node === null || typeof node !== 'object') return undefined;
  if (!Object.prototype.hasOwnProperty.call(node, tag)) return undefined;
  const body: unknown = (node as Record<string, unknown>)[tag];
  if (body === null || typeof body !== 'object') throw internal(`${tag} body is not an object`);
  return body as NodeBody<K>;
}

/** The body of `node`, which must be a `tag` node. */
export function expectBody<K extends NodeTag>(node: Node | undefined, tag: K, where: string): NodeBody<K> {
  const body = bodyOf(node, tag);
  if (body === undefined) {
    const got = node === undefined ? 'nothing' : tagOf(node);
    throw unsupported(`${got} in ${where}`);
  }
  return body;
}

export function list<T>(nodes: readonly T[] | undefined): readonly T[] {
  return nodes ?? [];
}

/** A list of String nodes → strings ("names" fields, column lists). */
export function strings(nodes: readonly Node[] | undefined, where: string): string[] {
  return list(nodes).map((n) => stringOf(n, where));
}

export function stringOf(node: Node | undefined, where: string): string {
  const s = bodyOf(node, 'String');
  if (s === undefined) throw unsupported(`${node === undefined ? 'nothing' : tagOf(node)} in ${where}`);
  return s.sval ?? '';
}

export function loc(location: number | undefined): number {
  return location === undefined ? -1 : location;
}

/** 0A000 naming the feature. */
export function unsupported(feature: string): SqlError {
  return new SqlError(SqlState.featureNotSupported, `${feature} is not supported`);
}

/** An unexpected shape of the parse tree: a bug in the converter or a new libpg-query. */
export function internal(what: string): SqlError {
  return new SqlError(SqlState.internalError, `unexpected parse tree: ${what}`);
}
