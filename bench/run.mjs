// npm run bench: every benchmark in one run. Prints a Markdown report, writes bench/results.json, and replaces the
// report in BENCHMARKS.md between its markers. Set BENCH_QUICK=1 for a short smoke run (not for figures), pass
// --report to rebuild the report from bench/results.json without measuring again, or --only=startup,footprint (and/or
// lifecycle) to measure those again and keep the other figures of bench/results.json.
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { runFlood, runUpdateSoak } from './live.mjs';
import { runMicro, runResolverMicro, SIZES } from './micro.mjs';
import { markdown } from './report.mjs';
import { runFootprint } from './footprint.mjs';
import { runProbeFlood, runRollingRestarts } from './lifecycle.mjs';
import { runStartup } from './startup.mjs';
import { runThroughput } from './throughput.mjs';

const resultsPath = fileURLToPath(new URL('./results.json', import.meta.url));
const benchmarksPath = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));

const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const results = process.argv.includes('--report')
  ? JSON.parse(readFileSync(resultsPath, 'utf8'))
  : only !== undefined
    ? await measureOnly(only)
    : await measure();
const report = markdown(results);
console.log(report);
if (!results.quick) {
  const current = readFileSync(benchmarksPath, 'utf8');
  writeFileSync(benchmarksPath, current.replace(/(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/, `$1${report}\n$2`));
  console.error('updated BENCHMARKS.md');
}

async function measure() {
  const quick = process.env.BENCH_QUICK === '1';
  const started = Date.now();
  const log = (message) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)} s] ${message}`);
  const machine = {
    date: new Date().toISOString().slice(0, 10),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
  log('startup');
  const startup = runStartup({ runs: quick ? 3 : 41 });
  log('footprint of a production install');
  const footprint = runFootprint();
  log('decision microbenchmark');
  const micro = await runMicro({ time: quick ? 20 : 150 });
  log('resolveHost cache microbenchmark');
  const resolver = await runResolverMicro({ time: quick ? 20 : 300 });
  log('throughput');
  const throughput = await runThroughput(quick ? { rounds: 1, seconds: 1 } : { rounds: 5, seconds: 2 });
  log('resolveHost flood, and the same flood with no resolveHost');
  const floodOptions = quick ? { names: 10_000, baselineSeconds: 2 } : { names: 200_000, baselineSeconds: 10 };
  const flood = await runFlood(floodOptions);
  const floodControl = await runFlood({ ...floodOptions, mode: 'control' });
  log('update() soak');
  const updateSoak = await runUpdateSoak({ seconds: quick ? 5 : 60 });
  const lifecycle = await measureLifecycle(log, quick);
  log('done');
  const measured = { machine, quick, startup, footprint, micro, resolver, flood, floodControl, updateSoak, throughput, lifecycle, sizes: SIZES };
  writeFileSync(resultsPath, `${JSON.stringify(measured, null, 2)}\n`);
  return measured;
}

/** The rolling restart behind HAProxy, side by side, and the probe flood against the readiness endpoint. */
async function measureLifecycle(log, quick = false) {
  log('rolling restarts behind HAProxy: this package, terminus, plain Koa');
  const rollingRestarts = await runRollingRestarts({ restarts: quick ? 1 : 5 });
  log('probe flood against the readiness endpoint');
  const probeFlood = await runProbeFlood({ amount: quick ? 1000 : 10_000 });
  return { rollingRestarts, probeFlood };
}

/** Measures startup and/or the footprint again, keeping every other figure from bench/results.json. */
async function measureOnly(parts) {
  const previous = JSON.parse(readFileSync(resultsPath, 'utf8'));
  const unknown = parts.filter((part) => part !== 'startup' && part !== 'footprint' && part !== 'lifecycle');
  if (unknown.length > 0) throw new Error(`--only takes startup, footprint and lifecycle, not ${unknown.join(', ')}`);
  const measured = {
    ...previous,
    ...(parts.includes('startup') ? { startup: runStartup({ runs: 41 }) } : {}),
    ...(parts.includes('footprint') ? { footprint: runFootprint() } : {}),
    ...(parts.includes('lifecycle') ? { lifecycle: await measureLifecycle(console.error) } : {}),
  };
  writeFileSync(resultsPath, `${JSON.stringify(measured, null, 2)}\n`);
  return measured;
}
