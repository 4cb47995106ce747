// Guided tours over HTTP: the scenario picker's list, and starting a tour, which makes a cluster
// from the scenario's setup and hands its control token to the caller (the page that asked).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CommandError, MAX_SPEED, MIN_SPEED } from '../../shared/protocol/commands.ts';
import { SCENARIOS, findScenario } from '../../shared/scenarios/index.ts';
import type { ClusterRegistry } from '../cluster-registry.ts';
import { clusterOptionsFor } from '../scenarios/cluster-target.ts';
import { Tour } from '../scenarios/tour.ts';
import { sendJson } from './json-io.ts';
import type { RequestTarget } from './request-target.ts';
import { sendResult } from './route-helpers.ts';

function parseSpeed(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const speed = Number(raw);
  if (!Number.isFinite(speed) || speed < MIN_SPEED || speed > MAX_SPEED) throw new CommandError('bad-request', `speed must be a number from ${MIN_SPEED} to ${MAX_SPEED}`);
  return speed;
}

/** GET /api/scenarios, POST /api/scenarios/{id}[?speed=S]; false for other paths. */
export function handleScenarioRoutes(request: IncomingMessage, response: ServerResponse, target: RequestTarget, registry: ClusterRegistry): boolean {
  const parts = target.segments;
  if (parts[0] !== 'api' || parts[1] !== 'scenarios' || parts.length > 3) return false;
  try {
    if (target.trailingSlash) throw new CommandError('bad-request', 'the path ends with "/": API paths have none');
    if (parts.length === 2 && request.method === 'GET') {
      sendJson(response, 200, {
        ok: true,
        result: {
          scenarios: SCENARIOS.map((s) => ({ id: s.id, title: s.title, summary: s.summary, topic: s.topic, minutes: s.minutes, nodes: s.setup.nodes, steps: s.steps.length })),
        },
      });
      return true;
    }
    if (parts.length === 3 && request.method === 'POST') {
      const scenario = findScenario(parts[2] ?? '');
      if (!scenario) throw new CommandError('not-found', `no scenario named ${parts[2]?.slice(0, 60) ?? ''}; GET /api/scenarios lists them`);
      const speed = parseSpeed(target.query.get('speed'));
      const name = `${scenario.id.slice(0, 24)}-${Math.random().toString(36).slice(2, 6)}`;
      const { name: _n, nodes: _m, dataDir: _d, profile: _p, ...setup } = clusterOptionsFor(scenario, name, '', 'teaching');
      // ?speed= runs the tour faster or slower than teaching speed (the browser tests use 1).
      if (speed !== undefined) Object.assign(setup, { speed });
      const session = registry.create({ name, nodes: scenario.setup.nodes, profile: 'teaching', setup });
      session.cluster.tour = new Tour(session.cluster, scenario);
      sendJson(response, 200, { ok: true, result: { cluster: session.name, token: session.token, scenario: scenario.id } });
      return true;
    }
    throw new CommandError('not-found', `no such route: ${request.method ?? ''} ${target.pathname.slice(0, 200)}`);
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    // The same status for each code as every other route (a full server is 503, not 400).
    sendResult(response, { ok: false, code: error.code, error: error.message });
    return true;
  }
}
