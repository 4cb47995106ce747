// npm run sim -- --seeds N [--seed S] [--nodes K] [--ticks T] [--bug NAME]... [--mix NAME|standard]... [--no-faults] [--stale-reads] [--disk-faults] [--record FILE] [--list-bugs]
// npm run sim -- --scenario ID [--seed S] [--latency MS] [--jitter MS] | --list-scenarios  (scenario-cli.ts)
// Runs seeds S..S+N-1, prints each failing seed with its replay command, and ends with ONE JSON
// line (with the first failure's seed and property, and how often each kind of fault fired).
// `--mix` runs a bug's fault mix without the bug. Exit code: without --bug, 1 if any seed failed;
// with --bug (or --stale-reads), 1 unless a safety checker caught it (a liveness timeout is no
// catch: it does not say which rule was broken). `--record FILE` writes the first failing seed (or
// the first seed, if none failed) as a recording the page opens (Recordings → Import), its fault
// schedule first shrunk to the fewest faults that still break the same property. `--disk-faults`
// draws disk faults too (slow, failing: EIO, full: ENOSPC), counted in `exercised`.
import { ALL_BUGS, type BugName } from '../raft/index.ts';
import { DEFAULT_OPTIONS } from './options.ts';
import { runSimulation, type SimFailure, type SimResult } from './simulator.ts';
import { runScenarioCli } from './scenario-cli.ts';
import { recordSeed } from './record.ts';
import { writeFileSync } from 'node:fs';

// One scenario of the library in the simulator: its own options and report.
const cliArgs = process.argv.slice(2);
if (cliArgs.includes('--scenario') || cliArgs.includes('--list-scenarios')) process.exit(await runScenarioCli(cliArgs));

interface CliArgs {
  seeds: number;
  seed: number;
  nodes: number;
  ticks: number;
  bugs: BugName[];
  /** null: the bugs' own mix. */
  mix: BugName[] | null;
  faults: boolean;
  staleReads: boolean;
  diskFaults: boolean;
  listBugs: boolean;
  stopOnFailure: boolean;
  record: string | null;
}

function parse(argv: readonly string[]): CliArgs {
  const args: CliArgs = { seeds: 1, seed: DEFAULT_OPTIONS.seed, nodes: DEFAULT_OPTIONS.nodes, ticks: DEFAULT_OPTIONS.ticks, bugs: [], mix: null, faults: true, staleReads: false, diskFaults: false, listBugs: false, stopOnFailure: false, record: null };
  let seedsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) fail(`${flag} needs a value`);
      return v;
    };
    const int = (min: number, max: number): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isSafeInteger(n) || n < min || n > max) fail(`${flag} must be an integer from ${min} to ${max}; got ${text}`);
      return n;
    };
    switch (flag) {
      case '--seeds':
        args.seeds = int(1, 10_000_000);
        seedsGiven = true;
        break;
      case '--seed':
        args.seed = int(0, 0xffffffff);
        break;
      case '--nodes':
        args.nodes = int(1, 9);
        break;
      case '--ticks':
        args.ticks = int(10, 10_000_000);
        break;
      case '--bug': {
        const name = value();
        if (!(ALL_BUGS as string[]).includes(name)) fail(`unknown bug "${name}"; known: ${ALL_BUGS.join(', ')}`);
        args.bugs.push(name as BugName);
        break;
      }
      case '--mix': {
        const name = value();
        args.mix ??= [];
        if (name === 'standard') break;
        if (!(ALL_BUGS as string[]).includes(name)) fail(`unknown mix "${name}"; known: standard, ${ALL_BUGS.join(', ')}`);
        args.mix.push(name as BugName);
        break;
      }
      case '--no-faults':
        args.faults = false;
        break;
      case '--stale-reads':
        args.staleReads = true;
        break;
      case '--disk-faults':
        args.diskFaults = true;
        break;
      case '--stop':
        args.stopOnFailure = true;
        break;
      case '--record':
        args.record = value();
        break;
      case '--list-bugs':
        args.listBugs = true;
        break;
      default:
        fail(`unknown option ${flag}`);
    }
  }
  if (!seedsGiven) args.seeds = 1;
  return args;
}

function fail(message: string): never {
  console.error(`sim: ${message}`);
  console.error('usage: npm run sim -- --seeds N [--seed S] [--nodes K] [--ticks T] [--bug NAME]... [--mix NAME|standard]... [--no-faults] [--stale-reads] [--disk-faults] [--stop] [--record FILE] | --list-bugs');
  process.exit(2);
}

function report(result: SimResult): void {
  console.log(`seed=${result.seed} FAILED`);
  for (const f of result.failures) console.log(`  [${f.invariant}] ${f.explanation.replace(/\n/g, '\n    ')}`);
  if (result.faultLog.length > 0) console.log(`  faults: ${result.faultLog.slice(-12).join('; ')}`);
  console.log(`  replay: ${result.replay}`);
}

const args = parse(process.argv.slice(2));
if (args.listBugs) {
  for (const bug of ALL_BUGS) console.log(bug);
  process.exit(0);
}
const started = performance.now();
const cpuStart = process.cpuUsage();
let violations = 0;
let firstFailingSeed: number | null = null;
/** The property the first failing seed broke first (a safety invariant, linearizability or liveness). */
let firstFailure: { seed: number; kind: SimFailure['kind']; invariant: string } | null = null;
/** Seeds that failed on safety (an invariant, or linearizability), not only on liveness. */
let safetyViolations = 0;
let ran = 0;
const byInvariant: Record<string, number> = {};
// What the fault schedule and the load really did, summed over the seeds: a run where a fault
// never fired proves nothing about it.
const exercised = { elections: 0, crashes: 0, restarts: 0, partitions: 0, linkCuts: 0, snapshotsInstalled: 0, compactions: 0, membershipChanges: 0, operations: 0, completedOperations: 0, leaderTruncations: 0, jointConfigs: 0, leaseReads: 0, diskSlow: 0, diskFailing: 0, diskFull: 0, diskFailStops: 0, diskFullRefusals: 0, diskCorrupt: 0, corruptRefusals: 0, disksReplaced: 0 };
for (let seed = args.seed; seed < args.seed + args.seeds; seed++) {
  const result = runSimulation({ seed, nodes: args.nodes, ticks: args.ticks, bugs: args.bugs, ...(args.mix !== null ? { mix: args.mix } : {}), faults: args.faults, ...(args.staleReads ? { reads: 'local' as const } : {}), ...(args.diskFaults ? { diskFaults: true } : {}) });
  ran++;
  for (const key of Object.keys(exercised) as Array<keyof typeof exercised>) exercised[key] += result.stats[key];
  if (!result.ok) {
    violations++;
    firstFailingSeed ??= seed;
    const first = result.failures[0];
    if (first !== undefined) firstFailure ??= { seed, kind: first.kind, invariant: first.invariant };
    if (result.failures.some((f) => f.kind === 'invariant' || f.kind === 'linearizability')) safetyViolations++; // not 'undetermined'
    for (const f of result.failures) byInvariant[f.invariant] = (byInvariant[f.invariant] ?? 0) + 1;
    if (violations <= 5) report(result);
    if (args.stopOnFailure) break;
  }
}
const elapsedMs = Math.round(performance.now() - started);
const cpu = process.cpuUsage(cpuStart);
// CPU time as well as wall time: on a machine shared with other work, wall time says little.
const cpuMs = Math.round((cpu.user + cpu.system) / 1000);
console.log(
  JSON.stringify({
    seeds: ran,
    violations,
    safetyViolations,
    firstFailingSeed,
    firstFailure,
    elapsedMs,
    cpuMs,
    seedsPerSecond: Math.round((ran / Math.max(elapsedMs, 1)) * 1000 * 10) / 10,
    nodes: args.nodes,
    ticks: args.ticks,
    bugs: args.bugs,
    mix: args.mix ?? args.bugs,
    faults: args.faults,
    diskFaults: args.diskFaults,
    failuresByInvariant: byInvariant,
    exercised,
  }),
);
if (args.record !== null) {
  const seed = firstFailingSeed ?? args.seed;
  const { result, recording, shrunk } = recordSeed({ seed, nodes: args.nodes, ticks: args.ticks, bugs: args.bugs, ...(args.mix !== null ? { mix: args.mix } : {}), faults: args.faults, ...(args.staleReads ? { reads: 'local' as const } : {}), ...(args.diskFaults ? { diskFaults: true } : {}) }, { shrink: true });
  writeFileSync(args.record, JSON.stringify(recording));
  if (shrunk) console.error(`sim: shrunk seed ${seed}'s schedule from ${shrunk.faultsBefore} faults to ${shrunk.faultsAfter} that still break ${shrunk.property} (${shrunk.trials} trials)`);
  console.error(`sim: recorded seed ${seed} (${result.ok ? 'no failure' : result.failures.map((f) => f.invariant).join(', ')}; ${recording.events.length} events) to ${args.record}: open it on the page with Recordings → Import`);
}
// A run that plants a defect (a bug switch, or stale reads) succeeds when the checkers catch it.
const planted = args.bugs.length > 0 || args.staleReads;
process.exit(planted ? (safetyViolations > 0 ? 0 : 1) : violations > 0 ? 1 : 0);
