// The class view's data (GET /api/class), asked again every few seconds while the page is open:
// one summary request per instructor page, whatever the number of clusters, so watching the class
// costs the servers less than a page per cluster would. The answer is validated before it is shown.
import { classViewSchema, type ClassView } from '../../shared/protocol/class-view.ts';
import { fetchAnswer } from './api-answer.ts';

export const CLASS_POLL_MS = 3_000;
const TOKEN_KEY = 'raftlab-class-token';

/** The instructor's token from /class#token=…, kept for the tab and taken out of the address bar. */
export function classToken(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromLink = fragment.get('token');
  if (fromLink) {
    sessionStorage.setItem(TOKEN_KEY, fromLink);
    fragment.delete('token');
    history.replaceState(history.state, '', `${location.pathname}${location.search}${fragment.toString() ? `#${fragment.toString()}` : ''}`);
  }
  return fromLink ?? sessionStorage.getItem(TOKEN_KEY);
}

export class ClassFeed {
  #view = $state.raw<ClassView | null>(null);
  #problem = $state<string | null>(null);
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly token: string) {}

  get view(): ClassView | null {
    return this.#view;
  }
  get problem(): string | null {
    return this.#problem;
  }

  start(): void {
    void this.poll();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  private async poll(): Promise<void> {
    const answer = await fetchAnswer('/api/class', classViewSchema, { headers: { 'x-vault-token': this.token } });
    if (answer.ok) {
      this.#view = answer.value;
      this.#problem = null;
    } else this.#problem = answer.error;
    this.#timer = setTimeout(() => void this.poll(), CLASS_POLL_MS);
  }
}
