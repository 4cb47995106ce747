// Reading bounded bodies and writing JSON answers. No stack trace ever reaches a client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError } from '../../shared/protocol/command-error.ts';
import { ClientGone } from './request-log.ts';

export const MAX_BODY_BYTES = 256 * 1024;

/** The raw body, refused (without reading further) once it passes `limit` bytes. */
export function readRawBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new CommandError('too-large', `the body is ${declared} bytes; the limit is ${limit}`));
  // A small body usually came in the same packet as the headers: the parser has buffered all of
  // it by now, so take it at once instead of waiting for 'data' and 'end' a few ticks later.
  const buffered = request.readableLength;
  if (buffered <= limit && (request.complete || (request.headers['content-length'] !== undefined && buffered === declared))) {
    const chunks: Buffer[] = [];
    for (let chunk = request.read() as Buffer | null; chunk !== null; chunk = request.read() as Buffer | null) chunks.push(chunk);
    request.resume(); // let the stream end, as if it had been read to the end
    return Promise.resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  }
  // Plain stream events rather than `for await`: an async iterator per request was a measurable
  // share of the main thread's time under load (bench/run.ts, etcd section).
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        request.resume(); // drain the rest without keeping it
        reject(new CommandError('too-large', `the body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    // A client that goes away mid-body ('aborted', then ECONNRESET, then 'close') is not a failure
    // of ours: ClientGone is counted, never logged with a stack.
    const onError = (error: Error): void => {
      cleanup();
      reject(request.complete ? error : new ClientGone());
    };
    const onClose = (): void => {
      cleanup();
      reject(new ClientGone());
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('close', onClose);
  });
}

/**
 * A JSON body. One with a body must say it is JSON: a page on another site can send text/plain,
 * form and multipart bodies without asking (no CORS preflight), and those carry no JSON of ours.
 */
export async function readJsonBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = request.headers['content-type'];
  if (hasBody(request) && (type === undefined || !isJsonType(type))) {
    throw new CommandError('unsupported-media-type', `a JSON body needs Content-Type: application/json; got ${type === undefined ? 'none' : JSON.stringify(type.slice(0, 80))}`);
  }
  return parseJsonText((await readRawBody(request, limit)).toString('utf8'));
}

/** The request had a body and the answer goes out before it was all read. (A bodiless request is
 *  not yet `complete` while its handler runs, so `complete` alone would close every keep-alive.) */
export function bodyLeftUnread(response: ServerResponse): boolean {
  const request = response.req as IncomingMessage | undefined;
  return request !== undefined && !request.complete && hasBody(request);
}

function hasBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** application/json, or a JSON-based type (application/x+json), with any parameters. */
export function isJsonType(type: string): boolean {
  const essence = type.split(';')[0]!.trim().toLowerCase();
  return essence === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(essence);
}

/** An empty body reads as {} (curl -X POST without -d); anything else must be JSON. */
export function parseJsonText(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CommandError('bad-request', 'the body is not valid JSON');
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  // Answered before its body was read (too large, refused early): close rather than read the rest.
  if (bodyLeftUnread(response)) headers = { ...headers, connection: 'close' };
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(text);
}
