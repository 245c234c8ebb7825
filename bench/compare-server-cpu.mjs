// Compares the server CPU time each request costs, for bare Koa and for healthChecks() from one or more builds. On a
// small shared machine, loopback throughput swings by a factor of two between rounds; CPU time consumed by the server
// process per request is much steadier, because it does not count the time the server waited for a core.
//
//   npm run build && node bench/compare-server-cpu.mjs /tmp/before .
//
// Each server runs in its own process with NODE_ENV=production; autocannon sends the same fixed number of requests,
// with an allowed Host, to each in turn, over eight interleaved rounds after a warm-up.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const SERVER = fileURLToPath(new URL('./cpu-server.cjs', import.meta.url));
const REQUESTS = 20_000;
const ROUNDS = 8;

const builds = process.argv.slice(2).map((root) => resolve(root));
if (builds.length === 0) {
  console.error('usage: node bench/compare-server-cpu.mjs <build directory> [<build directory> …]');
  process.exit(2);
}

async function start(build) {
  const child = fork(SERVER, build === undefined ? [] : [build], { env: { ...process.env, NODE_ENV: 'production' } });
  const [port] = await once(child, 'message');
  return { child, port };
}

async function cpuPerRequest({ child, port }, amount) {
  child.send('start');
  await once(child, 'message');
  await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 10, amount, headers: { host: 'example.com' } });
  child.send('stop');
  const [{ cpuMicroseconds }] = await once(child, 'message');
  return cpuMicroseconds / amount;
}

const servers = [['bare Koa', await start(undefined)], ...(await Promise.all(builds.map(async (build) => [build, await start(build)])))];
try {
  for (const [, server] of servers) await cpuPerRequest(server, 5000);
  const samples = new Map(servers.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let index = 0; index < servers.length; index += 1) {
      const [name, server] = servers[(index + round) % servers.length];
      samples.get(name).push(await cpuPerRequest(server, REQUESTS));
    }
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const bare = median(samples.get('bare Koa'));
  console.log('| server | CPU µs per request, median | fastest round | × bare Koa |\n|---|---|---|---|');
  for (const [name, values] of samples) {
    console.log(`| ${name} | ${median(values).toFixed(1)} | ${Math.min(...values).toFixed(1)} | ${(median(values) / bare).toFixed(3)} |`);
  }
} finally {
  for (const [, { child }] of servers) child.disconnect();
}
