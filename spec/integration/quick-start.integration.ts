import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'chai';
import { get } from '../demo-server';
import { freePort } from './free-port';
import { curlStatus, run, startApp, untilListening, type App } from './quick-start-app';
import { containerToken, kubeletProbes, README_PORT, readQuickStart, type QuickStart } from './quick-start-readme';

// The README's Quick start, done as a reader would: the package packed as npm would publish it, a new app made with
// `npm init -y`, the README's install line, its server.js and healthchecks.config.json, its run line, and its curl
// lines, each of which must answer the status its comment gives. Then the Kubernetes section's probes, sent as the
// kubelet sends them. Only the port changes, to a free one.

const ROOT = resolve(__dirname, '..', '..');
const README = join(ROOT, 'README.md');

describe('the README Quick start, from the packed tarball', function () {
  this.timeout(60_000);
  let quick: QuickStart;
  let config: { probe?: { header?: string; valueEnv?: string; paths?: string[] }; $schema?: string };
  let scratch: string;
  let appDir: string;
  const started: App[] = [];

  before(async function () {
    this.timeout(300_000);
    quick = readQuickStart(readFileSync(README, 'utf8'));
    config = JSON.parse(quick.configText) as typeof config;
    if (!existsSync(join(ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run `npm run build` first, as `npm run test:integration` does');
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-quick-start-')));
    const [packed] = JSON.parse(await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], ROOT)) as { filename: string }[];
    const tarball = join(scratch, (packed as { filename: string }).filename);
    appDir = join(scratch, 'app');
    mkdirSync(appDir);
    await run('npm', ['init', '-y'], appDir);
    const packages = quick.packages.map((name) => (name === 'koa-allow-healthchecks' ? tarball : name));
    await run('npm', ['install', ...packages, '--no-audit', '--no-fund'], appDir);
    writeFileSync(join(appDir, quick.configName), quick.configText);
  });

  after(async () => {
    await Promise.all(started.map((app) => app.stop()));
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  });

  async function start(env: Readonly<Record<string, string>>): Promise<{ app: App; port: number }> {
    const port = await freePort();
    expect(quick.server, `server.js listens on ${README_PORT}`).to.match(new RegExp(`\\b${README_PORT}\\b`));
    writeFileSync(join(appDir, quick.script), quick.server.replace(new RegExp(`\\b${README_PORT}\\b`, 'g'), String(port)));
    const app = startApp(appDir, quick.script, { ...env });
    started.push(app);
    return { app, port };
  }

  it('installs Koa and this package, into an app that npm init made CommonJS', () => {
    expect(quick.packages).to.include.members(['koa', 'koa-allow-healthchecks']);
    const manifest = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { type?: string };
    if ('type' in manifest) expect(manifest.type).to.equal('commonjs');
    const installed = JSON.parse(readFileSync(join(appDir, 'node_modules', 'koa-allow-healthchecks', 'package.json'), 'utf8')) as { version: string };
    const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).to.equal(ours.version);
  });

  it("has the config's $schema lead to the installed package's schema.json", function () {
    if (config.$schema === undefined) this.skip();
    const schema = resolve(appDir, config.$schema);
    expect(existsSync(schema), schema).to.equal(true);
    expect(readFileSync(schema, 'utf8')).to.equal(readFileSync(join(ROOT, 'schema.json'), 'utf8'));
  });

  describe('started with the run line', () => {
    let port: number;
    let app: App;
    before(async () => {
      ({ app, port } = await start(quick.runEnv));
      await untilListening(app, port);
    });
    after(() => app?.stop());

    it('answers each curl line with the status its comment gives', async () => {
      const got = [];
      for (const { line } of quick.curls) got.push(`${await curlStatus(line, port, { ...quick.runEnv })}  ${line}`);
      expect(got, app.output()).to.deep.equal(quick.curls.map(({ line, status }) => `${status}  ${line}`));
    });

    it('has the Kubernetes probes match the Quick start: port, paths, header and token', () => {
      const variable = config.probe?.valueEnv ?? 'HEALTH_CHECK_HEADER_VALUE';
      const token = quick.runEnv[variable];
      expect(token, `the run line sets ${variable}`).to.be.a('string');
      const container = quick.containers[0];
      const probes = kubeletProbes(container);
      for (const entry of container.ports ?? []) expect(entry.containerPort, 'containerPort').to.equal(README_PORT);
      expect(Object.keys(probes)).to.include.members(['livenessProbe', 'readinessProbe']);
      for (const [name, { path, port: probePort, headers, host, scheme }] of Object.entries(probes)) {
        expect(host, `${name} goes to the pod's IP: no httpGet.host`).to.equal(undefined);
        expect(scheme ?? 'HTTP', `${name} scheme`).to.equal('HTTP');
        expect(probePort, `${name} port`).to.equal(README_PORT);
        expect(config.probe?.paths ?? [], `${name} path in probe.paths`).to.include(path);
        const header = headers.find((entry) => entry.name.toLowerCase() === (config.probe?.header ?? 'X-Health').toLowerCase());
        expect(header?.value, `${name} sends ${config.probe?.header ?? 'X-Health'} with the run line's token`).to.equal(token);
      }
      if (quick.secrets.length > 0) {
        expect(containerToken(container, variable, quick.secrets), `the container's ${variable}`).to.equal(token);
      } else {
        // The snippet shows the container alone: its token comes from a Secret the recipe's whole manifest defines.
        const entry = (container.env ?? []).find((candidate: { name?: string }) => candidate.name === variable);
        expect(entry?.valueFrom?.secretKeyRef, `the container's ${variable} comes from a Secret`).to.have.keys('name', 'key');
      }
    });

    it("passes the kubelet's probes as the Kubernetes section sends them, and not without their header", async () => {
      const probes = kubeletProbes(quick.containers[0]);
      for (const [name, probe] of Object.entries(probes)) {
        const kubelet = { Host: `10.244.1.7:${probe.port}`, 'User-Agent': 'kube-probe/1.31', Accept: '*/*', Connection: 'close' };
        const withHeader = Object.fromEntries(probe.headers.map(({ name: header, value }) => [header, value]));
        const answered = await get(`http://127.0.0.1:${port}${probe.path}`, { ...kubelet, ...withHeader });
        expect(answered.status, `${name} ${probe.path}`).to.be.within(200, 299);
        expect((await get(`http://127.0.0.1:${port}${probe.path}`, kubelet)).status, `${name} without its header`).to.equal(400);
      }
    });
  });

  it('without the token variable, does not start, and says to set HEALTH_CHECK_HEADER_VALUE', async function () {
    this.timeout(20_000);
    const promise = readFileSync(README, 'utf8')
      .split(/(?<=[.!?])\s+/)
      .find((sentence) => /token/.test(sentence) && /startup error/.test(sentence));
    expect(promise, 'the README says a probe section without a token is a startup error').to.be.a('string');
    const withoutToken = Object.fromEntries(Object.entries(quick.runEnv).filter(([name]) => name !== 'HEALTH_CHECK_HEADER_VALUE'));
    const { app } = await start(withoutToken);
    let timer: NodeJS.Timeout | undefined;
    const stillRunning = new Promise<'still running'>((done) => (timer = setTimeout(() => done('still running'), 15_000)));
    const code = await Promise.race([app.exited, stillRunning]);
    clearTimeout(timer);
    expect(code, app.output()).to.be.a('number').and.not.equal(0);
    expect(app.output()).to.include(`Invalid koa-allow-healthchecks configuration in config file ${join(appDir, quick.configName)}:`);
    expect(app.output()).to.include('probe is configured but no token is set. Set the environment variable HEALTH_CHECK_HEADER_VALUE');
  });
});
