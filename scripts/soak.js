'use strict';
// npm run soak: about 60 s of mixed traffic on loopback against one healthChecks() server, to show that no request
// makes it answer 5xx or drop a socket, and that its memory stays flat. SOAK_SECONDS changes the length.
// Targets: zero 5xx, zero socket errors, RSS growth under 10% from the warmed-up baseline.
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { once } = require('node:events');
const net = require('node:net');
const path = require('node:path');
const autocannon = require('autocannon');

const SECONDS = Number(process.env.SOAK_SECONDS || 60);
const WARMUP_SECONDS = Math.min(10, SECONDS);
const SAMPLE_EVERY_MS = 10_000;
const TOKEN = randomBytes(18).toString('base64url');

/** Allowed hosts, probes, rejected hosts and invalid hosts, in turn on every connection. */
const REQUESTS = [
  { method: 'GET', path: '/', headers: { host: 'example.com' } },
  { method: 'GET', path: '/page?x=1', headers: { host: 'a.b.example.org:8443' } },
  { method: 'GET', path: '/health-check/', headers: { host: '10.244.1.7:8000', 'user-agent': 'kube-probe/1.31', 'x-health': TOKEN } },
  { method: 'GET', path: '/health-check/', headers: { host: '172.16.0.9:8000', 'x-health': TOKEN } },
  { method: 'GET', path: '/health-check/', headers: { host: '172.16.0.9:8000', 'x-health': 'wrong-token' } },
  { method: 'GET', path: '/alb-health', headers: { host: '172.31.0.5' } },
  { method: 'GET', path: '/', headers: { host: 'evil.example' } },
  { method: 'POST', path: '/', headers: { host: 'example.com@evil.example' } },
  { method: 'GET', path: '/', headers: { host: 'example.com, evil.example' } },
  { method: 'GET', path: '/', headers: { host: 'a'.repeat(4000) } },
];

/** Malformed requests no HTTP client would send, written to raw sockets. */
const MALFORMED = [
  'GET / HTTP/1.1\r\nHost: example.com\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.0\r\n\r\n',
  'GET / HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n',
  'GET http://evil.example/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: exa\u0001mple.com\r\nConnection: close\r\n\r\n',
  'GET / HTTP/1.1\r\nHost: exa\tmple.com\r\nConnection: close\r\n\r\n',
  Buffer.from('GET / HTTP/1.1\r\nHost: exämple.com\r\nConnection: close\r\n\r\n', 'utf8'),
  `GET / HTTP/1.1\r\nHost: ${'a'.repeat(9000)}\r\nConnection: close\r\n\r\n`,
  'GET / HTTP/1.1\r\nHost: evil.example\r\nX-Health: x\r\nX-Health: y\r\nConnection: close\r\n\r\n',
  'NOT HTTP\r\n\r\n',
];

function sendRaw(port, bytes) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(bytes));
    const chunks = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => resolve('error'));
    socket.on('close', () => {
      const status = /^HTTP\/1\.[01] (\d)\d\d/.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
      resolve(status === undefined ? 'error' : `${status}xx`);
    });
  });
}

/** Sends the malformed requests one after another until the deadline, and counts the answers by class. */
async function rawLoop(port, deadline) {
  const counts = { '2xx': 0, '4xx': 0, '5xx': 0, error: 0, other: 0 };
  for (let index = 0; Date.now() < deadline && index < 1_000_000; index += 1) {
    const outcome = await sendRaw(port, MALFORMED[index % MALFORMED.length]);
    counts[outcome in counts ? outcome : 'other'] += 1;
  }
  return counts;
}

function load(port, seconds) {
  return autocannon({ url: `http://127.0.0.1:${port}`, connections: 16, duration: seconds, requests: REQUESTS });
}

/** Both kinds of traffic at once, for `seconds`. */
function mixedTraffic(port, seconds) {
  return Promise.all([load(port, seconds), rawLoop(port, Date.now() + seconds * 1000)]);
}

async function memoryOf(child) {
  child.send('memory');
  const [message] = await once(child, 'message');
  return message.memory;
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  const child = fork(path.join(__dirname, 'soak-server.js'), {
    execArgv: ['--expose-gc'],
    env: { ...process.env, NODE_ENV: 'production', HEALTH_CHECK_HEADER_VALUE: TOKEN },
  });
  const [{ port }] = await once(child, 'message');
  const atStart = await memoryOf(child);

  // The warm-up sends the same mix, so that the baseline includes the buffers steady traffic needs.
  await mixedTraffic(port, WARMUP_SECONDS);
  const warmed = await memoryOf(child);

  const samples = [];
  const sampler = setInterval(() => memoryOf(child).then((memory) => samples.push(memory.rss)), SAMPLE_EVERY_MS);
  const [result, raw] = await mixedTraffic(port, SECONDS);
  clearInterval(sampler);
  const atEnd = await memoryOf(child);
  child.disconnect();

  const growth = (atEnd.rss - warmed.rss) / warmed.rss;
  const summary = {
    seconds: SECONDS,
    node: process.version,
    load: { requests: result.requests.total, '2xx': result['2xx'], '4xx': result['4xx'], '5xx': result['5xx'], errors: result.errors, timeouts: result.timeouts },
    malformed: raw,
    rss: { start: atStart.rss, warmedUp: warmed.rss, every10s: samples, end: atEnd.rss, growthFromWarmedUp: Number((growth * 100).toFixed(2)) },
    heapUsed: { start: atStart.heapUsed, warmedUp: warmed.heapUsed, end: atEnd.heapUsed },
  };

  console.log(`soak: ${SECONDS} s on 127.0.0.1, Node ${process.version}`);
  console.log(`  load (autocannon, 16 connections): ${result.requests.total} requests, ${result['2xx']} 2xx, ${result['4xx']} 4xx, ${result['5xx']} 5xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  console.log(`  malformed raw requests: ${raw['2xx']} 2xx, ${raw['4xx']} 4xx, ${raw['5xx']} 5xx, ${raw.error} socket errors, ${raw.other} other`);
  console.log(`  RSS: start ${mib(atStart.rss)}, after ${WARMUP_SECONDS} s warm-up ${mib(warmed.rss)}, end ${mib(atEnd.rss)} (${summary.rss.growthFromWarmedUp}% from warm-up)`);
  console.log(`  RSS every ${SAMPLE_EVERY_MS / 1000} s: ${samples.map(mib).join(', ')}`);
  console.log(`  heap used: start ${mib(atStart.heapUsed)}, warm-up ${mib(warmed.heapUsed)}, end ${mib(atEnd.heapUsed)}`);
  console.log(JSON.stringify(summary));

  const failures = [];
  if (result['5xx'] + raw['5xx'] > 0) failures.push('5xx responses');
  if (result.errors + result.timeouts + raw.error + raw.other > 0) failures.push('socket errors or timeouts');
  if (raw['2xx'] > 0) failures.push('a malformed request was let through');
  if (growth >= 0.1) failures.push('RSS grew by 10% or more');
  console.log(failures.length === 0 ? 'soak: all targets met' : `soak: FAILED: ${failures.join(', ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
