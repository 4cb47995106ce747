// The one reading of a request's path, used by every route (REST, Vault API, WebSocket, metrics,
// static files). It works on the raw path as sent: a WHATWG URL parser would resolve `%2e%2e` and
// `a/../b` and drop empty segments, so `DELETE …/kv/%2e%2e` used to reach the route that deletes
// the whole cluster. Here a dot segment, an empty segment or an encoded slash is refused outright:
// a request means one route, and it is the one its path spells.

export interface RequestTarget {
  /** The raw path, as sent (before the query). */
  readonly pathname: string;
  /** The path's segments, %-decoded; none is empty, `.`, `..` or holds a slash. */
  readonly segments: readonly string[];
  /** The path ended with "/" (other than the bare "/"): only a Vault folder LIST accepts that. */
  readonly trailingSlash: boolean;
  readonly query: URLSearchParams;
}

export type ParsedTarget = { readonly ok: true; readonly target: RequestTarget } | { readonly ok: false; readonly problem: string };

/** Longest path taken; the header cap bounds it anyway, this keeps error messages short. */
const MAX_PATH_BYTES = 8 * 1024;

export function parseRequestTarget(url: string | undefined): ParsedTarget {
  const raw = url ?? '/';
  if (!raw.startsWith('/')) return refuse('the request target must be a path starting with "/"');
  const queryAt = raw.indexOf('?');
  const pathname = queryAt === -1 ? raw : raw.slice(0, queryAt);
  if (pathname.length > MAX_PATH_BYTES) return refuse(`the path is over ${MAX_PATH_BYTES} bytes`);
  const query = new URLSearchParams(queryAt === -1 ? '' : raw.slice(queryAt + 1));
  if (pathname === '/') return { ok: true, target: { pathname, segments: [], trailingSlash: false, query } };

  const rawSegments = pathname.slice(1).split('/');
  const trailingSlash = rawSegments[rawSegments.length - 1] === '';
  if (trailingSlash) rawSegments.pop();
  const segments: string[] = [];
  for (const rawSegment of rawSegments) {
    if (rawSegment === '') return refuse('the path has an empty segment ("//")');
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      return refuse('the path has a malformed %-escape');
    }
    if (segment === '.' || segment === '..') return refuse('the path has a "." or ".." segment; paths are taken as sent, never resolved');
    if (segment.includes('/') || segment.includes('\\')) return refuse('the path has an encoded slash (%2F or %5C) inside a segment');
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(segment)) return refuse('the path has a control character');
    segments.push(segment);
  }
  return { ok: true, target: { pathname, segments, trailingSlash, query } };
}

function refuse(problem: string): ParsedTarget {
  return { ok: false, problem };
}
