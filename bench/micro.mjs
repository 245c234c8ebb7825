// The per-request decision, alone, in ns/op: this package's decide() against a Django-style linear scan and
// host-validation-middleware's isHostAllowed (given a non-frozen array, so its cache stays off).
import { createRequire } from 'node:module';
import { Bench } from 'tinybench';
import { isHostAllowed } from 'host-validation-middleware';
import { allowlist, namesAndSuffixes } from './allowlists.mjs';
import { djangoLinearScan } from './reference-matchers.mjs';

// The internal modules, from the source: dist/ holds one bundle per entry point. ts-node compiles them as tsc would.
const require = createRequire(import.meta.url);
require('ts-node/register');
const { resolveConfig } = require('../src/config/resolve-config.ts');
const { compileSettings } = require('../src/config/build-settings.ts');
const { decide } = require('../src/core/decide.ts');

export const SIZES = [1, 10, 100, 10_000, 100_000];
const TOKEN = 'bench-token-0123456789';
/** Each sample lasts about this long, so that the timer's own cost is spread thin over many calls. */
const SAMPLE_NS = 20_000;

const deepName = `${Array.from({ length: 30 }, (_, index) => `l${index}`).join('.')}.unknown.example`;
const longName = `${Array.from({ length: 25 }, () => 'abcdefghi').join('.')}.zz`;

/** [name, Host header, probe token]. Hits first, then worst cases. */
export const CASES = [
  ['exact hit', 'api.example.com', undefined],
  ['exact hit with port', 'API.example.com:8443', undefined],
  ['.suffix hit, 6 levels deep', 'a.b.c.d.e.f.tenant.example.org', undefined],
  ['*.suffix hit', 'web.apps.example.net', undefined],
  ['CIDR hit', '10.244.1.7:8000', undefined],
  ['probe (token, unlisted host)', '10.99.0.1:8000', TOKEN],
  ['miss', 'unknown.example.io', undefined],
  ['miss, 32 labels deep', deepName, undefined],
  ['miss, 252-character host', longName, undefined],
  ['miss, IP literal', '192.0.2.55', undefined],
  ['invalid (userinfo)', 'example.com@evil.example', undefined],
];

function ourDecision(list) {
  const resolved = resolveConfig({ configFile: false, allowedHosts: list, probe: { value: TOKEN } }, {});
  const { policy } = compileSettings(resolved);
  // The request target is parsed by the glue; the decision receives it parsed.
  const target = { form: 'origin', path: '/' };
  return (host, token) => decide(policy, { method: 'GET', target, host, probeToken: token }).allowed;
}

/** How many calls make one sample of about SAMPLE_NS. */
function batchSize(fn) {
  for (let index = 0; index < 20; index += 1) fn();
  const start = process.hrtime.bigint();
  for (let index = 0; index < 20; index += 1) fn();
  const perCall = Number(process.hrtime.bigint() - start) / 20;
  return Math.max(1, Math.min(2000, Math.round(SAMPLE_NS / perCall)));
}

function addBatched(bench, name, fn) {
  const batch = batchSize(fn);
  bench.add(name, () => {
    for (let index = 0; index < batch; index += 1) fn();
  });
  return batch;
}

/** Runs every case at every size and returns rows of { size, case, impl, ns, allowed }. */
export async function runMicro({ time = 150 } = {}) {
  const rows = [];
  for (const size of SIZES) {
    const list = allowlist(size);
    const names = namesAndSuffixes(list);
    const impls = {
      'koa-allow-healthchecks': ourDecision(list),
      'linear scan (Django way)': (host) => djangoLinearScan(host, list),
      'host-validation-middleware': (host) => isHostAllowed(host, names),
    };
    const bench = new Bench({ time, iterations: 10, warmupTime: 20, warmupIterations: 3 });
    const batches = new Map();
    for (const [caseName, host, token] of CASES) {
      for (const [impl, allows] of Object.entries(impls)) {
        // host-validation-middleware lets every IP literal through and has no probe, so those cases do not apply.
        if (impl === 'host-validation-middleware' && (caseName.includes('CIDR') || caseName.includes('IP literal') || token)) continue;
        const name = `${size}|${caseName}|${impl}`;
        batches.set(name, addBatched(bench, name, () => allows(host, token)));
      }
    }
    await bench.run();
    for (const task of bench.tasks) {
      const [, caseName, impl] = task.name.split('|');
      const [, host, token] = CASES.find(([name]) => name === caseName);
      const ns = (task.result.latency.p50 * 1e6) / batches.get(task.name);
      rows.push({ size, case: caseName, impl, ns: Number(ns.toFixed(1)), allowed: impls[impl](host, token) });
    }
  }
  return rows;
}

/**
 * One name allowed two ways, at 10,000 entries: listed in `allowedHosts`, or allowed by a cached `resolveHost` answer
 * under the same list without it. The same name both ways, so that parsing costs alike and the difference is the
 * resolver's: the decision's miss, the cache lookup and the new decision.
 */
export async function runResolverMicro({ time = 150 } = {}) {
  const { createHostResolver } = require('../src/live/host-resolver.ts');
  const { resolveDecision } = require('../src/live/resolve-decision.ts');
  const tenant = 'shop.customer-42.example';
  const policyFor = (hosts) => compileSettings(resolveConfig({ configFile: false, allowedHosts: hosts }, {})).policy;
  const listed = policyFor([...allowlist(10_000), tenant]);
  const unlisted = policyFor(allowlist(10_000));
  const counts = { calls: 0, hits: 0, failures: 0 };
  const resolver = createHostResolver(
    { resolveHost: () => true, cache: { max: 10_000, ttl: 60_000, negativeTtl: 5_000 }, concurrency: 32, timeout: 1_000 },
    counts,
  );
  await resolver.check(tenant);
  const target = { form: 'origin', path: '/' };
  const facts = { method: 'GET', target, host: tenant, probeToken: undefined };
  const staticHit = () => decide(listed, facts).allowed;
  const cachedHit = () => resolveDecision(decide(unlisted, facts), resolver).allowed;
  if (staticHit() !== true || cachedHit() !== true) throw new Error('resolver benchmark setup is wrong');

  // The machine's speed drifts within seconds, so the two are timed back to back in small batches, many times, and
  // the median of the ratios of adjacent pairs is kept: drift slower than one pair cancels out.
  const batch = 500;
  const timeBatch = (fn) => {
    const started = process.hrtime.bigint();
    for (let index = 0; index < batch; index += 1) fn();
    return Number(process.hrtime.bigint() - started) / batch;
  };
  for (let index = 0; index < 200; index += 1) {
    timeBatch(cachedHit);
    timeBatch(staticHit);
  }
  const pairs = Math.max(50, Math.round(time * 4));
  const staticNs = [];
  const cachedNs = [];
  const ratios = [];
  for (let index = 0; index < pairs; index += 1) {
    // Alternate which runs first, so that neither always follows the other.
    let plain;
    let cached;
    if (index % 2 === 0) {
      plain = timeBatch(staticHit);
      cached = timeBatch(cachedHit);
    } else {
      cached = timeBatch(cachedHit);
      plain = timeBatch(staticHit);
    }
    staticNs.push(plain);
    cachedNs.push(cached);
    ratios.push(cached / plain);
  }
  const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];
  return {
    staticExactHitNs: Number(median(staticNs).toFixed(1)),
    cachedResolverHitNs: Number(median(cachedNs).toFixed(1)),
    ratio: Number(median(ratios).toFixed(2)),
    callsAfterWarmUp: counts.calls,
  };
}
