'use strict';
// One benchmark server, in its own process: a Koa "hello" app, bare, behind an empty middleware, or behind
// healthChecks() with an allowlist of the given size, with or without a subscriber on its diagnostics channels.
// Reports its port to the parent over IPC.
const { subscribe } = require('node:diagnostics_channel');
const Koa = require('koa');
const { healthChecks } = require('../dist/index.js');
const { allowlist } = require('./allowlists.mjs');

const [kind, size] = [process.argv[2], Number(process.argv[3] || 0)];
const app = new Koa();
if (kind === 'passthrough') app.use((ctx, next) => next());
if (kind === 'healthchecks' || kind === 'healthchecks-subscribed') {
  const allowedHosts = allowlist(Math.max(size, 1));
  app.use(healthChecks({ configFile: false, allowedHosts, probe: { value: process.env.BENCH_TOKEN } }));
}
if (kind === 'healthchecks-subscribed') {
  // What a log shipper would do: read each message's fields.
  let seen = 0;
  const read = (message) => (seen += message.host === null ? 0 : message.host.length + message.path.length);
  subscribe('koa-allow-healthchecks:reject', read);
  subscribe('koa-allow-healthchecks:probe', read);
}
app.use((ctx) => {
  ctx.body = 'hello';
});
const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port, kind, size }));
process.on('disconnect', () => server.close(() => process.exit(0)));
