// A two-node Maelstrom program that keeps `window` messages in flight: n1 sends that many pings at
// once, and each ping and pong is answered with the other. The bus benchmark (bench/foreign.ts)
// measures throughput with it; with a large window it is a flood within the flood gate's burst
// (the bus's queue cap test, bus-cap.test.ts).
export const pingPongProgram = (window: number): string => `
import { createInterface } from 'node:readline';
let id;
const send = (dest, body) => process.stdout.write(JSON.stringify({ src: id, dest, body }) + '\\n');
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.body.type === 'init') {
    id = m.body.node_id;
    send(m.src, { type: 'init_ok', in_reply_to: m.body.msg_id });
    if (id === 'n1') setTimeout(() => { for (let i = 0; i < ${window}; i++) send('n2', { type: 'ping' }); }, 300);
  } else if (m.body.type === 'ping') send(m.src, { type: 'pong' });
  else if (m.body.type === 'pong') send(m.src, { type: 'ping' });
});`;
