// npm run grade -- --implementation "COMMAND" [--nodes 3|5] [--time S] [--record-dir DIR] [--json]
// Runs the battery (grade.ts) and prints the report card; exits 1 when a check failed. A recording
// of each failed check goes to a folder of this run's under DIR (default ./grade-recordings).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, grade } from './grade.ts';

const USAGE = 'usage: npm run grade -- --implementation "COMMAND" [--nodes 3|5] [--time S] [--record-dir DIR] [--json]';

function options(): { command: string; nodes: 3 | 5; phaseSeconds: number; recordDir: string; json: boolean } {
  const { values } = parseArgs({
    options: {
      implementation: { type: 'string' },
      nodes: { type: 'string', default: '3' },
      time: { type: 'string', default: '1' },
      'record-dir': { type: 'string', default: 'grade-recordings' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help || !values.implementation) throw new Error(USAGE);
  const nodes = Number(values.nodes);
  if (nodes !== 3 && nodes !== 5) throw new Error(`--nodes is 3 or 5, got ${values.nodes}`);
  const seconds = Number(values.time);
  if (!(seconds >= 0 && seconds <= 600)) throw new Error(`--time is seconds 0–600 per fault, got ${values.time}`);
  if (values['record-dir'].trim() === '') throw new Error('--record-dir names a folder');
  return { command: values.implementation, nodes, phaseSeconds: seconds, recordDir: resolve(values['record-dir']), json: values.json };
}

let chosen;
try {
  chosen = options();
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const report = await grade(chosen);
console.log(chosen.json ? JSON.stringify(report, null, 2) : formatReport(report));
process.exit(report.failed > 0 ? 1 : 0);
