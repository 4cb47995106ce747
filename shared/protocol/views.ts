// What a page knows about a cluster: plain data, rebuilt from a snapshot plus the event stream.
// The server keeps the same view (by the same reducer) so a late joiner gets it in one frame.
import { z } from 'zod';
import { diskFaultSchema } from './disk-fault-schema.ts';
import { nodeIdSchema, roleSchema } from './schemas.ts';

export const entryViewSchema = z.object({
  index: z.number().int().positive(),
  term: z.number().int().nonnegative(),
  type: z.enum(['normal', 'noop', 'config']),
  /** One line for the log strip, without the value: "put color", "no-op", "config add-voter n6". */
  summary: z.string(),
  /** The value a put writes (shown after the summary); a watcher without the token gets its digest. */
  value: z.string().optional(),
});
export type EntryView = z.infer<typeof entryViewSchema>;

export const messageViewSchema = z.object({
  id: z.number().int().nonnegative(),
  from: nodeIdSchema,
  to: nodeIdSchema,
  /** The core's message type: Vote, VoteResponse, Append, AppendResponse, Heartbeat, ... */
  kind: z.string().max(40),
  term: z.number().int().nonnegative(),
  /** Bytes of the encoded message (approximate). */
  size: z.number().int().nonnegative(),
  /** Virtual milliseconds. */
  sentAt: z.number(),
  deliverAt: z.number(),
  /** The shared describe formatter's one line. */
  summary: z.string().max(500),
  /** For replies: did the receiver say yes? Absent for requests. */
  granted: z.boolean().optional(),
  /** Entries carried (Append), so the page can size and label the dot. */
  entries: z.number().int().nonnegative().optional(),
});
export type MessageView = z.infer<typeof messageViewSchema>;

export const kvValueViewSchema = z.object({ value: z.string(), version: z.number().int().nonnegative(), index: z.number().int() });
export type KvValueView = z.infer<typeof kvValueViewSchema>;

export const membershipSchema = z.object({
  voters: z.array(nodeIdSchema),
  learners: z.array(nodeIdSchema),
  /** Non-empty during joint consensus: the old voter set. */
  votersOutgoing: z.array(nodeIdSchema),
});
export type MembershipView = z.infer<typeof membershipSchema>;

export const progressViewSchema = z.object({
  match: z.number().int().nonnegative(),
  next: z.number().int().nonnegative(),
  state: z.enum(['probe', 'replicate', 'snapshot']),
  inflight: z.number().int().nonnegative(),
});
export type ProgressView = z.infer<typeof progressViewSchema>;

/** Volatile state as the node reports it (all of it is lost in a crash). */
export const nodeStatusSchema = z.object({
  role: roleSchema,
  term: z.number().int().nonnegative(),
  vote: nodeIdSchema.nullable(),
  leader: nodeIdSchema.nullable(),
  commit: z.number().int().nonnegative(),
  applied: z.number().int().nonnegative(),
  lastIndex: z.number().int().nonnegative(),
  lastTerm: z.number().int().nonnegative(),
  snapshotIndex: z.number().int().nonnegative(),
  config: membershipSchema,
  /** Leader only: each follower's replication progress. */
  progress: z.record(z.string(), progressViewSchema),
  /** Ticks since the election timer was last reset, and the (randomized) timeout in ticks. */
  electionElapsed: z.number().int().nonnegative(),
  electionTimeout: z.number().int().nonnegative(),
  leaseReadSafe: z.boolean(),
});
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

/** What the node's directory holds: the part of its state that survives a crash. */
export const diskViewSchema = z.object({
  term: z.number().int().nonnegative(),
  vote: nodeIdSchema.nullable(),
  commit: z.number().int().nonnegative(),
  firstIndex: z.number().int().nonnegative(),
  lastIndex: z.number().int().nonnegative(),
  lastTerm: z.number().int().nonnegative(),
  segments: z.number().int().nonnegative(),
  walRecords: z.number().int().nonnegative(),
  walBytes: z.number().int().nonnegative(),
  snapshotIndex: z.number().int().nonnegative(),
  snapshotTerm: z.number().int().nonnegative(),
  snapshotBytes: z.number().int().nonnegative(),
  /** fdatasync calls so far by this incarnation, for the disk panel and /metrics. */
  fsyncs: z.number().int().nonnegative(),
  /** WAL bytes written and not yet synced (a commit-only batch): a kill keeps them, a power cut
   *  does not. Absent where the disk does not say (the simulator's, older recordings). */
  walUnsyncedBytes: z.number().int().nonnegative().optional(),
});
export type DiskView = z.infer<typeof diskViewSchema>;

/** What a power cut took from a node's files: bytes written but never synced, and the files it touched. */
export const powerCutLossSchema = z.object({
  bytes: z.number().int().nonnegative(),
  /** "wal-….log cut back 312 B", "snap-….tmp removed", "hardstate.json rolled back". */
  files: z.array(z.string().max(200)).max(64),
});
export type PowerCutLoss = z.infer<typeof powerCutLossSchema>;

export const nodeLifeSchema = z.enum(['alive', 'dead', 'starting', 'paused', 'failed']);
export type NodeLife = z.infer<typeof nodeLifeSchema>;

export const nodeViewSchema = nodeStatusSchema.extend({
  id: nodeIdSchema,
  /** alive: worker runs; dead: killed; starting: booting and recovering; paused: frozen by the lab;
   *  failed: stopped itself with an error (e.g. a corrupt log in the middle). */
  life: nodeLifeSchema,
  /** Virtual time of the last status report (the page extrapolates the election timer from it). */
  statusAt: z.number(),
  /** The tail of its log (older entries are elided from the view, not from the node). */
  log: z.array(entryViewSchema),
  kv: z.record(z.string(), kvValueViewSchema),
  disk: diskViewSchema.nullable(),
  /** Its disk's fault (disk-fault command); absent: healthy. */
  diskFault: diskFaultSchema.optional(),
  /** Why it stopped, when life is dead or failed. */
  reason: z.string().nullable(),
  /** What its last power cut took (kept until its disk is wiped or its power is cut again). */
  powerCutLoss: powerCutLossSchema.optional(),
  /** A foreign node's latest misbehaviour the lab refused (node-note), until it restarts. */
  note: z.string().nullable().optional(),
  /** Where the node serves its own API (node-api), once it listens; a Vault client's VAULT_ADDR. */
  apiAddress: z.string().nullable().optional(),
});
export type NodeView = z.infer<typeof nodeViewSchema>;

export const clockViewSchema = z.object({
  /** Virtual milliseconds since the cluster started. */
  now: z.number(),
  /** Virtual ms per real ms. 1 = production timing. */
  speed: z.number().positive(),
  paused: z.boolean(),
});
export type ClockView = z.infer<typeof clockViewSchema>;

export const linkSettingsSchema = z.object({
  latency: z.number().min(0).max(60_000),
  jitter: z.number().min(0).max(60_000),
  loss: z.number().min(0).max(1),
  duplicate: z.number().min(0).max(1),
  reorder: z.number().min(0).max(1),
  reorderDelay: z.number().min(0).max(60_000),
});
export type LinkSettingsView = z.infer<typeof linkSettingsSchema>;

/** shared/net's NetworkSettingsJson, as the page sees it. */
export const networkViewSchema = z.object({
  version: z.literal(1),
  defaults: linkSettingsSchema,
  links: z.array(z.object({ from: nodeIdSchema, to: nodeIdSchema, settings: linkSettingsSchema.partial() })),
  cuts: z.array(z.object({ from: nodeIdSchema, to: nodeIdSchema })),
  partition: z.array(z.array(nodeIdSchema)).nullable(),
});
export type NetworkView = z.infer<typeof networkViewSchema>;

export const bugNameSchema = z.enum(['commitByCounting', 'forgetVoteOnRestart', 'ackBeforePersist', 'grantVoteWithoutLogCheck']);
export type BugNameView = z.infer<typeof bugNameSchema>;

export const switchesViewSchema = z.object({
  preVote: z.boolean(),
  checkQuorum: z.boolean(),
  bugs: z.record(bugNameSchema, z.boolean()),
});
export type SwitchesView = z.infer<typeof switchesViewSchema>;

export const violationViewSchema = z.object({
  seq: z.number().int().nonnegative(),
  time: z.number(),
  invariant: z.string(),
  explanation: z.string(),
});
export type ViolationView = z.infer<typeof violationViewSchema>;

/**
 * The liveness watch (shared/check/liveness.ts): holds (a leader in office with a majority, and it
 * commits), waiting (the bound since the last change has not passed), or stuck (it passed; the
 * explanation says why, from what the watch sees).
 */
export const livenessViewSchema = z.object({
  state: z.enum(['holds', 'waiting', 'stuck']),
  /** Virtual time since which the state has held. */
  since: z.number(),
  explanation: z.string().max(2000),
});
export type LivenessView = z.infer<typeof livenessViewSchema>;

/** A challenge the lab detected as solved (shared/challenges), with what it saw. */
export const solvedChallengeSchema = z.object({
  id: z.string().max(64),
  seq: z.number().int().nonnegative(),
  time: z.number(),
  detail: z.string().max(2000),
});
export type SolvedChallengeView = z.infer<typeof solvedChallengeSchema>;

/** A tour's prediction judged: the person's guess (null: skipped) and what really happened. */
export const tourPredictionSchema = z.object({
  question: z.string().max(500),
  guess: z.string().max(64).nullable(),
  actual: z.string().max(64),
  right: z.boolean().nullable(),
});
export type TourPredictionView = z.infer<typeof tourPredictionSchema>;

/** A guided tour running on this cluster (a scenario of shared/scenarios). */
export const tourViewSchema = z.object({
  scenario: z.string(),
  title: z.string(),
  /** Index of the step shown: the next to run, or the one running or just judged. */
  step: z.number().int().nonnegative(),
  total: z.number().int().positive(),
  stepTitle: z.string(),
  narration: z.string(),
  /** waiting: the cluster is starting; ready: press next; running: actions and checks under way;
   *  passed / failed: the step's checks held or not; done: every step ran. */
  status: z.enum(['waiting', 'ready', 'running', 'passed', 'failed', 'done']),
  /** The checks of the step that ran last, each with what was seen. */
  verdicts: z.array(z.object({ ok: z.boolean(), detail: z.string() })),
  /** The question of the step shown, asked before it runs (predict, then see); null: none. */
  question: z.object({ prompt: z.string().max(500), choices: z.array(z.string().max(64)).max(16) }).nullable().default(null),
  /** The question of the step that ran last, judged against what happened. */
  prediction: tourPredictionSchema.nullable().default(null),
  /** Predictions so far: asked (answered, not skipped) and right. */
  score: z.object({ asked: z.number().int().nonnegative(), right: z.number().int().nonnegative() }).default({ asked: 0, right: 0 }),
});
export type TourView = z.infer<typeof tourViewSchema>;

export const clusterViewSchema = z.object({
  name: z.string(),
  /** A registered foreign implementation the nodes run (absent: our own core). */
  implementation: z.string().max(32).optional(),
  profile: z.enum(['teaching', 'production']),
  /** Virtual ms per Raft tick (election timers are counted in ticks). */
  tickMs: z.number().positive(),
  /** Sequence number of the last event folded into this view. */
  seq: z.number().int().nonnegative(),
  clock: clockViewSchema,
  nodes: z.array(nodeViewSchema),
  inFlight: z.array(messageViewSchema),
  network: networkViewSchema.nullable(),
  /** Hold mode: the bus delivers nothing until released or stepped. */
  held: z.boolean(),
  switches: switchesViewSchema.nullable(),
  /** Safety violations the live checker found (kept, never cleared: the past does not change). */
  violations: z.array(violationViewSchema),
  /** Why the live checker stopped (at its memory bound); null while it runs. */
  checkerStopped: z.string().max(2000).nullable().default(null),
  /** Null until the watch first speaks (and in recordings made before it existed). */
  liveness: livenessViewSchema.nullable().default(null),
  tour: tourViewSchema.nullable(),
  /** Challenges solved on this cluster, in the order they were (empty in older recordings). */
  challenges: z.array(solvedChallengeSchema).default([]),
  /** The chaos autopilot: running or not, and what it did last. */
  chaos: z.object({ running: z.boolean(), lastAction: z.string().nullable(), actions: z.number().int().nonnegative() }),
});
export type ClusterView = z.infer<typeof clusterViewSchema>;

/** How many log entries per node a view keeps; the page shows the tail. */
export const VIEW_LOG_TAIL = 200;
