// Serves the built page (dist/web). Paths are resolved inside the root; anything else is a 404.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestTarget } from './request-target.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

export function createStaticHandler(root: string): (request: IncomingMessage, response: ServerResponse, target: RequestTarget) => boolean {
  const base = resolve(root);
  return (request, response, target) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    // The segments have no dot segment or slash in them (request-target.ts); the check below that
    // the file is inside the root stays as a second wall.
    const pathname = `/${target.segments.join('/')}`;
    let file = resolve(join(base, normalize(pathname)));
    if (file !== base && !file.startsWith(base + sep)) return false;
    if (!existsSync(file) || statSync(file).isDirectory()) {
      // Single-page app: unknown paths without an extension get the page itself.
      if (extname(pathname) !== '') return false;
      file = join(base, 'index.html');
      if (!existsSync(file)) return false;
    }
    const immutable = pathname.startsWith('/assets/');
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file).pipe(response);
    return true;
  };
}
