// The person's preferences: theme, presenter mode, replay speed and which panels are open.
// Loaded from IndexedDB at start, saved on every change.
import { loadPreference, savePreference } from './storage.ts';

export type Theme = 'auto' | 'light' | 'dark';

export interface PreferenceValues {
  theme: Theme;
  presenter: boolean;
  replaySpeed: number;
  closedPanels: string[];
  /** The newcomer's hint was seen through (web/components/GettingStarted.svelte). */
  introDone: boolean;
}

const DEFAULTS: PreferenceValues = { theme: 'auto', presenter: false, replaySpeed: 1, closedPanels: [], introDone: false };
const KEY = 'preferences';

export class Preferences {
  #values = $state<PreferenceValues>({ ...DEFAULTS });
  #loaded = $state(false);

  get theme(): Theme {
    return this.#values.theme;
  }
  get presenter(): boolean {
    return this.#values.presenter;
  }
  get replaySpeed(): number {
    return this.#values.replaySpeed;
  }
  get loaded(): boolean {
    return this.#loaded;
  }

  get introDone(): boolean {
    return this.#values.introDone;
  }

  setIntroDone(): void {
    this.#values.introDone = true;
    this.#save();
  }

  isOpen(panel: string): boolean {
    return !this.#values.closedPanels.includes(panel);
  }

  async load(): Promise<void> {
    try {
      const stored = await loadPreference<Partial<PreferenceValues>>(KEY);
      if (stored) this.#values = { ...DEFAULTS, ...stored, closedPanels: [...(stored.closedPanels ?? [])] };
    } catch {
      // Private windows may refuse IndexedDB: the page still works with the defaults.
    }
    this.#loaded = true;
  }

  setTheme(theme: Theme): void {
    this.#values.theme = theme;
    this.#save();
  }

  cycleTheme(): void {
    this.setTheme(this.theme === 'auto' ? 'light' : this.theme === 'light' ? 'dark' : 'auto');
  }

  setPresenter(on: boolean): void {
    this.#values.presenter = on;
    this.#save();
  }

  setReplaySpeed(speed: number): void {
    this.#values.replaySpeed = speed;
    this.#save();
  }

  togglePanel(panel: string): void {
    const closed = this.#values.closedPanels;
    this.#values.closedPanels = closed.includes(panel) ? closed.filter((name) => name !== panel) : [...closed, panel];
    this.#save();
  }

  #save(): void {
    void savePreference(KEY, $state.snapshot(this.#values)).catch(() => undefined);
  }
}
