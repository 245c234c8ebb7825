import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import WebSocket from 'ws';
import { get, startDemo, type Demo } from './demo-server';

/** Opens a WebSocket with this Host: the first message, or the status of a refused upgrade. */
function openLive(url: string, host: string): Promise<string | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { Host: host } });
    socket.on('message', (data) => {
      resolve(String(data));
      socket.close();
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    socket.on('error', reject);
  });
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits up to `ms` for the port to be free, and says whether it is. */
async function freed(port: number, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; ) {
    if (!(await listening(port))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !(await listening(port));
}

/** The port the demo prints once it listens. */
function printedPort(child: ChildProcess): Promise<number> {
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on http:\/\/\S+:(\d+)/.exec(output);
      if (found !== null) resolve(Number(found[1]));
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
}

const DEMO_TOKEN = 'demo-token-not-a-secret';
const KUBELET = { Host: '10.244.1.7:8000', 'User-Agent': 'kube-probe/1.31' };

describe('the demo server (npm start)', () => {
  let demo: Demo | undefined;
  afterEach(() => demo?.stop());

  it('serves the example config with its public demo token', async () => {
    demo = await startDemo();
    expect((await get(`${demo.base}/`, { Host: 'example.com' })).status).to.equal(200);
    expect((await get(`${demo.base}/`, { Host: 'evil.example' })).status).to.equal(400);
    expect((await get(`${demo.base}/health-check/`, { ...KUBELET, 'X-Health': DEMO_TOKEN })).status).to.equal(200);
    expect((await get(`${demo.base}/health-check/`, KUBELET)).status).to.equal(400);
  });

  it('builds absolute links only from allowed hosts', async () => {
    demo = await startDemo();
    expect((await get(`${demo.base}/password-reset`, { Host: 'www.example.org' })).body).to.include('http://www.example.org/reset?token=');
    const forged = await get(`${demo.base}/password-reset`, { Host: 'evil.example' });
    expect(forged.status).to.equal(400);
    expect(forged.body).not.to.include('evil.example');
  });

  it('checks the host of WebSocket upgrades too', async () => {
    demo = await startDemo();
    const url = `ws://127.0.0.1:${demo.port}/live`;
    expect(await openLive(url, 'example.com')).to.equal('hello from the demo');
    expect(await openLive(url, 'evil.example')).to.equal(400);
  });

  it('answers readiness 503 while starting, then 200', async () => {
    demo = await startDemo({ READY_DELAY_MS: '1500' });
    const probe = { ...KUBELET, 'X-Health': DEMO_TOKEN };
    expect((await get(`${demo.base}/ready`, probe)).status).to.equal(503);
    let status = 503;
    for (let attempt = 0; attempt < 50 && status === 503; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await get(`${demo.base}/ready`, probe)).status;
    }
    expect(status).to.equal(200);
  });

  it('uses the token from the environment, and never prints it', async () => {
    const secret = 'real-secret-token-7f3a';
    demo = await startDemo({ HEALTH_CHECK_HEADER_VALUE: secret });
    expect((await get(`${demo.base}/health-check/`, { ...KUBELET, 'X-Health': secret })).status).to.equal(200);
    expect((await get(`${demo.base}/health-check/`, { ...KUBELET, 'X-Health': DEMO_TOKEN })).status).to.equal(400);
    expect(demo.output()).to.include('$HEALTH_CHECK_HEADER_VALUE').and.not.include(secret);
  });

  it('stops cleanly on SIGTERM', async () => {
    demo = await startDemo();
    await demo.stop();
    expect(demo.child.exitCode).to.equal(0);
  });

  it('stops cleanly on SIGINT (Ctrl-C) too, and an open WebSocket does not hold it up', async () => {
    demo = await startDemo();
    const socket = new WebSocket(`ws://127.0.0.1:${demo.port}/live`, { headers: { Host: 'example.com' } });
    try {
      await once(socket, 'message');
      const exited = once(demo.child, 'exit');
      demo.child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      expect(code).to.equal(0);
      expect(await listening(demo.port)).to.equal(false);
    } finally {
      socket.terminate();
    }
  });

  it('leaves nothing on the port when npm start is sent SIGTERM', async function () {
    this.timeout(30_000);
    // --ignore-scripts skips prestart, the build, which the suite has run; npm still runs start through its shell.
    const npm = spawn('npm', ['start', '--ignore-scripts'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, PORT: '0', READY_DELAY_MS: '0' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await printedPort(npm);
      const exited = once(npm, 'exit');
      npm.kill('SIGTERM');
      await exited;
      expect(await freed(port, 5000), `a server still listens on ${port}`).to.equal(true);
    } finally {
      // Whatever the test saw, nothing it started outlives it: npm, its shell and the demo share one process group.
      try {
        process.kill(-(npm.pid as number), 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
  });
});
