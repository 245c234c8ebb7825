'use strict';
// The demo behind `npm start`: a Koa app guarded by koa-allow-healthchecks, configured by the
// .healthchecksrc.json beside this file.
const Koa = require('koa');
const { healthChecks } = require('koa-allow-healthchecks');

const TOKEN_VARIABLE = 'HEALTH_CHECK_HEADER_VALUE';
/** A token everyone can read in this file: good for trying the demo, never for a deployment. */
const DEMO_TOKEN = 'demo-token-not-a-secret';
const usesDemoToken = !process.env[TOKEN_VARIABLE];
if (usesDemoToken) process.env[TOKEN_VARIABLE] = DEMO_TOKEN;

const app = new Koa();
app.use(healthChecks({ cwd: __dirname }));
app.use((ctx) => {
  if (ctx.path === '/health-check/') {
    ctx.body = { status: 'ok', healthCheck: ctx.state.healthCheck };
    return;
  }
  ctx.body = `Hello from ${ctx.state.healthCheck.host}\n`;
});

const port = Number(process.env.PORT || 8000);
const host = process.env.HOST || '127.0.0.1';
const server = app.listen(port, host, () => {
  const { port: actualPort } = server.address();
  const base = `http://127.0.0.1:${actualPort}`;
  // The token is printed only when it is the public demo token; a real one stays in the environment.
  const token = usesDemoToken ? DEMO_TOKEN : `$${TOKEN_VARIABLE}`;
  console.log(`koa-allow-healthchecks demo listening on http://${host}:${actualPort}`);
  if (usesDemoToken) console.log(`${TOKEN_VARIABLE} is unset, so the demo uses its public token "${DEMO_TOKEN}".`);
  console.log(`
Try:
  # an allowed host: 200
  curl -i -H 'Host: example.com' ${base}/
  # any other host: 400
  curl -i -H 'Host: evil.example' ${base}/
  # a kubelet-style probe with the token: 200
  curl -i -H 'Host: 10.244.1.7:${actualPort}' -H 'User-Agent: kube-probe/1.31' -H "X-Health: ${token}" ${base}/health-check/
  # the same probe without the token: 400
  curl -i -H 'Host: 10.244.1.7:${actualPort}' -H 'User-Agent: kube-probe/1.31' ${base}/health-check/`);
});
