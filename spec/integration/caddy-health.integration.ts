import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { expect } from 'chai';
import { REJECT_CHANNEL, type RejectMessage } from '../../src';
import { freePort, waitForPort } from './free-port';
import { eventually, proberDir, recipeDir, startProbedApp, startProber, type ProbedApp, type ProberProcess, substitute } from './probed-app';

// Caddy 2.6's active health checks (Debian's caddy) against the app on docs/recipes/caddy's own files. Caddy's
// verdict: its admin API lists upstreams with passive counters only (no active-health state in 2.6), so the verdict is
// read from what Caddy does with it (a request through Caddy is served, or gets 503 once no upstream is healthy) and
// from its active checker's log lines.

const RECIPE = recipeDir('caddy');
const TOKEN = 'caddy-probe-token-3f9c2a';
const CHECKER = 'http.handlers.reverse_proxy.health_checker.active';

interface Caddy {
  prober: ProberProcess;
  httpPort: number;
  httpsPort: number;
  adminPort: number;
  /** The active checker's log entries (Caddy logs JSON to stderr). */
  checks(): Record<string, unknown>[];
  stop(): Promise<void>;
}

/**
 * A Caddy of its own running `caddyfile` (a recipe's Caddyfile, copied and substituted), with a global block for the
 * test's environment only: loopback ports, an admin endpoint, Caddy's local CA instead of a public one.
 */
async function startCaddy(caddyfile: string, replacements: Record<string, string>, env: Record<string, string> = {}): Promise<Caddy> {
  const text = substitute(readFileSync(caddyfile, 'utf8'), replacements);
  const { dir, remove } = proberDir('caddy-health', [caddyfile]);
  const [httpPort, httpsPort, adminPort] = [await freePort(), await freePort(), await freePort()];
  const file = join(dir, 'Caddyfile');
  const global = `{\n\tadmin 127.0.0.1:${adminPort}\n\thttp_port ${httpPort}\n\thttps_port ${httpsPort}\n\tdefault_bind 127.0.0.1\n\tlocal_certs\n\tskip_install_trust\n}\n\n`;
  writeFileSync(file, global + text);
  const caddyEnv = { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config'), ...env };
  const prober = startProber('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], { cwd: dir, env: caddyEnv });
  const stop = async () => (await prober.stop(), remove());
  try {
    await waitForPort(adminPort);
    await waitForPort(httpPort);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${prober.output()}`, { cause: error });
  }
  const checks = () =>
    prober
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.logger === CHECKER);
  return { prober, httpPort, httpsPort, adminPort, checks, stop };
}

interface Answer {
  status: number;
  body: string;
}

/** A client's GET through Caddy: over HTTPS for shop.example.com (SNI), or plain HTTP; `headers` may set Host. */
function through(caddy: Caddy, path: string, headers: Record<string, string>, tls = true): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: '127.0.0.1', path, headers, agent: false as const };
    const done = (response: import('node:http').IncomingMessage) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    };
    const sent = tls
      ? httpsRequest({ ...options, port: caddy.httpsPort, servername: 'shop.example.com', rejectUnauthorized: false }, done)
      : httpRequest({ ...options, port: caddy.httpPort }, done);
    sent.on('error', reject).end();
  });
}

const shop = (caddy: Caddy) => through(caddy, '/', { Host: 'shop.example.com' });
const status = async (caddy: Caddy) => (await shop(caddy).catch(() => ({ status: 0 }))).status;

/** What outside clients may send to the probe path, hoping to pass as a probe. */
function outsideRequests(app: ProbedApp): Record<string, string>[] {
  return [`evil.example`, `127.0.0.1:${app.port}`].flatMap((Host): Record<string, string>[] => [{ Host }, { Host, 'X-Health': 'wrong-token' }]);
}

describe('Caddy 2.6 active health checks: health_uri to the app\'s IP, local-address probes (recommended)', function () {
  this.timeout(60000);
  let app: ProbedApp;
  let caddy: Caddy;
  // The recipe checks every 10 s; the test checks every second, to stay short.
  const replacements = (port: number) => ({ '10.0.3.17:8000': `127.0.0.1:${port}`, 'health_interval 10s': 'health_interval 1s' });

  before(async () => {
    app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    caddy = await startCaddy(join(RECIPE, 'Caddyfile'), replacements(app.port));
  });
  after(async () => {
    await caddy?.stop();
    await app?.stop();
  });

  it('sends GET /health-check/ with Host: <upstream IP:port> and User-Agent Go-http-client/1.1: a local-address probe', async () => {
    expect(await eventually(() => app.seen.some((seen) => seen.state?.probe === true)), caddy.prober.output()).to.equal(true);
    const probe = app.seen.find((seen) => seen.state?.probe === true);
    expect(probe).to.deep.equal({
      method: 'GET',
      path: '/health-check/',
      host: `127.0.0.1:${app.port}`,
      userAgent: 'Go-http-client/1.1',
      state: { probe: true, via: 'localAddress', host: '127.0.0.1' },
    });
  });

  it('finds the app healthy: Caddy serves a request through it, its checker logs no failure, its admin API lists the upstream', async () => {
    expect(await shop(caddy)).to.deep.equal({ status: 200, body: 'ok' });
    expect(app.seen.at(-1)?.state).to.deep.equal({ probe: false, via: null, host: 'shop.example.com' });
    expect(caddy.checks()).to.deep.equal([]);
    const upstreams = await (await fetch(`http://127.0.0.1:${caddy.adminPort}/reverse_proxy/upstreams`)).json();
    expect(upstreams).to.deep.include({ address: `127.0.0.1:${app.port}`, num_requests: 0, fails: 0 });
  });

  it('never forwards an outside client\'s other Host: Caddy answers it itself, and the app never sees it', async () => {
    const before = { seen: app.seen.filter((seen) => seen.state?.probe !== true).length, stats: app.guard.stats().rejected };
    for (const headers of outsideRequests(app)) expect(await through(caddy, '/health-check/', headers), headers.Host).to.deep.equal({ status: 200, body: '' });
    expect(app.seen.filter((seen) => seen.state?.probe !== true).length).to.equal(before.seen);
    expect(app.guard.stats().rejected).to.deep.equal(before.stats);
  });

  it('goes unhealthy when the app stops: the checker logs the failed check, and Caddy answers 503', async () => {
    await app.stop();
    expect(await eventually(async () => (await status(caddy)) === 503)).to.equal(true);
    const failed = caddy.checks().filter((entry) => entry.host === `127.0.0.1:${app.port}`);
    expect(failed.map((entry) => entry.msg)).to.include('HTTP request failed');
  });

  it('is healthy again after start(): Caddy serves requests once a check has passed', async () => {
    await app.start();
    expect(await eventually(async () => (await status(caddy)) === 200)).to.equal(true);
  });
});

describe('Caddy 2.6 with a site that takes every Host (:80, on-demand TLS): outside clients reach the app', function () {
  this.timeout(60000);
  let app: ProbedApp;
  let caddy: Caddy;

  before(async () => {
    app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    // The recipe's site block under a catch-all address, as `https://` with on_demand TLS or `:80` would be.
    caddy = await startCaddy(join(RECIPE, 'Caddyfile'), { 'shop.example.com {': 'http:// {', '10.0.3.17:8000': `127.0.0.1:${app.port}` });
  });
  after(async () => {
    await caddy?.stop();
    await app?.stop();
  });

  it('keeps the client\'s Host and adds X-Forwarded-For: Host evil.example or <app IP:port>, with no token or a wrong one, gets 400', async () => {
    const handled = () => app.seen.filter((seen) => seen.state?.probe !== true).length;
    const before = { handled: handled(), rejected: app.guard.stats().rejected['host-not-allowed'] };
    const requests = outsideRequests(app);
    for (const headers of requests) expect((await through(caddy, '/health-check/', headers, false)).status, headers.Host).to.equal(400);
    expect(handled()).to.equal(before.handled);
    expect(app.guard.stats().rejected['host-not-allowed']).to.equal(before.rejected + requests.length);
    expect(await through(caddy, '/', { Host: 'shop.example.com' }, false)).to.deep.equal({ status: 200, body: 'ok' });
  });
});

describe('Caddy 2.6 active health checks with the token: health_headers { X-Health … }, the app by name', function () {
  this.timeout(60000);
  let app: ProbedApp;
  let caddy: Caddy;

  before(async () => {
    app = await startProbedApp(join(RECIPE, 'token', '.healthchecksrc.json'), { env: { HEALTH_CHECK_HEADER_VALUE: TOKEN } });
    // Caddy reads the token from its environment when it adapts the Caddyfile ({$HEALTH_CHECK_HEADER_VALUE}).
    const replacements = { 'app:8000': `localhost:${app.port}`, 'health_interval 10s': 'health_interval 1s' };
    caddy = await startCaddy(join(RECIPE, 'token', 'Caddyfile'), replacements, { HEALTH_CHECK_HEADER_VALUE: TOKEN });
  });
  after(async () => {
    await caddy?.stop();
    await app?.stop();
  });

  it('sends Host: localhost:<port> and the X-Health token: the app lets it through on the header', async () => {
    expect(await eventually(() => app.seen.some((seen) => seen.state?.probe === true)), caddy.prober.output()).to.equal(true);
    expect(app.seen.find((seen) => seen.state?.probe === true)).to.deep.equal({
      method: 'GET',
      path: '/health-check/',
      host: `localhost:${app.port}`,
      userAgent: 'Go-http-client/1.1',
      state: { probe: true, via: 'header', host: 'localhost' },
    });
    expect(await shop(caddy)).to.deep.equal({ status: 200, body: 'ok' });
    expect(caddy.checks()).to.deep.equal([]);
  });

  it('goes unhealthy when the app stops (503), and healthy again after start() (200)', async () => {
    await app.stop();
    expect(await eventually(async () => (await status(caddy)) === 503)).to.equal(true);
    await app.start();
    expect(await eventually(async () => (await status(caddy)) === 200)).to.equal(true);
  });
});

describe('Caddy 2.6 active health checks to localhost:<port> with local-address probes: the check fails', function () {
  this.timeout(60000);
  let app: ProbedApp;
  let caddy: Caddy;
  const rejections: RejectMessage[] = [];
  const listener = (message: unknown) => rejections.push(message as RejectMessage);

  before(async () => {
    subscribe(REJECT_CHANNEL, listener);
    app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    // The recipe's Caddyfile with a name where it says to give the IP.
    caddy = await startCaddy(join(RECIPE, 'Caddyfile'), { '10.0.3.17:8000': `localhost:${app.port}`, 'health_interval 10s': 'health_interval 1s' });
  });
  after(async () => {
    unsubscribe(REJECT_CHANNEL, listener);
    await caddy?.stop();
    await app?.stop();
  });

  it('sends Host: localhost:<port>, a name: the app answers 400, Caddy logs the status and answers 503 while the app runs', async () => {
    const failed = () => caddy.checks().some((entry) => entry.host === `localhost:${app.port}` && entry.status_code === 400 && entry.msg === 'status code out of tolerances');
    expect(await eventually(failed), caddy.prober.output()).to.equal(true);
    expect(rejections).to.deep.include({ host: 'localhost', reason: 'host-not-allowed', reportOnly: false, method: 'GET', path: '/health-check/' });
    expect(app.seen).to.deep.equal([]);
    expect(await status(caddy)).to.equal(503);
  });
});
