/** Human-readable renderings of Raft values, for golden traces and failure reports. */
import { assertNever } from '../../util/assert.js';
import type { Ready } from './rawnode.js';
import type { ConfChange, ConfState, Entry, HardState, Message, Snapshot } from './types.js';

const decoder = new TextDecoder();

function text(b: Uint8Array): string {
  return JSON.stringify(decoder.decode(b));
}

export function describeConfChange(cc: ConfChange): string {
  return `${cc.kind}(${cc.nodeId})`;
}

export function describeConfState(cs: ConfState): string {
  const l = cs.learners.length > 0 ? ` learners=(${cs.learners.join(' ')})` : '';
  return `voters=(${cs.voters.join(' ')})${l}`;
}

export function describeEntry(e: Entry): string {
  switch (e.kind) {
    case 'normal':
      return `${e.term}/${e.index}${e.data.length > 0 ? ' ' + text(e.data) : ''}`;
    case 'confChange':
      return `${e.term}/${e.index} ${describeConfChange(e.change)}`;
    default:
      return assertNever(e, 'entry');
  }
}

export function describeEntries(es: readonly Entry[]): string {
  return `[${es.map(describeEntry).join(', ')}]`;
}

export function describeHardState(hs: HardState): string {
  return `term=${hs.term} vote=${hs.vote} commit=${hs.commit}`;
}

export function describeSnapshot(s: Snapshot): string {
  return `index=${s.meta.index} term=${s.meta.term} ${describeConfState(s.meta.confState)} bytes=${s.data.length}`;
}

export function describeMessage(m: Message): string {
  const head = `${m.from}->${m.to} ${m.type} term=${m.term}`;
  switch (m.type) {
    case 'app':
      return `${head} index=${m.index} logTerm=${m.logTerm} commit=${m.commit} entries=${describeEntries(m.entries)}`;
    case 'appResp':
      return m.reject
        ? `${head} index=${m.index} rejected hint=${m.rejectHint} hintTerm=${m.logTerm}`
        : `${head} index=${m.index}`;
    case 'vote':
    case 'preVote':
      return `${head} index=${m.index} logTerm=${m.logTerm}${m.force ? ' force' : ''}`;
    case 'voteResp':
    case 'preVoteResp':
      return `${head}${m.reject ? ' rejected' : ''}`;
    case 'heartbeat':
      return `${head} commit=${m.commit} round=${m.round}`;
    case 'heartbeatResp':
      return `${head} round=${m.round}`;
    case 'snap':
      return `${head} snap=${m.meta.index}/${m.meta.term} offset=${m.offset} chunk=${m.chunk.length}/${m.totalBytes}`;
    case 'snapResp':
      return `${head} snap=${m.snapIndex} next=${m.nextOffset}`;
    case 'timeoutNow':
      return head;
    case 'prop':
      return `${head} datas=[${m.datas.map(text).join(', ')}]`;
    case 'propReject':
      return `${head} datas=[${m.datas.map(text).join(', ')}] hint=${m.leaderHint}`;
    case 'readIndex':
      return `${head} ctx=${text(m.ctx)}`;
    case 'readIndexResp':
      return m.reject
        ? `${head} ctx=${text(m.ctx)} rejected hint=${m.leaderHint}`
        : `${head} ctx=${text(m.ctx)} index=${m.index}`;
    default:
      return assertNever(m, 'message');
  }
}

export function describeReady(rd: Ready): string[] {
  const out: string[] = [];
  if (rd.softState !== undefined) out.push(`Lead:${rd.softState.lead} State:${rd.softState.role}`);
  if (rd.hardState !== undefined) out.push(`HardState ${describeHardState(rd.hardState)}`);
  if (rd.snapshot !== undefined) out.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.entries.length > 0) out.push(`Entries: ${describeEntries(rd.entries)}`);
  if (rd.committedEntries.length > 0) out.push(`CommittedEntries: ${describeEntries(rd.committedEntries)}`);
  if (rd.messages.length > 0) {
    out.push('Messages:');
    for (const m of rd.messages) out.push(`  ${describeMessage(m)}`);
  }
  for (const r of rd.readStates) out.push(`ReadState index=${r.index} ctx=${text(r.ctx)}`);
  for (const r of rd.rejectedProposals) out.push(`RejectedProposal ${text(r.data)} hint=${r.leaderHint}`);
  for (const r of rd.rejectedReads) out.push(`RejectedRead ${text(r.ctx)} hint=${r.leaderHint}`);
  return out;
}
