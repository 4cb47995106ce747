// Vault clients list with the verb LIST, which Node's HTTP parser refuses before any handler
// runs (HPE_INVALID_METHOD). The refused request's first packet still reaches `clientError`; when
// it is a complete LIST request without a body, it is read here as GET …?list=true and answered
// (router.ts on the main server, node-api-server.ts on a node's own port) on a connection that
// then closes. Anything else gets a plain 400. `GET …?list=true` always works.
import type { AllowedHosts } from '../auth/allowed-hosts.ts';
import { parseRequestTarget, type RequestTarget } from '../http/request-target.ts';

const MAX_LIST_HEAD_BYTES = 16 * 1024;

/** A LIST request as a GET …?list=true: its target, token and query. */
export interface ListVerbRequest {
  readonly target: RequestTarget;
  readonly query: URLSearchParams;
  readonly token: string | null;
}

/** Reads a refused request's first packet as a complete, bodiless LIST for a name this server
 *  answers to (`hosts`: the same Host check every other request passes); null if it is not one. */
export function parseListVerb(rawPacket: Buffer | undefined, hosts: AllowedHosts): ListVerbRequest | null {
  if (!rawPacket || rawPacket.length > MAX_LIST_HEAD_BYTES) return null;
  const text = rawPacket.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('LIST ') || end === -1) return null;
  const [requestLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const match = /^LIST (\/[^\s]*) HTTP\/1\.[01]$/.exec(requestLine);
  if (!match) return null;
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  // A LIST with a body is not something Vault clients send; refuse rather than guess its length.
  if (Number(headers.get('content-length') ?? '0') > 0 || headers.has('transfer-encoding')) return null;
  if (!hosts.allows(headers.get('host'))) return null;
  const parsed = parseRequestTarget(match[1]);
  if (!parsed.ok) return null;
  const query = new URLSearchParams(parsed.target.query);
  query.set('list', 'true');
  const authorization = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  return { target: parsed.target, query, token: headers.get('x-vault-token') || authorization || null };
}
