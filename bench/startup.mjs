// Startup cost, in fresh processes: `require('koa')` alone, against koa plus this package plus a healthChecks() call
// that searches for a config file, validates it and compiles the matchers. Runs are interleaved; medians reported,
// and the median of each round's ratio to `require('koa')`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const PACKAGE = require.resolve('../dist/index.js');
const KOA = require.resolve('koa');

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Milliseconds from spawn to exit, and the script's own view of its runtime (performance.now() at its end). */
function run(script, cwd, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', `${script}; process.stdout.write(String(performance.now()))`], { cwd, env, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`startup script failed: ${result.stderr}`);
  return { wall, inProcess: Number(result.stdout) };
}

export function runStartup({ runs = 15 } = {}) {
  const project = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  writeFileSync(join(project, 'package.json'), '{"name":"startup-fixture"}');
  writeFileSync(join(project, '.healthchecksrc.json'), JSON.stringify({ allowedHosts: ['example.com', '.example.org', '10.0.0.0/8'], probe: { paths: ['/health-check/'] } }));
  const env = { PATH: process.env.PATH, HEALTH_CHECK_HEADER_VALUE: 'startup-bench-token' };
  const scripts = {
    node: '',
    koa: `require(${JSON.stringify(KOA)})`,
    'koa + koa-allow-healthchecks + healthChecks()': `require(${JSON.stringify(KOA)}); require(${JSON.stringify(PACKAGE)}).healthChecks()`,
  };
  const samples = Object.fromEntries(Object.keys(scripts).map((name) => [name, []]));
  try {
    for (let round = 0; round < runs; round += 1) {
      for (const [name, script] of Object.entries(scripts)) samples[name].push(run(script, project, env));
    }
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
  const koa = samples.koa.map((value) => value.wall);
  return Object.entries(samples).map(([name, values]) => ({
    name,
    wallMs: Number(median(values.map((value) => value.wall)).toFixed(1)),
    inProcessMs: Number(median(values.map((value) => value.inProcess)).toFixed(1)),
    // Each round's wall time over the koa run of the same round, then the median: a slow spell of the machine slows
    // both runs of a round, so this ratio is steadier than the ratio of the two medians.
    pairedRatioToKoa: Number(median(values.map((value, round) => value.wall / koa[round])).toFixed(3)),
  }));
}
