// Whether an element is (nearly) on screen, so heavy drawings off screen skip their work. Observing
// the DOM is what effects are for: the observer is set up and torn down with the element.
export class OnScreen {
  #visible = $state(true);

  get visible(): boolean {
    return this.#visible;
  }

  /** Use as {@attach onScreen.observe} on the element to watch. */
  observe = (element: Element): (() => void) => {
    if (typeof IntersectionObserver === 'undefined') return () => undefined;
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) this.#visible = entry.isIntersecting;
    }, { rootMargin: '200px' });
    observer.observe(element);
    return () => observer.disconnect();
  };
}

import { getContext, setContext } from 'svelte';

const KEY = Symbol('on-screen');

/** Panels share their visibility with what they contain: analyses skip their work off screen. */
export function provideOnScreen(onScreen: OnScreen): void {
  setContext(KEY, onScreen);
}

/** The enclosing panel's visibility (always visible outside a panel). */
export function panelOnScreen(): { readonly visible: boolean } {
  return getContext<OnScreen | undefined>(KEY) ?? { visible: true };
}
