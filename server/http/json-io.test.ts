// Reading request bodies: at once when the parser already holds all of it, by events otherwise;
// the limit holds either way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { readRawBody } from './json-io.ts';

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    readRawBody(request, 64).then(
      (body) => response.end(`ok ${body.length} ${body.toString('utf8')}`),
      (error: Error) => response.end(`error ${error.message}`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Sends raw HTTP in pieces (with pauses between them) and returns the answer's body. */
function raw(pieces: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (data) => {
      answer += data.toString('utf8');
      const body = answer.split('\r\n\r\n')[1];
      const length = Number(/content-length: (\d+)/i.exec(answer)?.[1] ?? -1);
      if (body !== undefined && body.length === length) {
        socket.destroy();
        resolve(body);
      }
    });
    socket.on('error', reject);
    let at = 0;
    const next = (): void => {
      const piece = pieces[at++];
      if (piece === undefined) return;
      socket.write(piece);
      setTimeout(next, 30);
    };
    socket.on('connect', next);
  });
}

const head = (extra: string) => `POST / HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;

describe('readRawBody', () => {
  it('reads a body that came with the headers', async () => {
    expect(await raw([`${head('Content-Length: 11\r\n')}{"value":1}`])).toBe('ok 11 {"value":1}');
  });

  it('reads a body that arrives in pieces after the headers', async () => {
    expect(await raw([head('Content-Length: 11\r\n'), '{"val', 'ue":1}'])).toBe('ok 11 {"value":1}');
  });

  it('reads a chunked body', async () => {
    expect(await raw([`${head('Transfer-Encoding: chunked\r\n')}5\r\nhello\r\n`, '6\r\n world\r\n0\r\n\r\n'])).toBe('ok 11 hello world');
  });

  it('refuses a declared body over the limit, and a chunked one that grows past it', async () => {
    expect(await raw([`${head('Content-Length: 100\r\n')}${'x'.repeat(100)}`])).toMatch(/^error the body is 100 bytes; the limit is 64/);
    expect(await raw([`${head('Transfer-Encoding: chunked\r\n')}28\r\n${'y'.repeat(40)}\r\n`, `28\r\n${'y'.repeat(40)}\r\n0\r\n\r\n`])).toMatch(/^error the body is over the limit of 64 bytes/);
  });
});
