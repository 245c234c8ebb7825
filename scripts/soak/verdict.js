'use strict';
// The soak's verdict: memory slopes over the second half of the run, after warm-up, this package's server against
// bare Koa's, plus an ASCII chart of both curves.

/** How much more this package's RSS may grow over the second half than bare Koa's, in MiB: allocator noise. */
const RSS_MARGIN_MIB = 4;
/** How much its heap after a full GC may grow over the second half, in MiB. */
const HEAP_MARGIN_MIB = 1;

const MIB = 2 ** 20;

/** Least-squares slope of `values` against `times`, per second. */
function slope(times, values) {
  const n = times.length;
  const meanT = times.reduce((a, b) => a + b, 0) / n;
  const meanV = values.reduce((a, b) => a + b, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < n; index += 1) {
    numerator += (times[index] - meanT) * (values[index] - meanV);
    denominator += (times[index] - meanT) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

/** The fitted growth, in MiB, of one memory figure over the second half of the samples. */
function secondHalfGrowth(samples, server, field) {
  const half = samples.slice(Math.floor(samples.length / 2));
  const times = half.map((sample) => sample.seconds);
  const perSecond = slope(times, half.map((sample) => sample[server][field] / MIB));
  return { perMinute: perSecond * 60, overWindow: perSecond * (times.at(-1) - times[0]), windowSeconds: times.at(-1) - times[0] };
}

function judge(samples) {
  const growth = {};
  for (const server of ['bare', 'healthchecks']) {
    growth[server] = Object.fromEntries(['rss', 'heapUsed', 'external', 'arrayBuffers'].map((field) => [field, secondHalfGrowth(samples, server, field)]));
  }
  const failures = [];
  const rssExcess = growth.healthchecks.rss.overWindow - growth.bare.rss.overWindow;
  if (rssExcess > RSS_MARGIN_MIB) failures.push(`RSS grew ${rssExcess.toFixed(1)} MiB more than bare Koa's over the second half (margin ${RSS_MARGIN_MIB} MiB)`);
  const heap = growth.healthchecks.heapUsed.overWindow;
  if (heap > HEAP_MARGIN_MIB) failures.push(`the heap after GC grew ${heap.toFixed(2)} MiB over the second half (margin ${HEAP_MARGIN_MIB} MiB)`);
  return { growth, rssExcess, failures };
}

/** Both RSS curves on one ASCII chart: "b" bare Koa, "h" healthChecks(), "*" where they meet. */
function chart(samples, field = 'rss', { width = 60, height = 12 } = {}) {
  const values = samples.flatMap((sample) => [sample.bare[field], sample.healthchecks[field]]).map((value) => value / MIB);
  const low = Math.floor(Math.min(...values));
  const high = Math.ceil(Math.max(...values));
  const span = Math.max(high - low, 1);
  const rows = Array.from({ length: height }, () => Array(width).fill(' '));
  const end = samples.at(-1).seconds;
  const plot = (seconds, mib, mark) => {
    const x = Math.min(width - 1, Math.round((seconds / end) * (width - 1)));
    const y = height - 1 - Math.round(((mib - low) / span) * (height - 1));
    rows[y][x] = rows[y][x] === ' ' || rows[y][x] === mark ? mark : '*';
  };
  for (const sample of samples) {
    plot(sample.seconds, sample.bare[field] / MIB, 'b');
    plot(sample.seconds, sample.healthchecks[field] / MIB, 'h');
  }
  const label = (row) => `${(high - (row / (height - 1)) * span).toFixed(1).padStart(7)} MiB |`;
  return [
    ...rows.map((row, index) => `${label(index)}${row.join('')}`),
    `${' '.repeat(11)} +${'-'.repeat(width)}`,
    `${' '.repeat(12)}0 s${' '.repeat(width - 8)}${Math.round(end)} s`,
  ].join('\n');
}

module.exports = { chart, judge, HEAP_MARGIN_MIB, RSS_MARGIN_MIB };
