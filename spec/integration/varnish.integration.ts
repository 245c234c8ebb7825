import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, waitForPort } from './free-port';
import { eventually, proberDir, recipeDir, startProbedApp, startProber, type ProbedApp, type ProberProcess, substitute, recordArrivals, type Arrived } from './probed-app';

// A real varnishd (Debian's `varnish`) probing the app with docs/recipes/varnish/'s own VCL and config, and
// forwarding outside clients' requests to it. The verdict is Varnish's own: `varnishadm backend.list`.

/** One GET to 127.0.0.1:port with these headers (Host among them), as an outside client sends it. */
function send(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

interface VarnishUnderTest {
  port: number;
  /** `healthy` or `sick`, from `varnishadm backend.list`; undefined while the CLI does not answer. */
  health(): Promise<string | undefined>;
  process: ProberProcess;
}

/** varnishd in the foreground on loopback, its work dir, secret and VCL in `dir`. `-j none`: no jail, as root too. */
async function startVarnish(dir: string, vcl: string): Promise<VarnishUnderTest> {
  const port = await freePort();
  const adminPort = await freePort();
  const secret = join(dir, 'secret');
  writeFileSync(secret, randomBytes(16).toString('hex'), { mode: 0o600 });
  const args = ['-F', '-j', 'none', '-n', join(dir, 'varnish'), '-a', `127.0.0.1:${port}`, '-T', `127.0.0.1:${adminPort}`, '-S', secret];
  const varnish = startProber('varnishd', [...args, '-f', vcl, '-s', 'malloc,32m']);
  const health = () =>
    new Promise<string | undefined>((resolve) => {
      execFile('varnishadm', ['-T', `127.0.0.1:${adminPort}`, '-S', secret, 'backend.list'], (error, stdout) => {
        resolve(error === null ? /^boot\.shop\s+\S+\s+\S+\s+(\w+)/m.exec(stdout)?.[1] : undefined);
      });
    });
  try {
    await waitForPort(port, 30000);
  } catch (error) {
    await varnish.stop();
    throw new Error(`varnishd did not start: ${String(error)}\n${varnish.output()}`, { cause: error });
  }
  return { port, health, process: varnish };
}

/** The recipe's VCL (under `sub`) with the app's example address and port made the loopback ones. */
function vclFor(sub: string, dir: string, app: ProbedApp, extra: ReadonlyArray<readonly [string, string]> = []): string {
  const source = join(recipeDir('varnish'), sub, 'default.vcl');
  const target = join(dir, 'default.vcl');
  const replacements: Array<readonly [string, string]> = [
    ['10.0.3.17', app.address],
    ['"8000"', `"${app.port}"`],
    // The recipe probes every 5 s and needs 3 probes to change its mind; 1 s keeps this test short.
    ['.interval = 5s;', '.interval = 1s;'],
    ...extra,
  ];
  writeFileSync(target, substitute(readFileSync(source, 'utf8'), replacements, source));
  return target;
}

describe('Varnish backend probes (docs/recipes/varnish)', function () {
  this.timeout(90000);
  let userAgents = 0;

  /** Each outside request through Varnish gets 400, reached the app (with X-Forwarded-For), and no handler ran. */
  async function expectRefusedThroughVarnish(varnish: VarnishUnderTest, app: ProbedApp, arrived: Arrived[], hosts: string[], tokens: Array<string | undefined>) {
    for (const host of hosts) {
      for (const token of tokens) {
        const userAgent = `outside-client/${++userAgents}`;
        const headers: Record<string, string> = { Host: host, 'User-Agent': userAgent, ...(token === undefined ? {} : { 'X-Health': token }) };
        const label = `Host: ${host}, token: ${token ?? 'none'}`;
        expect(await send(varnish.port, '/health-check/', headers), label).to.equal(400);
        const forwarded = arrived.filter((request) => request.headers['user-agent'] === userAgent);
        expect(forwarded.map((request) => request.headers.host), label).to.deep.equal([host]);
        expect(forwarded[0]?.headers['x-forwarded-for'], label).to.equal('127.0.0.1');
        expect(app.seen.filter((seen) => seen.userAgent === userAgent), label).to.deep.equal([]);
      }
    }
  }

  describe('local-address probes: default.vcl, .healthchecksrc.json', () => {
    const files = [join(recipeDir('varnish'), 'default.vcl'), join(recipeDir('varnish'), '.healthchecksrc.json')];
    let temp: ReturnType<typeof proberDir>;
    let app: ProbedApp;
    let varnish: VarnishUnderTest;
    let recorder: ReturnType<typeof recordArrivals>;

    before(async () => {
      temp = proberDir('varnish', files);
      app = await startProbedApp(join(temp.dir, '.healthchecksrc.json'));
      recorder = recordArrivals(() => app.port);
      varnish = await startVarnish(temp.dir, vclFor('', temp.dir, app));
    });

    after(async () => {
      await varnish?.process.stop();
      recorder?.stop();
      await app?.stop();
      temp?.remove();
    });

    it('reports the backend healthy', async () => {
      expect(await eventually(async () => (await varnish.health()) === 'healthy', 30000), varnish.process.output()).to.equal(true);
    });

    it('sends GET /health-check/ HTTP/1.1 with Host: <.host> (no port), Connection: close, no User-Agent', () => {
      const probes = recorder.arrived.filter((request) => request.headers['x-forwarded-for'] === undefined);
      expect(probes.length).to.be.greaterThan(0);
      for (const probe of probes) {
        expect(probe).to.deep.equal({ method: 'GET', url: '/health-check/', version: '1.1', headers: { host: '127.0.0.1', connection: 'close' } });
      }
      const seen = app.seen.filter((entry) => entry.path === '/health-check/' && entry.userAgent === undefined);
      expect(seen.length).to.be.greaterThan(0);
      for (const entry of seen) expect(entry.state).to.deep.equal({ probe: true, via: 'localAddress', host: '127.0.0.1' });
    });

    it('passes a client request for shop.example.com through to the app, with its Host kept', async () => {
      expect(await send(varnish.port, '/health-check/', { Host: 'shop.example.com', 'User-Agent': 'outside-client/ok' })).to.equal(200);
      const seen = app.seen.filter((entry) => entry.userAgent === 'outside-client/ok');
      expect(seen.map((entry) => [entry.host, entry.state?.probe])).to.deep.equal([['shop.example.com', false]]);
    });

    it('refuses an outside client through Varnish, whatever the Host and token: it carries X-Forwarded-For', async () => {
      const hosts = ['evil.example', `127.0.0.1:${app.port}`, '127.0.0.1'];
      await expectRefusedThroughVarnish(varnish, app, recorder.arrived, hosts, [undefined, 'wrong-token']);
    });

    it('goes sick when the app stops answering, and healthy again when it is back', async () => {
      await app.stop();
      expect(await eventually(async () => (await varnish.health()) === 'sick', 30000)).to.equal(true);
      await app.start();
      expect(await eventually(async () => (await varnish.health()) === 'healthy', 30000)).to.equal(true);
    });
  });

  describe('the token: token/default.vcl, token/.healthchecksrc.json', () => {
    const files = [join(recipeDir('varnish'), 'token', 'default.vcl'), join(recipeDir('varnish'), 'token', '.healthchecksrc.json')];
    let temp: ReturnType<typeof proberDir>;
    const token = randomBytes(16).toString('hex');
    let app: ProbedApp;
    let varnish: VarnishUnderTest;
    let recorder: ReturnType<typeof recordArrivals>;

    before(async () => {
      temp = proberDir('varnish-token', files);
      app = await startProbedApp(join(temp.dir, '.healthchecksrc.json'), { env: { HEALTH_CHECK_HEADER_VALUE: token } });
      recorder = recordArrivals(() => app.port);
      const vcl = vclFor('token', temp.dir, app, [
        [':8000"', `:${app.port}"`],
        ['change-me-to-a-long-random-value', token],
      ]);
      varnish = await startVarnish(temp.dir, vcl);
    });

    after(async () => {
      await varnish?.process.stop();
      recorder?.stop();
      await app?.stop();
      temp?.remove();
    });

    it('reports the backend healthy, the probes let through by the token', async () => {
      expect(await eventually(async () => (await varnish.health()) === 'healthy', 30000), varnish.process.output()).to.equal(true);
      const probe = recorder.arrived.find((request) => request.headers['x-forwarded-for'] === undefined);
      expect(probe).to.deep.equal({
        method: 'GET',
        url: '/health-check/',
        version: '1.1',
        headers: { host: `127.0.0.1:${app.port}`, 'x-health': token, connection: 'close' },
      });
      const seen = app.seen.filter((entry) => entry.userAgent === undefined);
      expect(seen.length).to.be.greaterThan(0);
      for (const entry of seen) expect(entry.state).to.deep.equal({ probe: true, via: 'header', host: '127.0.0.1' });
    });

    it('refuses an outside client through Varnish with no token or a wrong one', async () => {
      await expectRefusedThroughVarnish(varnish, app, recorder.arrived, ['evil.example', `127.0.0.1:${app.port}`], [undefined, 'wrong-token']);
    });

    it('goes sick when the app stops answering, and healthy again when it is back', async () => {
      await app.stop();
      expect(await eventually(async () => (await varnish.health()) === 'sick', 30000)).to.equal(true);
      await app.start();
      expect(await eventually(async () => (await varnish.health()) === 'healthy', 30000)).to.equal(true);
    });
  });
});
