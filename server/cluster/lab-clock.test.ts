import { describe, expect, it } from 'vitest';
import { LabClock } from './lab-clock.ts';
import { ClockCell } from './clock-cell.ts';
import { monotonicMs } from './tick-cell.ts';

function fakeReal(): { now: () => number; advance: (ms: number) => void } {
  let real = 1000;
  return { now: () => real, advance: (ms) => (real += ms) };
}

describe('LabClock', () => {
  it('advances virtual time at real time × speed', () => {
    const real = fakeReal();
    const clock = new LabClock(0.1, real.now);
    real.advance(1000);
    expect(clock.now()).toBeCloseTo(100);
    clock.setSpeed(2);
    real.advance(10);
    expect(clock.now()).toBeCloseTo(120);
  });

  it('stands still while paused and resumes exactly where it stopped', () => {
    const real = fakeReal();
    const clock = new LabClock(1, real.now);
    real.advance(50);
    clock.pause();
    real.advance(10_000);
    expect(clock.now()).toBeCloseTo(50);
    expect(clock.realDelayUntil(60)).toBe(Infinity);
    clock.resume();
    real.advance(5);
    expect(clock.now()).toBeCloseTo(55);
  });

  it('converts a virtual deadline into real milliseconds at the current speed', () => {
    const real = fakeReal();
    const clock = new LabClock(0.5, real.now);
    expect(clock.realDelayUntil(100)).toBeCloseTo(200);
    expect(clock.realDelayUntil(-5)).toBe(0);
  });

  it("publishes its reading to a clock cell another thread reads (a node's port times its client operations on it)", async () => {
    const cell = new ClockCell();
    const clock = new LabClock(2, monotonicMs, (virtual, real, speed) => cell.publish(virtual, real, speed));
    // A second view of the same memory, as a worker holds it.
    const reader = new ClockCell(cell.buffer);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(Math.abs(reader.now() - clock.now())).toBeLessThan(1);
    clock.setSpeed(0.5);
    clock.advanceBy(1000);
    expect(Math.abs(reader.now() - clock.now())).toBeLessThan(1);
    clock.pause();
    const paused = reader.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reader.now()).toBe(paused);
    expect(paused).toBeCloseTo(clock.now(), 6);
  });
});
