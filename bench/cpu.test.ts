// The bench's per-process meter reads real numbers from /proc: CPU that was burnt and sleeps that
// happened. Each is checked against what the kernel says through another door (getrusage), over
// work measured in CPU and in blocking waits, never in wall-clock time.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { costWindow } from './cpu.ts';

/** Computes until the kernel has charged this process `seconds` more of user-space CPU. */
function burnUser(seconds: number): void {
  const until = process.cpuUsage().user + seconds * 1e6;
  let sink = 0;
  while (process.cpuUsage().user < until) for (let i = 0; i < 3_000; i++) sink = (sink * 31 + i) % 1_000_003;
  expect(sink).toBeGreaterThanOrEqual(0);
}

/** Reads /dev/zero until the kernel has charged this process `seconds` more of system CPU. */
function burnKernel(seconds: number): void {
  const until = process.cpuUsage().system + seconds * 1e6;
  const zero = openSync('/dev/zero', 'r');
  const buffer = Buffer.alloc(1 << 20);
  while (process.cpuUsage().system < until) readSync(zero, buffer, 0, buffer.length, null);
  closeSync(zero);
}

describe('costWindow', () => {
  it('counts the CPU a process burns, user and kernel, as getrusage does', () => {
    const before = process.cpuUsage();
    const end = costWindow([process.pid]);
    // Both columns of /proc get real work, so a meter that dropped either would come up short.
    burnUser(0.15);
    burnKernel(0.15);
    const cost = end();
    const { user, system } = process.cpuUsage(before);
    const burnt = (user + system) / 1e6;
    // /proc counts CPU in 10 ms ticks per thread and column: the busy thread may be off by two ticks.
    expect(cost.cpuSeconds).toBeGreaterThan(burnt - 0.05);
    expect(cost.cpuSeconds).toBeLessThan(burnt + 0.05);
    // One thread did nearly all of it, and one thread cannot use more CPU than the window lasted.
    expect(cost.seconds).toBeGreaterThan(0.25);
  });

  it('counts the times its threads block, as getrusage does', () => {
    const before = process.resourceUsage().voluntaryContextSwitches;
    const end = costWindow([process.pid]);
    // Waiting for a child to exit parks the main thread in the kernel: a voluntary context switch.
    for (let i = 0; i < 5; i++) expect(spawnSync('true').status).toBe(0);
    const cost = end();
    const blocked = process.resourceUsage().voluntaryContextSwitches - before;
    expect(blocked).toBeGreaterThanOrEqual(5);
    expect(cost.sleeps).toBeGreaterThanOrEqual(5);
    // Both read the same kernel counters; /proc misses only what reading getrusage itself cost.
    expect(cost.sleeps).toBeLessThanOrEqual(blocked);
  });

  it('reads nothing for a process that is not there', () => {
    const end = costWindow([2 ** 22 + 12345]);
    expect(end()).toMatchObject({ cpuSeconds: 0, sleeps: 0 });
  });
});
