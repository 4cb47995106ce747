// Runs a foreign node written as a JS/TS module inside a worker thread: the module exports its
// handlers by body.type (`export default { init(message, node) {…}, read(message, node) {…} }`),
// and `node` sends for it ({id, ids, send(dest, body), reply(message, body)}). No stdio plumbing:
// messages travel as postMessage, validated by the host like a process's lines. init_ok is sent
// once the module's init handler (if any) returned.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

const { modulePath } = workerData;
// tsx's ESM and CommonJS hooks both, so a .ts module loads whether or not its folder's
// package.json says "type": "module".
if (/\.m?ts$/.test(modulePath)) {
  (await import('tsx/esm/api')).register();
  (await import('tsx/cjs/api')).register();
}
const loaded = await import(pathToFileURL(modulePath).href);
// A .ts module compiled as CommonJS arrives as { default: { default: handlers } }.
const outer = loaded.default ?? loaded;
const handlers = outer && typeof outer.default === 'object' && outer.default !== null ? outer.default : outer;
let nextMsgId = 1;
const node = {
  id: null,
  ids: [],
  send(dest, body) {
    parentPort.postMessage({ src: node.id, dest, body: { msg_id: nextMsgId++, ...body } });
  },
  reply(message, body) {
    node.send(message.src, { ...body, in_reply_to: message.body.msg_id });
  },
};

parentPort.on('message', async (message) => {
  try {
    if (message.body.type === 'init') {
      node.id = message.body.node_id;
      node.ids = message.body.node_ids;
      await handlers.init?.(message, node);
      node.reply(message, { type: 'init_ok' });
      return;
    }
    const handler = handlers[message.body.type];
    if (typeof handler === 'function') await handler(message, node);
    else console.error(`${node.id}: no handler for ${message.body.type}`);
  } catch (error) {
    // A handler that throws is a crash, as it would be in a process: its stack goes to the card.
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  }
});
