// The bench's per-process meter reads real numbers from /proc: CPU that was burnt and sleeps that happened.
import { describe, expect, it } from 'vitest';
import { costWindow } from './cpu.ts';

const burn = (ms: number): void => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

describe('costWindow', () => {
  it('counts the CPU a process burns and the times its threads block', async () => {
    const end = costWindow([process.pid]);
    burn(250);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    const cost = end();
    // /proc counts CPU in 10 ms ticks; 250 ms of spinning shows as at least 150.
    expect(cost.cpuSeconds).toBeGreaterThan(0.15);
    // Each timer wait parks the main thread in epoll: a voluntary context switch.
    expect(cost.sleeps).toBeGreaterThanOrEqual(5);
    expect(cost.seconds).toBeGreaterThan(0.25);
  });

  it('reads nothing for a process that is not there', () => {
    const end = costWindow([2 ** 22 + 12345]);
    expect(end()).toMatchObject({ cpuSeconds: 0, sleeps: 0 });
  });
});
