// The worker's side of the lab clock: it feeds the node every tick the main thread counted, before
// any input and in one go, and wakes by itself only for the tick the node said it needs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickCell } from './tick-cell.ts';
import { WorkerTicker, type TickerNode } from './worker-ticker.ts';

let now = 0;
let cell: TickCell;
let fed: number[];
let wakes: number;
let due: number;
const node: TickerNode = {
  tick: (ticks) => void fed.push(ticks),
  ticksUntilDue: () => due,
  wake: () => void wakes++,
};
const clock = { tickMs: 10, speed: 1, paused: false };

/** The main thread's scheduler: counts a tick every 10 ms of real time and plans the next. */
function mainCounts(untilMs: number): void {
  while (cell.nextTickAt() <= untilMs) {
    const at = cell.nextTickAt();
    vi.advanceTimersByTime(at - now);
    now = at;
    cell.advance(1);
    cell.planNext(at + 10);
  }
  vi.advanceTimersByTime(untilMs - now);
  now = untilMs;
}

beforeEach(() => {
  vi.useFakeTimers();
  now = 0;
  cell = new TickCell();
  cell.planNext(10);
  fed = [];
  wakes = 0;
  due = Infinity;
});
afterEach(() => vi.useRealTimers());

describe('WorkerTicker', () => {
  it('feeds the ticks counted while it slept in one go, before the next input, and nothing twice', () => {
    const ticker = new WorkerTicker(cell, clock, node, () => now);
    mainCounts(45);
    expect(fed).toEqual([]); // asleep: nobody is due
    ticker.catchUp();
    expect(fed).toEqual([4]);
    ticker.catchUp();
    expect(fed).toEqual([4]);
  });

  it('sleeps until the tick the node is due at, then wakes once', () => {
    const ticker = new WorkerTicker(cell, clock, node, () => now);
    due = 3;
    ticker.arm();
    mainCounts(30); // the third tick is counted at 30 ms; the worker wakes just after it
    expect(wakes).toBe(0);
    mainCounts(31);
    expect(wakes).toBe(1);
    expect(fed).toEqual([3]);
  });

  it('does not wake at all while the clock is paused, or for a node with no timer that matters', () => {
    const paused = new WorkerTicker(cell, { ...clock, paused: true }, node, () => now);
    due = 2;
    paused.arm();
    mainCounts(200);
    expect(wakes).toBe(0);

    const learner = new WorkerTicker(cell, clock, node, () => now);
    due = Infinity;
    learner.arm();
    mainCounts(400);
    expect(wakes).toBe(0);
  });

  it('a paused node lives through no ticks, and its pause is skipped when it resumes', () => {
    const ticker = new WorkerTicker(cell, clock, node, () => now);
    due = 1;
    ticker.freeze(true);
    mainCounts(100);
    ticker.catchUp();
    expect(wakes).toBe(0);
    expect(fed).toEqual([]);
    ticker.freeze(false);
    ticker.catchUp();
    expect(fed).toEqual([]);
    mainCounts(111);
    expect(fed).toEqual([1]);
  });

  it('backs off while the main thread is late counting a planned tick, instead of spinning', () => {
    const ticker = new WorkerTicker(cell, clock, node, () => now);
    due = 1;
    ticker.arm();
    // The main thread stalls: the tick planned for 10 ms is not counted until 110 ms.
    let fires = 0;
    while (now < 110) {
      vi.advanceTimersByTime(1);
      now += 1;
      if (wakes > fires) {
        fires = wakes;
        ticker.arm(); // what the worker does after each host loop
      }
    }
    // Retries at 1, 2, 4, 8 ms, then once a tick (10 ms): about a dozen in 100 ms, not a hundred.
    expect(fires).toBeGreaterThan(3);
    expect(fires).toBeLessThan(20);
    expect(fed).toEqual([]);
    cell.advance(1);
    cell.planNext(120);
    vi.advanceTimersByTime(20);
    expect(fed).toEqual([1]);
  });

  it('keeps asking when no tick is planned yet while the clock runs (the scheduler is starting)', () => {
    cell.planNext(Infinity);
    // As in the worker: every wake-up runs the host loop, which arms the next timer.
    const ticker: WorkerTicker = new WorkerTicker(cell, clock, { ...node, wake: () => { wakes++; ticker.arm(); } }, () => now);
    due = 1;
    ticker.arm();
    vi.advanceTimersByTime(5);
    now = 5;
    expect(wakes).toBeGreaterThan(0); // it did not go to sleep for good
    cell.planNext(10);
    mainCounts(30);
    expect(fed.reduce((a, b) => a + b, 0)).toBe(2); // the ticks at 10 and 20, each fed once
  });

  it('a node started a while ago lives through the ticks of its own start-up', () => {
    const since = cell.ticks();
    mainCounts(35); // the worker thread loads its code meanwhile
    const ticker = new WorkerTicker(cell, clock, node, () => now, since);
    ticker.catchUp();
    expect(fed).toEqual([3]);
  });

  it('counts across the tick counter wrapping around', () => {
    new Int32Array(cell.buffer, 0, 1)[0] = 2 ** 31 - 2;
    const ticker = new WorkerTicker(cell, clock, node, () => now);
    cell.advance(4);
    ticker.catchUp();
    expect(fed).toEqual([4]);
  });
});
