// Link settings of the network model: plain, serialisable data the UI can show and edit.
// Times are in the host's virtual time unit (milliseconds in the lab and in the simulator).

export type NodeId = string;

export interface LinkSettings {
  /** Base one-way delay. */
  readonly latency: number;
  /** Extra delay drawn uniformly from [0, jitter]. */
  readonly jitter: number;
  /** Probability in [0, 1] that a message is lost. */
  readonly loss: number;
  /** Probability in [0, 1] that a message is delivered twice (each copy gets its own delay). */
  readonly duplicate: number;
  /** Probability in [0, 1] that a message is held back by an extra delay, so later ones overtake it. */
  readonly reorder: number;
  /** Largest extra delay of a reordered message, drawn uniformly from [0, reorderDelay]. */
  readonly reorderDelay: number;
}

export const DEFAULT_LINK: LinkSettings = { latency: 10, jitter: 5, loss: 0, duplicate: 0, reorder: 0, reorderDelay: 50 };

/** Longest delay any setting may ask for; keeps a typo from parking a message for a day. */
export const MAX_DELAY = 60_000;

export class NetworkSettingsError extends Error {
  override readonly name = 'NetworkSettingsError';
}

const DELAY_FIELDS = ['latency', 'jitter', 'reorderDelay'] as const;
const PROBABILITY_FIELDS = ['loss', 'duplicate', 'reorder'] as const;
const LINK_FIELDS = new Set<string>([...DELAY_FIELDS, ...PROBABILITY_FIELDS]);

/** Validates a partial set of link settings from outside (UI, REST, a saved file). */
export function validateLinkPatch(value: unknown, where = 'link settings'): Partial<LinkSettings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new NetworkSettingsError(`${where} must be an object`);
  }
  const patch: Record<string, number> = {};
  for (const [field, raw] of Object.entries(value)) {
    if (!LINK_FIELDS.has(field)) throw new NetworkSettingsError(`${where}: unknown setting "${field}"`);
    if (raw === undefined) continue;
    if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new NetworkSettingsError(`${where}: ${field} must be a number`);
    if ((PROBABILITY_FIELDS as readonly string[]).includes(field)) {
      if (raw < 0 || raw > 1) throw new NetworkSettingsError(`${where}: ${field} is a probability between 0 and 1; got ${raw}`);
    } else if (raw < 0 || raw > MAX_DELAY) {
      throw new NetworkSettingsError(`${where}: ${field} must be between 0 and ${MAX_DELAY}; got ${raw}`);
    }
    patch[field] = raw;
  }
  return patch as Partial<LinkSettings>;
}

export function validateLinkSettings(value: unknown, where = 'link settings'): LinkSettings {
  const patch = validateLinkPatch(value, where);
  for (const field of LINK_FIELDS) {
    if (!(field in patch)) throw new NetworkSettingsError(`${where}: missing "${field}"`);
  }
  return patch as LinkSettings;
}

export function validateNodeId(value: unknown, where: string): NodeId {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(value)) {
    throw new NetworkSettingsError(`${where} must be a node id such as "n1"; got ${JSON.stringify(value)}`);
  }
  return value;
}
