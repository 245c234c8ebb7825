'use strict';
// npm run soak: the same mixed traffic against a bare Koa "hello" server and the same server behind healthChecks(),
// each in its own process, in alternating slices so that both see the same machine. Memory of both (RSS, heap after a
// full GC, external, array buffers) is read every round. The verdict compares slopes over the second half of the run:
// this package's RSS may grow at most a small margin more than bare Koa's, and its heap after GC must stay flat. Then
// the faults real traffic brings, each a phase with its figures. SOAK_SECONDS sets the length (default 60).
const { fork } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { once } = require('node:events');
const path = require('node:path');
const { abortingClients, connectionChurn, pipelining, slowClients } = require('./soak/faults');
const { addTo, emptyCounts, mixedTraffic } = require('./soak/traffic');
const { chart, judge, HEAP_MARGIN_MIB, RSS_MARGIN_MIB } = require('./soak/verdict');

const SECONDS = Number(process.env.SOAK_SECONDS || 60);
const TOKEN = randomBytes(18).toString('base64url');
/** Seconds of traffic per server per turn, and of warm-up per server. */
const SLICE = SECONDS >= 300 ? 5 : 2;
const WARMUP = Math.min(10, Math.max(2, Math.round(SECONDS / 6)));
const SERVERS = ['bare', 'healthchecks'];

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * V8 grows and shrinks the young generation's semi-spaces with the allocation rate, which moves RSS by up to about
 * 30 MiB in both servers at moments of its own (docs/reliability.md). Pinned to one size in both, those swings leave
 * the slopes, and what is left is what the servers keep. SOAK_V8_DEFAULTS=1 runs with V8's defaults instead.
 */
const V8_FLAGS = process.env.SOAK_V8_DEFAULTS === '1' ? [] : ['--min-semi-space-size=16', '--max-semi-space-size=16'];

async function start(mode) {
  const child = fork(path.join(__dirname, 'soak-server.js'), [mode], {
    execArgv: ['--expose-gc', ...V8_FLAGS],
    env: { ...process.env, NODE_ENV: 'production', HEALTH_CHECK_HEADER_VALUE: TOKEN },
  });
  const [{ port }] = await once(child, 'message');
  return { child, port };
}

async function memoryOf({ child }) {
  child.send('memory');
  const [message] = await once(child, 'message');
  return message.memory;
}

async function sampleBoth(servers, seconds) {
  return { seconds, bare: await memoryOf(servers.bare), healthchecks: await memoryOf(servers.healthchecks) };
}

async function soak(servers) {
  const counts = { bare: emptyCounts(), healthchecks: emptyCounts() };
  for (const name of SERVERS) await mixedTraffic(servers[name].port, WARMUP, TOKEN);
  const started = Date.now();
  const samples = [await sampleBoth(servers, 0)];
  for (let round = 0; (Date.now() - started) / 1000 < SECONDS; round += 1) {
    const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
    for (const name of order) {
      const { load, raw } = await mixedTraffic(servers[name].port, SLICE, TOKEN);
      addTo(counts[name], load, raw);
    }
    samples.push(await sampleBoth(servers, (Date.now() - started) / 1000));
  }
  return { counts, samples };
}

async function faults(server) {
  const phases = {};
  phases.slowClients = { ...(await slowClients(server.port, 6, TOKEN)), memory: await memoryOf(server) };
  phases.aborts = { ...(await abortingClients(server.port, 6, TOKEN)), memory: await memoryOf(server) };
  phases.churn = { ...(await connectionChurn(server.port, TOKEN)), memory: await memoryOf(server) };
  phases.pipelining = { ...(await pipelining(server.port, TOKEN)), memory: await memoryOf(server) };
  return phases;
}

function report({ counts, samples }, verdict, phases) {
  const flags = V8_FLAGS.length === 0 ? "V8's default young generation" : V8_FLAGS.join(' ');
  console.log(`soak: ${SECONDS} s on 127.0.0.1, Node ${process.version}, ${SLICE} s slices alternating, ${WARMUP} s warm-up each, ${flags}`);
  for (const name of SERVERS) {
    const c = counts[name];
    console.log(`  ${name.padEnd(12)} ${c.requests} requests: ${c['2xx']} 2xx, ${c['4xx']} 4xx, ${c['5xx']} 5xx, ${c.errors} errors, ${c.timeouts} timeouts; ${c.malformed} malformed, ${c.malformed2xx} answered 2xx`);
  }
  for (const name of SERVERS) {
    const first = samples[0][name];
    const last = samples.at(-1)[name];
    const g = verdict.growth[name];
    console.log(
      `  ${name.padEnd(12)} RSS ${mib(first.rss)} → ${mib(last.rss)}, second half ${g.rss.perMinute.toFixed(2)} MiB/min; ` +
        `heap after GC ${mib(first.heapUsed)} → ${mib(last.heapUsed)}, second half ${g.heapUsed.perMinute.toFixed(3)} MiB/min; ` +
        `external ${mib(last.external)}, array buffers ${mib(last.arrayBuffers)}`,
    );
  }
  console.log(`  RSS over time (b: bare Koa, h: healthChecks(), *: both):\n${chart(samples)}`);
  for (const [name, phase] of Object.entries(phases)) {
    const { memory, ...figures } = phase;
    console.log(`  fault ${name}: ${JSON.stringify(figures)}; RSS ${mib(memory.rss)}, heap after GC ${mib(memory.heapUsed)}`);
  }
  console.log(JSON.stringify({ seconds: SECONDS, node: process.version, v8Flags: V8_FLAGS, counts, samples, growth: verdict.growth, phases }));
}

function failuresOf({ counts }, verdict, phases) {
  const failures = [...verdict.failures];
  const ours = counts.healthchecks;
  if (ours['5xx'] > 0) failures.push(`${ours['5xx']} 5xx responses`);
  if (ours.errors + ours.timeouts > 0) failures.push('socket errors or timeouts');
  if (ours.malformed2xx > 0) failures.push('a malformed request was let through');
  const faultOrdinary = [phases.slowClients.ordinary, phases.aborts.ordinary];
  if (faultOrdinary.some((served) => served['5xx'] + served.errors > 0)) failures.push('5xx or errors for ordinary traffic during a fault');
  if (phases.churn['5xx'] + phases.churn.error + phases.churn.other > 0) failures.push('5xx or errors in the connection churn');
  if (phases.pipelining.mismatched + phases.pipelining.missing > 0) failures.push('a pipelined response that does not match its request');
  return failures;
}

async function main() {
  const servers = { bare: await start('bare'), healthchecks: await start('healthchecks') };
  try {
    const run = await soak(servers);
    const verdict = judge(run.samples);
    const phases = await faults(servers.healthchecks);
    report(run, verdict, phases);
    const failures = failuresOf(run, verdict, phases);
    console.log(
      failures.length === 0
        ? `soak: all targets met (RSS within ${RSS_MARGIN_MIB} MiB of bare Koa's growth, heap after GC within ${HEAP_MARGIN_MIB} MiB, over the second half)`
        : `soak: FAILED: ${failures.join('; ')}`,
    );
    process.exitCode = failures.length === 0 ? 0 : 1;
  } finally {
    for (const name of SERVERS) servers[name].child.disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
