// Vault clients list with the verb LIST, which Node's HTTP parser refuses before any handler
// runs (HPE_INVALID_METHOD). The refused request's first packet still reaches `clientError`; when
// it is a complete LIST request without a body, it is answered here as GET …?list=true, on a
// connection that then closes. Anything else gets a plain 400. `GET …?list=true` always works.
import type { Duplex } from 'node:stream';
import type { AllowedHosts } from '../auth/allowed-hosts.ts';
import type { ClusterRegistry } from '../cluster-registry.ts';
import { parseRequestTarget } from '../http/request-target.ts';
import { answerVault, locateVault, rawVaultResponse } from './router.ts';

const MAX_LIST_HEAD_BYTES = 16 * 1024;

/** Answers a refused LIST request on the socket; returns false if it was not one. `hosts` is the
 *  same Host check every other request passes (the front door in lab-server.ts never sees this). */
export async function answerListVerb(rawPacket: Buffer | undefined, socket: Duplex, registry: ClusterRegistry, hosts: AllowedHosts): Promise<boolean> {
  if (!rawPacket || rawPacket.length > MAX_LIST_HEAD_BYTES) return false;
  const text = rawPacket.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (!text.startsWith('LIST ') || end === -1) return false;
  const [requestLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const match = /^LIST (\/[^\s]*) HTTP\/1\.[01]$/.exec(requestLine);
  if (!match) return false;
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  // A LIST with a body is not something Vault clients send; refuse rather than guess its length.
  if (Number(headers.get('content-length') ?? '0') > 0 || headers.has('transfer-encoding')) return false;
  if (!hosts.allows(headers.get('host'))) return false;
  const parsed = parseRequestTarget(match[1]);
  if (!parsed.ok) return false;
  const location = locateVault(parsed.target, registry);
  if (!location) return false;
  const query = new URLSearchParams(parsed.target.query);
  query.set('list', 'true');
  const authorization = /^Bearer\s+(\S+)$/i.exec(headers.get('authorization') ?? '')?.[1];
  const answer = await answerVault(
    { method: 'GET', path: location.path, query, token: headers.get('x-vault-token') || authorization || null, body: () => Promise.resolve(Buffer.alloc(0)) },
    location,
    registry,
  );
  if (socket.writable) socket.end(rawVaultResponse(answer));
  return true;
}
