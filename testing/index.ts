// raftlab/testing: a lab server for other people's tests, and a typed client over its REST API.
export { attachLab, startLab, type Lab } from './lab/start-lab.ts';
export type { StartLabOptions } from './lab/lab-options.ts';
export { LabClient, ClusterClient, LabApiError, type ClusterHistory, type LabCommandInput, type CreateClusterInput } from './lab/lab-client.ts';
export { ClusterRecorder } from './lab/cluster-recorder.ts';
export { leaderOf, convergence, type Convergence } from './lab/cluster-state.ts';
export { LabCluster } from './lab/lab-cluster.ts';
export type { LabCommand } from '../shared/protocol/commands.ts';
export type { ClusterView, NodeView } from '../shared/protocol/views.ts';
export type { Recording } from '../shared/protocol/recording.ts';
