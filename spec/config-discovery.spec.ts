import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../src';
import { makeDirectory, makeProject, removeProjects } from './helpers';

// These start a real app in a fresh process, from the directory a process manager would start it in, and look at what
// the app answers: the config search depends on the process's working directory and entry module, which a test
// inside mocha's own process cannot vary.
const DIST = join(__dirname, '..', 'dist');
const KOA = require.resolve('koa');

/** An app that serves `Host: app.example` and prints the status it answered with. */
const SERVER = `
const http = require('node:http');
const Koa = require(${JSON.stringify(KOA)});
const { healthChecks } = require(${JSON.stringify(DIST)});
const app = new Koa();
app.use(healthChecks(OPTIONS));
app.use((ctx) => { ctx.body = 'ok'; });
const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  http.get({ host: '127.0.0.1', port, path: '/', headers: { host: 'app.example' } }, (response) => {
    console.log('STATUS ' + response.statusCode);
    server.close();
  });
});
`;

function serverFile(options = 'undefined'): string {
  return SERVER.replace('OPTIONS', options);
}

interface Started {
  status: number | undefined;
  stderr: string;
}

/** Runs `node <entry>` with the working directory `cwd`, as systemd, pm2 or a Dockerfile's CMD would. */
function start(entry: string, cwd: string, env: Record<string, string> = {}): Started {
  const result = spawnSync(process.execPath, [entry], { cwd, encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH ?? '', ...env } });
  const status = /STATUS (\d+)/.exec(result.stdout)?.[1];
  return { status: status === undefined ? undefined : Number(status), stderr: result.stderr };
}

const APP_CONFIG = { allowedHosts: ['app.example'] };

describe('config discovery', () => {
  afterEach(removeProjects);

  describe('from the directory of the entry module', () => {
    it('finds the config next to package.json when the app is started from /', () => {
      const app = makeProject({ 'healthchecks.config.json': APP_CONFIG, 'server.js': serverFile() });
      const started = start(join(app, 'server.js'), '/');
      expect(started.status, started.stderr).to.equal(200);
      expect(started.stderr).not.to.include('KOA_ALLOW_HEALTHCHECKS_NO_CONFIG');
    });

    it('finds it when the entry module is deeper in the project, such as dist/server.js', () => {
      const app = makeProject({ '.healthchecksrc.json': APP_CONFIG, 'dist/server.js': serverFile() });
      expect(start(join(app, 'dist', 'server.js'), '/').status).to.equal(200);
    });

    it('finds it when a process manager loads the app from a main module of its own, as pm2 does', () => {
      const app = makeProject({ 'healthchecks.config.json': APP_CONFIG, 'server.js': serverFile() });
      const manager = makeProject({ 'container.js': `process.argv[1] = ${JSON.stringify(join(app, 'server.js'))}; require(process.argv[1]);` });
      expect(start(join(manager, 'container.js'), '/').status).to.equal(200);
    });

    it('prefers a config found from the working directory', () => {
      const app = makeProject({ 'healthchecks.config.json': APP_CONFIG, 'server.js': serverFile() });
      const elsewhere = makeProject({ 'healthchecks.config.json': { allowedHosts: ['other.example'] } });
      expect(start(join(app, 'server.js'), elsewhere).status).to.equal(400);
    });

    it('is not searched when the cwd option is given: only that directory is', () => {
      const app = makeProject({ 'healthchecks.config.json': APP_CONFIG, 'server.js': serverFile(`{ cwd: ${JSON.stringify('/')} }`) });
      const started = start(join(app, 'server.js'), '/');
      expect(started.status).to.equal(400);
      expect(started.stderr).to.include('no config file found in /,');
    });
  });

  describe('never above the project', () => {
    /** A config in a parent directory that records it ran, and would allow app.example. */
    function plantedParent(): { parent: string; ran: string } {
      const parent = makeDirectory({});
      const ran = join(parent, 'RAN');
      writeFileSync(
        join(parent, '.healthchecksrc.js'),
        `require('node:fs').writeFileSync(${JSON.stringify(ran)}, 'x'); module.exports = { allowedHosts: ['app.example'] };`,
      );
      return { parent, ran };
    }

    it('never runs a .js config planted above a directory with no package.json, started from there', () => {
      const { parent, ran } = plantedParent();
      const app = join(parent, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'server.js'), serverFile());
      const started = start(join(app, 'server.js'), app);
      expect(existsSync(ran)).to.equal(false);
      expect(started.status).to.equal(400);
      expect(started.stderr).to.include(`no config file found in ${app}, and no allowedHosts option`);
    });

    it('never runs it when started from / either: / and the entry directory alone are searched', () => {
      const { parent, ran } = plantedParent();
      const app = join(parent, 'app');
      mkdirSync(app);
      writeFileSync(join(app, 'server.js'), serverFile());
      const started = start(join(app, 'server.js'), '/');
      expect(existsSync(ran)).to.equal(false);
      expect(started.stderr).to.include(`no config file found in /, ${app}, and`);
    });

    it('never runs a .config/config.js in the working directory, which cosmiconfig itself would run', () => {
      const cwd = makeProject({ 'healthchecks.config.json': APP_CONFIG });
      const ran = join(cwd, 'RAN');
      mkdirSync(join(cwd, '.config'));
      writeFileSync(join(cwd, '.config', 'config.js'), `require('node:fs').writeFileSync(${JSON.stringify(ran)}, 'x');`);
      writeFileSync(join(cwd, 'server.js'), serverFile());
      expect(start(join(cwd, 'server.js'), cwd).status).to.equal(200);
      expect(existsSync(ran)).to.equal(false);
    });

    describe('a directory anyone can write to, such as /tmp', () => {
      /** A mode-1777 directory holding another user's config, which runs code and allows every host. */
      function sharedDirectory(withPackageJson: boolean): { shared: string; ran: string } {
        const shared = makeDirectory({});
        const ran = join(shared, 'RAN');
        if (withPackageJson) writeFileSync(join(shared, 'package.json'), '{"name":"planted"}');
        writeFileSync(join(shared, 'healthchecks.config.js'), `require('node:fs').writeFileSync(${JSON.stringify(ran)}, 'x');\nmodule.exports = { allowedHosts: ['*'] };\n`);
        chmodSync(shared, 0o1777);
        return { shared, ran };
      }

      for (const withPackageJson of [false, true]) {
        it(`is never searched${withPackageJson ? ', even with a package.json planted in it' : ''}: the app's own config applies`, () => {
          const { shared, ran } = sharedDirectory(withPackageJson);
          const app = makeProject({ 'healthchecks.config.json': APP_CONFIG, 'server.js': serverFile() });
          const started = start(join(app, 'server.js'), shared);
          expect(existsSync(ran)).to.equal(false);
          expect(started.status, started.stderr).to.equal(200);
          expect(started.stderr).not.to.include('KOA_ALLOW_HEALTHCHECKS_NO_CONFIG');
        });
      }

      it('is named in the warning when nothing else is found', () => {
        const { shared, ran } = sharedDirectory(false);
        const entry = makeDirectory({ 'server.js': serverFile() });
        chmodSync(entry, 0o1777);
        const started = start(join(entry, 'server.js'), shared);
        expect(existsSync(ran)).to.equal(false);
        expect(started.stderr).to.include('no config file found in no directory that is safe to search');
        expect(started.stderr).to.include(`${shared}, ${entry} were not searched: anyone can write there.`);
      });
    });

    it('stops at the nearest package.json', () => {
      const outer = makeProject({ '.healthchecksrc.json': APP_CONFIG, 'packages/app/package.json': { name: 'app' } });
      expect(loadConfig({ cwd: join(outer, 'packages', 'app') })).to.equal(null);
      expect(loadConfig({ cwd: join(outer, 'packages') })?.filepath).to.equal(join(outer, '.healthchecksrc.json'));
    });
  });

  describe('when nothing is found', () => {
    it('warns once, in every environment, naming the directories searched and the way to silence it', () => {
      const app = makeProject({ 'lib/server.js': `${serverFile()}\nhealthChecks();\nhealthChecks();\n` });
      for (const NODE_ENV of ['development', 'production', 'test']) {
        const started = start(join(app, 'lib', 'server.js'), '/', { NODE_ENV });
        const warnings = started.stderr.split('\n').filter((line) => line.includes('KOA_ALLOW_HEALTHCHECKS_NO_CONFIG'));
        expect(warnings, NODE_ENV).to.have.length(1);
        expect(warnings[0]).to.include(`no config file found in /, ${join(app, 'lib')}, ${app}, and no allowedHosts option`);
        expect(warnings[0]).to.include('healthchecks.config.json next to your package.json').and.include('configFile: false');
        expect(started.stderr).not.to.include('KOA_ALLOW_HEALTHCHECKS_DEFAULT_HOSTS');
      }
    });

    it('says that the probe bypass is open on every path when a token is set', () => {
      const app = makeProject({ 'server.js': serverFile() });
      const started = start(join(app, 'server.js'), '/', { HEALTH_CHECK_HEADER_VALUE: 'a-token-9f2c' });
      expect(started.stderr).to.include('The probe bypass is on (HEALTH_CHECK_HEADER_VALUE is set) on every path');
      expect(started.stderr).not.to.include('a-token-9f2c');
    });

    for (const [options, why] of [
      ['{ configFile: false }', 'configFile: false'],
      [`{ allowedHosts: ['app.example'] }`, 'an allowedHosts option'],
    ] as const) {
      it(`does not warn with ${why}`, () => {
        const app = makeProject({ 'server.js': serverFile(options) });
        const started = start(join(app, 'server.js'), '/');
        expect(started.status).to.be.oneOf([200, 400]);
        expect(started.stderr).not.to.include('KOA_ALLOW_HEALTHCHECKS_NO_CONFIG');
      });
    }
  });
});
