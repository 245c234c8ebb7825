'use strict';
// A server for bench/compare-server-cpu.mjs: Koa "hello", behind healthChecks() from the build directory given, or
// bare. Between 'start' and 'stop' messages it measures the CPU time its process used, and reports it.
const path = require('node:path');
const Koa = require('koa');

const app = new Koa();
const build = process.argv[2];
if (build !== undefined) {
  const { healthChecks } = require(path.join(build, 'dist', 'index.js'));
  app.use(healthChecks({ configFile: false, allowedHosts: ['example.com', '.example.org', '10.0.0.0/8'], probe: { value: 'bench-token' } }));
}
app.use((ctx) => {
  ctx.body = 'hello';
});

let mark;
process.on('message', (message) => {
  if (message === 'start') {
    mark = process.cpuUsage();
    process.send('started');
  } else if (message === 'stop') {
    const used = process.cpuUsage(mark);
    process.send({ cpuMicroseconds: used.user + used.system });
  }
});
const server = app.listen(0, '127.0.0.1', () => process.send(server.address().port));
process.on('disconnect', () => server.close(() => process.exit(0)));
