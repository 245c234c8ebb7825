'use strict';
// Prometheus counters for koa-allow-healthchecks, built on the middleware's stats(). Copy this file into your app.
// Values are read when Prometheus scrapes, so counting costs the middleware nothing more than its own integers.
const { Counter } = require('prom-client');

/**
 * Registers four counters that mirror `middleware.stats()`:
 *   koa_allow_healthchecks_allowed_total                 ordinary requests the allowlist let through
 *   koa_allow_healthchecks_probes_total{via}             requests let through as probes: header, localAddress, exemptPath
 *   koa_allow_healthchecks_rejected_total{reason}        requests rejected, by reason
 *   koa_allow_healthchecks_would_reject_total{reason}    in report-only mode, requests that enforcement would reject
 *
 * @param {{ stats(): object }} middleware what healthChecks() returned
 * @param {{ registry?: import('prom-client').Registry, prefix?: string }} [options]
 */
function registerHealthChecksMetrics(middleware, { registry, prefix = 'koa_allow_healthchecks_' } = {}) {
  const registers = registry === undefined ? undefined : [registry];
  const counter = (name, help, labelName, read) =>
    new Counter({
      name: `${prefix}${name}`,
      help,
      labelNames: labelName === undefined ? [] : [labelName],
      registers,
      collect() {
        // Set each series to the current count: reset, then add it. The counts only grow, so the series do too.
        this.reset();
        const value = read(middleware.stats());
        if (typeof value === 'number') this.inc(value);
        else for (const [label, count] of Object.entries(value)) this.inc({ [labelName]: label }, count);
      },
    });

  counter('allowed_total', 'Ordinary requests koa-allow-healthchecks let through.', undefined, (stats) => stats.allowed);
  counter('probes_total', 'Requests let through as probes, by what let them through.', 'via', (stats) => stats.probes);
  counter('rejected_total', 'Requests rejected by koa-allow-healthchecks, by reason.', 'reason', (stats) => stats.rejected);
  counter('would_reject_total', 'In report-only mode, requests enforcement would reject, by reason.', 'reason', (stats) => stats.wouldReject);
}

module.exports = { registerHealthChecksMetrics };
