// A deliberately wrong Raft, for the lab to catch: our core with its vote's log check switched off
// (a node grants its vote to any candidate of a newer term, however far behind its log is), run as
// a Maelstrom process. Register it with
//   npm start -- --implementation wrong=examples/wrong-raft/node.ts
// then lose a leader while a lagging node can still win an election: the new leader's log lacks a
// committed entry, it overwrites it on the others, and the invariant monitor says
// "leader-completeness" while the linearizability verdict shows the write that vanished.
// (Raft §5.4.1: a voter refuses a candidate whose log is less up to date than its own.)
process.argv.push('--bug', 'grantVoteWithoutLogCheck');
await import('../raftlab-core-node.ts');
export {};
