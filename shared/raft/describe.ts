// ONE formatter for messages, entries and Ready: stable one-line plain text used by golden tests,
// the UI's event feed and the message inspector. Change it and the goldens change with it.

import { decodeConfChange } from './config.ts';
import type { Message } from './messages.ts';
import type { Entry, MembershipConfig, Ready, Snapshot } from './types.ts';

const MAX_DATA = 24;

function quote(data: string): string {
  const short = data.length > MAX_DATA ? `${data.slice(0, MAX_DATA - 1)}…` : data;
  return JSON.stringify(short);
}

/** `8/4 noop`, `9/4 "{\"op\":\"put\"…"`, `10/4 conf(+n4 -n1)`, `11/4 conf(leave-joint)` */
export function describeEntry(e: Entry): string {
  switch (e.type) {
    case 'noop':
      return `${e.index}/${e.term} noop`;
    case 'config': {
      const change = decodeConfChange(e.data);
      if (change === null) return `${e.index}/${e.term} conf(?)`;
      if (change.changes.length === 0) return `${e.index}/${e.term} conf(leave-joint)`;
      const sign = { 'add-voter': '+', 'remove-voter': '-', 'add-learner': '+learner:', 'promote-learner': '^' } as const;
      return `${e.index}/${e.term} conf(${change.changes.map((c) => `${sign[c.op]}${c.node}`).join(' ')})`;
    }
    default:
      return `${e.index}/${e.term} ${quote(e.data)}`;
  }
}

export function describeEntries(entries: readonly Entry[]): string {
  return `[${entries.map(describeEntry).join(', ')}]`;
}

export function describeConfig(c: MembershipConfig): string {
  const voters = c.voters.join(',');
  const outgoing = c.votersOutgoing.length > 0 ? `&(${c.votersOutgoing.join(',')})` : '';
  const learners = c.learners.length > 0 ? ` learners=(${c.learners.join(',')})` : '';
  return `voters=(${voters})${outgoing}${learners}`;
}

function describeSnapshot(s: Snapshot): string {
  return `snap=${s.metadata.index}/${s.metadata.term} ${describeConfig(s.metadata.config)}`;
}

/** `n1→n3 App t4 prev=7/3 entries=[8/4 noop] commit=7` */
export function describeMessage(m: Message): string {
  const head = `${m.from}→${m.to}`;
  switch (m.type) {
    case 'Vote':
    case 'PreVote':
      return `${head} ${m.type} t${m.term} last=${m.lastLogIndex}/${m.lastLogTerm}${m.transfer ? ' transfer' : ''}`;
    case 'VoteResponse':
    case 'PreVoteResponse':
      return `${head} ${m.type === 'VoteResponse' ? 'VoteResp' : 'PreVoteResp'} t${m.term} ${m.reject ? 'rejected' : 'granted'}`;
    case 'Append':
      return `${head} App t${m.term} prev=${m.prevIndex}/${m.prevTerm} entries=${describeEntries(m.entries)} commit=${m.commit}`;
    case 'AppendResponse':
      return m.reject
        ? `${head} AppResp t${m.term} reject=${m.index} hint=${m.conflictIndex}/${m.conflictTerm}`
        : `${head} AppResp t${m.term} ack=${m.index}`;
    case 'Heartbeat':
      return `${head} Beat t${m.term} commit=${m.commit}${m.context !== '' ? ` ctx=${quote(m.context)}` : ''}`;
    case 'HeartbeatResponse':
      return `${head} BeatResp t${m.term}${m.context !== '' ? ` ctx=${quote(m.context)}` : ''}`;
    case 'Snapshot':
      return `${head} Snap t${m.term} ${describeSnapshot(m.snapshot)}`;
    case 'TimeoutNow':
      return `${head} TimeoutNow t${m.term}`;
    case 'Propose':
      return `${head} Propose n=${m.data.length}`;
    case 'ReadIndex':
      return `${head} ReadIndex ctx=${quote(m.context)}`;
    case 'ReadIndexResponse':
      return m.ok ? `${head} ReadIndexResp ctx=${quote(m.context)} index=${m.index}` : `${head} ReadIndexResp ctx=${quote(m.context)} failed`;
    case 'TransferLeader':
      return `${head} TransferLeader to=${m.target}`;
  }
}

/** `hs=t4/n1/c7 ss=leader/n1 entries=[8/4 noop] apply=[7/3 "x"] msgs=2 reads=[ctx@7] sync` */
export function describeReady(rd: Ready): string {
  const parts: string[] = [];
  if (rd.softState) parts.push(`ss=${rd.softState.role}/${rd.softState.leader ?? '-'}`);
  if (rd.hardState) parts.push(`hs=t${rd.hardState.term}/${rd.hardState.vote ?? '-'}/c${rd.hardState.commit}`);
  if (rd.snapshot) parts.push(describeSnapshot(rd.snapshot));
  if (rd.entries.length > 0) parts.push(`entries=${describeEntries(rd.entries)}`);
  if (rd.committedEntries.length > 0) parts.push(`apply=${describeEntries(rd.committedEntries)}`);
  if (rd.messages.length > 0) parts.push(`msgs=${rd.messages.length}`);
  if (rd.readStates.length > 0) parts.push(`reads=[${rd.readStates.map((s) => `${s.context}@${s.index}`).join(', ')}]`);
  if (rd.mustSync) parts.push('sync');
  if (rd.sendBeforePersist) parts.push('SEND-BEFORE-PERSIST');
  return parts.length > 0 ? parts.join(' ') : 'empty';
}
