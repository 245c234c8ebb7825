'use strict';
// The demo behind `npm start`: a small but realistic Koa service guarded by koa-allow-healthchecks.
//
//   GET /health-check/  liveness: 200 while the process can serve
//   GET /ready          readiness: 503 while starting up or shutting down, 200 in between
//   GET /               a public page
//   GET /password-reset a page that builds an absolute link from the request's host: what a forged Host would poison
//   WS  /live           a WebSocket that greets each client; upgrades are host-checked too, by guardUpgrades()
//
// Environment: PORT (8000), HOST (127.0.0.1), HEALTH_CHECK_HEADER_VALUE (the probe token), READY_DELAY_MS (startup
// time before /ready answers 200, default 500), HEALTHCHECKS_CONFIG (a config file to use instead of the
// .healthchecksrc.json beside this file; the recipe tests use it).
const { randomBytes } = require('node:crypto');
const Koa = require('koa');
const Router = require('@koa/router');
const { WebSocketServer } = require('ws');
const { healthChecks } = require('koa-allow-healthchecks');

const TOKEN_VARIABLE = 'HEALTH_CHECK_HEADER_VALUE';
/** A token everyone can read in this file: good for trying the demo, never for a deployment. */
const DEMO_TOKEN = 'demo-token-not-a-secret';
const usesDemoToken = !process.env[TOKEN_VARIABLE];
if (usesDemoToken) process.env[TOKEN_VARIABLE] = DEMO_TOKEN;

let ready = false;
const router = new Router();
router.get('/health-check/', (ctx) => {
  ctx.body = { status: 'alive', healthCheck: ctx.state.healthCheck };
});
router.get('/ready', (ctx) => {
  ctx.status = ready ? 200 : 503;
  ctx.body = { status: ready ? 'ready' : 'not ready', healthCheck: ctx.state.healthCheck };
});
router.get('/', (ctx) => {
  ctx.body = `Hello from ${ctx.state.healthCheck.host}\n`;
});
router.get('/password-reset', (ctx) => {
  // Safe only because healthChecks() has already checked the host this link is built from.
  const link = `${ctx.protocol}://${ctx.host}/reset?token=${randomBytes(16).toString('hex')}`;
  ctx.body = `We would email you this link: ${link}\n`;
});

const app = new Koa();
const guard = healthChecks({ cwd: __dirname, configFile: process.env.HEALTHCHECKS_CONFIG });
app.use(guard);
app.use(router.routes());
app.use(router.allowedMethods());

const port = Number(process.env.PORT || 8000);
const host = process.env.HOST || '127.0.0.1';
const server = app.listen(port, host, () => {
  const { port: actualPort } = server.address();
  setTimeout(() => (ready = true), Number(process.env.READY_DELAY_MS ?? 500));
  printWelcome(actualPort);
});

// WebSocket upgrades never reach Koa middleware: apply the same host policy to them.
guard.guardUpgrades(server);
const live = new WebSocketServer({ server, path: '/live' });
live.on('connection', (socket) => socket.send('hello from the demo'));

// On SIGTERM, as Kubernetes sends before stopping a pod, or SIGINT (Ctrl-C): fail readiness first, then stop.
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  ready = false;
  clearInterval(parentWatch);
  // server.close() waits for every connection to end, and an open WebSocket would never end by itself.
  for (const client of live.clients) client.close(1001, 'the demo is stopping');
  live.close();
  server.close(() => process.exit(0));
  // A connection that still will not end must not keep the port: give up on it.
  setTimeout(() => process.exit(1), 5000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// `npm start` runs this file through a shell, and a shell such as dash neither execs it nor passes signals on: a
// SIGTERM to npm ends npm and the shell, and this process would be left holding the port. Stop when the parent goes.
const parentPid = process.ppid;
const parentWatch = setInterval(() => {
  if (process.ppid !== parentPid) stop();
}, 250).unref();

function printWelcome(actualPort) {
  const address = host.includes(':') ? `[${host}]` : host;
  const base = `http://${address}:${actualPort}`;
  // The token is printed only when it is the public demo token; a real one stays in the environment.
  const token = usesDemoToken ? DEMO_TOKEN : `$${TOKEN_VARIABLE}`;
  console.log(`koa-allow-healthchecks demo listening on ${base}`);
  if (usesDemoToken) console.log(`${TOKEN_VARIABLE} is unset, so the demo uses its public token "${DEMO_TOKEN}".`);
  console.log(`
Try:
  # an allowed host: 200
  curl -i -H 'Host: example.com' ${base}/
  # any other host: 400
  curl -i -H 'Host: evil.example' ${base}/
  # what the allowlist protects: a link built from the Host header
  curl -i -H 'Host: evil.example' ${base}/password-reset
  # a kubelet-style liveness probe with the token: 200
  curl -i -H 'Host: 10.244.1.7:${actualPort}' -H 'User-Agent: kube-probe/1.31' -H "X-Health: ${token}" ${base}/health-check/
  # the same probe without the token: 400
  curl -i -H 'Host: 10.244.1.7:${actualPort}' -H 'User-Agent: kube-probe/1.31' ${base}/health-check/
  # readiness, as the kubelet asks for it
  curl -i -H 'Host: 10.244.1.7:${actualPort}' -H "X-Health: ${token}" ${base}/ready`);
}
