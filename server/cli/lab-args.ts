// `npm run lab -- <command> [args]`: one typed command from the command line. Node commands take
// the node as a word (`kill n2`), put/get/delete take key and value (`put color blue`), and any
// command takes field=value pairs (`clock speed=0.5 paused=true`, values read as JSON when they
// parse). The result is validated with the same schema the server uses, so a typo is caught here
// with the same message the server would give.
import { describeValidationError, labCommandSchema, type LabCommand } from '../../shared/protocol/commands.ts';

export type LabAction =
  | { readonly kind: 'command'; readonly command: LabCommand }
  | { readonly kind: 'status' }
  | { readonly kind: 'clusters' }
  | { readonly kind: 'create'; readonly nodes: number; readonly profile: string }
  | { readonly kind: 'fork' }
  | { readonly kind: 'delete' };

export interface LabOptions {
  readonly url: string;
  readonly cluster: string;
  readonly token: string | null;
  readonly action: LabAction;
}

export const LAB_USAGE = `usage: npm run lab -- [--url U] [--cluster C] [--token T] <command> [args]
  status                         leader, term and every node's state
  clusters                       the clusters this server runs
  create nodes=3 profile=teaching   a new cluster (prints its control link)
  fork                           a copy of --cluster with the same settings (prints its control link)
  delete                         delete --cluster (needs its token)
  kill n2 | restart n2 | pause-node n2 | resume-node n2 | wipe-node n2 | campaign n2 | …
  put KEY VALUE [cas=N] [node=n2] | get KEY [consistency=stale] [node=n2] | delete-key KEY
  <any command type> field=value …   e.g. clock speed=0.5   partition groups='[["n1"],["n2","n3"]]'
  --url defaults to $RAFTLAB_URL or http://127.0.0.1:8200; --token to $RAFTLAB_TOKEN`;

export class LabUsageError extends Error {}

const NODE_COMMANDS = new Set(['kill', 'restart', 'pause-node', 'resume-node', 'wipe-node', 'campaign', 'snapshot-now', 'disk', 'remove-node', 'promote', 'isolate']);

export function parseLabArgs(argv: readonly string[], env: NodeJS.ProcessEnv): LabOptions {
  let url = env['RAFTLAB_URL'] ?? 'http://127.0.0.1:8200';
  let cluster = 'default';
  let token: string | null = env['RAFTLAB_TOKEN'] || null;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const take = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new LabUsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--url') url = take();
    else if (arg === '--cluster') cluster = take();
    else if (arg === '--token') token = take();
    else if (arg === '--help' || arg === '-h') throw new LabUsageError('');
    else words.push(arg);
  }
  const [verb, ...rest] = words;
  if (!verb) throw new LabUsageError('');
  const fields = Object.fromEntries(rest.filter((word) => word.includes('=')).map((word) => [word.slice(0, word.indexOf('=')), readValue(word.slice(word.indexOf('=') + 1))]));
  const positional = rest.filter((word) => !word.includes('='));
  const action = ((): LabAction => {
    switch (verb) {
      case 'status':
      case 'clusters':
      case 'fork':
      case 'delete':
        return { kind: verb };
      case 'create':
        return { kind: 'create', nodes: Number(fields['nodes'] ?? 3), profile: String(fields['profile'] ?? 'teaching') };
    }
    const raw: Record<string, unknown> = { type: verb === 'delete-key' ? 'delete' : verb, ...fields };
    if (NODE_COMMANDS.has(verb) && positional[0]) raw['node'] = positional[0];
    if ((verb === 'put' || verb === 'get' || verb === 'delete-key') && positional[0]) raw['key'] = positional[0];
    if (verb === 'put' && positional[1] !== undefined) raw['value'] = positional.slice(1).join(' ');
    if (verb === 'transfer-leadership' && positional[0]) raw['to'] = positional[0];
    const parsed = labCommandSchema.safeParse(raw);
    if (!parsed.success) throw new LabUsageError(`${verb}: ${describeValidationError(parsed.error)}`);
    return { kind: 'command', command: parsed.data };
  })();
  return { url: url.replace(/\/$/, ''), cluster, token, action };
}

function readValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
