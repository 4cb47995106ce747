// The page's colours for drawing on a canvas. A canvas cannot use CSS variables, and ours are
// light-dark() pairs that only a computed style resolves: a hidden probe element takes each in turn.
// Kept until the theme, presenter mode or the system's colour scheme changes.
import type { StripColors } from './draw-log-strip.ts';

let cached: { key: string; colors: StripColors } | null = null;

function themeKey(): string {
  const root = document.documentElement;
  const dark = globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  return `${root.dataset['theme'] ?? ''}|${root.className}|${dark}`;
}

export function stripColors(element: Element): StripColors {
  const key = themeKey();
  if (cached?.key === key) return cached.colors;
  const probe = document.createElement('span');
  probe.style.display = 'none';
  element.append(probe);
  const resolve = (variable: string): string => {
    probe.style.color = `var(${variable})`;
    return getComputedStyle(probe).color;
  };
  const colors: StripColors = { ink: resolve('--ink'), muted: resolve('--muted'), line: resolve('--line'), focus: resolve('--focus'), font: getComputedStyle(element).fontFamily || 'sans-serif' };
  probe.remove();
  cached = { key, colors };
  return colors;
}
