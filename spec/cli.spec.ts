import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { makeProject, removeProjects } from './helpers';

// These run the built binary (dist/cli/main.js, built by `npm test`'s pretest) as a child process, as users do.
const BIN = join(__dirname, '..', 'dist', 'cli', 'main.js');
const TOKEN = 'cli-secret-token-3b9e';
const NEXT_TOKEN = 'cli-next-token-longer-7d0a';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function expectNoToken(run: Run): void {
  expect(run.stdout + run.stderr).not.to.include(TOKEN).and.not.include(NEXT_TOKEN);
}

const CONFIG = { allowedHosts: ['example.com', '10.0.0.0/8'], probe: { paths: ['/health-check/'] }, exemptPaths: ['/alb'] };
const WITH_TOKENS = { HEALTH_CHECK_HEADER_VALUE: `${TOKEN},${NEXT_TOKEN}` };

describe('the CLI', () => {
  afterEach(removeProjects);

  describe('help and usage', () => {
    for (const args of [['--help'], [], ['check', '--help'], ['explain', '--help'], ['probe', '--help']]) {
      it(`${['koa-allow-healthchecks', ...args].join(' ')} prints usage and exits 0`, async () => {
        const run = await cli(args);
        expect(run.code).to.equal(0);
        expect(run.stdout).to.match(/^Usage: koa-allow-healthchecks/);
      });
    }

    it('documents the same exit codes in the main help and in every command help', async () => {
      const main = await cli(['--help']);
      expect(main.stdout).to.include('0  pass').and.include('1  rejected').and.include('2  bad command line');
      expect(main.stdout).to.include('3  invalid configuration');
      expect((await cli(['check', '--help'])).stdout).to.include('0 valid, 2 bad command line, 3 invalid configuration');
      expect((await cli(['explain', '--help'])).stdout).to.include('0 the request would pass, 1 it would be rejected, 2 bad command line, 3 invalid');
      expect((await cli(['probe', '--help'])).stdout).to.include('0 healthy, 1 unhealthy or unreachable, 2 bad command line');
    });

    it('exits 3, not 1, when explain cannot load the configuration', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['https://example.com'] } });
      const run = await cli(['explain', '--cwd', cwd, '--host', 'example.com']);
      expect(run.code).to.equal(3);
      expect(run.stderr).to.include('allowedHosts[0]');
      const json = await cli(['explain', '--cwd', cwd, '--host', 'example.com', '--json']);
      expect(json.code).to.equal(3);
      expect(JSON.parse(json.stdout)).to.include({ valid: false });
    });

    for (const [args, says] of [
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['check', '--nope'], "Unknown option '--nope'"],
      [['probe'], 'exactly one URL'],
      [['probe', 'ftp://x/'], 'http:// or https://'],
      [['probe', 'http://127.0.0.1:1/', '--timeout', 'soon'], '--timeout must be'],
      [['explain', '--probe-header-env', 'NO_SUCH_VARIABLE'], 'the environment variable NO_SUCH_VARIABLE is not set'],
      [['explain', '--probe-header-env', 'HOME', '--probe-header', 'x'], 'not both'],
    ] as const) {
      it(`exits 2 for ${args.join(' ')}`, async () => {
        const run = await cli([...args]);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.include(says).and.include('--help');
      });
    }
  });

  describe('did you mean', () => {
    for (const [args, says] of [
      [['chek'], 'unknown command "chek"; did you mean "check"?'],
      [['explian'], 'unknown command "explian"; did you mean "explain"?'],
      [['prob'], 'unknown command "prob"; did you mean "probe"?'],
      [['--verison'], 'unknown option "--verison"; did you mean "--version"?'],
      [['check', '--jsn'], `Unknown option '--jsn'; did you mean "--json"?`],
      [['check', '--jsn=true'], `Unknown option '--jsn'; did you mean "--json"?`],
      [['explain', '--hots', 'example.com'], `Unknown option '--hots'; did you mean "--host"?`],
      [['explain', '--local-adress', '10.0.0.1:80'], `Unknown option '--local-adress'; did you mean "--local-address"?`],
      [['probe', 'http://127.0.0.1:1/', '--insecur'], `Unknown option '--insecur'; did you mean "--insecure"?`],
    ] as const) {
      it(`suggests a near name for ${args.join(' ')}, and exits 2`, async () => {
        const run = await cli([...args]);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.include(says).and.include('--help');
      });
    }

    for (const args of [['frobnicate'], ['check', '--nope'], ['check', '-x']]) {
      it(`suggests nothing for ${args.join(' ')}, which is near no name`, async () => {
        const run = await cli(args);
        expect(run.code).to.equal(2);
        expect(run.stderr).not.to.include('did you mean');
      });
    }

    it('suggests every option a command lists in its --help', async () => {
      for (const command of ['check', 'explain', 'probe']) {
        const help = (await cli([command, '--help'])).stdout;
        for (const option of new Set(help.match(/(?<![\w-])--[a-z0-9][\w-]*/g))) {
          if (option === '--help') continue;
          const typo = `${option}x`;
          expect((await cli([command, typo])).stderr, `${command} ${typo}`).to.include(`did you mean "${option}"?`);
        }
      }
    });
  });

  it('--version prints the version in package.json and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const run = await cli(['--version']);
    expect(run.code).to.equal(0);
    expect(run.stdout.trim()).to.equal(version);
  });

  describe('check', () => {
    it('prints the config file and the resolved config, with the tokens redacted', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': CONFIG });
      const run = await cli(['check', '--cwd', cwd], WITH_TOKENS);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include(join(cwd, '.healthchecksrc.json')).and.include('allowedHosts: example.com, 10.0.0.0/8');
      expect(run.stdout).to.include('tokens: [redacted] (2, from the environment variable HEALTH_CHECK_HEADER_VALUE)');
      expect(run.stdout).to.include('The configuration is valid.');
      expectNoToken(run);
    });

    it('lists the directories it searched, up to the nearest package.json, found or not', async () => {
      const root = makeProject({ '.healthchecksrc.json': CONFIG, 'src/routes/.keep': '' });
      const found = await cli(['check', '--cwd', join(root, 'src', 'routes')], WITH_TOKENS);
      expect(found.stdout).to.include(`Searched: ${join(root, 'src', 'routes')}, ${join(root, 'src')}, ${root}\n`);
      const empty = makeProject({ 'lib/.keep': '' });
      const none = await cli(['check', '--cwd', join(empty, 'lib')]);
      expect(none.code).to.equal(0);
      expect(none.stdout).to.include('Config file: none found').and.include(`Searched: ${join(empty, 'lib')}, ${empty}\n`);
      expect(none.stdout).to.include('Put healthchecks.config.json next to your package.json');
      const json = JSON.parse((await cli(['check', '--cwd', join(empty, 'lib'), '--json'])).stdout) as { searched: string[] };
      expect(json.searched).to.deep.equal([join(empty, 'lib'), empty]);
    });

    it('gives machine output with --json', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': CONFIG });
      const run = await cli(['check', '--cwd', cwd, '--json'], WITH_TOKENS);
      expect(run.code).to.equal(0);
      const report = JSON.parse(run.stdout);
      expect(report).to.deep.include({ valid: true, filepath: join(cwd, '.healthchecksrc.json') });
      expect(report.config.probe).to.deep.include({ enabled: true, header: 'X-Health', tokens: '[redacted]', tokenCount: 2, paths: ['/health-check/'] });
      expect(report.config.trustProxy).to.equal('app.proxy');
      expectNoToken(run);
    });

    it('redacts a token that sits in the config file, and advises against it', async () => {
      const cwd = makeProject({ 'healthchecks.config.yaml': `allowedHosts: [example.com]\nprobe:\n  value: ${TOKEN}\n` });
      const run = await cli(['check', '--cwd', cwd]);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('from the config file').and.include('Prefer the environment variable');
      expectNoToken(run);
    });

    it('loads --config relative to --cwd', async () => {
      const cwd = makeProject({ 'deploy/probes.json': { allowedHosts: ['deploy.example'] } });
      const run = await cli(['check', '--cwd', cwd, '--config', 'deploy/probes.json', '--json']);
      expect(JSON.parse(run.stdout).config.allowedHosts).to.deep.equal(['deploy.example']);
    });

    it('exits 3 with every problem for an invalid config', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHost: ['a.com'], probe: { methods: ['get'], value: TOKEN }, rejectStatus: 500 } });
      const run = await cli(['check', '--cwd', cwd]);
      expect(run.code).to.equal(3);
      expect(run.stderr).to.include('allowedHost is not a known option. Did you mean allowedHosts?');
      expect(run.stderr).to.include('probe.methods[0]').and.include('rejectStatus');
      expectNoToken(run);
    });

    it('reports the problems as JSON with --json', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: [] } });
      const run = await cli(['check', '--cwd', cwd, '--json']);
      expect(run.code).to.equal(3);
      const report = JSON.parse(run.stdout);
      expect(report.valid).to.equal(false);
      expect(report.filepath).to.equal(join(cwd, '.healthchecksrc.json'));
      expect(report.problems[0]).to.include('allowedHosts is empty');
    });

    it('warns about entries whose suffix is a public suffix, with exit 0, in text and in --json', async () => {
      const config = { allowedHosts: ['example.com', '.vercel.app', '*.github.io', '.co.uk', '.localhost', '.example.org'] };
      const cwd = makeProject({ '.healthchecksrc.json': config });
      const text = await cli(['check', '--cwd', cwd]);
      expect(text.code).to.equal(0);
      expect(text.stdout).to.include('Warning: allowedHosts[1] ".vercel.app" allows every name under vercel.app, a public suffix');
      expect(text.stdout).to.include('allowedHosts[2] "*.github.io"').and.include('allowedHosts[3] ".co.uk"');
      expect(text.stdout).not.to.include('".localhost" allows').and.not.include('".example.org" allows');
      const json = await cli(['check', '--cwd', cwd, '--json']);
      expect(json.code).to.equal(0);
      const report = JSON.parse(json.stdout) as { warnings: string[] };
      expect(report.warnings).to.have.length(3);
      expect(report.warnings[0]).to.include('anyone can register a name there');
    });

    it('says the public-suffix check was skipped when the optional peer tldts is not installed, with exit 0', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['.vercel.app'] } });
      const preload = join(__dirname, 'fixtures', 'without-tldts.cjs');
      const { stdout } = await promisify(execFile)(process.execPath, ['-r', preload, BIN, 'check', '--cwd', cwd], { env: { PATH: process.env.PATH ?? '' } });
      expect(stdout).to.include('Note: The public-suffix check was skipped: it needs tldts, an optional peer dependency.');
      expect(stdout).to.include('npm install --save-dev tldts').and.not.include('Warning:');
      expect(stdout).to.include('The configuration is valid.');
    });

    it('shows local-address probes and report-only mode', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com'], probe: { localAddress: true, paths: ['/healthz'] }, reportOnly: true } });
      const run = await cli(['check', '--cwd', cwd]);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('tokens: none (local-address probes only)').and.include('localAddress: on');
      expect(run.stdout).to.include('reportOnly: on').and.include('Note: reportOnly is on');
    });

    it('fails closed, as the middleware does, when a probe section has no token', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': CONFIG });
      const run = await cli(['check', '--cwd', cwd]);
      expect(run.code).to.equal(3);
      expect(run.stderr).to.include('Set the environment variable HEALTH_CHECK_HEADER_VALUE');
    });
  });

  describe('explain', () => {
    /** Runs explain with the tokens configured, and the token to test, if any, in PROBE_TOKEN. */
    async function explain(args: string[], probeToken?: string) {
      const cwd = makeProject({ '.healthchecksrc.json': CONFIG });
      const env = probeToken === undefined ? WITH_TOKENS : { ...WITH_TOKENS, PROBE_TOKEN: probeToken };
      return cli(['explain', '--cwd', cwd, ...args], env);
    }
    const TOKEN_FROM_ENV = ['--probe-header-env', 'PROBE_TOKEN'];

    it('names the allowedHosts entry that lets a host through', async () => {
      const run = await explain(['--host', 'Example.com:8443']);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('PASS: GET / with host "Example.com:8443"').and.include('allowedHosts entry "example.com"');
      expect(run.stdout).to.include('ctx.state.healthCheck: {"probe":false,"via":null,"host":"example.com"}');
    });

    it('explains a kubelet probe that passes by its token, without printing it', async () => {
      const run = await explain(['--host', '203.0.113.7:8000', '--path', '/health-check/', ...TOKEN_FROM_ENV], NEXT_TOKEN);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('decided by: the probe header').and.include('probe header: valid');
      expect(run.stderr).to.equal('');
      expectNoToken(run);
    });

    it('still takes --probe-header, with a warning that the token lands in shell history', async () => {
      const run = await explain(['--host', '203.0.113.7:8000', '--path', '/health-check/', '--probe-header', TOKEN]);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('probe header: valid');
      expect(run.stderr).to.include('--probe-header puts the token in shell history').and.include('--probe-header-env');
      expect(run.stdout + run.stderr.replace(TOKEN, '')).not.to.include(TOKEN);
    });

    for (const [args, ignoredBecause] of [
      [['--path', '/admin'], 'its path is not in probe.paths'],
      [['--path', '/health-check/', '--method', 'POST'], 'its method is not in probe.methods'],
    ] as const) {
      it(`says why a probe header was ignored: ${ignoredBecause}`, async () => {
        const run = await explain(['--host', '203.0.113.7', ...TOKEN_FROM_ENV, ...args], TOKEN);
        expect(run.code).to.equal(1);
        expect(run.stdout).to.include(`probe header: ignored: ${ignoredBecause}`).and.include('REJECT (400)');
        expectNoToken(run);
      });
    }

    it('says when the token is wrong', async () => {
      const run = await explain(['--host', '203.0.113.7', '--path', '/health-check/', ...TOKEN_FROM_ENV], 'guess');
      expect(run.stdout).to.include('probe header: ignored: the value is not a configured token');
    });

    it('names the reason for a rejection, and what would follow', async () => {
      const run = await explain(['--host', 'evil.example']);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.include('REJECT (400)').and.include('host-not-allowed: "evil.example" matches no allowedHosts entry');
      expect(run.stdout).to.include('not set (next() is not called)');
      expect((await explain(['--host', 'example.com@evil.example'])).stdout).to.include('invalid-host');
      expect((await explain([])).stdout).to.include('missing-host');
    });

    it('names the new reasons: a refused target, and a host the app would read instead', async () => {
      const target = await explain(['--host', 'example.com', '--path', 'pany://example.com/password-reset']);
      expect(target.code).to.equal(1);
      expect(target.stdout).to.include('invalid-target: the request target is not a path');
      const absolute = await explain(['--host', 'example.com', '--path', 'http://evil.example/x']);
      expect(absolute.stdout).to.include('host-mismatch');
      const passes = await explain(['--host', 'example.com', '--path', 'http://EXAMPLE.com/x']);
      expect(passes.code).to.equal(0);
    });

    it('simulates a local-address probe with --local-address, and says why one is not', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com'], probe: { localAddress: true, paths: ['/healthz'] } } });
      const run = (...args: string[]) => cli(['explain', '--cwd', cwd, '--path', '/healthz', ...args]);
      const hit = await run('--host', '10.0.3.17:8000', '--local-address', '10.0.3.17:8000');
      expect(hit.code).to.equal(0);
      expect(hit.stdout).to.include('local-address probe: yes').and.include('"via":"localAddress"');
      const ipv6 = await run('--host', '[fd00::5]', '--local-address', '[fd00::5]:8000');
      expect(ipv6.code).to.equal(0);
      for (const [args, why] of [
        [['--host', '10.0.3.17:8000', '--local-address', '10.0.3.18:8000'], 'another address'],
        [['--host', '10.0.3.17:8001', '--local-address', '10.0.3.17:8000'], 'another port'],
        [['--host', 'app.internal:8000', '--local-address', '10.0.3.17:8000'], 'not an IP address'],
        [['--host', '10.0.3.17:8000', '--local-address', '10.0.3.17:8000', '--forwarded-host', 'example.com'], 'not a direct connection'],
        [['--host', '10.0.3.17:8000', '--local-address', '10.0.3.17:8000', '--method', 'POST'], 'its method is not in probe.methods'],
      ] as const) {
        const miss = await run(...args);
        expect(miss.code, why).to.equal(1);
        expect(miss.stdout, why).to.include(`local-address probe: no: `).and.include(why);
      }
      const hostless = await run('--http10', '--local-address', '10.0.3.17:8000');
      expect(hostless.code, 'HTTP/1.0 with no Host').to.equal(0);
      expect(hostless.stdout).to.include('local-address probe: yes').and.include('an HTTP/1.0 request with no Host');
      expect((await run('--local-address', '10.0.3.17:8000')).code, 'HTTP/1.1 with no Host').to.equal(1);
      const bad = await run('--host', 'x', '--local-address', '10.0.3.17');
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.include('--local-address must be an IP address and a port');
    });

    it('says when report-only mode lets a rejection through', async () => {
      const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com'], reportOnly: true } });
      const run = await cli(['explain', '--cwd', cwd, '--host', 'evil.example']);
      expect(run.code).to.equal(1);
      expect(run.stdout).to.include('REJECT (400), but reportOnly is on: it goes on to the app, flagged');
    });

    it('explains an exempt path', async () => {
      const run = await explain(['--host', '172.31.0.9', '--path', '/alb?probe=1']);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('decided by: exemptPaths');
    });

    it('validates X-Forwarded-Host behind a trusted proxy', async () => {
      const trusted = await explain(['--host', '10.1.2.3', '--forwarded-host', 'evil.example', '--trust-proxy']);
      expect(trusted.code).to.equal(1);
      expect(trusted.stdout).to.include('(from X-Forwarded-Host)');
      const untrusted = await explain(['--host', '10.1.2.3', '--forwarded-host', 'evil.example']);
      expect(untrusted.code).to.equal(0);
    });

    it('gives machine output with --json', async () => {
      const run = await explain(['--host', '10.244.1.7:8000', '--path', '/health-check/', ...TOKEN_FROM_ENV, '--json'], TOKEN);
      const report = JSON.parse(run.stdout);
      expect(report).to.deep.include({ allowed: true, status: null, probeHeader: 'valid', state: { probe: true, via: 'header', host: '10.244.1.7' } });
      expectNoToken(run);
    });
  });

  describe('probe', () => {
    let server: Server;
    let port: number;
    let seen: IncomingHttpHeaders[] = [];
    let respond: (path: string) => number | 'hang' = () => 200;

    before(async () => {
      server = createServer((request, response) => {
        seen.push(request.headers);
        const status = respond(request.url ?? '/');
        if (status === 'hang') return;
        response.writeHead(status).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    beforeEach(() => {
      seen = [];
      respond = () => 200;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    it('exits 0 for a 2xx, sending the first token like a kubelet, and never prints it', async () => {
      const run = await cli(['probe', `http://127.0.0.1:${port}/health-check/`], WITH_TOKENS);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.include('200 OK');
      expect(seen[0]).to.deep.include({ 'x-health': TOKEN, 'user-agent': 'kube-probe/koa-allow-healthchecks', host: `127.0.0.1:${port}` });
      expectNoToken(run);
    });

    it('exits 0 for a 3xx, as the kubelet counts it healthy', async () => {
      respond = () => 302;
      expect((await cli(['probe', `http://127.0.0.1:${port}/`])).code).to.equal(0);
    });

    for (const status of [400, 404, 500, 503]) {
      it(`exits 1 for ${status}`, async () => {
        respond = () => status;
        const run = await cli(['probe', `http://127.0.0.1:${port}/`], WITH_TOKENS);
        expect(run.code).to.equal(1);
        expect(run.stderr).to.include(String(status));
        expectNoToken(run);
      });
    }

    it("prints the standard reason phrase, never the server's, which could echo the token", async () => {
      const echo = createServer((request, response) => {
        response.writeHead(503, `Bad ${String(request.headers['x-health'])}`).end();
      });
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      try {
        const run = await cli(['probe', `http://127.0.0.1:${(echo.address() as AddressInfo).port}/`], WITH_TOKENS);
        expect(run.code).to.equal(1);
        expect(run.stderr).to.include('503 Service Unavailable');
        expectNoToken(run);
      } finally {
        echo.close();
      }
    });

    it('uses --header, --value-env and --host', async () => {
      await cli(['probe', `http://127.0.0.1:${port}/`, '--header', 'X-Probe', '--value-env', 'MY_TOKEN', '--host', 'app.example'], { MY_TOKEN: TOKEN });
      expect(seen[0]).to.deep.include({ 'x-probe': TOKEN, host: 'app.example' });
      expect(seen[0]).not.to.have.property('x-health');
    });

    it('sends no header, and says so, when the variable is unset', async () => {
      const run = await cli(['probe', `http://127.0.0.1:${port}/`]);
      expect(run.stdout).to.include('no token in HEALTH_CHECK_HEADER_VALUE');
      expect(seen[0]).not.to.have.property('x-health');
    });

    it('exits 1 when nothing answers in time', async () => {
      respond = () => 'hang';
      const run = await cli(['probe', `http://127.0.0.1:${port}/`, '--timeout', '200']);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('no complete response within 200 ms');
    });

    for (const [what, dribble] of [
      ['header bytes', 'HTTP/1.1 200 OK\r\n'],
      ['body bytes', 'HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n'],
    ] as const) {
      it(`treats --timeout as a deadline for the whole exchange, against a server that dribbles ${what}`, async () => {
        // Each byte arrives well within any idle timeout, so only a deadline for the whole exchange ends this.
        const sockets = new Set<Socket>();
        const dribbler = createNetServer((socket) => {
          sockets.add(socket);
          socket.on('error', () => undefined);
          socket.write(dribble);
          const timer = setInterval(() => socket.write(what === 'header bytes' ? 'X-Slow: 1\r\n' : 'x'), 20);
          socket.on('close', () => clearInterval(timer));
        });
        await new Promise<void>((resolve) => dribbler.listen(0, '127.0.0.1', resolve));
        try {
          const run = await cli(['probe', `http://127.0.0.1:${(dribbler.address() as AddressInfo).port}/`, '--timeout', '300']);
          expect(run.code).to.equal(1);
          expect(run.stderr).to.include('no complete response within 300 ms');
        } finally {
          for (const socket of sockets) socket.destroy();
          dribbler.close();
        }
      });
    }

    it('exits 1 when the connection is refused', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const run = await cli(['probe', `http://127.0.0.1:${closedPort}/`]);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('ECONNREFUSED');
    });
  });
});
