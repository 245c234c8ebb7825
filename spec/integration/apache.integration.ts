import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { expect } from 'chai';
import { freePort, waitForPort } from './free-port';
import { eventually, proberDir, recipeDir, startProbedApp, startProber, type ProbedApp, type ProberProcess, substitute, recordArrivals } from './probed-app';

// A real Apache 2.4 (Debian's `apache2`) with mod_proxy_hcheck probing the app, with docs/recipes/apache/'s own
// shop.conf and .healthchecksrc.json, and proxying outside clients' requests to it. The verdict is Apache's own: the
// member's status on the balancer-manager page.

/** One GET to 127.0.0.1:port with these headers (Host among them), as an outside client sends it. */
function send(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

const MODULES = ['mpm_event', 'authz_core', 'authz_host', 'proxy', 'proxy_http', 'proxy_balancer', 'proxy_hcheck', 'slotmem_shm', 'lbmethod_byrequests', 'status'];

interface ApacheUnderTest {
  port: number;
  /** The member's Status cell on the balancer-manager page (`Init Ok`, `Init HcFl`, `Init Err`), or undefined. */
  status(): Promise<string | undefined>;
  process: ProberProcess;
}

/**
 * Apache in the foreground on loopback with an httpd.conf of the test's own (modules, pid file, logs, runtime dir
 * in `dir`) that includes the recipe's shop.conf, its example values made the loopback ones by `replacements`.
 */
async function startApache(dir: string, app: ProbedApp, replacements: ReadonlyArray<readonly [string, string]> = []): Promise<ApacheUnderTest> {
  const port = await freePort();
  const member = `http://${app.address}:${app.port}`;
  const source = join(recipeDir('apache'), 'shop.conf');
  const site = substitute(readFileSync(source, 'utf8'), [
    ['<VirtualHost *:80>', `<VirtualHost 127.0.0.1:${port}>`],
    ['10.0.3.17:8000', `${app.address}:${app.port}`],
    // The recipe checks every 10 s and needs 3 failures (2 passes) to change its mind; 1 s keeps this test short.
    ['hcinterval=10', 'hcinterval=1'],
    ...replacements,
  ], source);
  writeFileSync(join(dir, 'shop.conf'), site);
  const asRoot = process.getuid?.() === 0;
  writeFileSync(
    join(dir, 'httpd.conf'),
    [
      `ServerRoot ${dir}`,
      'ServerName 127.0.0.1',
      `Listen 127.0.0.1:${port}`,
      `PidFile ${join(dir, 'httpd.pid')}`,
      `ErrorLog ${join(dir, 'error.log')}`,
      `DefaultRuntimeDir ${dir}`,
      `Mutex file:${dir} default`,
      ...(asRoot ? ['User www-data', 'Group www-data'] : []),
      ...MODULES.map((name) => `LoadModule ${name}_module /usr/lib/apache2/modules/mod_${name}.so`),
      `Include ${join(dir, 'shop.conf')}`,
      '',
    ].join('\n'),
  );
  const apache = startProber('apache2', ['-f', join(dir, 'httpd.conf'), '-DFOREGROUND']);
  const status = async () => {
    try {
      const { body } = await send(port, '/balancer-manager', { Host: `127.0.0.1:${port}` });
      const table = body.split('<table>').find((part) => part.includes('Worker URL')) ?? '';
      const cells = (row: string, tag: string) => [...row.matchAll(new RegExp(`<${tag}>(.*?)</${tag}>`, 'gs'))].map((cell) => (cell[1] ?? '').replace(/<[^>]*>/g, '').trim());
      const rows = table.split('<tr>');
      const columns = cells(rows.find((row) => row.includes('<th>')) ?? '', 'th');
      const row = cells(rows.find((candidate) => candidate.includes(`>${member}</a>`)) ?? '', 'td');
      return row[columns.indexOf('Status')];
    } catch {
      return undefined;
    }
  };
  try {
    await waitForPort(port, 30000);
  } catch (error) {
    await apache.stop();
    throw new Error(`apache2 did not start: ${String(error)}\n${apache.output()}`, { cause: error });
  }
  return { port, status, process: apache };
}

const files = [join(recipeDir('apache'), 'shop.conf'), join(recipeDir('apache'), '.healthchecksrc.json')];

describe('Apache mod_proxy_hcheck (docs/recipes/apache)', function () {
  this.timeout(90000);

  describe('hcmethod=GET: shop.conf, .healthchecksrc.json', () => {
    let temp: ReturnType<typeof proberDir>;
    let app: ProbedApp;
    let apache: ApacheUnderTest;
    let recorder: ReturnType<typeof recordArrivals>;

    before(async () => {
      temp = proberDir('apache', files);
      app = await startProbedApp(join(temp.dir, '.healthchecksrc.json'));
      recorder = recordArrivals(() => app.port);
      apache = await startApache(temp.dir, app);
    });

    after(async () => {
      await apache?.process.stop();
      recorder?.stop();
      await app?.stop();
      temp?.remove();
    });

    it('reports the member Ok once health checks have passed', async () => {
      const probed = () => app.seen.filter((entry) => entry.state?.via === 'localAddress').length >= 2;
      expect(await eventually(probed, 30000), apache.process.output()).to.equal(true);
      expect(await apache.status()).to.equal('Init Ok');
    });

    it('sends GET /health-check/ HTTP/1.0 with Host: <member address>:<port> and no other header', () => {
      const probes = recorder.arrived.filter((request) => request.headers['x-forwarded-for'] === undefined);
      expect(probes.length).to.be.greaterThan(0);
      for (const probe of probes) {
        expect(probe).to.deep.equal({ method: 'GET', url: '/health-check/', version: '1.0', headers: { host: `127.0.0.1:${app.port}` } });
      }
      const seen = app.seen.filter((entry) => entry.userAgent === undefined);
      for (const entry of seen) expect(entry.state).to.deep.equal({ probe: true, via: 'localAddress', host: '127.0.0.1' });
    });

    it("passes a client request for shop.example.com through to the app, with the client's Host (ProxyPreserveHost)", async () => {
      expect((await send(apache.port, '/health-check/', { Host: 'shop.example.com', 'User-Agent': 'outside-client/ok' })).status).to.equal(200);
      const seen = app.seen.filter((entry) => entry.userAgent === 'outside-client/ok');
      expect(seen.map((entry) => [entry.host, entry.state?.probe])).to.deep.equal([['shop.example.com', false]]);
    });

    it('refuses an outside client through Apache, whatever the Host and token: it carries X-Forwarded-For', async () => {
      let clients = 0;
      for (const host of ['evil.example', `127.0.0.1:${app.port}`]) {
        for (const token of [undefined, 'wrong-token']) {
          const userAgent = `outside-client/${++clients}`;
          const label = `Host: ${host}, token: ${token ?? 'none'}`;
          const headers: Record<string, string> = { Host: host, 'User-Agent': userAgent, ...(token === undefined ? {} : { 'X-Health': token }) };
          expect((await send(apache.port, '/health-check/', headers)).status, label).to.equal(400);
          const forwarded = recorder.arrived.filter((request) => request.headers['user-agent'] === userAgent);
          expect(forwarded.map((request) => request.headers.host), label).to.deep.equal([host]);
          expect(forwarded[0]?.headers['x-forwarded-for'], label).to.equal('127.0.0.1');
          expect(forwarded[0]?.headers['x-forwarded-host'], label).to.equal(host);
          expect(app.seen.filter((entry) => entry.userAgent === userAgent), label).to.deep.equal([]);
        }
      }
    });

    it('marks the member HcFl when the app stops answering, and Ok again when it is back', async () => {
      await app.stop();
      expect(await eventually(async () => (await apache.status()) === 'Init HcFl', 30000)).to.equal(true);
      await app.start();
      expect(await eventually(async () => (await apache.status()) === 'Init Ok', 30000)).to.equal(true);
    });
  });

  // Not a recipe configuration: shop.conf with hcmethod=OPTIONS instead of GET, to show why the recipe says GET.
  describe('hcmethod=OPTIONS (what the recipe warns against)', () => {
    let temp: ReturnType<typeof proberDir>;
    let app: ProbedApp;
    let apache: ApacheUnderTest;
    let recorder: ReturnType<typeof recordArrivals>;

    before(async () => {
      temp = proberDir('apache-options', files);
      app = await startProbedApp(join(temp.dir, '.healthchecksrc.json'));
      recorder = recordArrivals(() => app.port);
      apache = await startApache(temp.dir, app, [['hcmethod=GET', 'hcmethod=OPTIONS']]);
    });

    after(async () => {
      await apache?.process.stop();
      recorder?.stop();
      await app?.stop();
      temp?.remove();
    });

    it('sends OPTIONS * HTTP/1.0, which the app refuses, and the member stays HcFl', async () => {
      const checked = () => recorder.arrived.filter((request) => request.method === 'OPTIONS').length >= 3;
      expect(await eventually(checked, 30000), apache.process.output()).to.equal(true);
      expect(recorder.arrived[0]).to.deep.equal({ method: 'OPTIONS', url: '*', version: '1.0', headers: { host: `127.0.0.1:${app.port}` } });
      expect(app.seen).to.deep.equal([]);
      expect(await eventually(async () => (await apache.status()) === 'Init HcFl', 30000)).to.equal(true);
      const refused = recorder.arrived.length;
      expect(await eventually(() => recorder.arrived.length >= refused + 2, 30000)).to.equal(true);
      expect(await apache.status()).to.equal('Init HcFl');
      expect(app.seen).to.deep.equal([]);
    });
  });
});
