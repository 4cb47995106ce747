// Keyboard shortcuts: one table drives the handler and the help sheet, so they cannot disagree.
export type ShortcutAction = 'pause' | 'step' | 'hold' | 'live' | 'back' | 'forward' | 'help' | 'presenter' | 'theme' | 'filter' | 'close';

export interface Shortcut {
  readonly key: string;
  readonly label: string;
  readonly action: ShortcutAction;
  readonly does: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { key: ' ', label: 'Space', action: 'pause', does: 'pause or resume time' },
  { key: 'n', label: 'N', action: 'step', does: 'deliver the next message only (step)' },
  { key: 'h', label: 'H', action: 'hold', does: 'hold or release the bus' },
  { key: 'ArrowLeft', label: '←', action: 'back', does: 'go back in time (scrub the recording)' },
  { key: 'ArrowRight', label: '→', action: 'forward', does: 'go forward in time' },
  { key: 'l', label: 'L', action: 'live', does: 'return to LIVE' },
  { key: '/', label: '/', action: 'filter', does: 'filter the event feed' },
  { key: 'p', label: 'P', action: 'presenter', does: 'presenter mode (large type, high contrast)' },
  { key: 't', label: 'T', action: 'theme', does: 'switch theme: auto, light, dark' },
  { key: '?', label: '?', action: 'help', does: 'this help sheet' },
  { key: 'Escape', label: 'Esc', action: 'close', does: 'close a menu, the inspector or this sheet' },
];

/** Shortcuts do not fire while typing or when a control would handle the key itself. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'target'>): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target as { tagName?: string; isContentEditable?: boolean; getAttribute?: (name: string) => string | null } | null;
  const tag = target?.tagName ?? '';
  if (['INPUT', 'SELECT', 'TEXTAREA'].includes(tag) || target?.isContentEditable) return event.key === 'Escape' ? 'close' : null;
  // Space and arrows belong to buttons, menus and sliders when they have focus.
  const role = target?.getAttribute?.('role') ?? '';
  if ((tag === 'BUTTON' || role === 'button' || role === 'menuitem' || role === 'slider') && [' ', 'ArrowLeft', 'ArrowRight', 'Enter'].includes(event.key)) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  return SHORTCUTS.find((shortcut) => shortcut.key === key)?.action ?? null;
}
