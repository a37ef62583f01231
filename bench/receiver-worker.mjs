/**
 * The outbox bench's webhook receiver, in its own thread as a helpdesk is in its own process (plain
 * JavaScript: a worker thread loads no TypeScript). It answers 204 at once and notes how long each
 * event took from being made to arriving; the bench asks it (`{expect: n}`) to report once n
 * distinct events have arrived.
 */
import { createServer } from 'node:http';
import { parentPort } from 'node:worker_threads';

const now = () => performance.timeOrigin + performance.now();
const arrivals = new Map();
let want = Infinity;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = now();
    const body = JSON.parse(Buffer.concat(chunks).toString());
    // The ceiling stamps its bodies with sub-millisecond send times; ours carry occurredAt.
    const made = body.data.madeAt ?? Date.parse(body.occurredAt);
    if (!arrivals.has(body.id)) arrivals.set(body.id, at - made);
    res.writeHead(204).end();
    if (arrivals.size === want) {
      want = Infinity;
      parentPort.postMessage({ latencies: [...arrivals.values()] });
    }
  });
});

parentPort.on('message', (message) => {
  if (message.close) return void server.close(() => process.exit(0));
  arrivals.clear();
  want = message.expect;
});

server.listen(0, '127.0.0.1', () => {
  parentPort.postMessage({ port: server.address().port });
});
