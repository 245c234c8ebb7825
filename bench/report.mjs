// Turns benchmark results into Markdown tables, an ASCII chart and a verdict on each target.

const TARGETS = {
  throughputRatio: 0.97,
  scaling: 1.5,
  cachedResolverRatio: 2,
  floodHeapMiB: 20,
  floodLatencyRatio: 2,
  versusLinearScan: 50,
  versusHostValidationMiddleware: 10,
  startupRatio: 1.12,
  footprintExtraPackages: 1,
  aimNs: 300,
};

function table(header, rows) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

const ns = (value) => (value >= 1e6 ? `${(value / 1e6).toFixed(2)} ms` : value >= 1e3 ? `${(value / 1e3).toFixed(1)} µs` : `${value.toFixed(0)} ns`);

function cell(rows, size, caseName, impl) {
  return rows.find((row) => row.size === size && row.case === caseName && row.impl === impl);
}

/** One row per case: our ns/op at each size, then the two others at 10,000 entries with our speed-up over them. */
function microTable(micro, sizes) {
  const cases = [...new Set(micro.map((row) => row.case))];
  const header = ['case', ...sizes.map((size) => `${size.toLocaleString('en')}`), 'linear scan @10k', 'host-validation-mw @10k'];
  return table(
    header,
    cases.map((caseName) => {
      const ours = cell(micro, 10_000, caseName, 'koa-allow-healthchecks');
      const versus = (impl) => {
        const other = cell(micro, 10_000, caseName, impl);
        return other === undefined ? 'n/a' : `${ns(other.ns)} (${Math.round(other.ns / ours.ns).toLocaleString('en')}×)`;
      };
      return [caseName, ...sizes.map((size) => ns(cell(micro, size, caseName, 'koa-allow-healthchecks').ns)), versus('linear scan (Django way)'), versus('host-validation-middleware')];
    }),
  );
}

/** ns/op against allowlist size on a log scale, one line per implementation, for one case. */
function chart(micro, sizes, caseName) {
  const impls = [
    ['koa-allow-healthchecks', '#'],
    ['host-validation-middleware', 'h'],
    ['linear scan (Django way)', 'd'],
  ];
  const all = micro.filter((row) => row.case === caseName).map((row) => row.ns);
  const [low, high] = [Math.log10(Math.min(...all)), Math.log10(Math.max(...all))];
  const width = 60;
  const lines = [`ns/op for "${caseName}", log scale from ${ns(10 ** low)} to ${ns(10 ** high)}`];
  for (const size of sizes) {
    for (const [impl, mark] of impls) {
      const row = cell(micro, size, caseName, impl);
      if (row === undefined) continue;
      const length = Math.max(1, Math.round(((Math.log10(row.ns) - low) / (high - low || 1)) * width));
      lines.push(`${String(size.toLocaleString('en')).padStart(7)} ${mark} ${mark.repeat(length).padEnd(width)} ${ns(row.ns)}`);
    }
  }
  lines.push('        # koa-allow-healthchecks   h host-validation-middleware   d linear scan (Django way)');
  return lines.join('\n');
}

export function verdicts({ throughput, micro, startup, resolver, flood, floodControl, updateSoak, footprint }) {
  const out = [];
  const allowed10k = throughput.find((row) => row.kind === 'healthchecks' && row.size === 10_000 && row.request === 'allowed');
  out.push({ target: `throughput, 10,000 entries, allowed hosts ≥ ${TARGETS.throughputRatio} × bare Koa`, value: `${allowed10k.ratioToBare} ×`, met: allowed10k.ratioToBare >= TARGETS.throughputRatio });

  const ours = micro.filter((row) => row.impl === 'koa-allow-healthchecks');
  const scaling = [...new Set(ours.map((row) => row.case))].map((caseName) => ({
    caseName,
    ratio: cell(micro, 100_000, caseName, 'koa-allow-healthchecks').ns / cell(micro, 10, caseName, 'koa-allow-healthchecks').ns,
  }));
  const worst = scaling.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  out.push({ target: `decision at 100,000 entries ≤ ${TARGETS.scaling} × at 10 (worst case)`, value: `${worst.ratio.toFixed(2)} × (${worst.caseName})`, met: worst.ratio <= TARGETS.scaling });

  for (const [impl, goal] of [['linear scan (Django way)', TARGETS.versusLinearScan], ['host-validation-middleware', TARGETS.versusHostValidationMiddleware]]) {
    const speedups = micro
      .filter((row) => row.size === 10_000 && row.impl === impl)
      .map((row) => ({ caseName: row.case, speedup: row.ns / cell(micro, 10_000, row.case, 'koa-allow-healthchecks').ns }))
      .filter((entry) => !entry.caseName.startsWith('invalid'));
    const slowest = speedups.reduce((a, b) => (b.speedup < a.speedup ? b : a));
    out.push({ target: `at 10,000 entries > ${goal} × faster than ${impl} (smallest speed-up)`, value: `${Math.round(slowest.speedup).toLocaleString('en')} × (${slowest.caseName})`, met: slowest.speedup > goal });
  }

  const koa = startup.find((row) => row.name === 'koa');
  const withPackage = startup.find((row) => row.name.startsWith('koa +'));
  const startupRatio = withPackage.pairedRatioToKoa ?? withPackage.wallMs / koa.wallMs;
  out.push({ target: `startup: require('koa') + this package + healthChecks() with a file search ≤ ${TARGETS.startupRatio} × require('koa') alone (median of paired rounds)`, value: `${startupRatio.toFixed(3)} × (medians ${withPackage.wallMs} ms vs ${koa.wallMs} ms)`, met: startupRatio <= TARGETS.startupRatio });

  if (footprint !== undefined) {
    const [ours] = footprint;
    const cosmiconfigTree = footprint.find((row) => row.name.startsWith('cosmiconfig')).packages;
    const extra = ours.packages.filter((entry) => !entry.startsWith('koa-allow-healthchecks@') && !cosmiconfigTree.includes(entry));
    out.push({
      target: `production install: cosmiconfig's tree plus at most ${TARGETS.footprintExtraPackages} more package, no ajv`,
      value: `${ours.packageCount} packages, ${mib(ours.installedBytes)}; beyond cosmiconfig's: ${extra.join(', ') || 'none'}`,
      met: extra.length <= TARGETS.footprintExtraPackages && !ours.packages.some((entry) => entry.startsWith('ajv@')),
    });
  }

  for (const request of ['probe', 'rejected']) {
    const without = throughput.find((row) => row.kind === 'healthchecks' && row.size === 10_000 && row.request === request);
    const withSubscriber = throughput.find((row) => row.kind === 'healthchecks-subscribed' && row.request === request);
    if (without === undefined || withSubscriber === undefined) continue;
    const ratio = withSubscriber.rps / without.rps;
    out.push({ target: `${request} requests with a diagnostics-channel subscriber, × without one (information)`, value: `${ratio.toFixed(3)} ×`, met: true });
  }

  if (resolver !== undefined) {
    const ratio = resolver.ratio ?? resolver.cachedResolverHitNs / resolver.staticExactHitNs;
    out.push({
      target: `a cached resolveHost hit ≤ ${TARGETS.cachedResolverRatio} × a static exact hit, same name, 10,000 entries (median of paired ratios)`,
      value: `${ratio.toFixed(2)} × (${ns(resolver.cachedResolverHitNs)} vs ${ns(resolver.staticExactHitNs)})`,
      met: ratio <= TARGETS.cachedResolverRatio,
    });
  }

  if (flood !== undefined) {
    const growth = flood.heapAfterMiB - flood.heapBeforeMiB;
    out.push({ target: `${flood.names.toLocaleString('en')} unique subdomains, slow resolveHost: heap after GC grows < ${TARGETS.floodHeapMiB} MiB`, value: `${growth.toFixed(1)} MiB (${flood.heapBeforeMiB} → ${flood.heapAfterMiB}), cache ${flood.resolver.cacheSize} names`, met: growth < TARGETS.floodHeapMiB });
    const ratio = flood.static.duringFlood.p99Ms / flood.static.baseline.p99Ms;
    const control = floodControl === undefined ? '' : `; with no resolveHost the same flood gives ${(floodControl.static.duringFlood.p99Ms / floodControl.static.baseline.p99Ms).toFixed(1)} ×`;
    out.push({ target: `static-host p99 during that flood ≤ ${TARGETS.floodLatencyRatio} × without it`, value: `${ratio.toFixed(1)} × (${flood.static.baseline.p99Ms} → ${flood.static.duringFlood.p99Ms} ms)${control}`, met: ratio <= TARGETS.floodLatencyRatio });
  }
  if (updateSoak !== undefined) {
    const { counts, errors, updates, requests, seconds, agrees } = updateSoak;
    const other = Object.values(counts).reduce((sum, byStatus) => sum + byStatus.other, 0);
    out.push({ target: `update() 100 times a second for ${seconds} s under load: no failure, no 5xx, every answer the old or new policy's`, value: `${updates.toLocaleString('en')} updates, ${requests.toLocaleString('en')} requests, ${errors} failed, ${other} other statuses, ${agrees ? 'all agree' : 'DISAGREEMENT'}`, met: errors === 0 && other === 0 && agrees });
  }

  const over = ours.filter((row) => row.size === 10_000 && row.ns >= TARGETS.aimNs);
  out.push({ target: `aim: under ${TARGETS.aimNs} ns/op at 10,000 entries`, value: over.length === 0 ? 'every case' : `all but ${over.map((row) => `${row.case} (${ns(row.ns)})`).join(', ')}`, met: over.length === 0, aim: true });
  return out;
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;

function footprintTable(footprint) {
  return table(
    ['package', 'version', 'packages installed', 'installed size', '× koa'],
    footprint.map((row) => [row.name, row.version ?? '', String(row.packageCount), mib(row.installedBytes), (row.installedBytes / footprint.find((other) => other.name === 'koa').installedBytes).toFixed(2)]),
  );
}

export function markdown(results) {
  const { machine, throughput, micro, startup, sizes, footprint, lifecycle } = results;
  const targets = verdicts(results);
  return [
    `Measured ${machine.date} on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}, with \`npm run bench\`.`,
    '',
    '### Targets',
    '',
    table(['target', 'measured', 'met'], targets.map((row) => [row.target, row.value, row.met ? 'yes' : row.aim ? 'no (aim)' : '**no**'])),
    '',
    '### Throughput on loopback (autocannon, 10 connections, median of the rounds)',
    '',
    table(['server', 'req/s', 'p99 latency', '× bare Koa', '× empty middleware'], throughput.map((row) => [row.name, row.rps.toLocaleString('en'), row.p99Ms < 1 ? '< 1 ms' : `${row.p99Ms} ms`, row.ratioToBare.toFixed(3), row.ratioToEmptyMiddleware.toFixed(3)])),
    '',
    'autocannon records latency in whole milliseconds, so "< 1 ms" is as fine as it reports.',
    '',
    '### The decision alone, ns/op by allowlist size (median)',
    '',
    microTable(micro, sizes),
    '',
    'The two right-hand columns are the same case at 10,000 entries, with how many times slower than this package. host-validation-middleware lets every IP literal through and has no probe, so those cases are n/a.',
    '',
    '### How the decision scales',
    '',
    '```',
    chart(micro, sizes, 'miss'),
    '```',
    '',
    '### Startup (fresh processes, median)',
    '',
    table(['process', 'wall time', 'in-process time', '× koa, paired'], startup.map((row) => [row.name, `${row.wallMs} ms`, `${row.inProcessMs} ms`, row.pairedRatioToKoa === undefined ? '' : row.pairedRatioToKoa.toFixed(3)])),
    ...(footprint === undefined
      ? []
      : [
          '',
          '### Footprint of a production install (`npm install <package> --omit=dev --omit=peer` into an empty project)',
          '',
          footprintTable(footprint),
          '',
          `Installed size is the bytes of every file under node_modules. This package's tree: ${footprint[0].packages.join(', ')}.`,
        ]),
    ...(lifecycle === undefined ? [] : lifecycleSection(lifecycle)),
  ].join('\n');
}

/** The rolling restart side by side, and the probe flood. */
function lifecycleSection({ rollingRestarts, probeFlood }) {
  const names = { package: 'koa-allow-healthchecks (endpoints + lifecycle)', terminus: '@godaddy/terminus, same Koa app', plain: 'plain Koa, exits on SIGTERM' };
  const flood = probeFlood;
  return [
    '',
    '### A rolling restart behind HAProxy (5 restarts, retries 0, drainDelay 1000 ms, 6 clients, half the requests 500 ms)',
    '',
    table(['app', 'requests', 'failed', '5xx', 'p99 during restarts', 'exit (code or signal)'], rollingRestarts.map((row) => [names[row.kind] ?? row.kind, row.requests, row.failed, row.fiveXX, row.p99Ms === null ? '' : `${row.p99Ms} ms`, row.exitCodes.join(' ')])),
    '',
    `### A flood of ${flood.probes.toLocaleString('en')} probes against the readiness endpoint`,
    '',
    table(
      ['dependency calls', 'calls its 5 s interval allows, at most', 'probe req/s', 'ordinary allowed request req/s', 'ordinary ÷ probe'],
      [[flood.dependencyCalls, flood.expectedCalls, flood.probeRps.toLocaleString('en'), flood.ordinaryRps.toLocaleString('en'), flood.costRatio.toFixed(3)]],
    ),
  ];
}
