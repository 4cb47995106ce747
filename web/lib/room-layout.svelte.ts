// Whether the window is a laptop or projector screen (1440×900, 1920×1080): then the page is one
// screen — ring, logs and event feed side by side, the rest in tabs — instead of a long page of
// panels. Narrower windows (and phones) keep the stacked page. Watching the window is what an
// effect-like subscription is for: one listener, removed with the page.
export const ROOM_QUERY = '(min-width: 1400px) and (min-height: 800px)';

export class RoomQuery {
  #active = $state(false);

  get active(): boolean {
    return this.#active;
  }

  /** Starts following the window; returns the function that stops. */
  watch(): () => void {
    if (typeof matchMedia === 'undefined') return () => undefined;
    const query = matchMedia(ROOM_QUERY);
    this.#active = query.matches;
    const changed = (event: MediaQueryListEvent): void => void (this.#active = event.matches);
    query.addEventListener('change', changed);
    return () => query.removeEventListener('change', changed);
  }
}
