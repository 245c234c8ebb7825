// Live policies under load (issue "Live policies for multi-tenant apps"):
//  - a flood of unique subdomains against a slow resolveHost: the heap stays bounded, and requests for static hosts
//    keep their latency;
//  - update() 100 times a second under load: no failed request, no 5xx, and every answer agrees with the old or the
//    new policy.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('./live-server.cjs', import.meta.url));
const FLOOD_CLIENT = fileURLToPath(new URL('./flood-client.mjs', import.meta.url));

async function startServer(mode) {
  const child = fork(SERVER, [mode], { execArgv: ['--expose-gc'], env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const [{ port }] = await once(child, 'message');
  return { child, port };
}

async function ask(child, message) {
  child.send(message);
  const [answer] = await once(child, 'message');
  return answer;
}

/**
 * Static-host latency at a steady, modest rate: 8 keep-alive clients, each sending a request, waiting for the answer,
 * then pausing 2 ms. Microsecond timings, so that a p99 of under a millisecond still compares; `stop()` ends it.
 */
function sampleStaticLatency(port) {
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const micros = [];
  let non2xx = 0;
  let running = true;
  const once1 = () =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      request({ host: '127.0.0.1', port, path: '/', agent, headers: { Host: 'api.example.com' } }, (response) => {
        response.resume();
        response.on('end', () => {
          if (response.statusCode !== 200) non2xx += 1;
          micros.push(Number(process.hrtime.bigint() - started) / 1000);
          resolve();
        });
      })
        .on('error', () => (non2xx += 1, resolve()))
        .end();
    });
  const loops = Array.from({ length: 8 }, async () => {
    while (running) {
      await once1();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
      const sorted = micros.sort((a, b) => a - b);
      return { requests: sorted.length, p99Ms: Number((sorted[Math.floor(sorted.length * 0.99)] / 1000).toFixed(2)), non2xx };
    },
  };
}

/**
 * 200,000 requests, each for a new subdomain, at `floodRate` a second, with a resolver that takes 5 ms, beside steady
 * static traffic whose p99 is compared with a run without the flood.
 */
export async function runFlood({ names = 200_000, baselineSeconds = 10, floodRate = 4000, mode = 'flood' } = {}) {
  const { child, port } = await startServer(mode);
  try {
    const warmUp = sampleStaticLatency(port);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await warmUp.stop();
    const baselineSampler = sampleStaticLatency(port);
    await new Promise((resolve) => setTimeout(resolve, baselineSeconds * 1000));
    const baseline = await baselineSampler.stop();
    const heapBefore = (await ask(child, 'heap')).heapUsed;
    const started = Date.now();
    const floodClient = fork(FLOOD_CLIENT, [String(port), String(names), String(floodRate)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const during = sampleStaticLatency(port);
    const [floodResult] = await once(floodClient, 'message');
    const duringResult = await during.stop();
    const floodSeconds = (Date.now() - started) / 1000;
    const heapAfter = (await ask(child, 'heap')).heapUsed;
    const { stats } = await ask(child, 'stats');
    return {
      names: floodResult.total,
      floodSeconds: Number(floodSeconds.toFixed(1)),
      flood: { '2xx': floodResult['2xx'], '4xx': floodResult['4xx'], '5xx': floodResult['5xx'], errors: floodResult.errors },
      heapBeforeMiB: Number((heapBefore / 2 ** 20).toFixed(1)),
      heapAfterMiB: Number((heapAfter / 2 ** 20).toFixed(1)),
      resolver: stats.resolver,
      static: { baseline, duringFlood: duringResult },
    };
  } finally {
    child.disconnect();
  }
}

const HOSTS = ['both.example', 'a-only.example', 'b-only.example', 'neither.example'];

/** update() 100 times a second for `seconds`, while 16 keep-alive clients send requests and check every answer. */
export async function runUpdateSoak({ seconds = 60 } = {}) {
  const { child, port } = await startServer('update');
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const counts = Object.fromEntries(HOSTS.map((host) => [host, { 200: 0, 400: 0, other: 0 }]));
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const send = (host) =>
    new Promise((resolve) => {
      request({ host: '127.0.0.1', port, path: '/', agent, headers: { Host: host } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      })
        .on('error', () => resolve('error'))
        .end();
    });
  async function client(offset) {
    for (let index = offset; Date.now() < deadline; index += 1) {
      const host = HOSTS[index % HOSTS.length];
      const status = await send(host);
      if (status === 'error') errors += 1;
      else counts[host][status === 200 || status === 400 ? status : 'other'] += 1;
    }
  }
  try {
    await Promise.all(Array.from({ length: 16 }, (_, index) => client(index)));
    const { updates } = await ask(child, 'stop');
    const total = Object.values(counts).reduce((sum, byStatus) => sum + byStatus[200] + byStatus[400] + byStatus.other, 0);
    // Allowed by both policies: always 200. Allowed by neither: always 400. Allowed by one: either, nothing else.
    const agrees =
      counts['both.example'][400] === 0 &&
      counts['neither.example'][200] === 0 &&
      HOSTS.every((host) => counts[host].other === 0);
    return { seconds, updates, requests: total, errors, counts, agrees };
  } finally {
    agent.destroy();
    child.disconnect();
  }
}
