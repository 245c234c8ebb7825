// A rolling restart behind a real HAProxy: three app processes (spec/fixtures/rolling-app.js), HAProxy's active check
// on the readiness endpoint, `retries 0`, client load through HAProxy the whole time (half of it requests that take
// 500 ms), and `restarts` restarts, each a SIGTERM to one process and a new one on its port once it has exited.
// Used by spec/integration/rolling-restart.integration.ts and bench/rolling-restart.mjs.
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { Agent, request } = require('node:http');
const { connect, createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const FIXTURE = join(__dirname, '..', 'fixtures', 'rolling-app.js');
const DIST = join(__dirname, '..', '..', 'dist');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startApp(kind, port, settings) {
  const child = spawn(process.execPath, [FIXTURE], {
    env: { PATH: process.env.PATH, PACKAGE_DIST: DIST, APP_KIND: kind, PORT: String(port), DRAIN_DELAY: String(settings.drainDelay), TIMEOUT: String(settings.timeout), KOA_MODULE: process.env.KOA_MODULE || 'koa' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = Date.now();
  const listening = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => String(chunk).includes('listening') && resolve());
    child.once('exit', (code) => reject(new Error(`app exited with ${code} before listening`)));
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started })));
  return { child, listening, exited };
}

function haproxyConfig(dir, front, ports) {
  return [
    'global',
    `  stats socket ${join(dir, 'admin.sock')} mode 600 level admin`,
    'defaults',
    '  mode http',
    '  timeout connect 1s',
    '  timeout client 10s',
    '  timeout server 10s',
    '  retries 0',
    'frontend front',
    `  bind 127.0.0.1:${front}`,
    '  default_backend app',
    'backend app',
    '  balance roundrobin',
    '  option httpchk',
    '  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host example.com',
    '  http-check expect status 200',
    '  default-server inter 200ms fall 1 rise 2',
    ...ports.map((port, index) => `  server app${index} 127.0.0.1:${port} check`),
    '',
  ].join('\n');
}

function serverStatus(socketPath) {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(socketPath, () => socket.end('show stat\n'));
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', () => resolve({}));
    socket.on('close', () => {
      const statuses = {};
      for (const line of text.split('\n')) {
        const fields = line.split(',');
        if (fields[0] === 'app' && fields[1]?.startsWith('app')) statuses[fields[1]] = fields[17];
      }
      resolve(statuses);
    });
  });
}

/** One client worker: requests through HAProxy until `stop`, alternating fast and 500 ms requests. */
async function clientLoad(front, state) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let slow = false;
  while (!state.stop) {
    slow = !slow;
    const started = Date.now();
    const outcome = await new Promise((resolve) => {
      request({ host: '127.0.0.1', port: front, path: slow ? '/slow' : '/', agent, headers: { host: 'example.com' } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      })
        .on('error', (error) => resolve(error.code || 'error'))
        .end();
    });
    state.requests += 1;
    if (state.restarting) state.latencies.push(Date.now() - started);
    if (typeof outcome !== 'number') state.failures.push(outcome);
    else if (outcome >= 500) state.fiveXX.push(outcome);
  }
  agent.destroy();
}

/**
 * Runs the rolling restart and returns what the clients saw and how each process exited: requests, failures (errors
 * by code), 5xx answers, the p99 latency while a restart was under way, and each stopped process's exit (its code,
 * and the time from the signal to its exit).
 */
async function rollingRestart({ kind, restarts = 5, workers = 6, drainDelay = 1000, timeout = 5000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-rolling-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const front = await freePort();
  writeFileSync(join(dir, 'haproxy.cfg'), haproxyConfig(dir, front, ports));
  const apps = ports.map((port) => startApp(kind, port, { drainDelay, timeout }));
  const haproxy = spawn('/usr/sbin/haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: 'ignore' });
  const state = { stop: false, restarting: false, requests: 0, failures: [], fiveXX: [], latencies: [] };
  const exits = [];
  try {
    await Promise.all(apps.map((app) => app.listening));
    await allUp(join(dir, 'admin.sock'), 3);
    const load = Array.from({ length: workers }, () => clientLoad(front, state));
    await sleep(500);
    for (let restart = 0; restart < restarts; restart += 1) {
      const index = restart % apps.length;
      state.restarting = true;
      const signalled = Date.now();
      apps[index].child.kill('SIGTERM');
      const exit = await apps[index].exited;
      exits.push({ ...exit, afterSignalMs: Date.now() - signalled });
      apps[index] = startApp(kind, ports[index], { drainDelay, timeout });
      await apps[index].listening;
      await allUp(join(dir, 'admin.sock'), 3);
      state.restarting = false;
      await sleep(300);
    }
    state.stop = true;
    await Promise.all(load);
  } finally {
    state.stop = true;
    haproxy.kill('SIGKILL');
    for (const app of apps) app.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
  const sorted = [...state.latencies].sort((a, b) => a - b);
  const p99 = sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  return { kind, requests: state.requests, failures: state.failures, fiveXX: state.fiveXX, p99, exits };
}

async function allUp(socketPath, count) {
  for (let tries = 0; tries < 200; tries += 1) {
    const statuses = await serverStatus(socketPath);
    if (Object.values(statuses).filter((status) => status === 'UP').length === count) return;
    await sleep(50);
  }
  throw new Error('HAProxy never saw every server up');
}

module.exports = { rollingRestart };
