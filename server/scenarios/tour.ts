// A guided tour: a scenario run step by step on a real cluster made for it. The page shows the
// narration of the next step; "next" runs it; the verdicts say what really happened.
import { ScenarioRun } from '../../shared/scenarios/runner.ts';
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

  async next(): Promise<CommandResults['tour-next']> {
    await this.ready;
    if (this.running) throw new CommandError('conflict', 'a step is already running');
    if (this.run.done) throw new CommandError('conflict', 'the tour is over');
    this.running = true;
    const index = this.run.stepIndex;
    this.publish(index, 'running', []);
    const clock = this.cluster.clock;
    if (clock.paused) this.cluster.setClock(undefined, false);
    try {
      const report = await this.run.step();
      this.publish(index, report.ok ? 'passed' : 'failed', report.verdicts);
      // Show what comes next (with the checks of the step that just ran), or that the tour is over.
      if (report.ok) this.publish(this.run.done ? index : index + 1, this.run.done ? 'done' : 'ready', report.verdicts);
      return { step: index + 1, ok: report.ok, verdicts: report.verdicts, results: report.results };
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
      },
    });
  }
}
