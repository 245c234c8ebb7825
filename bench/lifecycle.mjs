// Probe endpoints and shutdown, measured: the rolling restart of spec/integration/rolling-restart-harness.js side by
// side for this package, @godaddy/terminus on the same Koa app, and a plain Koa app; and a flood of probes against
// the readiness endpoint, counting the dependency calls it makes and pricing a probe against an ordinary request.
import { createRequire } from 'node:module';
import { once } from 'node:events';
import autocannon from 'autocannon';

const require = createRequire(import.meta.url);
const { rollingRestart } = require('../spec/integration/rolling-restart-harness.js');
const { healthChecks } = require('../dist/index.js');
const Koa = require('koa');

export async function runRollingRestarts({ restarts = 5 } = {}) {
  const rows = [];
  for (const kind of ['package', 'terminus', 'plain']) {
    const run = await rollingRestart({ kind, restarts, drainDelay: 1000, timeout: 5000 });
    rows.push({ kind, requests: run.requests, failed: run.failures.length, fiveXX: run.fiveXX.length, p99Ms: run.p99, exitCodes: run.exits.map((exit) => exit.code ?? exit.signal) });
  }
  return rows;
}

/** `amount` requests, 10 at a time, against `path` with `headers`; requests per second over the whole run. */
async function flood(port, path, headers, amount) {
  const started = process.hrtime.bigint();
  const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 10, amount, headers });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`the flood of ${path} got ${result.non2xx} non-2xx answers and ${result.errors} errors`);
  return result.requests.total / seconds;
}

export async function runProbeFlood({ amount = 10_000 } = {}) {
  let calls = 0;
  const guard = healthChecks({
    configFile: false,
    allowedHosts: ['example.com'],
    endpoints: { readiness: '/readyz' },
    probe: { value: 'bench-probe-token' },
    checks: { db: { check: () => void (calls += 1), interval: 5000 } },
  });
  const app = new Koa();
  app.use(guard);
  app.use((ctx) => {
    ctx.body = 'ok';
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  const probe = { host: '10.244.1.7:8000', 'x-health': 'bench-probe-token' };
  const ordinary = { host: 'example.com' };
  try {
    // Both warmed first, so that neither pays for the JIT: the first flood of a cold process runs slower.
    await flood(port, '/readyz', probe, 2000);
    await flood(port, '/', ordinary, 2000);
    const callsBefore = calls;
    const started = Date.now();
    const probeRps = await flood(port, '/readyz', probe, amount);
    const seconds = (Date.now() - started) / 1000;
    const callsDuringFlood = calls - callsBefore;
    const ordinaryRps = await flood(port, '/', ordinary, amount);
    return {
      probes: amount,
      seconds: Number(seconds.toFixed(2)),
      dependencyCalls: callsDuringFlood,
      expectedCalls: Math.ceil((seconds * 1000) / 5000),
      probeRps: Math.round(probeRps),
      ordinaryRps: Math.round(ordinaryRps),
      costRatio: Number((ordinaryRps / probeRps).toFixed(3)),
    };
  } finally {
    guard.close();
    server.close();
  }
}
