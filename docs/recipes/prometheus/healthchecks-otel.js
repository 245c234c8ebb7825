'use strict';
// OpenTelemetry metrics for koa-allow-healthchecks, built on the middleware's stats(). Copy this file into your app;
// it needs only @opentelemetry/api, and your SDK setup decides where the metrics go.
const { metrics } = require('@opentelemetry/api');

/**
 * Observable counters that read `middleware.stats()` at each collection: koa_allow_healthchecks.allowed,
 * .probes {via}, .rejected {reason} and .would_reject {reason}.
 *
 * @param {{ stats(): object }} middleware what healthChecks() returned
 * @param {import('@opentelemetry/api').Meter} [meter]
 */
function observeHealthChecks(middleware, meter = metrics.getMeter('koa-allow-healthchecks')) {
  const allowed = meter.createObservableCounter('koa_allow_healthchecks.allowed', { description: 'Ordinary requests let through.' });
  const probes = meter.createObservableCounter('koa_allow_healthchecks.probes', { description: 'Requests let through as probes.' });
  const rejected = meter.createObservableCounter('koa_allow_healthchecks.rejected', { description: 'Requests rejected.' });
  const wouldReject = meter.createObservableCounter('koa_allow_healthchecks.would_reject', { description: 'Report-only would-be rejections.' });
  meter.addBatchObservableCallback(
    (result) => {
      const stats = middleware.stats();
      result.observe(allowed, stats.allowed);
      for (const [via, count] of Object.entries(stats.probes)) result.observe(probes, count, { via });
      for (const [reason, count] of Object.entries(stats.rejected)) result.observe(rejected, count, { reason });
      for (const [reason, count] of Object.entries(stats.wouldReject)) result.observe(wouldReject, count, { reason });
    },
    [allowed, probes, rejected, wouldReject],
  );
}

module.exports = { observeHealthChecks };
