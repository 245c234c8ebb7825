// Throughput on loopback with autocannon: bare Koa, Koa with an empty middleware, and Koa with healthChecks() at
// several allowlist sizes for allowed, probe and rejected requests. Servers run in their own processes; the scenarios
// are interleaved over several rounds and the median of each is kept, so that drift in the machine hits all alike.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SERVER = fileURLToPath(new URL('./server.cjs', import.meta.url));
const TOKEN = 'bench-token-0123456789';

const REQUESTS = {
  allowed: { host: 'api.example.com' },
  probe: { host: '10.99.0.1:8000', 'x-health': TOKEN },
  rejected: { host: 'evil.example' },
};

/** [scenario name, server kind, allowlist size, request kind] */
function scenarios(sizes) {
  const list = [
    ['bare Koa', 'bare', 0, 'allowed'],
    ['empty middleware', 'passthrough', 0, 'allowed'],
  ];
  for (const size of sizes) {
    for (const request of ['allowed', 'probe', 'rejected']) list.push([`healthChecks(), ${size.toLocaleString('en')} ${size === 1 ? 'entry' : 'entries'}, ${request}`, 'healthchecks', size, request]);
  }
  // The same server with a subscriber on both diagnostics channels: only probes and rejections publish.
  const largest = Math.max(...sizes);
  for (const request of ['probe', 'rejected']) {
    list.push([`healthChecks(), ${largest.toLocaleString('en')} entries, ${request}, channel subscriber`, 'healthchecks-subscribed', largest, request]);
  }
  return list;
}

async function startServer(kind, size) {
  // Production, as deployed: no development warnings.
  const env = { ...process.env, BENCH_TOKEN: TOKEN, NODE_ENV: 'production' };
  const child = fork(SERVER, [kind, String(size)], { env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  return { child, port };
}

function load(port, headers, seconds) {
  return autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, duration: seconds, headers });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function runThroughput({ sizes = [1, 100, 10_000], rounds = 5, seconds = 2 } = {}) {
  const list = scenarios(sizes);
  const servers = new Map();
  for (const [, kind, size] of list) {
    const key = `${kind}:${size}`;
    if (!servers.has(key)) servers.set(key, await startServer(kind, size));
  }
  try {
    for (const [, kind, size, request] of list) await load(servers.get(`${kind}:${size}`).port, REQUESTS[request], 1);
    const samples = new Map(list.map(([name]) => [name, []]));
    for (let round = 0; round < rounds; round += 1) {
      // Each round starts at a different scenario, so that no scenario always runs first or after the same one.
      const order = list.map((_, index) => list[(index + round * 3) % list.length]);
      for (const [name, kind, size, request] of order) {
        const result = await load(servers.get(`${kind}:${size}`).port, REQUESTS[request], seconds);
        const expectedStatus = request === 'rejected' ? '4xx' : '2xx';
        if (result[expectedStatus] !== result.requests.total || result.errors > 0) {
          throw new Error(`${name}: expected only ${expectedStatus}, got ${JSON.stringify({ '2xx': result['2xx'], '4xx': result['4xx'], errors: result.errors })}`);
        }
        samples.get(name).push({ rps: result.requests.average, p99: result.latency.p99 });
      }
    }
    const bare = median(samples.get('bare Koa').map((sample) => sample.rps));
    const empty = median(samples.get('empty middleware').map((sample) => sample.rps));
    return list.map(([name, kind, size, request]) => {
      const rps = median(samples.get(name).map((sample) => sample.rps));
      const p99Ms = median(samples.get(name).map((sample) => sample.p99));
      return { name, kind, size, request, rps: Math.round(rps), p99Ms, ratioToBare: Number((rps / bare).toFixed(3)), ratioToEmptyMiddleware: Number((rps / empty).toFixed(3)) };
    });
  } finally {
    for (const { child } of servers.values()) child.disconnect();
  }
}
