// The lab's error codes and the error that carries one, apart from the zod schemas of
// commands.ts (which re-exports these): a node's worker raises and answers them on its own API
// port, and every module it imports stays free of zod (server/cluster/worker-bundle.test.ts).

export const ERROR_CODES = [
  'bad-request',
  'forbidden',
  'not-found',
  'conflict',
  'not-leader',
  'no-leader',
  'unavailable',
  'timeout',
  'rate-limited',
  'too-large',
  'unsupported-media-type',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each error code, so REST and WebSocket report a failure the same way. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  'bad-request': 400,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'not-leader': 421,
  'no-leader': 503,
  unavailable: 503,
  timeout: 504,
  'rate-limited': 429,
  'too-large': 413,
  'unsupported-media-type': 415,
  internal: 500,
};

/** Raised inside the server for a command that fails in a way the caller should hear about. */
export class CommandError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}
