import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { eventually, recipeDir, startProbedApp, type ProbedApp, substitute } from './probed-app';

// The monitoring plugins' check_http (Debian's monitoring-plugins-basic) run with the command lines of
// docs/recipes/check-http's commands.cfg files, as Nagios would run them. The verdict is check_http's own: its exit
// code (0 OK, 2 CRITICAL) and the first line it prints. .ci/run installs the package when it is missing.

const RECIPE = recipeDir('check-http');
const PLUGINS = '/usr/lib/nagios/plugins';
const TOKEN = 'nagios-probe-token-b52c91';
const USER_AGENT = 'check_http/v2.3.3 (monitoring-plugins 2.3.3)';

/**
 * The command line of `name` in a recipe's commands.cfg, for the app on 127.0.0.1:`port`, with the macros Nagios
 * would expand: $USER1$ (the plugin directory), $HOSTADDRESS$ (the host's address), $USER3$ (the token, from
 * resource.cfg). A macro left over is an error.
 */
function commandLine(file: string, name: string, port: number, edits: Record<string, string> = {}): string {
  const text = substitute(readFileSync(join(RECIPE, file), 'utf8'), { '-p 8000': `-p ${port}` });
  const commands = new Map<string, string>();
  for (const [, body] of text.matchAll(/define\s+command\s*\{([^}]*)\}/g)) {
    const field = (key: string) => new RegExp(`^\\s*${key}\\s+(.+?)\\s*$`, 'm').exec(body ?? '')?.[1];
    const commandName = field('command_name');
    const line = field('command_line');
    if (commandName !== undefined && line !== undefined) commands.set(commandName, line);
  }
  const line = commands.get(name);
  if (line === undefined) throw new Error(`${file} defines no command ${name}`);
  const macros: Record<string, string> = { USER1: PLUGINS, HOSTADDRESS: '127.0.0.1', USER3: TOKEN };
  const expanded = substitute(line, edits).replace(/\$([A-Z0-9]+)\$/g, (match, macro: string) => {
    const value = macros[macro];
    if (value === undefined) throw new Error(`${file}: no value for ${match}`);
    return value;
  });
  return expanded;
}

/** Runs a command line as Nagios does one with quotes in it (through /bin/sh), and reads check_http's verdict. */
function run(line: string): Promise<{ code: number; first: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', line], { timeout: 20000 }, (error, stdout) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, first: stdout.split('\n')[0] ?? '' });
    });
  });
}

/** A listener that records each request head as sent, and answers 200: what check_http sends, byte for byte. */
async function recorded(command: (port: number) => string): Promise<{ port: number; line: string; headers: string[] }> {
  let head = '';
  const server = createServer((socket) => {
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (!data.includes('\r\n\r\n')) return;
      head = data.slice(0, data.indexOf('\r\n\r\n'));
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    expect((await run(command(port))).code).to.equal(0);
  } finally {
    await new Promise((done) => server.close(done));
  }
  const [line = '', ...headers] = head.split('\r\n');
  return { port, line, headers };
}

const OK = /^HTTP OK: Status line output matched "200" - /;
const REFUSED = /^HTTP CRITICAL - Invalid HTTP response received from host on port \d+: HTTP\/1\.1 400 Bad Request$/;

describe('check_http (monitoring-plugins 2.3.3) with docs/recipes/check-http: local-address probes and allowed names', function () {
  this.timeout(60000);
  let app: ProbedApp;
  const command = (name: string, edits?: Record<string, string>) => commandLine('commands.cfg', name, app.port, edits);

  before(async () => (app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'))));
  after(async () => app?.stop());

  it('sends GET HTTP/1.0 with no Host without -H, and GET HTTP/1.1 with Host: <name>:<port> with -H', async () => {
    expect(await recorded((port) => commandLine('commands.cfg', 'check_koa_health', port))).to.deep.include({
      line: 'GET /health-check/ HTTP/1.0',
      headers: [`User-Agent: ${USER_AGENT}`, 'Connection: close'],
    });
    const vhost = await recorded((port) => commandLine('commands.cfg', 'check_koa_health_vhost', port));
    expect(vhost.line).to.equal('GET /health-check/ HTTP/1.1');
    expect(vhost.headers).to.deep.equal([`User-Agent: ${USER_AGENT}`, 'Connection: close', `Host: shop.example.com:${vhost.port}`]);
  });

  it('check_koa_health (-I, no -H): OK, a Host-less HTTP/1.0 request let through as a local-address probe', async () => {
    const result = await run(command('check_koa_health'));
    expect(result.code, result.first).to.equal(0);
    expect(result.first).to.match(OK);
    expect(app.seen.at(-1)).to.deep.equal({
      method: 'GET',
      path: '/health-check/',
      host: '',
      userAgent: USER_AGENT,
      state: { probe: true, via: 'localAddress', host: null },
    });
  });

  it('check_koa_health_vhost (-H shop.example.com): OK, an ordinary request to an allowed host', async () => {
    const result = await run(command('check_koa_health_vhost'));
    expect(result.code, result.first).to.equal(0);
    expect(app.seen.at(-1)?.state).to.deep.equal({ probe: false, via: null, host: 'shop.example.com' });
  });

  it("-H '$HOSTADDRESS$' (the form of Debian's stock check_http command): OK, Host: <IP>:<port> is a local-address probe", async () => {
    const result = await run(command('check_koa_health_vhost', { 'shop.example.com': "'$HOSTADDRESS$'" }));
    expect(result.code, result.first).to.equal(0);
    expect(app.seen.at(-1)).to.deep.include({ host: `127.0.0.1:${app.port}` });
    expect(app.seen.at(-1)?.state).to.deep.equal({ probe: true, via: 'localAddress', host: '127.0.0.1' });
  });

  it('-H naming a host not listed (evil.example, localhost, another address): CRITICAL, 400, the handler never runs', async () => {
    const before = app.seen.length;
    for (const name of ['evil.example', 'localhost', '127.0.0.2']) {
      const result = await run(command('check_koa_health_vhost', { 'shop.example.com': name }));
      expect(result.code, name).to.equal(2);
      expect(result.first, name).to.match(REFUSED);
    }
    // Without the recipe's -e 200, check_http calls the 400 only WARNING (exit 1).
    const lenient = await run(command('check_koa_health_vhost', { 'shop.example.com': 'evil.example', ' -e 200': '' }));
    expect(lenient.code).to.equal(1);
    expect(lenient.first).to.match(/^HTTP WARNING: HTTP\/1\.1 400 Bad Request - /);
    expect(app.seen.length).to.equal(before);
  });

  it('is CRITICAL once the app stops answering, and OK again once it is back', async () => {
    await app.stop();
    const down = await run(command('check_koa_health'));
    expect(down).to.deep.equal({ code: 2, first: `connect to address 127.0.0.1 and port ${app.port}: Connection refused` });
    await app.start();
    expect(await eventually(async () => (await run(command('check_koa_health'))).code === 0)).to.equal(true);
  });
});

describe('check_http (monitoring-plugins 2.3.3) with docs/recipes/check-http/token: the probe token', function () {
  this.timeout(60000);
  let app: ProbedApp;
  const command = (edits?: Record<string, string>) => commandLine('token/commands.cfg', 'check_koa_health_token', app.port, edits);

  before(async () => (app = await startProbedApp(join(RECIPE, 'token', '.healthchecksrc.json'), { env: { HEALTH_CHECK_HEADER_VALUE: TOKEN } })));
  after(async () => app?.stop());

  it('sends the token as one more header line (X-Health: <token>), still HTTP/1.0 with no Host', async () => {
    expect(await recorded((port) => commandLine('token/commands.cfg', 'check_koa_health_token', port))).to.deep.include({
      line: 'GET /health-check/ HTTP/1.0',
      headers: [`User-Agent: ${USER_AGENT}`, 'Connection: close', `X-Health: ${TOKEN}`],
    });
  });

  it('check_koa_health_token: OK, let through by the header', async () => {
    const result = await run(command());
    expect(result.code, result.first).to.equal(0);
    expect(result.first).to.match(OK);
    expect(app.seen.at(-1)).to.deep.include({ method: 'GET', path: '/health-check/', userAgent: USER_AGENT });
    expect(app.seen.at(-1)?.state).to.deep.equal({ probe: true, via: 'header', host: null });
  });

  it('is CRITICAL (400) with no token, a wrong token, or -H evil.example and no token, and the handler never runs', async () => {
    const before = app.seen.length;
    const cases = {
      'no token': { " -k 'X-Health: $USER3$'": '' },
      'wrong token': { '$USER3$': 'not-the-token' },
      'evil.example, no token': { "-k 'X-Health: $USER3$'": '-H evil.example' },
    };
    for (const [label, edits] of Object.entries(cases)) {
      const result = await run(command(edits));
      expect(result.code, label).to.equal(2);
      expect(result.first, label).to.match(REFUSED);
    }
    expect(app.seen.length).to.equal(before);
  });

  it('is CRITICAL once the app stops answering, and OK again once it is back', async () => {
    await app.stop();
    expect((await run(command())).code).to.equal(2);
    await app.start();
    expect(await eventually(async () => (await run(command())).code === 0)).to.equal(true);
  });
});
