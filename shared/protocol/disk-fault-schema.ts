// The disk-fault command's shape at the boundary, and the fault it sets (shared/node/disk-fault.ts
// holds the model itself, without zod: every worker loads that one).
import { z } from 'zod';
import { MAX_SLOW_MS, type DiskFault } from '../node/disk-fault.ts';
import { nodeIdSchema } from './schemas.ts';

/** A disk's fault as the view and the events carry it. */
export const diskFaultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('slow'), p50Ms: z.number().min(0).max(MAX_SLOW_MS), p99Ms: z.number().min(0).max(MAX_SLOW_MS) }),
  z.object({ kind: z.literal('failing'), on: z.enum(['sync', 'write']) }),
  z.object({ kind: z.literal('full') }),
  z.object({ kind: z.literal('corrupt'), where: z.string().max(400) }),
]);

/** Defaults for a slow disk: a busy SSD's fsync is around 10 ms, its tail ten times that. */
export const DEFAULT_SLOW = { p50Ms: 20, p99Ms: 200 } as const;

/**
 * disk-fault {node, fault, …params}: `slow` takes p50Ms and p99Ms (defaults 20 and 200), `failing`
 * takes on: sync | write (default sync); `corrupt` flips a bit in a synced record mid-log now.
 */
export const diskFaultCommand = z
  .object({
    type: z.literal('disk-fault'),
    node: nodeIdSchema,
    fault: z.enum(['none', 'slow', 'failing', 'full', 'corrupt']),
    p50Ms: z.number().min(0).max(MAX_SLOW_MS).optional(),
    p99Ms: z.number().min(0).max(MAX_SLOW_MS).optional(),
    on: z.enum(['sync', 'write']).optional(),
  })
  .strict();
export type DiskFaultRequest = z.infer<typeof diskFaultCommand>;

/** POST /api/clusters/{c}/nodes/{n}/disk-fault's body: the command without its type and node. */
export const diskFaultBody = diskFaultCommand.omit({ type: true, node: true });

/** The fault a command sets; `corrupt` is the host's to place (its `where` comes from the disk). Throws a sentence on bad parameters. */
export function faultOfCommand(command: DiskFaultRequest): Exclude<DiskFault, { kind: 'corrupt' }> | { kind: 'corrupt' } {
  const extra = (['p50Ms', 'p99Ms', 'on'] as const).filter((key) => command[key] !== undefined);
  const allowed = command.fault === 'slow' ? ['p50Ms', 'p99Ms'] : command.fault === 'failing' ? ['on'] : [];
  const wrong = extra.filter((key) => !allowed.includes(key));
  if (wrong.length > 0) throw new Error(`${wrong.join(', ')} ${wrong.length === 1 ? 'does' : 'do'} not apply to a ${command.fault} disk`);
  switch (command.fault) {
    case 'slow': {
      const p50Ms = command.p50Ms ?? Math.min(DEFAULT_SLOW.p50Ms, command.p99Ms ?? DEFAULT_SLOW.p50Ms);
      const p99Ms = command.p99Ms ?? Math.max(DEFAULT_SLOW.p99Ms, p50Ms);
      if (p99Ms < p50Ms) throw new Error(`p99Ms (${p99Ms}) must be at least p50Ms (${p50Ms})`);
      return { kind: 'slow', p50Ms, p99Ms };
    }
    case 'failing':
      return { kind: 'failing', on: command.on ?? 'sync' };
    case 'none':
    case 'full':
    case 'corrupt':
      return { kind: command.fault };
  }
}
