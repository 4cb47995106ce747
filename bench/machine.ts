// The machine a benchmark ran on, as BENCHMARKS.md describes it: CPU, memory, kernel, disk, how an
// idle CPU sleeps (which sets what a thread hand-off costs), and which code was measured.
import { execFileSync } from 'node:child_process';
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import { REPO } from './systems.ts';

/**
 * How an idle CPU sleeps, which sets what every thread hand-off costs. A KVM guest whose halt
 * polling is off halts a vCPU the moment it idles, so each wake-up of a sleeping thread is a trip
 * through the hypervisor (an IPI for the waker, a VM entry for the woken).
 */
function idlePolicy(): string[] {
  const read = (file: string): string | undefined => {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  const driver = read('/sys/devices/system/cpu/cpuidle/current_driver');
  if (!driver) return [];
  const pollNs = read('/sys/module/haltpoll/parameters/guest_halt_poll_ns');
  const polling = pollNs === undefined ? '' : pollNs === '0' ? '; guest halt polling off (an idle vCPU halts at once, so waking a sleeping thread goes through the hypervisor)' : `; guest halt polling up to ${Number(pollNs) / 1000} µs`;
  return [`- CPU idle: driver ${driver}${polling}`];
}

/** The machine section's lines; `source` says which code was measured. */
export function machine(source: { head: boolean; src: string }): string[] {
  const cpus = os.cpus();
  let commit = 'unknown';
  let dirty = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    if (source.head) dirty = ' (committed code only: `--head`)';
    else if (source.src !== REPO) dirty = ` (sources from ${source.src})`;
    else dirty = execFileSync('git', ['status', '--porcelain', '--', 'server', 'shared'], { cwd: REPO, encoding: 'utf8' }).trim() ? ' + uncommitted changes in server/ or shared/' : '';
  } catch {
    /* not a checkout */
  }
  let fsType = '';
  try {
    fsType = execFileSync('findmnt', ['-no', 'FSTYPE,SOURCE', '--target', os.tmpdir()], { encoding: 'utf8' }).trim();
  } catch {
    fsType = String(statfsSync(os.tmpdir()).type);
  }
  return [
    `- When: ${new Date().toISOString()}; raftlab ${commit}${dirty}`,
    `- CPU: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores (shared with other work on this machine: numbers are noisy)`,
    `- Memory: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; kernel ${os.release()}; Node ${process.version}`,
    `- Disk: data dirs in ${os.tmpdir()} (${fsType}); every WAL batch is one fdatasync`,
    ...idlePolicy(),
    `- Load generator and servers on the same machine (loopback), so the generator's own CPU counts against both systems equally`,
  ];
}
