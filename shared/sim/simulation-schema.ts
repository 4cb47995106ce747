// A simulated run as data a recording carries (the seed's options and the faults as fired), so the
// page can replay it to any moment and branch off it (what-if.ts). Validated like everything else a
// file brings: a recording may come from anywhere.
import { z } from 'zod';
import { ALL_BUGS, type BugName } from '../raft/switches.ts';
import type { FaultStep } from './fault-actions.ts';
import type { SimOptions } from './options.ts';
import { MAX_SLOW_MS } from '../node/disk-fault.ts';

const node = z.string().regex(/^n[1-9]$/);
const bug = z.enum(ALL_BUGS as [BugName, ...BugName[]]);
const share = z.number().min(0).max(1);

const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('crash'), node }),
  z.object({ type: z.literal('plan-crash'), node, point: z.enum(['before-persist', 'after-persist']) }),
  z.object({ type: z.literal('crash-if-planned'), node }),
  z.object({ type: z.literal('restart'), node }),
  z.object({ type: z.literal('partition'), groups: z.array(z.array(node).max(9)).max(9) }),
  z.object({ type: z.literal('isolate'), node }),
  z.object({ type: z.literal('heal-partition') }),
  z.object({ type: z.literal('cut'), from: node, to: node, direction: z.enum(['one-way', 'both']) }),
  z.object({ type: z.literal('uncut'), from: node, to: node, direction: z.enum(['one-way', 'both']) }),
  z.object({ type: z.literal('network'), loss: share, duplicate: share, reorder: share }),
  z.object({ type: z.literal('transfer'), from: node, to: node }),
  z.object({
    type: z.literal('membership'),
    leader: node,
    changes: z.array(z.object({ op: z.enum(['add-voter', 'add-learner', 'promote-learner', 'remove-voter']), node })).min(1).max(2),
  }),
  z.object({
    type: z.literal('disk-fault'),
    node,
    fault: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('none') }),
      z.object({ kind: z.literal('slow'), p50Ms: z.number().min(0).max(MAX_SLOW_MS), p99Ms: z.number().min(0).max(MAX_SLOW_MS) }),
      z.object({ kind: z.literal('failing'), on: z.enum(['sync', 'write']) }),
      z.object({ kind: z.literal('full') }),
    ]),
  }),
  z.object({ type: z.literal('corrupt'), node, pick: z.number().min(0).max(1) }),
  z.object({ type: z.literal('replace-disk'), node }),
]);

export const faultStepSchema = z.object({
  tick: z.number().int().nonnegative().max(10_000_000),
  phase: z.enum(['tick', 'apply']),
  fault: z.number().int().nonnegative(),
  action: actionSchema,
});

export const simulationSchema = z.object({
  options: z.object({
    seed: z.number().int().nonnegative().max(0xffffffff),
    nodes: z.number().int().min(1).max(9),
    ticks: z.number().int().min(10).max(100_000),
    bugs: z.array(bug).max(ALL_BUGS.length),
    faults: z.boolean(),
    reads: z.enum(['linearizable', 'local']).optional(),
    mix: z.array(bug).max(ALL_BUGS.length).optional(),
    diskFaults: z.boolean().optional(),
  }),
  script: z.array(faultStepSchema).max(100_000),
});

export interface Simulation {
  readonly options: SimOptions;
  readonly script: readonly FaultStep[];
}

/** What the schema accepted, as the simulator's own types (this fails to compile if they drift apart). */
export function asSimulation(parsed: z.infer<typeof simulationSchema>): Simulation {
  return parsed;
}
