// Whether an expectation holds, with a sentence saying what was seen: the tour shows it next to
// the step, a failing test prints it.
import type { CommandResult } from '../protocol/commands.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import type { ClusterView, NodeView } from '../protocol/views.ts';
import { liveLeader, resolveRef, type Captured } from './refs.ts';
import type { Expectation, NodeState } from './types.ts';

export interface EvaluationContext {
  readonly view: ClusterView;
  readonly history: readonly ClusterEvent[];
  readonly captured: Captured;
  readonly capturedTerms: ReadonlyMap<string, number>;
  /** The last action's result in this step (undefined when the step had no action). */
  readonly lastResult: CommandResult | undefined;
}

export interface Verdict {
  readonly ok: boolean;
  readonly detail: string;
}

export function evaluate(expectation: Expectation, ctx: EvaluationContext): Verdict {
  const { view } = ctx;
  const leader = liveLeader(view);
  const node = (ref: string): NodeView | undefined => {
    const id = resolveRef(ref, view, ctx.captured);
    return id ? view.nodes.find((candidate) => candidate.id === id) : undefined;
  };
  const live = view.nodes.filter((n) => n.life === 'alive');
  switch (expectation.kind) {
    case 'leader-elected':
      return verdict(leader !== null, leader ? `${leader} leads` : 'no leader yet');
    case 'no-leader':
      return verdict(leader === null, leader ? `${leader} still leads` : 'no node leads');
    case 'leader-is': {
      const wanted = resolveRef(expectation.node, view, ctx.captured);
      return verdict(leader !== null && leader === wanted, `leader is ${leader ?? 'nobody'}, expected ${wanted ?? expectation.node}`);
    }
    case 'leader-is-not': {
      const old = resolveRef(expectation.node, view, ctx.captured);
      return verdict(leader !== null && leader !== old, leader ? `${leader} leads (not ${old})` : 'no leader yet');
    }
    case 'node-state': {
      const target = node(expectation.node);
      const state = target ? stateOf(target) : 'missing';
      return verdict(state === expectation.state, `${target?.id ?? expectation.node} is ${state}`);
    }
    case 'key': {
      const holders = (n: NodeView) => (expectation.value === null ? n.kv[expectation.key] === undefined : n.kv[expectation.key]?.value === expectation.value);
      const shown = `${expectation.key} = ${expectation.value ?? '(absent)'}`;
      if (expectation.on === 'all-live') {
        const missing = live.filter((n) => !holders(n)).map((n) => n.id);
        return verdict(live.length > 0 && missing.length === 0, missing.length ? `${shown} not yet on ${missing.join(', ')}` : `${shown} on every live node`);
      }
      if (expectation.on === 'majority') {
        const have = view.nodes.filter(holders).length;
        return verdict(have * 2 > view.nodes.length, `${shown} on ${have} of ${view.nodes.length} nodes`);
      }
      const nodes = expectation.on.map(node);
      const missing = nodes.filter((n) => !n || !holders(n));
      return verdict(missing.length === 0, missing.length ? `${shown} not on ${missing.map((n) => n?.id ?? '?').join(', ')}` : `${shown} on ${nodes.map((n) => n!.id).join(', ')}`);
    }
    case 'converged': {
      const lead = view.nodes.find((n) => n.id === leader);
      if (!lead) return verdict(false, 'no leader to converge on');
      const behind = live.filter((n) => n.applied < lead.commit || n.lastIndex !== lead.lastIndex).map((n) => n.id);
      return verdict(behind.length === 0, behind.length ? `${behind.join(', ')} not caught up with ${lead.id} (commit ${lead.commit})` : `every live node applied up to ${lead.commit}`);
    }
    case 'result': {
      const result = ctx.lastResult;
      if (!result) return verdict(false, 'no action ran');
      const seen = result.ok ? 'succeeded' : `failed: ${result.code} (${result.error})`;
      const codeOk = expectation.code === undefined || (!result.ok && result.code === expectation.code);
      return verdict(result.ok === expectation.ok && codeOk, `the last action ${seen}`);
    }
    case 'violation': {
      const found = view.violations.filter((v) => expectation.invariant === undefined || v.invariant === expectation.invariant);
      return verdict(found.length > 0, found.length ? `violation: ${found[0]!.invariant}` : 'no violation so far');
    }
    case 'no-violation':
      return verdict(view.violations.length === 0, view.violations.length ? `violation: ${view.violations[0]!.invariant}` : 'every safety property holds');
    case 'voters': {
      const count = view.nodes.find((n) => n.id === leader)?.config.voters.length ?? 0;
      return verdict(count === expectation.count, `${count} voters`);
    }
    case 'member': {
      const id = resolveRef(expectation.node, view, ctx.captured);
      const config = view.nodes.find((n) => n.id === leader)?.config;
      const as = !config || !id ? 'none' : config.voters.includes(id) ? 'voter' : config.learners.includes(id) ? 'learner' : 'none';
      return verdict(config !== undefined && as === expectation.as, `${id ?? expectation.node} is ${as === 'none' ? 'not a member' : `a ${as}`}`);
    }
    case 'snapshot': {
      const target = node(expectation.node);
      const events = ctx.history.filter((e) => e.type === 'snapshot' && e.node === target?.id && (expectation.source === undefined || e.source === expectation.source));
      return verdict(events.length > 0, events.length ? `${target!.id} has a snapshot at ${target!.snapshotIndex}` : `${target?.id ?? expectation.node} has no ${expectation.source ?? ''} snapshot yet`);
    }
    case 'truncated': {
      const id = resolveRef(expectation.node, view, ctx.captured);
      const cut = ctx.history.find((e) => e.type === 'log-truncated' && e.node === id);
      return verdict(cut !== undefined, cut && cut.type === 'log-truncated' ? `${id} dropped its log from ${cut.fromIndex}` : `${id} has not truncated its log`);
    }
    case 'torn-tail': {
      const id = resolveRef(expectation.node, view, ctx.captured);
      const torn = ctx.history.find((e) => e.type === 'node-recovered' && e.node === id && e.tornTail !== null);
      return verdict(torn !== undefined, torn ? `${id} cut a torn tail` : `${id} recovered no torn tail`);
    }
    case 'term-unchanged': {
      const before = ctx.capturedTerms.get(expectation.captured) ?? 0;
      const now = view.nodes.find((n) => n.id === leader)?.term ?? 0;
      return verdict(leader !== null && now === before, `leader term ${now}, was ${before}`);
    }
    case 'entry': {
      const target = node(expectation.node);
      const entry = target?.log.find((e) => e.index === expectation.index);
      return verdict(entry?.term === expectation.term, entry ? `${target!.id} holds ${entry.index}@t${entry.term}` : `${target?.id ?? expectation.node} has no entry ${expectation.index}`);
    }
    case 'read-value': {
      const result = ctx.lastResult;
      if (!result || !result.ok) return verdict(false, result && !result.ok ? `the read failed: ${result.error}` : 'no read ran');
      const value = result.result?.['value'] ?? null;
      return verdict(value === expectation.value, `read ${value === null ? '(absent)' : JSON.stringify(value)}`);
    }
    case 'term-above': {
      const before = ctx.capturedTerms.get(expectation.captured) ?? 0;
      const now = view.nodes.find((n) => n.id === leader)?.term ?? 0;
      return verdict(leader !== null && now > before, `leader term ${now}, was ${before}`);
    }
  }
}

function stateOf(node: NodeView): NodeState | 'starting' {
  if (node.life === 'dead') return 'down';
  if (node.life === 'paused' || node.life === 'failed' || node.life === 'starting') return node.life;
  return node.role === 'pre-candidate' ? 'candidate' : node.role;
}

function verdict(ok: boolean, detail: string): Verdict {
  return { ok, detail };
}
