// Guided tours from the page's side: the scenario list for the picker, starting a tour (the server
// makes a cluster for it and hands this page its control token), and the links that lead there.
// The tour itself runs on the server; its state arrives in the cluster's view (view.tour).
import type { ClusterView } from '../../shared/protocol/index.ts';

/** One row of GET /api/scenarios. */
export interface ScenarioSummary {
  readonly id: string;
  readonly title: string;
  readonly summary: string;
  readonly topic: string;
  readonly minutes: number;
  readonly nodes: number;
  readonly steps: number;
}

export type TourView = NonNullable<ClusterView['tour']>;

/** Topics in the order a course meets them, with the heading the picker shows. */
const TOPICS: readonly (readonly [string, string])[] = [
  ['election', 'Leader election'],
  ['replication', 'Log replication'],
  ['failures', 'Failures and recovery'],
  ['safety', 'Safety'],
  ['storage', 'Storage'],
  ['membership', 'Membership'],
  ['reads', 'Reads'],
  ['clients', 'Clients'],
];

export interface TopicGroup {
  readonly topic: string;
  readonly heading: string;
  readonly scenarios: readonly ScenarioSummary[];
}

export function groupByTopic(scenarios: readonly ScenarioSummary[]): TopicGroup[] {
  const known = TOPICS.map(([topic, heading]) => ({ topic, heading, scenarios: scenarios.filter((s) => s.topic === topic) }));
  const others = scenarios.filter((s) => !TOPICS.some(([topic]) => topic === s.topic));
  return [...known, ...(others.length > 0 ? [{ topic: 'other', heading: 'Other', scenarios: others }] : [])].filter((group) => group.scenarios.length > 0);
}

/** The page's address for a cluster with control: the token rides in the fragment. */
export function controlLink(cluster: string, token: string): string {
  return `/?cluster=${encodeURIComponent(cluster)}#token=${encodeURIComponent(token)}`;
}

/** Where the picker lives (a link that opens it on load). */
export const PICKER_LINK = '/?scenarios';

/** A shareable tour link's request: /?scenario=figure-8[&speed=1]. */
export function tourRequestOf(search: string): { id: string; speed: string | null } | null {
  const params = new URLSearchParams(search);
  const id = params.get('scenario');
  return id === null ? null : { id, speed: params.get('speed') };
}

type StartOutcome = { ok: true; cluster: string; token: string } | { ok: false; unknown: boolean; error: string };

/** POST /api/scenarios/{id}[?speed=S]: a new cluster running the tour, and its control token. */
export async function startTour(id: string, speed: string | null = null): Promise<StartOutcome> {
  const query = speed === null ? '' : `?speed=${encodeURIComponent(speed)}`;
  try {
    const response = await fetch(`/api/scenarios/${encodeURIComponent(id)}${query}`, { method: 'POST' });
    const body = (await response.json()) as { ok: boolean; result?: { cluster: string; token: string }; code?: string; error?: string };
    if (body.ok && body.result) return { ok: true, cluster: body.result.cluster, token: body.result.token };
    return { ok: false, unknown: body.code === 'not-found', error: body.error ?? response.statusText };
  } catch (error) {
    return { ok: false, unknown: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The scenario list, fetched once when the picker first opens. */
export class ScenarioCatalog {
  #scenarios = $state.raw<readonly ScenarioSummary[] | null>(null);
  #error = $state<string | null>(null);
  #loading: Promise<void> | null = null;
  readonly groups = $derived(groupByTopic(this.#scenarios ?? []));

  get loaded(): boolean {
    return this.#scenarios !== null;
  }
  get error(): string | null {
    return this.#error;
  }

  load(): Promise<void> {
    this.#loading ??= fetch('/api/scenarios')
      .then((response) => response.json() as Promise<{ ok: boolean; result?: { scenarios: ScenarioSummary[] }; error?: string }>)
      .then((body) => {
        if (body.ok && body.result) this.#scenarios = body.result.scenarios;
        else throw new Error(body.error ?? 'the server did not list its scenarios');
      })
      .catch((error: unknown) => {
        this.#error = `Could not load the scenarios: ${error instanceof Error ? error.message : String(error)}`;
        this.#loading = null;
      });
    return this.#loading;
  }
}

/** Starting a tour from the picker or from a shareable link: what the page shows meanwhile. */
export class TourStarter {
  #starting = $state<string | null>(null);
  #failure = $state<{ id: string; unknown: boolean; error: string } | null>(null);

  get starting(): string | null {
    return this.#starting;
  }
  get failure(): { id: string; unknown: boolean; error: string } | null {
    return this.#failure;
  }

  /** Creates the tour's cluster and goes there. `replace`: the link that started it leaves the
   *  history, so reloading or going back does not start yet another cluster. */
  async start(id: string, speed: string | null, replace: boolean): Promise<void> {
    this.#starting = id;
    this.#failure = null;
    const outcome = await startTour(id, speed);
    if (outcome.ok) {
      const link = controlLink(outcome.cluster, outcome.token);
      if (replace) location.replace(link);
      else location.assign(link);
      return;
    }
    this.#starting = null;
    this.#failure = { id, unknown: outcome.unknown, error: outcome.error };
  }
}

/** What the tour's status line says. */
export function tourStatusText(tour: TourView, lastStep: boolean): string {
  switch (tour.status) {
    case 'waiting':
      return 'Starting the cluster for this tour…';
    case 'ready':
      return tour.step === 0 ? 'Ready: read the step, then press Next step.' : 'Ready for the next step.';
    case 'running':
      return 'Running this step: its actions, then waiting for what should happen…';
    case 'passed':
      return 'This step happened as described.';
    case 'failed':
      return lastStep ? 'Tour finished, but its last step did not go as the script expects.' : 'This step did not go as the script expects.';
    case 'done':
      return 'Tour finished.';
  }
}

/** Which step the shown checks belong to (1-based): after a pass the panel already shows the next
 *  step, so its checks are the previous one's. */
export function checkedStepNumber(tour: TourView): number {
  return tour.status === 'ready' ? tour.step : tour.step + 1;
}

/** Next step can run: the cluster is up, nothing is running, and a step is left. */
export function canRunNext(tour: TourView): boolean {
  if (tour.status === 'ready') return true;
  return tour.status === 'failed' && tour.step + 1 < tour.total;
}
