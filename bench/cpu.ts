// CPU time per thread of a process, from /proc (Linux): says which thread a number was limited by.
// The main thread is the task whose id is the pid; node workers and libuv/V8 helpers are the rest.
import { readdirSync, readFileSync } from 'node:fs';

const HZ = 100;

export interface ThreadCpu {
  readonly tid: number;
  readonly name: string;
  /** CPU seconds (user + system) so far. */
  readonly seconds: number;
  /** Voluntary context switches so far: how often the thread blocked and had to be woken. */
  readonly sleeps: number;
}

export function threadCpu(pid: number): ThreadCpu[] {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out: ThreadCpu[] = [];
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const sleeps = Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      out.push({ tid: Number(tid), name, seconds: (Number(fields[11]) + Number(fields[12])) / HZ, sleeps });
    } catch {
      /* the thread just ended */
    }
  }
  return out;
}

export interface CpuShare {
  /** Busy fraction of one core, over the window, for the main thread. */
  readonly main: number;
  /** The busiest other thread (a node worker, usually the leader's). */
  readonly busiestOther: number;
  /** All threads together, in cores. */
  readonly total: number;
}

/** Starts a window; the returned function ends it and gives the shares. */
export function cpuWindow(pid: number): () => CpuShare {
  const before = new Map(threadCpu(pid).map((t) => [t.tid, t.seconds]));
  const started = performance.now();
  return () => {
    const seconds = (performance.now() - started) / 1000;
    let main = 0;
    let busiest = 0;
    let total = 0;
    for (const t of threadCpu(pid)) {
      const used = t.seconds - (before.get(t.tid) ?? 0);
      total += used;
      if (t.tid === pid) main = used;
      else busiest = Math.max(busiest, used);
    }
    return { main: main / seconds, busiestOther: busiest / seconds, total: total / seconds };
  };
}

/** What a group of processes spent over a window: CPU and how often their threads went to sleep. */
export interface ProcessCost {
  /** CPU seconds, all threads of all the processes. */
  readonly cpuSeconds: number;
  /** Voluntary context switches: a thread blocked (waiting for a message, a socket, a disk flush)
   *  and had to be woken again. On a VM each wake-up is an interrupt through the hypervisor. */
  readonly sleeps: number;
  readonly seconds: number;
}

function costOf(pids: readonly number[]): { cpu: number; sleeps: number } {
  let cpu = 0;
  let sleeps = 0;
  for (const pid of pids) {
    for (const thread of threadCpu(pid)) {
      cpu += thread.seconds;
      sleeps += thread.sleeps;
    }
  }
  return { cpu, sleeps };
}

/** Starts a window over every thread of `pids`; the returned function ends it. Threads that end
 *  inside the window drop out of both readings, so a window should not span a restart. */
export function costWindow(pids: readonly number[]): () => ProcessCost {
  const before = costOf(pids);
  const started = performance.now();
  return () => {
    const after = costOf(pids);
    return { cpuSeconds: after.cpu - before.cpu, sleeps: after.sleeps - before.sleeps, seconds: (performance.now() - started) / 1000 };
  };
}
