// prom-client metrics whose values are read from the lab at scrape time (a view, a counter the
// bus keeps) rather than counted here: each collect() starts from nothing, so a removed cluster or
// node leaves no stale series behind.
import { Counter, Gauge, type Registry } from 'prom-client';

export type Labels = Record<string, string>;
export type Emit = (labels: Labels, value: number) => void;

interface ReadMetric {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  /** Calls `emit` once per series with its current value. */
  readonly read: (emit: Emit) => void;
}

const finite = (value: number): number => (Number.isFinite(value) ? value : 0);

export function readGauge(registry: Registry, metric: ReadMetric): Gauge {
  return new Gauge({
    name: metric.name,
    help: metric.help,
    labelNames: [...(metric.labelNames ?? [])],
    registers: [registry],
    collect() {
      this.reset();
      metric.read((labels, value) => this.set(labels, finite(value)));
    },
  });
}

/** A counter the lab keeps elsewhere (it only goes up, or restarts with what it counts). */
export function readCounter(registry: Registry, metric: ReadMetric): Counter {
  return new Counter({
    name: metric.name,
    help: metric.help,
    labelNames: [...(metric.labelNames ?? [])],
    registers: [registry],
    collect() {
      this.reset();
      metric.read((labels, value) => this.inc(labels, Math.max(0, finite(value))));
    },
  });
}
