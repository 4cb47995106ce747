// Which names this server answers to, and which pages may send it state-changing requests.
//
// DNS rebinding: a page on evil.example can make its own name resolve to 127.0.0.1 and then talk
// to the lab as "same origin"; its requests then carry `Host: evil.example:8200`. Checking Host
// against the names the server was started for stops that. IP literals are always fine (a page
// that addresses us by IP has that IP as its origin, so it is no rebinding), as are loopback
// names, the bound --host, this machine's own name when bound beyond loopback, and --allowed-host.
import { hostname } from 'node:os';
import type { IncomingMessage } from 'node:http';

export class AllowedHosts {
  private readonly names: ReadonlySet<string>;

  constructor(bindHost: string, extra: readonly string[] = []) {
    const names = new Set(['localhost', ...extra.map((name) => name.toLowerCase())]);
    if (!isIpLiteral(bindHost)) names.add(bindHost.toLowerCase());
    if (!isLoopback(bindHost)) {
      const machine = hostname().toLowerCase();
      names.add(machine);
      names.add(`${machine}.local`);
    }
    this.names = names;
  }

  /** Whether a Host header names this server. A request without one (HTTP/1.0) is not a browser's. */
  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return true;
    const name = hostName(hostHeader);
    if (name === null) return false;
    return isIpLiteral(name) || name.endsWith('.localhost') || this.names.has(name);
  }

  /** Why a request's Host is refused, for the answer. */
  refusal(hostHeader: string | undefined): string {
    const name = hostName(hostHeader ?? '') ?? 'that';
    return `this server does not answer to the name ${JSON.stringify(name.slice(0, 100))}; start it with --allowed-host ${name.slice(0, 100)} if it should`;
  }
}

/**
 * A request a browser sent from another site, or null. Browsers send Origin with every POST, PUT
 * and DELETE (and with WebSocket upgrades); it must be this server as the browser addressed it:
 * http or https, and the same host and port as Host. Clients that are not browsers send none.
 */
export function foreignOrigin(request: IncomingMessage): string | null {
  const origin = request.headers.origin;
  if (origin === undefined) return null;
  const host = request.headers.host;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return `Origin ${JSON.stringify(origin.slice(0, 100))} is not an origin`;
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || host === undefined || parsed.host !== host.toLowerCase()) {
    return `requests from ${JSON.stringify(origin.slice(0, 100))} are refused: only pages of this server may change it`;
  }
  return null;
}

/** The lower-cased name in a Host header (without port or IPv6 brackets), or null if malformed. */
function hostName(hostHeader: string): string | null {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.exec(hostHeader);
  if (!match) return null;
  const name = match[1]!.toLowerCase();
  return name.startsWith('[') ? name.slice(1, -1) : name;
}

function isIpLiteral(name: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || (name.includes(':') && /^[0-9a-f:.]+$/i.test(name.replace(/^\[|\]$/g, '')));
}

function isLoopback(bindHost: string): boolean {
  return bindHost === 'localhost' || bindHost === '::1' || bindHost.startsWith('127.');
}
