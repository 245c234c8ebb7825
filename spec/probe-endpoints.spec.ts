import { spawnSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { expect } from 'chai';
import { CHECK_CHANNEL, healthChecks, HealthChecksConfigError, hostAllowlist, probeBypass, type CheckMessage, type HealthChecksOptions } from '../src';
import { appWith, client, listen, NO_TOKEN, thrownBy, withEnv } from './helpers';

const TOKEN = 'endpoint-token-71c2';
const ENDPOINTS = { liveness: '/livez', readiness: '/readyz', startup: '/startupz' };

/** A check whose outcome the test sets, counting its calls. */
function switchable(initial: boolean) {
  const state = { ok: initial, calls: 0 };
  const check = () => {
    state.calls += 1;
    return state.ok ? Promise.resolve() : Promise.reject(new Error('postgres://user:secret-password@db/app'));
  };
  return { state, check };
}

function guard(options: HealthChecksOptions, token = true) {
  const env = { ...NO_TOKEN, ALLOWED_HOSTS: undefined, ...(token ? { HEALTH_CHECK_HEADER_VALUE: TOKEN } : {}) };
  return withEnv(env, () => healthChecks({ configFile: false, allowedHosts: ['example.com'], endpoints: ENDPOINTS, ...options }));
}

/** Waits until the middleware's check `name` has run `runs` times. */
async function afterRuns(middleware: ReturnType<typeof guard>, name: string, runs: number): Promise<void> {
  while ((middleware.stats().checks[name]?.runs ?? 0) < runs) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('probe endpoints', () => {
  const made: ReturnType<typeof guard>[] = [];
  afterEach(() => made.splice(0).forEach((middleware) => middleware.close()));
  const build = (options: HealthChecksOptions, token = true) => {
    const middleware = guard(options, token);
    made.push(middleware);
    return middleware;
  };

  it('readiness: 503 starting, then 200 ready, 503 unready, and 200 again, with JSON that no cache keeps', async () => {
    const db = switchable(false);
    const middleware = build({ probe: { paths: ['/health-check/'] }, checks: { db: { check: db.check, interval: 5 } } });
    const http = client(appWith(middleware));
    const first = await http.get('/readyz').set('Host', 'example.com');
    expect(first.status).to.equal(503);
    expect(first.headers['cache-control']).to.equal('no-store');
    expect(first.headers['content-type']).to.match(/^application\/json/);
    expect(first.body).to.deep.equal({ status: 'starting' });
    db.state.ok = true;
    await afterRuns(middleware, 'db', db.state.calls + 1);
    await http.get('/readyz').set('Host', 'example.com').expect(200, { status: 'ready' });
    db.state.ok = false;
    await afterRuns(middleware, 'db', db.state.calls + 1);
    await http.get('/readyz').set('Host', 'example.com').expect(503, { status: 'unready' });
    await http.head('/readyz').set('Host', 'example.com').expect(503);
    db.state.ok = true;
    await afterRuns(middleware, 'db', db.state.calls + 1);
    await http.get('/readyz').set('Host', 'example.com').expect(200, { status: 'ready' });
  });

  it('applies failureThreshold and successThreshold to what readiness answers', async () => {
    // Each run waits for the test to say how it ends, so that no run slips in between a step and its request.
    const gates: ((ok: boolean) => void)[] = [];
    const check = () => new Promise<void>((resolve, reject) => gates.push((ok) => (ok ? resolve() : reject(new Error('down')))));
    const middleware = build({ checks: { db: { check, interval: 1, timeout: 60_000, failureThreshold: 2, successThreshold: 2 } } });
    const http = client(appWith(middleware));
    const step = async (ok: boolean) => {
      while (gates.length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      const runs = middleware.stats().checks.db?.runs ?? 0;
      gates.shift()?.(ok);
      await afterRuns(middleware, 'db', runs + 1);
      return (await http.get('/readyz').set('Host', 'example.com')).status;
    };
    expect(await step(true)).to.equal(200);
    expect(await step(false), 'one failure is below failureThreshold').to.equal(200);
    expect(await step(false)).to.equal(503);
    expect(await step(true), 'one success is below successThreshold').to.equal(503);
    expect(await step(true)).to.equal(200);
  });

  it('gives check details to a probe only, and never the error text', async () => {
    const db = switchable(false);
    const middleware = build({ probe: { paths: ['/health-check/'] }, checks: { db: { check: db.check, interval: 60_000 } } });
    await afterRuns(middleware, 'db', 1);
    const http = client(appWith(middleware));
    const probe = await http.get('/readyz').set('Host', '10.244.1.7:8000').set('X-Health', TOKEN);
    expect(probe.status).to.equal(503);
    expect(probe.body.checks.db).to.include({ passing: false, critical: true });
    expect(probe.text).not.to.include('secret-password');
    const ordinary = await http.get('/readyz').set('Host', 'example.com');
    expect(ordinary.body).to.deep.equal({ status: 'starting' });
  });

  it('gives an exempt path, which is open to every host, the status alone', async () => {
    const middleware = build({ exemptPaths: ['/readyz'], checks: { db: { check: () => undefined, interval: 60_000 } } });
    await afterRuns(middleware, 'db', 1);
    await client(appWith(middleware)).get('/readyz').set('Host', 'evil.example').expect(200, { status: 'ready' });
  });

  it('liveness stays 200 while a dependency is down; startup turns 200 once, for good', async () => {
    const db = switchable(false);
    const middleware = build({ checks: { db: { check: db.check, interval: 5 } } });
    const http = client(appWith(middleware));
    await afterRuns(middleware, 'db', 1);
    await http.get('/livez').set('Host', 'example.com').expect(200, { status: 'alive' });
    await http.get('/startupz').set('Host', 'example.com').expect(503, { status: 'starting' });
    db.state.ok = true;
    await afterRuns(middleware, 'db', db.state.calls + 1);
    await http.get('/startupz').set('Host', 'example.com').expect(200, { status: 'started' });
    db.state.ok = false;
    await afterRuns(middleware, 'db', db.state.calls + 1);
    await http.get('/startupz').set('Host', 'example.com').expect(200, { status: 'started' });
    await http.get('/livez').set('Host', 'example.com').expect(200);
    await http.get('/readyz').set('Host', 'example.com').expect(503, { status: 'unready' });
  });

  it('still applies the host policy: another host without the token gets 400, and the app never answers', async () => {
    const middleware = build({ probe: { paths: ['/health-check/'] } });
    await client(appWith(middleware)).get('/readyz').set('Host', 'evil.example').expect(400);
  });

  it('joins probe.paths: a token probe reaches an endpoint whatever its Host', async () => {
    const middleware = build({ probe: { paths: ['/health-check/'] } });
    const http = client(appWith(middleware));
    await http.get('/readyz').set('Host', '10.244.1.7:8000').set('X-Health', TOKEN).expect(200, { status: 'ready', checks: {} });
    await http.get('/other').set('Host', '10.244.1.7:8000').set('X-Health', TOKEN).expect(400);
  });

  it('satisfies probe.localAddress, which needs paths: the endpoints are its paths', async () => {
    const middleware = build({ probe: { localAddress: true } }, false);
    const { server, port } = await listen(appWith(middleware));
    try {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.deep.equal({ status: 'ready', checks: {} });
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).to.equal(400);
    } finally {
      server.close();
    }
  });

  it('answers GET and HEAD only: another method goes on to the app', async () => {
    const middleware = build({});
    const response = await client(appWith(middleware)).post('/readyz').set('Host', 'example.com').expect(200);
    expect(response.body).to.have.property('healthCheck'); // the app's own answer, not the endpoint's
  });

  it('makes no dependency call per probe: a flood of probes leaves the count at the interval runs', async () => {
    const db = switchable(true);
    const middleware = build({ probe: { paths: ['/health-check/'] }, checks: { db: { check: db.check, interval: 60_000 } } });
    await afterRuns(middleware, 'db', 1);
    const { server, port } = await listen(appWith(middleware));
    try {
      await Promise.all(Array.from({ length: 300 }, () => fetch(`http://127.0.0.1:${port}/readyz`, { headers: { Host: 'example.com' } }).then((response) => response.arrayBuffer())));
      expect(db.state.calls).to.equal(1);
      expect(middleware.stats().checks.db).to.deep.include({ passing: true, critical: true, runs: 1, failures: 0 });
    } finally {
      server.close();
    }
  });

  it('publishes each run on the check channel, with changed on a flip, and never the error text', async () => {
    const db = switchable(true);
    const seen: CheckMessage[] = [];
    const listener = (message: unknown) => seen.push(message as CheckMessage);
    subscribe(CHECK_CHANNEL, listener);
    try {
      const middleware = build({ checks: { db: { check: db.check, interval: 5 } } });
      await afterRuns(middleware, 'db', 1);
      db.state.ok = false;
      await afterRuns(middleware, 'db', 3);
    } finally {
      unsubscribe(CHECK_CHANNEL, listener);
    }
    expect(seen[0]).to.include({ name: 'db', ok: true, passing: true, changed: true });
    expect(seen.find((message) => !message.ok)).to.include({ passing: false, changed: true });
    expect(JSON.stringify(seen)).not.to.include('secret');
  });

  it('keeps the checks running through reload(), replaces them on update() with others, and stops them on close()', async () => {
    const db = switchable(true);
    const middleware = build({ checks: { db: { check: db.check, interval: 5 } } });
    await afterRuns(middleware, 'db', 2);
    middleware.reload();
    const runs = middleware.stats().checks.db?.runs ?? 0;
    expect(runs, 'the state survives the reload').to.be.at.least(2);
    await afterRuns(middleware, 'db', runs + 1);
    const cache = switchable(false);
    middleware.update({ configFile: false, allowedHosts: ['example.com'], endpoints: ENDPOINTS, checks: { cache: { check: cache.check, interval: 5 } } });
    await afterRuns(middleware, 'cache', 1);
    expect(Object.keys(middleware.stats().checks)).to.deep.equal(['cache']);
    middleware.close();
    const calls = cache.state.calls;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(cache.state.calls).to.equal(calls);
  });

  it('never keeps the process alive: an app that builds it with checks and stops its server exits', () => {
    const script = `
      const { healthChecks } = require(${JSON.stringify(require.resolve('../dist'))});
      healthChecks({ configFile: false, endpoints: { readiness: '/readyz' }, checks: { db: { check: () => undefined, interval: 60000 } } });
      console.log('built');`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 15_000, env: { PATH: process.env.PATH ?? '' } });
    expect(result.signal, 'it had to be killed').to.equal(null);
    expect(result.stdout.trim()).to.equal('built');
  });

  it('in report-only mode still answers an endpoint itself, for a host it would reject, flagged and without details', async () => {
    const middleware = build({ reportOnly: true, probe: { paths: ['/health-check/'] } });
    const response = await client(appWith(middleware)).get('/readyz').set('Host', '10.0.3.7:8080');
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ status: 'ready' });
    expect(response.headers['cache-control']).to.equal('no-store');
    expect(middleware.stats().wouldReject['host-not-allowed']).to.equal(1);
  });

  it('makes the endpoints the probe paths when probe.paths is not set: the token opens no other route', async () => {
    const middleware = build({});
    const http = client(appWith(middleware));
    await http.get('/password-reset').set('Host', 'evil.example').set('X-Health', TOKEN).expect(400);
    await http.get('/readyz').set('Host', 'evil.example').set('X-Health', TOKEN).expect(200);
  });

  it('runs the checks once for the pair: probeBypass() answers no endpoint and runs none', async () => {
    const db = switchable(true);
    const options: HealthChecksOptions = { configFile: false, allowedHosts: ['example.com'], endpoints: ENDPOINTS, checks: { db: { check: db.check, interval: 5 } } };
    const [bypass, allowlist] = withEnv({ ...NO_TOKEN, ALLOWED_HOSTS: undefined }, () => [probeBypass(options), hostAllowlist(options)]);
    try {
      await afterRuns(allowlist as ReturnType<typeof guard>, 'db', 3);
      expect(bypass.stats().checks).to.deep.equal({});
      expect(db.state.calls).to.equal(allowlist.stats().checks.db?.runs);
    } finally {
      bypass.close();
      allowlist.close();
    }
  });

  it('keeps readiness through update() with the same checks built anew, and close() stops them for good', async () => {
    const checks = () => ({ db: { check: () => undefined, interval: 5 } });
    const middleware = build({ checks: checks() });
    await afterRuns(middleware, 'db', 1);
    const http = client(appWith(middleware));
    await http.get('/readyz').set('Host', 'example.com').expect(200);
    middleware.update({ configFile: false, allowedHosts: ['example.com'], endpoints: ENDPOINTS, checks: checks() });
    await http.get('/readyz').set('Host', 'example.com').expect(200, { status: 'ready' });
    const runs = middleware.stats().checks.db?.runs ?? 0;
    await afterRuns(middleware, 'db', runs + 1);
    middleware.close();
    const db = switchable(true);
    middleware.update({ configFile: false, allowedHosts: ['example.com'], endpoints: ENDPOINTS, checks: { other: { check: db.check, interval: 5 } } });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(db.state.calls).to.equal(0);
  });

  it('refuses two endpoints on one path, and a path that is not one, naming the key', () => {
    const same = thrownBy(() => guard({ endpoints: { liveness: '/health', readiness: '/health' } }));
    expect(same).to.be.instanceOf(HealthChecksConfigError);
    expect(same.message).to.include('endpoints.readiness is "/health", the path of endpoints.liveness too');
    expect(thrownBy(() => guard({ endpoints: { readiness: 'readyz' } })).message).to.include('endpoints.readiness');
    expect(thrownBy(() => guard({ checks: { db: 'select 1' } as never })).message).to.include('checks.db must be a function');
  });
});
