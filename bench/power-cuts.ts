// Power cuts under load, on real nodes (issue 21's bench): a 3-node production cluster under a
// steady write load takes N cut rounds (server/testing/power-cuts.ts: a follower's power at its next
// sync or at once, then the leader's; every fourth round the whole cluster), each followed by
// restart-all. Prints acknowledged writes lost (must be 0), bytes the cuts dropped, and the time
// from restart-all to the next acknowledged write. Prints numbers only; never passes or fails.
//
//   npx tsx bench/power-cuts.ts [--cuts 100]
import { percentile } from './load.ts';
import { startTempCluster } from '../server/testing/temp-cluster.ts';
import { runPowerCuts } from '../server/testing/power-cuts.ts';

const at = process.argv.indexOf('--cuts');
const rounds = at >= 0 ? Number(process.argv[at + 1]) : 100;

const lab = startTempCluster({ nodes: 3 });
const started = performance.now();
try {
  const run = await runPowerCuts(lab, rounds);
  const sorted = [...run.recoveryMs].sort((a, b) => a - b);
  const fmt = (ms: number): string => `${Math.round(ms)} ms`;
  console.log(`${rounds} cut rounds (${run.nodeCuts} node power cuts) on a 3-node production cluster under 3 writers, in ${Math.round((performance.now() - started) / 1000)} s.`);
  console.log();
  console.log('| acknowledged writes | acknowledged lost | bytes dropped by cuts | safety violations | linearizable | restart-all → next ack p50 | p90 | max |');
  console.log('| ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
  console.log(`| ${run.acknowledged} | ${run.acknowledgedLost.length} | ${run.bytesLost.toLocaleString('en-US')} | ${run.violations.length} | ${run.linearizability.verdict} | ${fmt(percentile(sorted, 50))} | ${fmt(percentile(sorted, 90))} | ${fmt(sorted[sorted.length - 1] ?? NaN)} |`);
  console.log();
  console.log('Recovery includes starting three workers (each recovers its WAL from disk) and an election.');
} finally {
  await lab.dispose();
}
