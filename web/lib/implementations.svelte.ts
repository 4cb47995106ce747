// The node implementations this server can make clusters of (GET /api/implementations): our own
// core, always there, and any the operator registered with --implementation.
import { implementationListSchema, type ImplementationSummary } from '../../shared/protocol/clusters.ts';
import { fetchAnswer } from './api-answer.ts';

/** What a person reads in the chooser. */
export function implementationLabel(implementation: ImplementationSummary): string {
  switch (implementation.kind) {
    case 'built-in':
      return "raftlab's own Raft";
    case 'process':
      return `${implementation.name} (a program)`;
    case 'module':
      return `${implementation.name} (a JS module)`;
  }
}

export class ImplementationCatalog {
  #implementations = $state.raw<readonly ImplementationSummary[] | null>(null);
  #error = $state<string | null>(null);
  /** Only worth a chooser when the operator registered something beside our core. */
  readonly hasChoice = $derived((this.#implementations?.length ?? 0) > 1);

  get implementations(): readonly ImplementationSummary[] {
    return this.#implementations ?? [];
  }
  get error(): string | null {
    return this.#error;
  }
  /** The built-in entry's name: what a new cluster runs when the request names nothing. */
  get builtIn(): string | null {
    return this.#implementations?.find((implementation) => implementation.kind === 'built-in')?.name ?? null;
  }

  async load(): Promise<void> {
    const answer = await fetchAnswer('/api/implementations', implementationListSchema);
    if (answer.ok) this.#implementations = answer.value.implementations;
    else this.#error = `Could not list the implementations: ${answer.error}`;
  }
}
