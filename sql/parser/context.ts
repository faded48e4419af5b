/**
 * Per-parse conversion context: the query text, its scan tokens, and the byte → character
 * offset mapping (libpg-query reports UTF-8 byte offsets; our AST uses JS string offsets).
 */
import type { ScanToken } from 'libpg-query';
import { assert } from '../../util/assert.js';

export class ParseContext {
  readonly text: string;
  /** byteToChar[b] = string offset of the character starting at byte b; undefined when ASCII-only. */
  private readonly byteToChar: Int32Array | undefined;
  private scanned: readonly ScanToken[] | undefined;

  /** `scan` is called at most once, when tokens are first needed (scanning costs as much as parsing). */
  constructor(
    text: string,
    private readonly scan: () => readonly ScanToken[],
  ) {
    this.text = text;
    this.byteToChar = buildByteMap(text);
  }

  get tokens(): readonly ScanToken[] {
    if (this.scanned === undefined) this.scanned = this.scan();
    return this.scanned;
  }

  /** Byte offset (or -1/undefined) → string offset (or -1). */
  loc(byteOffset: number | undefined): number {
    if (byteOffset === undefined || byteOffset < 0) return -1;
    return this.charOffset(byteOffset);
  }

  charOffset(byteOffset: number): number {
    if (this.byteToChar === undefined) return Math.min(byteOffset, this.text.length);
    const clamped = Math.min(byteOffset, this.byteToChar.length - 1);
    return this.byteToChar[clamped] as number;
  }

  /** 1-based client-visible position (in characters) of byte offset `byteOffset`; undefined when unknown. */
  position(byteOffset: number | undefined): number | undefined {
    if (byteOffset === undefined || byteOffset < 0) return undefined;
    return codePointCount(this.text, this.charOffset(byteOffset)) + 1;
  }

  /** Text between two byte offsets. */
  sliceBytes(startByte: number, endByte: number): string {
    assert(startByte <= endByte, 'slice start after end');
    return this.text.slice(this.charOffset(startByte), this.charOffset(endByte));
  }

  /** Index of the first token starting at or after byte offset `byteOffset`. */
  tokenIndexAt(byteOffset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.tokens[mid] as ScanToken).start < byteOffset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function buildByteMap(text: string): Int32Array | undefined {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return undefined;
  const bytes = Buffer.byteLength(text, 'utf8');
  const map = new Int32Array(bytes + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i) as number;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < n; k++) map[b + k] = i;
    b += n;
    if (cp >= 0x10000) i++;
  }
  assert(b === bytes, 'byte map length');
  map[bytes] = text.length;
  return map;
}

/** Number of code points before string offset `charOffset` (PostgreSQL positions count characters). */
export function codePointCount(text: string, charOffset: number): number {
  let n = 0;
  for (let i = 0; i < charOffset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
    n++;
  }
  return n;
}
