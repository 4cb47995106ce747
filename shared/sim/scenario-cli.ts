// `npm run sim -- --scenario figure-8 [--seed S] [--latency MS] [--jitter MS]`: runs one scenario
// of the library in the simulator and prints each step's report (what every expectation saw),
// then one JSON line. `--list-scenarios` lists the ids. Exit code 1 when a step failed.
import { SCENARIOS, findScenario } from '../scenarios/index.ts';
import { describeReports, ScenarioRun } from '../scenarios/runner.ts';
import { SimCluster, simOptionsFor } from './sim-cluster.ts';

export async function runScenarioCli(argv: readonly string[]): Promise<number> {
  if (argv.includes('--list-scenarios')) {
    for (const scenario of SCENARIOS) console.log(`${scenario.id.padEnd(22)} ${scenario.title}`);
    return 0;
  }
  const options = { scenario: '', seed: 1, latency: 0, jitter: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[++i];
    if (value === undefined) return usage(`${flag} needs a value`);
    if (flag === '--scenario') options.scenario = value;
    else if (flag === '--seed' || flag === '--latency' || flag === '--jitter') {
      const n = Number(value);
      if (!Number.isSafeInteger(n) || n < 0) return usage(`${flag} must be a non-negative integer; got ${value}`);
      options[flag.slice(2) as 'seed' | 'latency' | 'jitter'] = n;
    } else return usage(`unknown option ${flag}`);
  }
  const scenario = findScenario(options.scenario);
  if (!scenario) return usage(`no scenario "${options.scenario}"; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
  const started = performance.now();
  const cluster = new SimCluster({ ...simOptionsFor(scenario, options.seed), latencyMs: options.latency, jitterMs: options.jitter });
  const reports = await new ScenarioRun(scenario, cluster).runAll();
  const ok = reports.length === scenario.steps.length && reports.every((r) => r.ok);
  console.log(`${scenario.id} (seed ${options.seed}): ${scenario.title}`);
  console.log(describeReports(reports));
  console.log(
    JSON.stringify({
      scenario: scenario.id,
      seed: options.seed,
      ok,
      steps: `${reports.filter((r) => r.ok).length}/${scenario.steps.length}`,
      virtualMs: Math.round(cluster.now),
      events: cluster.history().length,
      violations: cluster.view().violations.map((v) => v.invariant),
      elapsedMs: Math.round(performance.now() - started),
      replay: `npm run sim -- --scenario ${scenario.id} --seed ${options.seed}${options.latency ? ` --latency ${options.latency}` : ''}${options.jitter ? ` --jitter ${options.jitter}` : ''}`,
    }),
  );
  return ok ? 0 : 1;
}

function usage(message: string): number {
  console.error(`sim: ${message}`);
  console.error('usage: npm run sim -- --scenario ID [--seed S] [--latency MS] [--jitter MS] | --list-scenarios');
  return 2;
}
