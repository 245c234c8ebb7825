'use strict';
// One benchmark server, in its own process: a Koa "hello" app, bare, behind an empty middleware, or behind
// healthChecks() with an allowlist of the given size. Reports its port to the parent over IPC.
const Koa = require('koa');
const { healthChecks } = require('../dist/index.js');
const { allowlist } = require('./allowlists.mjs');

const [kind, size] = [process.argv[2], Number(process.argv[3] || 0)];
const app = new Koa();
if (kind === 'passthrough') app.use((ctx, next) => next());
if (kind === 'healthchecks') {
  const allowedHosts = allowlist(Math.max(size, 1));
  app.use(healthChecks({ configFile: false, allowedHosts, probe: { value: process.env.BENCH_TOKEN } }));
}
app.use((ctx) => {
  ctx.body = 'hello';
});
const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, kind, size }));
process.on('disconnect', () => server.close(() => process.exit(0)));
