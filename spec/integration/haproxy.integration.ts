import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer as createH2Server, type Http2Session, type IncomingHttpHeaders } from 'node:http2';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { healthChecks } from '../../src';
import { Koa, sendRaw, withEnv } from '../helpers';
import { freePort, waitForPort } from './free-port';
import { eventually, proberDir, recipeDir, startProbedApp, startProber, type Seen, substitute } from './probed-app';

// A real HAProxy (Debian's haproxy, 2.6) runs each of the recipe's haproxy.cfg files, substituted only for loopback
// addresses and ports, against an app on the recipe's .healthchecksrc.json. The verdict is HAProxy's own: the server's
// status in `show stat` on its stats socket. .ci/run installs haproxy when it is missing.

const RECIPE = recipeDir('haproxy');
const EXAMPLE_APP = '10.0.3.17:8000';
const EXAMPLE_TOKEN = 'change-me-to-a-long-random-value';
type Pairs = readonly (readonly [string, string])[];

interface Haproxy {
  frontPort: number;
  /** The app1 server's row in `show stat`: status (UP, DOWN), check_status (L7OK, L4CON, ...), check_desc. */
  server(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

const running: { stop(): Promise<void> }[] = [];

async function startHaproxy(cfg: string, appPort: number, extra: Pairs = []): Promise<Haproxy> {
  const { dir, remove } = proberDir('haproxy');
  const frontPort = await freePort();
  const socket = join(dir, 'admin.sock');
  const pairs: Pairs = [
    ['/run/haproxy/admin.sock', socket],
    ['bind :80', `bind 127.0.0.1:${frontPort}`],
    [EXAMPLE_APP, `127.0.0.1:${appPort}`],
    // The recipe checks every 2 s and needs 3 failures (2 successes) to change state: faster here, so the test runs in seconds.
    ['inter 2s fall 3 rise 2', 'inter 500ms fall 1 rise 1'],
    ...extra,
  ];
  try {
    writeFileSync(join(dir, 'haproxy.cfg'), substitute(readFileSync(join(RECIPE, cfg), 'utf8'), pairs));
  } catch (error) {
    remove();
    throw error;
  }
  const haproxy = startProber('/usr/sbin/haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { cwd: dir });
  const handle: Haproxy = {
    frontPort,
    server: async () => {
      const csv = await showStat(socket).catch(() => '');
      const [header = '', ...rows] = csv.split('\n');
      const names = header.replace(/^# /, '').split(',');
      const row = rows.map((line) => line.split(',')).find((fields) => fields[0] === 'app' && fields[1] === 'app1') ?? [];
      return Object.fromEntries(names.map((name, index) => [name, row[index] ?? '']));
    },
    stop: async () => (await haproxy.stop(), remove()),
  };
  running.push(handle);
  await waitForPort(frontPort).catch((error: Error) => {
    throw new Error(`${error.message}\n${haproxy.output()}`);
  });
  return handle;
}

function showStat(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(path, () => socket.end('show stat\n'));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

/** Every HTTP/1 request Node's servers in this process receive, before the guard runs: what HAProxy really sent. */
interface Received {
  method: string;
  version: string;
  rawHeaders: string[];
  port: number;
}
const received: Received[] = [];
const onRequest = (message: unknown) => {
  const { request } = message as { request: IncomingMessage };
  received.push({ method: request.method ?? '', version: request.httpVersion, rawHeaders: [...request.rawHeaders], port: request.socket.localPort ?? 0 });
};

async function isUp(haproxy: Haproxy, status: 'UP' | 'DOWN'): Promise<boolean> {
  return eventually(async () => (await haproxy.server()).status === status, 15000);
}

/** UP with the app answering, DOWN once it stops, UP again once it is back: HAProxy's verdict each time. */
async function expectLifecycle(haproxy: Haproxy, app: { stop(): Promise<void>; start(): Promise<void> }): Promise<void> {
  expect(await isUp(haproxy, 'UP'), JSON.stringify(await haproxy.server())).to.equal(true);
  await app.stop();
  expect(await isUp(haproxy, 'DOWN'), 'DOWN after stop()').to.equal(true);
  await app.start();
  expect(await isUp(haproxy, 'UP'), 'UP after start()').to.equal(true);
}

const checks = (port: number) => received.filter((entry) => entry.port === port && !entry.rawHeaders.includes('x-forwarded-for'));
const outsiders = (seen: Seen[]) => seen.filter((entry) => entry.userAgent === 'outside-client');

/** A client's GET /health-check/ through HAProxy's frontend. */
function throughHaproxy(haproxy: Haproxy, headers: string[], version = 'HTTP/1.1') {
  const lines = [`GET /health-check/ ${version}`, ...headers, 'User-Agent: outside-client', 'Connection: close'];
  return sendRaw(haproxy.frontPort, `${lines.join('\r\n')}\r\n\r\n`);
}

const outsideCases = (appPort: number, token: string) => [
  ['Host: evil.example'],
  ['Host: evil.example', `X-Health: ${token}`],
  [`Host: 127.0.0.1:${appPort}`],
  [`Host: 127.0.0.1:${appPort}`, `X-Health: ${token}`],
];

describe('HAProxy 2.6 health checks against the haproxy recipe', function () {
  this.timeout(60000);
  before(() => subscribe('http.server.request.start', onRequest));
  after(() => unsubscribe('http.server.request.start', onRequest));
  afterEach(async () => {
    for (const handle of running.splice(0).reverse()) await handle.stop();
  });

  it('recommended, option httpchk GET /health-check/: HTTP/1.0 with no Host is a local-address probe; UP, DOWN on stop, UP again', async () => {
    const app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    running.push(app);
    const haproxy = await startHaproxy('haproxy.cfg', app.port);
    await expectLifecycle(haproxy, app);
    expect(checks(app.port)[0]).to.deep.include({ method: 'GET', version: '1.0', rawHeaders: [] });
    expect(app.seen[0]).to.deep.equal({ method: 'GET', path: '/health-check/', host: '', userAgent: undefined, state: { probe: true, via: 'localAddress', host: null } });
  });

  it('recommended: an outside client through HAProxy is not a probe (400, the handler never runs), whatever its Host', async () => {
    const app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    running.push(app);
    const haproxy = await startHaproxy('haproxy.cfg', app.port);
    expect(await isUp(haproxy, 'UP')).to.equal(true);
    for (const headers of [...outsideCases(app.port, 'wrong-token'), []]) {
      const version = headers.length === 0 ? 'HTTP/1.0' : 'HTTP/1.1';
      expect((await throughHaproxy(haproxy, headers, version)).status, headers.join(' ') || 'HTTP/1.0, no Host').to.equal(400);
    }
    expect(outsiders(app.seen)).to.deep.equal([]);
    const relayed = received.filter((entry) => entry.port === app.port && entry.rawHeaders.includes('x-forwarded-for'));
    expect(relayed).to.have.length(5);
  });

  it('control, why option forwardfor matters: without it, a client\'s "Host: <app IP>:<port>" (or HTTP/1.0 with no Host) through HAProxy passes as a probe', async () => {
    const app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    running.push(app);
    const haproxy = await startHaproxy('haproxy.cfg', app.port, [['    option forwardfor\n', '']]);
    expect(await isUp(haproxy, 'UP')).to.equal(true);
    expect((await throughHaproxy(haproxy, [`Host: 127.0.0.1:${app.port}`])).status).to.equal(200);
    expect((await throughHaproxy(haproxy, [], 'HTTP/1.0')).status, 'HTTP/1.0 with no Host').to.equal(200);
    expect(outsiders(app.seen).map((entry) => entry.state)).to.deep.equal([
      { probe: true, via: 'localAddress', host: '127.0.0.1' },
      { probe: true, via: 'localAddress', host: null },
    ]);
  });

  it("HAProxy's default check, a bare option httpchk (OPTIONS / HTTP/1.0, no Host), with probe.paths [\"/\"] and OPTIONS: UP, DOWN, UP", async () => {
    const app = await startProbedApp(join(RECIPE, 'default-check', '.healthchecksrc.json'));
    running.push(app);
    const haproxy = await startHaproxy('default-check/haproxy.cfg', app.port);
    await expectLifecycle(haproxy, app);
    expect(checks(app.port)[0]).to.deep.include({ method: 'OPTIONS', version: '1.0', rawHeaders: [] });
    expect(app.seen[0]).to.deep.equal({ method: 'OPTIONS', path: '/', host: '', userAgent: undefined, state: { probe: true, via: 'localAddress', host: null } });
  });

  it('http-check send ... ver HTTP/1.1 hdr Host %[bc_dst]:%[bc_dst_port]: a local-address probe naming the address; UP, DOWN, UP', async () => {
    const app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    running.push(app);
    const haproxy = await startHaproxy('host-header/haproxy.cfg', app.port);
    await expectLifecycle(haproxy, app);
    const host = `127.0.0.1:${app.port}`;
    expect(checks(app.port)[0]).to.deep.include({ method: 'GET', version: '1.1', rawHeaders: ['host', host, 'connection', 'close'] });
    expect(app.seen[0]).to.deep.equal({ method: 'GET', path: '/health-check/', host, userAgent: undefined, state: { probe: true, via: 'localAddress', host: '127.0.0.1' } });
  });

  it('the token in http-check send ... hdr X-Health: a header probe; UP, DOWN, UP; a client\'s X-Health through HAProxy, right or wrong, gets 400', async () => {
    const token = `test-${process.pid}-${Date.now()}`;
    const app = await startProbedApp(join(RECIPE, 'token', '.healthchecksrc.json'), { env: { HEALTH_CHECK_HEADER_VALUE: token } });
    running.push(app);
    const haproxy = await startHaproxy('token/haproxy.cfg', app.port, [[EXAMPLE_TOKEN, token]]);
    await expectLifecycle(haproxy, app);
    const host = `127.0.0.1:${app.port}`;
    expect(checks(app.port)[0]).to.deep.include({ method: 'GET', version: '1.1', rawHeaders: ['host', host, 'x-health', token, 'connection', 'close'] });
    expect(app.seen[0]).to.deep.include({ path: '/health-check/', host, userAgent: undefined, state: { probe: true, via: 'header', host: '127.0.0.1' } });
    for (const headers of [...outsideCases(app.port, 'wrong-token'), ...outsideCases(app.port, token)]) {
      expect((await throughHaproxy(haproxy, headers)).status, headers.join(' ')).to.equal(400);
    }
    expect(outsiders(app.seen)).to.deep.equal([]);
  });

  it('check-proto h2 against an h2c app: UP only with hdr Host (HAProxy sends no :authority); DOWN on stop, UP again', async () => {
    const app = await startH2App(join(RECIPE, '.healthchecksrc.json'));
    running.push(app);
    const haproxy = await startHaproxy('h2/haproxy.cfg', app.port);
    await expectLifecycle(haproxy, app);
    const host = `127.0.0.1:${app.port}`;
    expect(app.streams[0]).to.deep.equal({ ':method': 'GET', ':scheme': 'https', ':path': '/health-check/', host });
    expect(app.seen[0]).to.deep.equal({ method: 'GET', path: '/health-check/', host, userAgent: undefined, state: { probe: true, via: 'localAddress', host: '127.0.0.1' } });
    expect((await throughHaproxy(haproxy, [`Host: ${host}`])).status, 'a client naming the app, over h2').to.equal(400);
    expect(outsiders(app.seen)).to.deep.equal([]);

    await haproxy.stop();
    const bare = await startHaproxy('h2/haproxy.cfg', app.port, [[' hdr Host %[bc_dst]:%[bc_dst_port]', '']]);
    const streams = app.streams.length;
    expect(await isUp(bare, 'DOWN'), 'DOWN without hdr Host').to.equal(true);
    expect((await bare.server()).check_desc).to.match(/socket error/i);
    expect(app.streams.length, 'Node resets the stream before it is handed to the app').to.equal(streams);
  });
});

/** The probed app over cleartext HTTP/2 (prior knowledge, as HAProxy's `proto h2` speaks it), on 127.0.0.1. */
async function startH2App(configFile: string) {
  const guard = withEnv({ HEALTH_CHECK_HEADER_VALUE: undefined }, () => healthChecks({ configFile }));
  const koa = new Koa();
  koa.env = 'production';
  koa.use(guard);
  const seen: Seen[] = [];
  const streams: IncomingHttpHeaders[] = [];
  koa.use((ctx) => {
    seen.push({ method: ctx.method, path: ctx.path, host: ctx.host, userAgent: ctx.get('User-Agent') || undefined, state: ctx.state.healthCheck });
    ctx.body = 'ok';
  });
  let server: ReturnType<typeof createH2Server> | undefined;
  let port = 0;
  const sessions = new Set<Http2Session>();
  const start = async () => {
    const listening = createH2Server(koa.callback());
    listening.on('stream', (_stream, headers) => streams.push(Object.fromEntries(Object.entries(headers))));
    listening.on('session', (session) => {
      sessions.add(session);
      session.on('error', () => undefined); // HAProxy closes a check connection with a reset
      session.on('close', () => sessions.delete(session));
    });
    listening.listen(port, '127.0.0.1');
    await once(listening, 'listening');
    port = (listening.address() as AddressInfo).port;
    server = listening;
  };
  await start();
  return {
    get port() {
      return port;
    },
    seen,
    streams,
    start,
    async stop() {
      const closing = server;
      server = undefined;
      if (closing === undefined) return;
      for (const session of sessions) session.destroy();
      await new Promise((done) => closing.close(done));
    },
  };
}
