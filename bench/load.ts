// One load generator for every system the bench measures (raftlab and etcd alike): a closed loop of
// N concurrent clients over HTTP/1.1 keep-alive, each sending its next request as soon as the last
// one answered. Bounded in time and in count; loopback only. Prints nothing: it returns numbers.
import http from 'node:http';

export interface LoadRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: string;
}

export interface LoadOptions {
  /** Loopback only: the bench never sends load anywhere else. */
  readonly host?: '127.0.0.1' | 'localhost' | '::1';
  readonly port: number;
  readonly concurrency: number;
  /** Measured window (real ms); requests answered before warmupMs are not counted. */
  readonly durationMs: number;
  readonly warmupMs?: number;
  /** Stop early after this many counted requests (default: unbounded within durationMs). */
  readonly maxRequests?: number;
  /** The request client `client` sends as its `n`-th request. */
  readonly request: (client: number, n: number) => LoadRequest;
  /** Whether an answer counts as success (default: any 2xx). */
  readonly ok?: (status: number, body: string) => boolean;
  /** Headers sent with every request (e.g. a control token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Each request's timeout (real ms); a timeout counts as an error. */
  readonly timeoutMs?: number;
  /** Called when the measured window opens and when it closes (to read other meters over it). */
  readonly onWindow?: (edge: 'open' | 'close') => void;
}

export interface LoadResult {
  readonly concurrency: number;
  readonly ok: number;
  readonly errors: number;
  /** Seconds of the measured window. */
  readonly seconds: number;
  /** Successful requests per second in the measured window. */
  readonly rate: number;
  /** Latency of successful requests, ms. */
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
  /** A few error answers, to say why something failed. */
  readonly sampleErrors: readonly string[];
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const host = options.host ?? '127.0.0.1';
  const warmupMs = options.warmupMs ?? 0;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxRequests = options.maxRequests ?? Infinity;
  const accept = options.ok ?? ((status: number) => status >= 200 && status < 300);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const latencies = new Float64Array(1 << 16);
  let latencyCount = 0;
  let latencyStore = latencies;
  let ok = 0;
  let errors = 0;
  const sampleErrors: string[] = [];

  const started = performance.now();
  const measureFrom = started + warmupMs;
  const stopAt = measureFrom + options.durationMs;
  let measuredEnd = stopAt;
  let stopped = false;
  let windowEdges = 0;
  const windowEdge = (): void => {
    if (windowEdges < 2) options.onWindow?.(windowEdges++ === 0 ? 'open' : 'close');
  };
  const windowTimers = options.onWindow ? [setTimeout(windowEdge, warmupMs), setTimeout(windowEdge, warmupMs + options.durationMs)] : [];

  const once = (req: LoadRequest): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { ...options.headers };
      if (req.body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(req.body);
      }
      const r = http.request({ host, port: options.port, method: req.method, path: req.path, agent, headers, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      r.on('timeout', () => r.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      r.on('error', reject);
      r.end(req.body);
    });

  const client = async (id: number): Promise<void> => {
    for (let n = 0; !stopped; n++) {
      const sentAt = performance.now();
      if (sentAt >= stopAt) break;
      let good = false;
      let why = '';
      try {
        const { status, body } = await once(options.request(id, n));
        good = accept(status, body);
        if (!good) why = `${status} ${body.slice(0, 160)}`;
      } catch (error) {
        why = error instanceof Error ? error.message : String(error);
      }
      const doneAt = performance.now();
      if (sentAt < measureFrom || doneAt > stopAt) continue;
      if (good) {
        ok += 1;
        if (latencyCount === latencyStore.length) {
          const bigger = new Float64Array(latencyStore.length * 2);
          bigger.set(latencyStore);
          latencyStore = bigger;
        }
        latencyStore[latencyCount++] = doneAt - sentAt;
      } else {
        errors += 1;
        if (sampleErrors.length < 5) sampleErrors.push(why);
      }
      if (ok + errors >= maxRequests && !stopped) {
        stopped = true;
        measuredEnd = doneAt;
      }
    }
  };

  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => client(i)));
  agent.destroy();
  // Stopped early by maxRequests: the window closes now (and opens first if it never did).
  for (const timer of windowTimers) clearTimeout(timer);
  while (options.onWindow && windowEdges < 2) windowEdge();
  const seconds = (Math.min(measuredEnd, performance.now()) - measureFrom) / 1000;
  const sorted = latencyStore.subarray(0, latencyCount).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    concurrency: options.concurrency,
    ok,
    errors,
    seconds,
    rate: ok / seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    sampleErrors,
  };
}

/** 64 printable bytes, different per request, so no layer can dedupe or compress them away. */
export function value64(client: number, n: number): string {
  const head = `c${client}n${n}-`;
  return head + 'x'.repeat(64 - head.length);
}
