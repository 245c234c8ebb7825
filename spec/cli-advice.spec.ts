import { expect } from 'chai';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../src/cli/main';
import { makeProject, removeProjects } from './helpers';

const TOKEN = 'ci-advice-token-8e2a';
const PROBED = { allowedHosts: ['example.com'], probe: { paths: ['/ready'] } };

async function run(args: string[], env: Record<string, string> = {}) {
  const result = await runCli(args, { PATH: process.env.PATH ?? '', ...env });
  expect(result.stdout + (result.stderr ?? '')).not.to.include(TOKEN);
  return result;
}

describe('the CLI in CI, and where its answers come from', () => {
  afterEach(removeProjects);

  describe('--allow-missing-token', () => {
    it('check: stays strict without it, and with it exits 0 with a warning that names the variable', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': PROBED });
      const strict = await run(['check', '--cwd', cwd]);
      expect(strict.exitCode).to.equal(3);
      expect(strict.stderr).to.include('no token is set').and.include('add --allow-missing-token to check the rest');
      const lenient = await run(['check', '--cwd', cwd, '--allow-missing-token']);
      expect(lenient.exitCode).to.equal(0);
      expect(lenient.stdout).to.include('Warning: HEALTH_CHECK_HEADER_VALUE is not set (or empty)').and.include('tokens: none: HEALTH_CHECK_HEADER_VALUE is not set');
      expect(lenient.stdout).to.include('The configuration is valid.');
      const json = JSON.parse((await run(['check', '--cwd', cwd, '--allow-missing-token', '--json'])).stdout) as { warnings: string[]; config: { probe: { tokenMissing: boolean } } };
      expect(json.warnings[0]).to.include('HEALTH_CHECK_HEADER_VALUE is not set');
      expect(json.config.probe.tokenMissing).to.equal(true);
    });

    it('check: still refuses every other problem', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { ...PROBED, allowedHosts: ['10.0.0.0/33'] } });
      expect((await run(['check', '--cwd', cwd, '--allow-missing-token'])).exitCode).to.equal(3);
    });

    it('explain: decides the host, warns on stderr, and a header probe cannot pass', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': PROBED });
      expect((await run(['explain', '--cwd', cwd, '--host', 'example.com'])).exitCode).to.equal(3);
      const host = await run(['explain', '--cwd', cwd, '--host', 'example.com', '--allow-missing-token']);
      expect(host.exitCode).to.equal(0);
      expect(host.stderr).to.include('warning: HEALTH_CHECK_HEADER_VALUE is not set');
      const probe = await run(['explain', '--cwd', cwd, '--host', '10.0.0.5:8000', '--path', '/ready', '--probe-header-env', 'CI_TOKEN', '--allow-missing-token'], { CI_TOKEN: TOKEN });
      expect(probe.exitCode).to.equal(1);
    });

    it('makes no difference when the token is set', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': PROBED });
      const result = await run(['check', '--cwd', cwd, '--allow-missing-token'], { HEALTH_CHECK_HEADER_VALUE: TOKEN });
      expect(result.stdout).not.to.include('Warning: HEALTH_CHECK_HEADER_VALUE');
      expect(result.stdout).to.include('tokens: [redacted] (1, from the environment variable HEALTH_CHECK_HEADER_VALUE)');
    });
  });

  describe('check says where each allowedHosts entry came from', () => {
    it('the file, entry by entry', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com', '.example.org'] } });
      const { stdout } = await run(['check', '--cwd', cwd]);
      const file = join(cwd, '.healthchecksrc.json');
      expect(stdout).to.include(`  example.com: from config file ${file}, allowedHosts[0]\n  .example.org: from config file ${file}, allowedHosts[1]`);
    });

    it('the environment variable, which replaces the file', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['file.example'] } });
      const { stdout } = await run(['check', '--cwd', cwd], { ALLOWED_HOSTS: 'a.example,b.example' });
      expect(stdout).to.include('allowedHosts: a.example, b.example\n');
      expect(stdout).to.include('  a.example: from the environment variable ALLOWED_HOSTS, entry 1\n  b.example: from the environment variable ALLOWED_HOSTS, entry 2');
      expect(stdout).not.to.include('file.example');
    });

    it('the defaults', async () => {
      const { stdout } = await run(['check', '--cwd', makeProject({})]);
      expect(stdout).to.include('  .localhost: from the development defaults');
    });

    it('names the variable and the entry of a bad one, and exits 3', async () => {
      const result = await run(['check', '--cwd', makeProject({})], { ALLOWED_HOSTS: 'example.com, http://shop.example' });
      expect(result.exitCode).to.equal(3);
      expect(result.stderr).to.include('the environment variable ALLOWED_HOSTS').and.include('ALLOWED_HOSTS entry 2 "http://shop.example"');
    });
  });

  describe('a config file under a name the search does not read', () => {
    it('check names it and the name to give it, and the name it gives is found', async () => {
      const cwd = makeProject({ 'healthchecks.json': { allowedHosts: ['example.com'] }, '.config/.healthchecksrc.json': { allowedHosts: ['example.com'] } });
      const { stdout } = await run(['check', '--cwd', cwd]);
      expect(stdout).to.include(`${join(cwd, 'healthchecks.json')} is not a name the search reads: rename it healthchecks.config.json.`);
      expect(stdout).to.include(`${join(cwd, '.config', '.healthchecksrc.json')} is not a name the search reads: rename it .config/healthchecksrc.json.`);
      renameSync(join(cwd, 'healthchecks.json'), join(cwd, 'healthchecks.config.json'));
      const fixed = await run(['check', '--cwd', cwd]);
      expect(fixed.stdout).to.include(`Config file: ${join(cwd, 'healthchecks.config.json')}`).and.not.include('is not a name the search reads');
    });
  });

  describe('probe endpoints', () => {
    it('check lists them, and explain says the middleware answers one', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com'], endpoints: { readiness: '/readyz', liveness: '/livez' } } });
      const checked = (await run(['check', '--cwd', cwd])).stdout;
      expect(checked).to.include('endpoints: liveness /livez, readiness /readyz (answered by the middleware; they are probe paths)');
      expect(checked).to.include('shutdown (with guard.lifecycle(server)): on SIGTERM, SIGINT, drain for 5000 ms, then wait up to 30000 ms');
      const explained = await run(['explain', '--cwd', cwd, '--host', 'example.com', '--path', '/readyz']);
      expect(explained.stdout).to.include('answered by: the readiness endpoint');
      expect((await run(['explain', '--cwd', cwd, '--host', 'example.com', '--path', '/readyz', '--method', 'POST'])).stdout).not.to.include('answered by');
    });
  });

  describe('check on port pins', () => {
    it('flags a pin on 443 or 80, which browsers never send, and names the entry that works', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com:443', '*.example.org:80', 'api.example.net:8443'] } });
      const { stdout } = await run(['check', '--cwd', cwd]);
      expect(stdout).to.include('Note: allowedHosts entry "example.com:443" allows a host only with ":443"').and.include('a browser at https://example.com/ sends "example.com"');
      expect(stdout).to.include('List "example.com" to allow it on any port.');
      expect(stdout).to.include('allowedHosts entry "*.example.org:80"').and.include('http://www.example.org/');
      expect(stdout).not.to.include('"api.example.net:8443" allows');
    });
  });

  describe('explain and a forwarded host', () => {
    it('says the forwarded host was ignored without --trust-proxy, with the advice the warning gives', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com'] } });
      const ignored = await run(['explain', '--cwd', cwd, '--host', '127.0.0.1:3032', '--forwarded-host', 'example.com']);
      expect(ignored.exitCode).to.equal(1);
      expect(ignored.stdout).to.include('X-Forwarded-Host: ignored: the app does not trust a proxy (app.proxy is off). Pass --trust-proxy');
      expect(ignored.stdout).to.include('advice: Rejected Host "127.0.0.1:3032", sent with X-Forwarded-Host "example.com"').and.include('set app.proxy = true');
      expect(ignored.stdout).to.include('Do not add "127.0.0.1"');
      const trusted = await run(['explain', '--cwd', cwd, '--host', '127.0.0.1:3032', '--forwarded-host', 'example.com', '--trust-proxy']);
      expect(trusted.exitCode).to.equal(0);
      expect(trusted.stdout).to.include('X-Forwarded-Host: read');
    });
  });
});
