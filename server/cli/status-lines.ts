// What `npm run lab -- status` prints: one line per node, the network when it is not whole, and
// the clock. The server's answer is validated against the protocol's view schema first, so a
// client and server of different versions say so instead of printing undefined.
import { z } from 'zod';
import { clusterViewSchema, describeValidationError } from '../../shared/protocol/index.ts';

const statusAnswerSchema = z.object({ cluster: clusterViewSchema, control: z.boolean() });

export function statusLines(result: unknown): string[] {
  const parsed = statusAnswerSchema.safeParse(result);
  if (!parsed.success) throw new Error(`the server's cluster view is not one this client reads (${describeValidationError(parsed.error)}): are both the same version?`);
  const { cluster: view, control } = parsed.data;
  const lines = view.nodes.map((node) => {
    const state = node.life === 'alive' ? node.role : node.life;
    return `${node.id}  ${state}  term ${node.term}  commit ${node.commit}  applied ${node.applied}`;
  });
  const partition = view.network?.partition;
  const cuts = view.network?.cuts ?? [];
  if (partition) lines.push(`network: partitioned into ${partition.map((group) => `[${group.join(' ')}]`).join(' ')}`);
  if (cuts.length > 0) lines.push(`cut links: ${cuts.map((cut) => `${cut.from}→${cut.to}`).join(', ')}`);
  lines.push(`clock ${view.clock.paused ? 'paused' : `${view.clock.speed}×`} · ${view.inFlight.length} messages in flight · ${control ? 'you control it' : 'watching only'}`);
  return lines;
}
