// How the Vault routes' answers are made and written, apart from where a request is served: the
// main server's router (router.ts) and each node's own API port (cluster/node-api) both use these,
// so a key is checked, an error shaped and an answer written the same way on either.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError } from '../../shared/protocol/command-error.ts';
import { keyProblem } from '../../shared/kv/keys.ts';
import { bodyLeftUnread, readRawBody } from '../http/json-io.ts';
import { ClientGone, logRequestFailure } from '../http/request-log.ts';
import type { RequestTarget } from '../http/request-target.ts';
import { presentedToken } from '../auth/tokens.ts';
import { VaultError, fromCommandError, type VaultRequest, type VaultResponse } from './vault-http.ts';

/** The key path after data/ or metadata/; metadata may name a folder (for LIST) or nothing. */
export function kvKey(segments: readonly string[], folderAllowed: boolean): string {
  const key = segments.join('/');
  if (folderAllowed && key === '') return '';
  // The store's own rule (shared/kv/keys.ts), as kvKeySchema applies it elsewhere.
  const problem = keyProblem(key);
  if (problem !== null) throw new VaultError(400, [`invalid path: ${problem}`]);
  return key;
}

export function toVaultError(error: unknown): VaultError {
  if (error instanceof VaultError) return error;
  if (error instanceof CommandError) return fromCommandError(error);
  if (error instanceof ClientGone) {
    logRequestFailure('the Vault API', error);
    return new VaultError(400, [error.message]);
  }
  // A bug: the cause goes to the server log, the client gets no stack.
  logRequestFailure('the Vault API', error);
  return new VaultError(500, ['internal error']);
}


export function writeVaultResponse(response: ServerResponse, answer: VaultResponse): void {
  const headers: Record<string, string | number> = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  let payload: Buffer | null = null;
  if (answer.bytes) {
    payload = answer.bytes;
    headers['content-type'] = answer.contentType ?? 'application/octet-stream';
  } else if (answer.json !== undefined) {
    payload = Buffer.from(JSON.stringify(answer.json));
    headers['content-type'] = 'application/json';
  }
  if (payload) headers['content-length'] = payload.length;
  // Answered before its body was read (too large, refused early): close rather than read the rest.
  if (bodyLeftUnread(response)) headers['connection'] = 'close';
  response.writeHead(answer.status, headers);
  response.end(payload ?? undefined);
}

/** The raw HTTP/1.1 text of an answer, for the LIST fallback that writes straight to the socket. */
export function rawVaultResponse(answer: VaultResponse): string {
  const body = answer.json !== undefined ? JSON.stringify(answer.json) : '';
  const reason = answer.status === 200 ? 'OK' : answer.status === 204 ? 'No Content' : answer.status === 404 ? 'Not Found' : 'Error';
  const head = [`HTTP/1.1 ${answer.status} ${reason}`, 'Connection: close', 'Cache-Control: no-store'];
  if (body) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  else head.push('Content-Length: 0');
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}

/** The server as the client addressed it; a Host header that is not a plain host[:port] is not echoed. */
export function originOf(request: IncomingMessage): string | undefined {
  const host = request.headers.host;
  return host && /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? `http://${host}` : undefined;
}

/** A node:http request as the Vault routes read it; `path` is what follows /v1/. */
export function vaultRequestOf(request: IncomingMessage, target: RequestTarget, path: readonly string[]): VaultRequest {
  const origin = originOf(request);
  const consistency = request.headers['x-raftlab-consistency'];
  return {
    ...(typeof consistency === 'string' ? { consistency } : {}),
    method: (request.method ?? 'GET').toUpperCase(),
    path,
    query: target.query,
    token: presentedToken(request),
    ...(origin ? { origin } : {}),
    body: (limit) => readRawBody(request, limit),
  };
}
