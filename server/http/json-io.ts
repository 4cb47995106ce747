// Reading bounded bodies and writing JSON answers. No stack trace ever reaches a client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError } from '../../shared/protocol/commands.ts';

export const MAX_BODY_BYTES = 256 * 1024;

/** The raw body, refused (without reading further) once it passes `limit` bytes. */
export async function readRawBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new CommandError('bad-request', `the body is ${declared} bytes; the limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new CommandError('bad-request', `the body is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function readJsonBody(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  return parseJsonText((await readRawBody(request, limit)).toString('utf8'));
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
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(text);
}
