/**
 * Binary encodings of what the host persists: entries, hard state, snapshots. Every
 * decoder checks lengths and tags (paired with the encoder), so a corrupt record fails
 * loudly instead of being misread.
 */
import { assert, assertNever } from '../../util/assert.js';
import type { ConfChange, ConfState, Entry, HardState, NodeId, Snapshot } from '../raft/types.js';

const entryHeaderBytes = 17;
const tagNormal = 1;
const tagConfChange = 2;
const confKinds: readonly ConfChange['kind'][] = ['addLearner', 'promote', 'demote', 'remove'];

export function encodeEntry(e: Entry): Buffer {
  switch (e.kind) {
    case 'normal': {
      const out = Buffer.allocUnsafe(entryHeaderBytes + e.data.length);
      out.writeUInt8(tagNormal, 0);
      out.writeDoubleBE(e.term, 1);
      out.writeDoubleBE(e.index, 9);
      out.set(e.data, entryHeaderBytes);
      return out;
    }
    case 'confChange': {
      const out = Buffer.allocUnsafe(entryHeaderBytes + 5);
      out.writeUInt8(tagConfChange, 0);
      out.writeDoubleBE(e.term, 1);
      out.writeDoubleBE(e.index, 9);
      out.writeUInt8(confKinds.indexOf(e.change.kind), entryHeaderBytes);
      out.writeUInt32BE(e.change.nodeId, entryHeaderBytes + 1);
      return out;
    }
    default:
      return assertNever(e, 'entry');
  }
}

export function decodeEntry(b: Uint8Array): Entry {
  assert(b.length >= entryHeaderBytes, 'entry record too short');
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const tag = buf.readUInt8(0);
  const term = buf.readDoubleBE(1);
  const index = buf.readDoubleBE(9);
  assert(Number.isInteger(term) && Number.isInteger(index) && index > 0, 'entry record has a bad term/index');
  if (tag === tagNormal) {
    return { kind: 'normal', term, index, data: new Uint8Array(buf.subarray(entryHeaderBytes)) };
  }
  assert(tag === tagConfChange, `unknown entry tag ${tag}`);
  assert(b.length === entryHeaderBytes + 5, 'conf change record length');
  const kind = confKinds[buf.readUInt8(entryHeaderBytes)];
  assert(kind !== undefined, 'unknown conf change kind');
  return { kind: 'confChange', term, index, change: { kind, nodeId: buf.readUInt32BE(entryHeaderBytes + 1) } };
}

export function encodeHardState(hs: HardState): Buffer {
  const out = Buffer.allocUnsafe(20);
  out.writeDoubleBE(hs.term, 0);
  out.writeUInt32BE(hs.vote, 8);
  out.writeDoubleBE(hs.commit, 12);
  return out;
}

export function decodeHardState(b: Uint8Array): HardState {
  assert(b.length === 20, 'hard state record length');
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  return { term: buf.readDoubleBE(0), vote: buf.readUInt32BE(8), commit: buf.readDoubleBE(12) };
}

function encodeIds(ids: readonly NodeId[]): Buffer {
  const out = Buffer.allocUnsafe(2 + 4 * ids.length);
  out.writeUInt16BE(ids.length, 0);
  ids.forEach((id, i) => out.writeUInt32BE(id, 2 + 4 * i));
  return out;
}

export function encodeSnapshot(s: Snapshot): Buffer {
  const head = Buffer.allocUnsafe(16);
  head.writeDoubleBE(s.meta.index, 0);
  head.writeDoubleBE(s.meta.term, 8);
  return Buffer.concat([head, encodeIds(s.meta.confState.voters), encodeIds(s.meta.confState.learners), s.data]);
}

export function decodeSnapshot(b: Uint8Array): Snapshot {
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  assert(buf.length >= 20, 'snapshot record too short');
  let off = 16;
  const readIds = (): NodeId[] => {
    const n = buf.readUInt16BE(off);
    off += 2;
    assert(off + 4 * n <= buf.length, 'snapshot record truncated');
    const ids: NodeId[] = [];
    for (let i = 0; i < n; i++) ids.push(buf.readUInt32BE(off + 4 * i));
    off += 4 * n;
    return ids;
  };
  const voters = readIds();
  const learners = readIds();
  const confState: ConfState = { voters, learners };
  return {
    meta: { index: buf.readDoubleBE(0), term: buf.readDoubleBE(8), confState },
    data: new Uint8Array(buf.subarray(off)),
  };
}
