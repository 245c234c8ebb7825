'use strict';
// A multi-tenant Koa app: its own names in allowedHosts, its tenants' domains in PostgreSQL.
//   DATABASE_URL=postgres://… PORT=8000 node server.js
const Koa = require('koa');
const { healthChecks } = require('koa-allow-healthchecks');
const { tenantDomains } = require('./tenant-domains');

const tenants = tenantDomains({ connectionString: process.env.DATABASE_URL, log: (message) => console.error(message) });
const guard = healthChecks({
  configFile: false,
  allowedHosts: ['app.example.com'],
  resolveHost: tenants.resolveHost,
});
tenants.listen(guard);

const app = new Koa();
app.use(guard);
app.use((ctx) => {
  ctx.body = { host: ctx.hostname, tenant: ctx.hostname !== 'app.example.com' };
});

const server = app.listen(Number(process.env.PORT ?? 8000), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`multi-tenant app listening on ${server.address().port}`);
});
process.on('SIGTERM', () => {
  server.close();
  void tenants.close();
});
