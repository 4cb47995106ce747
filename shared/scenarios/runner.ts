// Runs a scenario against a target (a real cluster or the simulator), step by step. A step
// captures the nodes it refers to, performs its actions in order, then waits until every
// expectation holds or its time is up.
import type { CommandResult } from '../protocol/commands.ts';
import { evaluate, type Verdict } from './expectations.ts';
import { liveLeader, resolveCommand, ScenarioError, type Captured } from './refs.ts';
import type { Prediction, Scenario, ScenarioStep, ScenarioTarget } from './types.ts';
import type { ClusterView } from '../protocol/views.ts';

/** The choice that means "no node leads" in a leader question. */
export const NO_LEADER_CHOICE = 'no one';

/** A prediction judged against what happened: the guess (null: skipped) and the actual answer. */
export interface JudgedPrediction {
  readonly question: string;
  readonly guess: string | null;
  readonly actual: string;
  /** null when there was no guess. */
  readonly right: boolean | null;
}

/** The answers a prediction offers, in the cluster as it is before the step. */
export function predictionChoices(prediction: Prediction, view: ClusterView): string[] {
  return prediction.kind === 'leader' ? [...view.nodes.map((node) => node.id), NO_LEADER_CHOICE] : ['yes', 'no'];
}

export interface StepReport {
  readonly index: number;
  readonly title: string;
  readonly ok: boolean;
  readonly results: readonly CommandResult[];
  readonly verdicts: readonly Verdict[];
  /** The step's question, when it has one, judged. */
  readonly prediction?: JudgedPrediction;
}

export const DEFAULT_STEP_MS = 3000;

export class ScenarioRun {
  readonly captured: Captured = new Map();
  readonly capturedTerms = new Map<string, number>();
  private next = 0;

  constructor(
    readonly scenario: Scenario,
    private readonly target: ScenarioTarget,
  ) {}

  get done(): boolean {
    return this.next >= this.scenario.steps.length;
  }

  get stepIndex(): number {
    return this.next;
  }

  /** The question of the step to run next, if it has one. */
  get nextPrediction(): Prediction | undefined {
    return this.scenario.steps[this.next]?.predict;
  }

  /**
   * Runs the next step; its report says whether every expectation held in time. `guess`: the
   * person's answer to its question (one of predictionChoices; checked by the caller).
   */
  async step(guess: string | null = null): Promise<StepReport> {
    const index = this.next;
    const step = this.scenario.steps[index];
    if (!step) throw new ScenarioError(`${this.scenario.id} has no step ${index + 1}`);
    this.next += 1;
    this.capture(step);
    const results: CommandResult[] = [];
    for (const action of step.actions ?? []) {
      const command = resolveCommand(action, this.target.view(), this.captured);
      const result = await this.target.execute(command);
      if (command.type === 'add-node' && result.ok && typeof result.result?.['node'] === 'string') this.captured.set('added', result.result['node']);
      results.push(result);
    }
    const judge = (): Verdict[] =>
      step.expect.map((expectation) =>
        evaluate(expectation, {
          view: this.target.view(),
          history: this.target.history(),
          captured: this.captured,
          capturedTerms: this.capturedTerms,
          lastResult: results.at(-1),
        }),
      );
    await this.target.waitUntil(() => judge().every((v) => v.ok), step.withinMs ?? DEFAULT_STEP_MS);
    const verdicts = judge();
    const report = { index, title: step.title, ok: verdicts.every((v) => v.ok), results, verdicts };
    if (!step.predict) return report;
    const actual = this.answer(step.predict, results);
    return { ...report, prediction: { question: step.predict.question, guess, actual, right: guess === null ? null : guess === actual } };
  }

  /** What really happened, as one of the question's choices. */
  private answer(prediction: Prediction, results: readonly CommandResult[]): string {
    if (prediction.kind === 'leader') return liveLeader(this.target.view()) ?? NO_LEADER_CHOICE;
    const verdict = evaluate(prediction.expect, { view: this.target.view(), history: this.target.history(), captured: this.captured, capturedTerms: this.capturedTerms, lastResult: results.at(-1) });
    return verdict.ok ? 'yes' : 'no';
  }

  /** Runs every remaining step; stops at the first that fails. */
  async runAll(): Promise<StepReport[]> {
    const reports: StepReport[] = [];
    while (!this.done) {
      const report = await this.step();
      reports.push(report);
      if (!report.ok) break;
    }
    return reports;
  }

  private capture(step: ScenarioStep): void {
    const view = this.target.view();
    for (const [name, ref] of Object.entries(step.capture ?? {})) {
      if (ref === 'term') {
        const leader = view.nodes.filter((n) => n.life === 'alive' && n.role === 'leader').sort((a, b) => b.term - a.term)[0];
        this.capturedTerms.set(name, leader?.term ?? Math.max(0, ...view.nodes.map((n) => n.term)));
        continue;
      }
      const command = resolveCommand({ type: 'kill', node: ref }, view, this.captured);
      if (command.type === 'kill') this.captured.set(name, command.node);
    }
  }
}

/** One line per step for a failing test. */
export function describeReports(reports: readonly StepReport[]): string {
  return reports
    .map((r) => `${r.ok ? '✓' : '✗'} ${r.index + 1}. ${r.title}: ${r.verdicts.map((v) => `${v.ok ? '' : '!'}${v.detail}`).join('; ')}${r.results.some((x) => !x.ok) ? ` [${r.results.filter((x) => !x.ok).map((x) => (x.ok ? '' : x.error)).join('; ')}]` : ''}`)
    .join('\n');
}
