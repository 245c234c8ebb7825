import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, waitForPort } from './free-port';
import { eventually, proberDir, recipeDir, startProbedApp, startProber, type ProbedApp, type ProberProcess, substitute } from './probed-app';

// nginx 1.22 (Debian's nginx) as the reverse proxy in front of the app, on docs/recipes/nginx's own files. nginx open
// source has no active health checks: its verdict is the passive one, read from what it answers (200, 502) and from
// its error log ("upstream server temporarily disabled", "no live upstreams").

const RECIPE = recipeDir('nginx');
const SITE = join(RECIPE, 'shop.example.com.conf');
const CONFIG = join(RECIPE, '.healthchecksrc.json');
const XFF = '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n';
const XFP = '        proxy_set_header X-Forwarded-Proto $scheme;\n';
const HOST = '        proxy_set_header Host $host;\n';

interface Nginx {
  port: number;
  prober: ProberProcess;
  errorLog(): string;
  stop(): Promise<void>;
}

/** An nginx of its own, in the foreground, reading the recipe's site file (copied, substituted) inside an http block. */
async function startNginx(apps: readonly ProbedApp[], extra: Record<string, string> = {}): Promise<Nginx> {
  const port = await freePort();
  const [first, second] = apps;
  const addresses = { '10.0.3.17:8000': `${first?.address}:${first?.port}`, '10.0.3.18:8000': `${second?.address ?? first?.address}:${second?.port ?? first?.port}` };
  const text = substitute(readFileSync(SITE, 'utf8'), { ...addresses, 'listen 80;': `listen 127.0.0.1:${port};`, ...extra });
  const { dir, remove } = proberDir('nginx', [SITE]);
  chmodSync(dir, 0o755); // a worker running as nobody (nginx started as root) must reach its temp paths
  const site = join(dir, 'shop.example.com.conf');
  writeFileSync(site, text);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${join(dir, kind)};\n`).join('');
  const conf = join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    `worker_processes 1;\nerror_log ${join(dir, 'error.log')} warn;\nevents { worker_connections 64; }\n` +
      `http {\n    access_log ${join(dir, 'access.log')};\n${temp}    include ${site};\n}\n`,
  );
  const prober = startProber('nginx', ['-p', dir, '-c', conf, '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], { cwd: dir });
  const errorLog = () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : '');
  const stop = async () => (await prober.stop(), remove());
  try {
    await waitForPort(port);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${prober.output()}\n${errorLog()}`, { cause: error });
  }
  return { port, prober, errorLog, stop };
}

interface Answer {
  status: number;
  body: string;
}

/** A GET to 127.0.0.1:port (nginx, or an app directly), with `headers` (Host among them). */
function get(port: number, path: string, headers: Record<string, string>, address = '127.0.0.1'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request({ host: address, port, path, headers, agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

const shop = (nginx: Nginx) => get(nginx.port, '/', { Host: 'shop.example.com' });

describe('nginx 1.22 in front, control: the default proxy_pass to the app\'s address, no proxy_set_header', function () {
  this.timeout(60000);
  let app: ProbedApp;
  let nginx: Nginx | undefined;

  before(async () => (app = await startProbedApp(CONFIG)));
  afterEach(async () => nginx?.stop());
  after(async () => app?.stop());

  it('control: nginx rewrites Host to the app\'s address, so a client\'s Host: evil.example to /health-check/ passes as a probe, and / gets 400', async () => {
    nginx = await startNginx([app], { 'proxy_pass http://shop_app;': `proxy_pass http://127.0.0.1:${app.port};`, [HOST]: '', [XFF]: '', [XFP]: '' });
    expect(await get(nginx.port, '/health-check/', { Host: 'evil.example' })).to.deep.equal({ status: 200, body: 'ok' });
    expect(app.seen.at(-1)).to.deep.include({ host: `127.0.0.1:${app.port}`, state: { probe: true, via: 'localAddress', host: '127.0.0.1' } });
    expect((await shop(nginx)).status).to.equal(400);
  });

  it('control: Host $host without X-Forwarded-For is not enough: a client\'s Host: <app IP> becomes a local-address probe', async () => {
    nginx = await startNginx([app], { [XFF]: '', [XFP]: '' });
    // $host drops the port, and a Host with no port names the address alone: the one nginx connects to.
    expect(await get(nginx.port, '/health-check/', { Host: `127.0.0.1:${app.port}` })).to.deep.equal({ status: 200, body: 'ok' });
    expect(app.seen.at(-1)).to.deep.include({ host: '127.0.0.1', state: { probe: true, via: 'localAddress', host: '127.0.0.1' } });
  });
});

describe('nginx 1.22 in front with the recipe: the client\'s Host, X-Forwarded-For, passive checks over two apps', function () {
  this.timeout(60000);
  let apps: ProbedApp[] = [];
  let nginx: Nginx;
  const seen = () => apps.flatMap((app) => app.seen);
  const rejected = () => apps.reduce((sum, app) => sum + app.guard.stats().rejected['host-not-allowed'], 0);

  before(async () => {
    apps = [await startProbedApp(CONFIG), await startProbedApp(CONFIG, { address: '127.0.0.2' })];
    // The recipe keeps a failed server out for 10 s; the test for 2 s, to stay short.
    nginx = await startNginx(apps, { 'fail_timeout=10s': 'fail_timeout=2s' });
  });
  after(async () => {
    await nginx?.stop();
    for (const app of apps) await app.stop();
  });

  it('passes an allowed request on with the client\'s Host and User-Agent: 200, an ordinary request', async () => {
    const before = seen().length;
    expect(await get(nginx.port, '/', { Host: 'shop.example.com', 'User-Agent': 'curl/8.0' })).to.deep.equal({ status: 200, body: 'ok' });
    expect(seen().length).to.equal(before + 1);
    expect(apps.map((app) => app.seen.at(-1)).find((entry) => entry?.userAgent === 'curl/8.0')).to.deep.equal({
      method: 'GET',
      path: '/',
      host: 'shop.example.com',
      userAgent: 'curl/8.0',
      state: { probe: false, via: null, host: 'shop.example.com' },
    });
  });

  it('outside clients: Host evil.example or <app IP:port>, with no token or a wrong one, to /health-check/ get 400, and no handler runs', async () => {
    const before = { seen: seen().length, rejected: rejected() };
    const [app] = apps as [ProbedApp];
    const hosts = ['evil.example', `127.0.0.1:${app.port}`, '127.0.0.1'];
    const requests = hosts.flatMap((Host): Record<string, string>[] => [{ Host }, { Host, 'X-Health': 'wrong-token' }]);
    for (const headers of requests) expect((await get(nginx.port, '/health-check/', headers)).status, JSON.stringify(headers)).to.equal(400);
    expect(seen().length).to.equal(before.seen);
    expect(rejected()).to.equal(before.rejected + requests.length);
  });

  it('probers reach each app directly, not through nginx: GET /health-check/ with Host <app IP:port> is a local-address probe', async () => {
    for (const app of apps) {
      expect(await get(app.port, '/health-check/', { Host: `${app.address}:${app.port}` }, app.address)).to.deep.equal({ status: 200, body: 'ok' });
      expect(app.seen.at(-1)?.state).to.deep.equal({ probe: true, via: 'localAddress', host: app.address });
    }
  });

  it('one app stopped: nginx logs it as temporarily disabled and serves every request from the other (200)', async () => {
    const [first] = apps as [ProbedApp];
    await first.stop();
    const statuses: number[] = [];
    const disabled = `upstream server temporarily disabled while connecting to upstream`;
    const logged = () => nginx.errorLog().split('\n').some((line) => line.includes(disabled) && line.includes(`upstream: "http://127.0.0.1:${first.port}/"`));
    expect(await eventually(async () => (statuses.push((await shop(nginx)).status), logged())), nginx.errorLog()).to.equal(true);
    expect(new Set(statuses)).to.deep.equal(new Set([200]));
  });

  it('both stopped: 502 and "no live upstreams"; both started again: 200 once fail_timeout has passed', async () => {
    await (apps[1] as ProbedApp).stop();
    expect(await eventually(async () => (await shop(nginx)).status === 502 && nginx.errorLog().includes('no live upstreams'))).to.equal(true);
    for (const app of apps) await app.start();
    expect(await eventually(async () => (await shop(nginx)).status === 200)).to.equal(true);
  });
});
