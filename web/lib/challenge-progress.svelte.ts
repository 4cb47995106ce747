// A student's challenge progress, kept in the browser (idb-keyval, beside the preferences): which
// challenges they solved, on which cluster and when, and how many hints they opened. A fork is a
// new cluster, so this is what carries their progress from one fork to the next; what each cluster
// solved is also in its view (the server detected it), and the class view shows that.
import { z } from 'zod';
import type { SolvedChallengeView } from '../../shared/protocol/index.ts';
import { loadPreference, savePreference } from './storage.ts';

const KEY = 'challenge-progress';

const storedSchema = z.object({
  solved: z.record(z.string().max(64), z.object({ cluster: z.string().max(200), at: z.string().max(40), detail: z.string().max(2000) })),
  hints: z.record(z.string().max(64), z.number().int().min(0).max(3)),
});
export type StoredProgress = z.infer<typeof storedSchema>;

export class ChallengeProgress {
  #values = $state<StoredProgress>({ solved: {}, hints: {} });

  solvedOn(id: string): StoredProgress['solved'][string] | undefined {
    return this.#values.solved[id];
  }

  hintsShown(id: string): number {
    return this.#values.hints[id] ?? 0;
  }

  get solvedCount(): number {
    return Object.keys(this.#values.solved).length;
  }

  async load(): Promise<void> {
    try {
      // What IndexedDB holds is input like any other: an older page or another tab may have written it.
      const stored = storedSchema.safeParse(await loadPreference<unknown>(KEY));
      if (stored.success) this.#values = { solved: { ...stored.data.solved, ...this.#values.solved }, hints: { ...stored.data.hints, ...this.#values.hints } };
    } catch {
      // Private windows may refuse IndexedDB: progress then lasts as long as the page.
    }
  }

  /** Takes in what a live cluster solved; saves only when something is new. */
  record(cluster: string, solved: readonly SolvedChallengeView[]): void {
    let changed = false;
    for (const challenge of solved) {
      if (this.#values.solved[challenge.id]) continue;
      this.#values.solved[challenge.id] = { cluster, at: new Date().toISOString(), detail: challenge.detail };
      changed = true;
    }
    if (changed) this.#save();
  }

  showHint(id: string): void {
    this.#values.hints[id] = Math.min(3, this.hintsShown(id) + 1);
    this.#save();
  }

  #save(): void {
    void savePreference(KEY, $state.snapshot(this.#values)).catch(() => undefined);
  }
}
