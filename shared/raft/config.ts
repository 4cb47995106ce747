// Membership configurations and the changes that move between them (thesis chapter 4).
//
// A change with at most one voter added or removed is applied directly ("simple" change, thesis 4.1).
// Anything that moves more than one voter goes through joint consensus (thesis 4.3): the entry enters
// C_old,new (voters = new set, votersOutgoing = old set, decisions need a majority of both), and the
// leader then proposes an empty ConfChange that leaves the joint configuration.
//
// WHEN a configuration takes effect: on APPLY, as in etcd — the core adopts a config entry when the
// host has applied it (in advance()), never when it is merely appended. This needs no rollback when an
// uncommitted suffix is truncated, and the one-change-at-a-time rule (a leader proposes a change only
// once the previous one is applied) keeps it safe.

import type { MembershipConfig, NodeId } from './types.ts';

export type ConfChangeOp = 'add-voter' | 'remove-voter' | 'add-learner' | 'promote-learner';

export interface ConfChangeSingle {
  readonly op: ConfChangeOp;
  readonly node: NodeId;
}

/** One config entry's payload. Several changes at once use joint consensus; an EMPTY list means
 *  "leave the joint configuration" (the leader proposes it automatically). */
export interface ConfChange {
  readonly changes: readonly ConfChangeSingle[];
}

export const EMPTY_CONFIG: MembershipConfig = { voters: [], learners: [], votersOutgoing: [] };

export function isJoint(config: MembershipConfig): boolean {
  return config.votersOutgoing.length > 0;
}

/** Every node that votes in the current configuration (both halves while joint). */
export function allVoters(config: MembershipConfig): NodeId[] {
  return [...new Set([...config.voters, ...config.votersOutgoing])].sort();
}

/** Every node the leader replicates to. */
export function allMembers(config: MembershipConfig): NodeId[] {
  return [...new Set([...config.voters, ...config.votersOutgoing, ...config.learners])].sort();
}

export function isVoter(config: MembershipConfig, id: NodeId): boolean {
  return config.voters.includes(id) || config.votersOutgoing.includes(id);
}

export function isMember(config: MembershipConfig, id: NodeId): boolean {
  return isVoter(config, id) || config.learners.includes(id);
}

export type ConfChangeResult = { ok: true; config: MembershipConfig } | { ok: false; error: string };

/** Computes the configuration after `change`, or says why the change is not allowed. Pure. */
export function applyConfChange(config: MembershipConfig, change: ConfChange): ConfChangeResult {
  if (change.changes.length === 0) {
    if (!isJoint(config)) return { ok: false, error: 'not in a joint configuration' };
    return { ok: true, config: { voters: config.voters, learners: config.learners, votersOutgoing: [] } };
  }
  if (isJoint(config)) return { ok: false, error: 'a joint configuration must be left first' };
  const voters = new Set(config.voters);
  const learners = new Set(config.learners);
  for (const { op, node } of change.changes) {
    switch (op) {
      case 'add-voter':
        learners.delete(node);
        voters.add(node);
        break;
      case 'promote-learner':
        if (!learners.has(node)) return { ok: false, error: `${node} is not a learner` };
        learners.delete(node);
        voters.add(node);
        break;
      case 'remove-voter':
        if (!voters.has(node) && !learners.has(node)) return { ok: false, error: `${node} is not a member` };
        voters.delete(node);
        learners.delete(node);
        break;
      case 'add-learner':
        voters.delete(node);
        learners.add(node);
        break;
      default:
        return { ok: false, error: `unknown change ${String(op)}` };
    }
  }
  const next = [...voters].sort();
  const old = [...config.voters].sort();
  const moved = next.filter((v) => !old.includes(v)).length + old.filter((v) => !next.includes(v)).length;
  if (next.length === 0 && old.length > 0) return { ok: false, error: 'a configuration needs at least one voter' };
  // No outgoing quorum exists to protect when starting from nothing (bootstrap), or when one voter moves.
  if (moved <= 1 || old.length === 0) {
    return { ok: true, config: { voters: next, learners: [...learners].sort(), votersOutgoing: [] } };
  }
  // A demoted voter would be both an outgoing voter and a learner; etcd needs "learnersNext" for that.
  for (const l of learners) {
    if (old.includes(l)) return { ok: false, error: `demote ${l} in a change of its own` };
  }
  return { ok: true, config: { voters: next, learners: [...learners].sort(), votersOutgoing: old } };
}

/** The payload written to bootstrap a cluster: every initial voter and learner added at once. */
export function bootstrapChange(config: MembershipConfig): ConfChange {
  return {
    changes: [
      ...config.voters.map((node) => ({ op: 'add-voter' as const, node })),
      ...config.learners.map((node) => ({ op: 'add-learner' as const, node })),
    ],
  };
}

export function encodeConfChange(change: ConfChange): string {
  return JSON.stringify(change);
}

const OPS: readonly string[] = ['add-voter', 'remove-voter', 'add-learner', 'promote-learner'];

/** Parses a config entry's data; null for anything malformed (never throws: entries come from disk and peers). */
export function decodeConfChange(data: string): ConfChange | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const changes: unknown = (parsed as { changes?: unknown }).changes;
  if (!Array.isArray(changes)) return null;
  const out: ConfChangeSingle[] = [];
  for (const c of changes as unknown[]) {
    if (typeof c !== 'object' || c === null) return null;
    const { op, node } = c as { op?: unknown; node?: unknown };
    if (typeof op !== 'string' || !OPS.includes(op) || typeof node !== 'string') return null;
    out.push({ op: op as ConfChangeOp, node });
  }
  return { changes: out };
}

export function sameConfig(a: MembershipConfig, b: MembershipConfig): boolean {
  const eq = (x: readonly string[], y: readonly string[]) => x.length === y.length && [...x].sort().every((v, i) => v === [...y].sort()[i]);
  return eq(a.voters, b.voters) && eq(a.learners, b.learners) && eq(a.votersOutgoing, b.votersOutgoing);
}
