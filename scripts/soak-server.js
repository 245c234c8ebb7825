'use strict';
// The server under soak: a Koa app behind healthChecks(), in its own process so that its memory is measured alone.
// It reports its port once listening, and its memory (after a full GC) whenever the parent asks.
const Koa = require('koa');
const { healthChecks } = require('koa-allow-healthchecks');

const app = new Koa();
app.use(
  healthChecks({
    configFile: false,
    allowedHosts: ['example.com', '.example.org', '10.0.0.0/8'],
    probe: { paths: ['/health-check/'] },
    exemptPaths: ['/alb-health'],
  }),
);
app.use((ctx) => {
  ctx.body = 'ok';
});

const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message !== 'memory') return;
  global.gc();
  process.send({ memory: process.memoryUsage() });
});
process.on('disconnect', () => server.close(() => process.exit(0)));
