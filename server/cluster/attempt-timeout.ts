/**
 * Real milliseconds one client attempt waits: four election timeouts of virtual time, and at least
 * 2 s of real time — a busy disk under many concurrent writes needs that much, and a client with a
 * bounded answer is still told within a few seconds. The main thread's client and each node's own
 * port (node-api) wait the same.
 */
export function attemptTimeoutMs(electionTicks: number, tickMs: number, speed: number): number {
  return Math.max(2000, (4 * electionTicks * tickMs) / speed);
}
