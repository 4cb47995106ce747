// The floor servers of bench/floors.ts: plain JavaScript (no build step, no tsx loader in the
// measured process), one file for the HTTP side and the worker roles.
//   node bench/floor-server.cjs MODE PORT DIR     MODE: echo | fsync | worker | replicated
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { Worker, MessageChannel, isMainThread, parentPort, workerData } = require('node:worker_threads');

/** One write of `body` plus one fdatasync: what a WAL batch of one entry costs. */
function durable(fd, body) {
  fs.writeSync(fd, body);
  fs.fdatasyncSync(fd);
}

function echoRole() {
  parentPort.on('message', ({ id }) => parentPort.postMessage(id));
}

/** Sends each write to both followers, syncs its own copy meanwhile, answers on 2 of 3. */
function leaderRole() {
  const fd = fs.openSync(workerData.file, 'w');
  const waiting = new Map();
  const settle = (id) => {
    const write = waiting.get(id);
    if (!write || !write.own || write.acks < 1) return;
    waiting.delete(id);
    parentPort.postMessage(id);
  };
  for (const port of workerData.ports) {
    port.on('message', (id) => {
      const write = waiting.get(id);
      if (!write) return;
      write.acks += 1;
      settle(id);
    });
  }
  parentPort.on('message', ({ id, body }) => {
    const write = { own: false, acks: 0 };
    waiting.set(id, write);
    for (const port of workerData.ports) port.postMessage({ id, body });
    durable(fd, body);
    write.own = true;
    settle(id);
  });
}

function followerRole() {
  const fd = fs.openSync(workerData.file, 'w');
  workerData.port.on('message', ({ id, body }) => {
    durable(fd, body);
    workerData.port.postMessage(id);
  });
}

function startWorkers(mode, dir) {
  if (mode === 'worker') return new Worker(__filename, { workerData: { role: 'echo' } });
  if (mode !== 'replicated') return null;
  const leaderPorts = [];
  for (const name of ['f1', 'f2']) {
    const { port1, port2 } = new MessageChannel();
    leaderPorts.push(port1);
    new Worker(__filename, { workerData: { role: 'follower', file: path.join(dir, `${name}.wal`), port: port2 }, transferList: [port2] });
  }
  return new Worker(__filename, { workerData: { role: 'leader', file: path.join(dir, 'leader.wal'), ports: leaderPorts }, transferList: leaderPorts });
}

function main() {
  const [mode, port, dir] = process.argv.slice(2);
  if (!['echo', 'fsync', 'worker', 'replicated'].includes(mode) || !port || !dir) {
    console.error('usage: node bench/floor-server.cjs echo|fsync|worker|replicated PORT DIR');
    process.exit(2);
  }
  const fd = fs.openSync(path.join(dir, 'main.wal'), 'w');
  const pending = new Map();
  let next = 0;
  const worker = startWorkers(mode, dir);
  if (worker) {
    worker.on('message', (id) => {
      const answer = pending.get(id);
      pending.delete(id);
      answer();
    });
  }
  http
    .createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const answer = () => {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end('{"ok":true}');
        };
        if (mode === 'fsync') {
          durable(fd, body);
          answer();
        } else if (worker) {
          const id = next++;
          pending.set(id, answer);
          worker.postMessage({ id, body });
        } else {
          answer();
        }
      });
    })
    .listen(Number(port), '127.0.0.1', () => console.log('ready'));
}

if (isMainThread) main();
else if (workerData.role === 'echo') echoRole();
else if (workerData.role === 'leader') leaderRole();
else followerRole();
