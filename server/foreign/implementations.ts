// The node implementations a server can run, registered by its operator on the command line
// (`--implementation NAME=COMMAND`), never by a request: a request names one of these, and an
// unknown name is refused. "raftlab" is our own core in worker threads, always there.
import { implementationNameSchema, type ImplementationSummary } from '../../shared/protocol/clusters.ts';
import { CommandError } from '../../shared/protocol/commands.ts';
import { resolve } from 'node:path';
import { commandArgv, CommandLineError } from './command-line.ts';

export const BUILT_IN = 'raftlab';
/** `NAME=module:PATH`: a module run in a worker thread rather than a program in a process. */
const MODULE_PREFIX = 'module:';


/** A foreign implementation: a program speaking Maelstrom's protocol, or (`module:PATH`) a JS/TS
 *  module exporting its handlers, run in a worker thread. */
export interface ForeignImplementation {
  readonly name: string;
  readonly kind: 'process' | 'module';
  /** The command as the operator gave it (shown to them, never to a request's author to change). */
  readonly command: string;
  /** What is spawned: the command split without a shell, paths resolved at registration (a
   *  module: its absolute path alone). */
  readonly argv: readonly string[];
}


export class ImplementationError extends Error {}

/** `NAME=COMMAND` from the command line, checked now so a typo stops the server at start. */
export function parseImplementation(flag: string, cwd: string = process.cwd()): ForeignImplementation {
  const at = flag.indexOf('=');
  if (at <= 0) throw new ImplementationError(`--implementation takes NAME=COMMAND, got ${flag}`);
  const name = flag.slice(0, at);
  const command = flag.slice(at + 1);
  const parsedName = implementationNameSchema.safeParse(name);
  if (!parsedName.success) throw new ImplementationError(`--implementation ${name}: ${parsedName.error.issues[0]?.message ?? 'bad name'}`);
  if (name === BUILT_IN) throw new ImplementationError(`--implementation ${name}: that name is our own core's`);
  if (command.startsWith(MODULE_PREFIX)) {
    const path = command.slice(MODULE_PREFIX.length);
    if (!/\.(m?js|m?ts)$/.test(path)) throw new ImplementationError(`--implementation ${name}: a module is a .js or .ts path, got ${path}`);
    return { name, kind: 'module', command, argv: [resolve(cwd, path)] };
  }
  try {
    return { name, kind: 'process', command, argv: commandArgv(command, cwd) };
  } catch (error) {
    if (error instanceof CommandLineError) throw new ImplementationError(`--implementation ${name}: ${error.message}`);
    throw error;
  }
}

export class Implementations {
  private readonly byName = new Map<string, ForeignImplementation>();

  constructor(registered: readonly ForeignImplementation[] = []) {
    for (const implementation of registered) {
      if (this.byName.has(implementation.name)) throw new ImplementationError(`--implementation ${implementation.name} is given twice`);
      this.byName.set(implementation.name, implementation);
    }
  }

  list(): ImplementationSummary[] {
    return [{ name: BUILT_IN, kind: 'built-in' }, ...[...this.byName.values()].map(({ name, kind }) => ({ name, kind }))];
  }

  /** The foreign implementation a request names (undefined: our own core); unknown names are a 400. */
  resolve(name: string | undefined): ForeignImplementation | undefined {
    if (name === undefined || name === BUILT_IN) return undefined;
    const found = this.byName.get(name);
    if (!found) throw new CommandError('bad-request', `no implementation named ${JSON.stringify(name).slice(0, 40)} is registered on this server (it has: ${this.list().map((i) => i.name).join(', ')}); the operator registers them with --implementation NAME=COMMAND`);
    return found;
  }
}
