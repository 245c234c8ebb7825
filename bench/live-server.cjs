'use strict';
// A server for bench/live.mjs, in its own process (run with --expose-gc):
//   flood   healthChecks() with a resolveHost that answers "no" after 5 ms, as a slow tenant store would;
//   control healthChecks() with no resolveHost, for the same flood: what the load alone does to latency;
//   update  healthChecks() whose policy update() swaps 100 times a second, between A and B.
// Answers IPC messages: 'heap' (heap used after a full GC), 'stats', and 'stop' (stops updating, reports the count).
const Koa = require('koa');
const { healthChecks } = require('../dist/index.js');

const mode = process.argv[2];
const POLICY_A = ['both.example', 'a-only.example'];
const POLICY_B = ['both.example', 'b-only.example'];

const guard =
  mode === 'flood'
    ? healthChecks({
        configFile: false,
        allowedHosts: ['api.example.com'],
        resolveHost: () => new Promise((resolve) => setTimeout(() => resolve(false), 5)),
      })
    : mode === 'control'
      ? healthChecks({ configFile: false, allowedHosts: ['api.example.com'] })
      : healthChecks({ configFile: false, allowedHosts: POLICY_A });

let updates = 0;
let timer;
if (mode === 'update') {
  timer = setInterval(() => {
    updates += 1;
    guard.update({ configFile: false, allowedHosts: updates % 2 === 0 ? POLICY_A : POLICY_B });
  }, 10);
}

const app = new Koa();
app.use(guard);
app.use((ctx) => {
  ctx.body = 'hello';
});

process.on('message', (message) => {
  if (message === 'heap') {
    global.gc();
    global.gc();
    process.send({ heapUsed: process.memoryUsage().heapUsed });
  } else if (message === 'stats') {
    process.send({ stats: guard.stats() });
  } else if (message === 'stop') {
    clearInterval(timer);
    process.send({ updates });
  }
});
const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => server.close(() => process.exit(0)));
