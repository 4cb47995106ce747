// Test helper: the PromQL of deploy/grafana/raftlab-dashboard.json, with Grafana's variables given
// values Prometheus understands, and the metric names a query reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DASHBOARD = join(import.meta.dirname, '..', '..', 'deploy', 'grafana', 'raftlab-dashboard.json');

interface Panel {
  readonly targets?: ReadonlyArray<{ readonly expr?: string }>;
}

export function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
  return dashboard.panels
    .flatMap((panel) => panel.targets ?? [])
    .map((target) => target.expr ?? '')
    .filter((expr) => expr !== '')
    .map((expr) => expr.replaceAll('$__rate_interval', '1m').replaceAll('$cluster', '.*'));
}

/** etcd_* and raftlab_* names a query reads (histogram buckets named as exposed). */
export function metricNamesIn(query: string): string[] {
  return [...query.matchAll(/\b((?:etcd|raftlab)_[a-z_]+)\b/g)].map((match) => match[1]!);
}
