// Every scenario, in the order the picker shows them.
import type { Scenario } from '../types.ts';
import { leaderElection, leadershipTransfer, logReplication, splitVote } from './basics.ts';
import { crashRecovery, followerFailure, leaderFailure, networkPartition, quorumLoss, twoFailures } from './failures.ts';
import { disasterRecovery, membership, optimisticLocking, reads, snapshots } from './operations.ts';
import { disruptiveNode, figure7, figure8, figure8Safe } from './safety.ts';

export const SCENARIOS: readonly Scenario[] = [
  leaderElection,
  splitVote,
  logReplication,
  followerFailure,
  leaderFailure,
  twoFailures,
  quorumLoss,
  networkPartition,
  crashRecovery,
  figure7,
  figure8,
  figure8Safe,
  snapshots,
  membership,
  disruptiveNode,
  leadershipTransfer,
  reads,
  optimisticLocking,
  disasterRecovery,
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.id === id);
}
