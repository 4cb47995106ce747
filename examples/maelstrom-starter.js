#!/usr/bin/env node
// A Maelstrom node to fill in: it speaks the protocol (one JSON message per line on stdin and
// stdout, logs on stderr), answers `init`, and answers every lin-kv request with "temporarily
// unavailable" because it never elects a leader. Run it in the lab with
//   npm start -- --implementation starter=examples/maelstrom-starter.js
// and make it a Raft: timers that start elections, request_vote / append_entries between nodes
// (send them with send(), they cross the lab's bus), a log, and a state report to "raftlab" so
// the page can show your roles and check your logs (see the README, "Bring your own Raft").
import { createInterface } from 'node:readline';

let nodeId = null;
let nodeIds = [];
let nextMsgId = 1;

/** Prints one message: the only thing that may go to stdout. */
function send(dest, body) {
  process.stdout.write(`${JSON.stringify({ src: nodeId, dest, body: { msg_id: nextMsgId++, ...body } })}\n`);
}

function reply(request, body) {
  send(request.src, { ...body, in_reply_to: request.body.msg_id });
}

/** Tells the lab what this node believes: role, term, vote, commit index, its log's terms. */
function reportState(state) {
  send('raftlab', { type: 'state', ...state });
}

const handlers = {
  init(message) {
    nodeId = message.body.node_id;
    nodeIds = message.body.node_ids;
    console.error(`${nodeId}: init, cluster ${nodeIds.join(' ')}`);
    reply(message, { type: 'init_ok' });
    reportState({ role: 'follower', term: 0, voted_for: null, commit_index: 0, log_terms: [] });
    // TODO: start an election timer here; when it fires, become a candidate and send request_vote.
  },
  // TODO: request_vote, request_vote_res, append_entries, append_entries_res.
  read(message) {
    reply(message, { type: 'error', code: 11, text: 'not a leader: this node never elects one (yet)' });
  },
  write(message) {
    reply(message, { type: 'error', code: 11, text: 'not a leader: this node never elects one (yet)' });
  },
  cas(message) {
    reply(message, { type: 'error', code: 11, text: 'not a leader: this node never elects one (yet)' });
  },
};

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line);
  const handler = handlers[message.body.type];
  if (handler) handler(message);
  else console.error(`${nodeId}: no handler for ${message.body.type}`);
});
