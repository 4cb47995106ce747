// A guided tour: a scenario run step by step on a real cluster made for it. The page shows the
// narration of the next step; "next" runs it; the verdicts say what really happened.
import { predictionChoices, ScenarioRun, type JudgedPrediction } from '../../shared/scenarios/runner.ts';
import type { Scenario } from '../../shared/scenarios/types.ts';
import type { TourView } from '../../shared/protocol/views.ts';
import { CommandError } from '../../shared/protocol/commands.ts';
import type { CommandResults } from '../../shared/protocol/command-results.ts';
import type { Cluster, TourDriver } from '../cluster/cluster.ts';
import { ClusterTarget } from './cluster-target.ts';

export class Tour implements TourDriver {
  private readonly run: ScenarioRun;
  private readonly target: ClusterTarget;
  private running = false;
  private ready: Promise<void>;
  /** The question shown for the next step, with the choices it offered (checked against the guess). */
  private question: { prompt: string; choices: string[] } | null = null;
  private lastPrediction: JudgedPrediction | null = null;
  private readonly score = { asked: 0, right: 0 };

  constructor(
    private readonly cluster: Cluster,
    private readonly scenario: Scenario,
  ) {
    this.target = new ClusterTarget(cluster);
    this.run = new ScenarioRun(scenario, this.target);
    this.publish(0, 'waiting', []);
    // Step mode: time stands still while a person reads a step's narration, and runs while the step
    // runs. Otherwise the cluster would move on between steps — a prepared figure's logs would be
    // rewritten by an election nobody asked for before its first step.
    this.ready = this.target.prepare(60_000, false).then(
      () => this.publish(0, 'ready', []),
      (error: unknown) => this.publish(0, 'failed', [{ ok: false, detail: error instanceof Error ? error.message : String(error) }]),
    );
  }

  async next(prediction: string | null = null): Promise<CommandResults['tour-next']> {
    await this.ready;
    if (this.running) throw new CommandError('conflict', 'a step is already running');
    if (this.run.done) throw new CommandError('conflict', 'the tour is over');
    if (prediction !== null) {
      if (!this.question) throw new CommandError('bad-request', 'this step asks no question: send tour-next without a prediction');
      if (!this.question.choices.includes(prediction)) throw new CommandError('bad-request', `prediction must be one of ${this.question.choices.join(', ')}; got "${prediction}"`);
    }
    this.running = true;
    const index = this.run.stepIndex;
    this.question = null;
    this.publish(index, 'running', []);
    const clock = this.cluster.clock;
    if (clock.paused) this.cluster.setClock(undefined, false);
    try {
      const report = await this.run.step(prediction);
      this.lastPrediction = report.prediction ?? null;
      if (report.prediction && report.prediction.right !== null) {
        this.score.asked += 1;
        if (report.prediction.right) this.score.right += 1;
      }
      this.publish(index, report.ok ? 'passed' : 'failed', report.verdicts);
      // Show what comes next (with the checks of the step that just ran), or that the tour is over.
      if (report.ok) this.publish(this.run.done ? index : index + 1, this.run.done ? 'done' : 'ready', report.verdicts);
      return { step: index + 1, ok: report.ok, verdicts: report.verdicts, results: report.results, ...(report.prediction ? { prediction: report.prediction } : {}) };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.publish(index, 'failed', [{ ok: false, detail }]);
      throw new CommandError('conflict', detail);
    } finally {
      this.running = false;
      if (!clock.paused) this.cluster.setClock(undefined, true);
    }
  }

  private publish(index: number, status: TourView['status'], verdicts: readonly { ok: boolean; detail: string }[]): void {
    const step = this.scenario.steps[index]!;
    // A step about to run asks its question, with the choices of the cluster as it is now.
    if (status === 'ready' && index === this.run.stepIndex && step.predict) {
      this.question = { prompt: step.predict.question, choices: predictionChoices(step.predict, this.cluster.view) };
    }
    this.cluster.events.emit({
      type: 'tour',
      tour: {
        scenario: this.scenario.id,
        title: this.scenario.title,
        step: index,
        total: this.scenario.steps.length,
        stepTitle: step.title,
        narration: step.narration,
        status,
        verdicts: verdicts.map((v) => ({ ok: v.ok, detail: v.detail })),
        question: status === 'ready' ? this.question : null,
        prediction: this.lastPrediction,
        score: { ...this.score },
      },
    });
  }
}
