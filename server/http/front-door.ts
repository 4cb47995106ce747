// Every HTTP request passes here first, whatever its route: its path is read once, as sent
// (request-target.ts); its Host must name this server (DNS rebinding); its connection must be
// within the one rate limit; a state-changing request must not come from another site's page.
// Only then does a route see it. A refusal is answered in the shape the route family speaks:
// Vault's {"errors": [...]} under /v1 and /c, the lab's {"ok": false, ...} elsewhere.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CommandError, HTTP_STATUS, type ErrorCode } from '../../shared/protocol/command-error.ts';
import { foreignOrigin, type AllowedHosts } from '../auth/allowed-hosts.ts';
import type { RateLimiter } from '../auth/rate-limit.ts';
import { sendJson } from './json-io.ts';
import { logRequestFailure } from './request-log.ts';
import { parseRequestTarget, type RequestTarget } from './request-target.ts';

/** A route family: answers the request and returns true, or returns false if it is not its own. */
export type Route = (request: IncomingMessage, response: ServerResponse, target: RequestTarget) => boolean | Promise<boolean>;

export interface FrontDoor {
  readonly hosts: AllowedHosts;
  readonly rate: RateLimiter<Socket>;
  /** Tried in order; the first that takes the request answers it. */
  readonly routes: readonly Route[];
}

/** Methods that change something; a browser sends Origin with each of them. */
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function createFrontDoor(door: FrontDoor): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    void serve(door, request, response).catch((error: unknown) => {
      logRequestFailure('a request', error);
      if (!response.headersSent) sendJson(response, 500, { ok: false, code: 'internal', error: 'internal error' });
      else response.destroy();
    });
  };
}

async function serve(door: FrontDoor, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const parsed = parseRequestTarget(request.url);
  const vault = speaksVault(request.url);
  const refuse = (code: ErrorCode, message: string): void => {
    const status = HTTP_STATUS[code];
    if (vault) sendJson(response, status, { errors: [message] });
    else sendJson(response, status, { ok: false, code, error: message });
  };
  if (!parsed.ok) return refuse('bad-request', parsed.problem);
  if (!door.hosts.allows(request.headers.host)) return refuse('forbidden', door.hosts.refusal(request.headers.host));
  if (!door.rate.allow(request.socket)) return refuse('rate-limited', 'too many requests on this connection; slow down');
  if (UNSAFE_METHODS.has(request.method ?? '')) {
    const foreign = foreignOrigin(request);
    if (foreign !== null) return refuse('forbidden', foreign);
  }
  for (const route of door.routes) {
    try {
      if (await route(request, response, parsed.target)) return;
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      return refuse(error.code, error.message);
    }
  }
  refuse('not-found', `nothing at ${parsed.target.pathname.slice(0, 200)}`);
}

/** Vault clients read errors as {"errors": [...]}: a path under /v1/ or /c/ gets that shape. */
function speaksVault(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/v1/') || url.startsWith('/c/'));
}
