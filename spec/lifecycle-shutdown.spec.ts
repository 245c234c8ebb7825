import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { connect as connectHttp2 } from 'node:http2';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { expect } from 'chai';
import WebSocket from 'ws';

// Each test starts the fixture app (spec/fixtures/lifecycle-app.js) in its own process, sends it real requests and
// real signals, and reads what its clients get and how it exits. Nothing asserts how long anything took.
const FIXTURE = join(__dirname, 'fixtures', 'lifecycle-app.js');
const DIST = join(__dirname, '..', 'dist');

interface App {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function startApp(env: Record<string, string>): Promise<App> {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { PATH: process.env.PATH ?? '', PACKAGE_DIST: DIST, KOA_MODULE: process.env.KOA_MODULE ?? 'koa', DRAIN_DELAY: '300', TIMEOUT: '10000', SLOW_MS: '600', ...env },
    cwd: join(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  while (!/listening (\d+)/.test(out)) {
    if (child.exitCode !== null) throw new Error(`the app exited: ${out}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { child, port: Number(/listening (\d+)/.exec(out)?.[1]), output: () => out, exited };
}

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent, headers: { host: 'example.com' } }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, connection: response.headers.connection }));
    })
      .on('error', reject)
      .end();
  });
}

describe('lifecycle: shutdown on a signal, over real sockets', function () {
  this.timeout(30_000);
  const apps: App[] = [];
  afterEach(() => apps.splice(0).forEach((app) => app.child.kill('SIGKILL')));
  const start = async (env: Record<string, string> = {}) => {
    const app = await startApp(env);
    apps.push(app);
    return app;
  };

  it('fails readiness at once, keeps serving through the drain delay, finishes a request in flight, and exits 0', async () => {
    const app = await start({ DRAIN_DELAY: '1500' });
    expect((await get(app.port, '/readyz')).status).to.equal(200);
    const slow = get(app.port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 50));
    app.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await get(app.port, '/readyz')).to.include({ status: 503, body: '{"status":"draining"}' });
    expect(await get(app.port, '/')).to.include({ status: 200, body: 'done /' });
    const finished = await slow;
    expect(finished).to.include({ status: 200, body: 'done /slow' });
    expect(await app.exited).to.equal(0);
    expect(app.output()).to.include('onShutdown');
  });

  it('answers the last request in flight with Connection: close, and closes the idle keep-alive connection beside it (else the exit would be forced, code 1)', async () => {
    const app = await start({ DRAIN_DELAY: '100', SLOW_MS: '800' });
    const agent = new Agent({ keepAlive: true, maxSockets: 2 });
    const idle = await get(app.port, '/', agent);
    expect(idle.connection).to.equal('keep-alive');
    const slow = get(app.port, '/slow', agent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    app.child.kill('SIGTERM');
    expect(await slow).to.include({ status: 200, connection: 'close' });
    expect(await app.exited).to.equal(0);
    agent.destroy();
  });

  it('exits 1 when the timeout forces it, and at once on a second signal', async () => {
    const forced = await start({ DRAIN_DELAY: '50', TIMEOUT: '300' });
    const hanging = get(forced.port, '/hang').then(() => 'answered', (error: NodeJS.ErrnoException) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 50));
    forced.child.kill('SIGTERM');
    expect(await forced.exited).to.equal(1);
    expect(await hanging).to.equal('ECONNRESET');
    expect(forced.output(), 'onShutdown runs even when a request hangs').to.include('onShutdown');
    expect(forced.output()).to.include('KOA_ALLOW_HEALTHCHECKS_SHUTDOWN_FORCED');

    const twice = await start({ DRAIN_DELAY: '60000' });
    twice.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 50));
    twice.child.kill('SIGTERM');
    expect(await twice.exited).to.equal(1);
    expect(twice.output()).not.to.include('onShutdown');
  });

  it('exits 1 when onShutdown throws, after the requests in flight', async () => {
    const app = await start({ ON_SHUTDOWN: 'throw' });
    app.child.kill('SIGTERM');
    expect(await app.exited).to.equal(1);
    expect(app.output()).to.include('onShutdown');
  });

  it('sends HTTP/2 sessions GOAWAY, and lets their streams in flight finish', async () => {
    const app = await start({ HTTP2: '1', DRAIN_DELAY: '100' });
    const session = connectHttp2(`http://127.0.0.1:${app.port}`);
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    const stream = session.request({ ':path': '/slow', ':authority': 'example.com' });
    let body = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    const ended = new Promise<void>((resolve) => stream.once('end', () => resolve()));
    await new Promise((resolve) => stream.once('response', resolve));
    app.child.kill('SIGTERM');
    await goaway;
    await ended;
    expect(body).to.equal('done /slow');
    session.close();
    expect(await app.exited).to.equal(0);
  });

  it('closes WebSockets that guardUpgrades() let through with 1001, after the drain delay', async () => {
    const app = await start({ WEBSOCKET: '1', DRAIN_DELAY: '100' });
    const socket = new WebSocket(`ws://127.0.0.1:${app.port}/`, { headers: { host: 'example.com' } });
    await new Promise((resolve) => socket.once('message', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    app.child.kill('SIGTERM');
    expect(await closed).to.equal(1001);
    expect(await app.exited).to.equal(0);
  });

  it('drains an https server the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=example.com'], { stdio: 'ignore' });
      const app = await start({ TLS_DIR: dir, DRAIN_DELAY: '100' });
      const slow = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port: app.port, path: '/slow', rejectUnauthorized: false, headers: { host: 'example.com' } }, (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }));
        })
          .on('error', reject)
          .end();
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      app.child.kill('SIGTERM');
      expect(await slow).to.deep.equal({ status: 200, connection: 'close' });
      expect(await app.exited).to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is not held by a client that never finishes its request headers, nor by a WebSocket that never answers the close', async () => {
    const slow = await start({ DRAIN_DELAY: '100' });
    const loris = connect(slow.port, '127.0.0.1', () => loris.write('GET / HTTP/1.1\r\nHost: example.com\r\nX-Slow: '));
    loris.on('error', () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    slow.child.kill('SIGTERM');
    expect(await slow.exited).to.equal(0);

    const ws = await start({ WEBSOCKET: '1', DRAIN_DELAY: '100' });
    const raw = connect(ws.port, '127.0.0.1', () =>
      raw.write('GET / HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'),
    );
    raw.on('error', () => undefined);
    await new Promise((resolve) => raw.once('data', resolve)); // 101, then never a frame back
    ws.child.kill('SIGTERM');
    expect(await ws.exited).to.equal(0);
  });

  it('drains an HTTP/2 TLS server that also takes HTTP/1.1 as HTTP/2: an idle session is closed, and the exit is 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=example.com'], { stdio: 'ignore' });
      const app = await start({ TLS_DIR: dir, HTTP2: '1', DRAIN_DELAY: '100' });
      const session = connectHttp2(`https://127.0.0.1:${app.port}`, { rejectUnauthorized: false });
      session.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
      await new Promise((resolve) => session.once('connect', resolve));
      app.child.kill('SIGTERM');
      await closed;
      expect(await app.exited).to.equal(0);
      session.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with two guards in one process, exits once both are done: a request in flight on the second is answered', async () => {
    const app = await start({ TWO_GUARDS: '1', DRAIN_DELAY: '100', SLOW_MS: '1200' });
    while (!/admin (\d+)/.test(app.output())) await new Promise((resolve) => setTimeout(resolve, 5));
    const adminPort = Number(/admin (\d+)/.exec(app.output())?.[1]);
    const pending = get(adminPort, '/');
    await new Promise((resolve) => setTimeout(resolve, 50));
    app.child.kill('SIGTERM');
    expect(await pending).to.include({ status: 200, body: 'admin done' });
    expect(await app.exited).to.equal(0);
  });

  it('takes each server once', async () => {
    const app = await start({ TWICE: '1' });
    expect(app.output()).to.include('twice: lifecycle(server) was already called for this server');
  });
});
