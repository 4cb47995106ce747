// Resolving the node references of a scenario ($leader, $follower1, $captured, n3) against a view.
import type { Command } from '../protocol/commands.ts';
import type { ClusterView } from '../protocol/views.ts';
import type { NodeRef } from './types.ts';

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export type Captured = Map<string, string>;

export function liveLeader(view: ClusterView): string | null {
  const leaders = view.nodes.filter((node) => node.life === 'alive' && node.role === 'leader');
  return leaders.sort((a, b) => b.term - a.term)[0]?.id ?? null;
}

/** The node a reference names now, or null if it names nobody (no leader, too few followers). */
export function resolveRef(ref: NodeRef, view: ClusterView, captured: Captured): string | null {
  if (!ref.startsWith('$')) return ref;
  const name = ref.slice(1);
  if (name === 'leader') return liveLeader(view);
  const follower = /^follower(\d+)$/.exec(name);
  if (follower) {
    const leader = liveLeader(view);
    const followers = view.nodes.filter((node) => node.life === 'alive' && node.id !== leader).map((node) => node.id);
    return followers[Number(follower[1]) - 1] ?? null;
  }
  return captured.get(name) ?? null;
}

function must(ref: NodeRef, view: ClusterView, captured: Captured): string {
  const id = resolveRef(ref, view, captured);
  if (!id) throw new ScenarioError(`${ref} names no node right now`);
  return id;
}

/** Replaces every node reference in a command by the node it names now. */
export function resolveCommand(command: Command, view: ClusterView, captured: Captured): Command {
  const one = (ref: string) => must(ref, view, captured);
  const many = (refs: readonly string[]) => refs.map(one);
  const resolved: Record<string, unknown> = { ...command };
  for (const field of ['node', 'to', 'from'] as const) {
    const value = (command as Record<string, unknown>)[field];
    if (typeof value === 'string') resolved[field] = one(value);
  }
  for (const field of ['minority', 'add', 'remove'] as const) {
    const value = (command as Record<string, unknown>)[field];
    if (Array.isArray(value)) resolved[field] = many(value as string[]);
  }
  if (command.type === 'partition') resolved['groups'] = command.groups.map(many);
  return resolved as Command;
}
