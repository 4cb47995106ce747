// Test helper: HTTP requests exactly as written. fetch() resolves `..` and `%2e%2e` and sets its
// own Host and Origin, which is what an attacker's client does not do; these send the bytes given.
import { request as httpRequest, type Agent } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The body's bytes (a binary answer, such as a snapshot archive, is not text). */
  readonly bytes: Buffer;
  /** The body as JSON, or undefined if it is not JSON. */
  readonly json: any;
}

export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string | Buffer; agent?: Agent } = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, method, path, headers: { ...options.headers }, setHost: options.headers?.['host'] === undefined, ...(options.agent ? { agent: options.agent } : {}) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text, bytes, json });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** A TCP connection to the server, for requests no HTTP client would send (half a body, slow headers). */
export function rawSocket(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends on `socket` until it closes it. */
export function readUntilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('close', () => resolve(text));
    socket.on('error', () => undefined);
  });
}
