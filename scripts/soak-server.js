'use strict';
// A server under soak, in its own process so that its memory is measured alone: a Koa "hello" app, bare (argument
// "bare") or behind healthChecks() (argument "healthchecks"). It reports its port once listening, and its memory after
// a full GC whenever the parent asks. `/big` answers 256 KiB, for clients that abort mid-response.
const Koa = require('koa');
const { healthChecks } = require('koa-allow-healthchecks');

const BIG = Buffer.alloc(256 * 1024, 'x');
const mode = process.argv[2];
if (mode !== 'bare' && mode !== 'healthchecks') throw new Error('usage: soak-server.js bare|healthchecks');

const app = new Koa();
if (mode === 'healthchecks') {
  app.use(
    healthChecks({
      configFile: false,
      allowedHosts: ['example.com', '.example.org', '10.0.0.0/8'],
      probe: { paths: ['/health-check/'] },
      exemptPaths: ['/alb-health'],
    }),
  );
}
app.use((ctx) => {
  ctx.body = ctx.path === '/big' ? BIG : 'ok';
});

const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message !== 'memory') return;
  global.gc();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.send({ memory: { rss, heapUsed, external, arrayBuffers } });
});
process.on('disconnect', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
