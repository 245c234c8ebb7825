import { REJECT_REASONS, type RejectReason } from '../core/decide';

/** What `stats()` returns: plain counts of decisions since the middleware was made. */
export interface HealthCheckStats {
  /** Ordinary requests the allowlist let through. */
  allowed: number;
  /** Requests let through as probes, by what let them through. */
  probes: { header: number; localAddress: number; exemptPath: number };
  /** Requests rejected, by reason. */
  rejected: Record<RejectReason, number>;
  /** In report-only mode, requests that enforcement would have rejected, by reason. */
  wouldReject: Record<RejectReason, number>;
  /**
   * `resolveHost`: calls made, answers served from the cache, names cached now, calls running now, and failures
   * (throws, rejections, timeouts, and requests refused because every call slot was busy). Zeros without it.
   */
  resolver: { calls: number; hits: number; cacheSize: number; inFlight: number; failures: number };
  /**
   * The dependency checks (`checks`), by name: whether each passes once its thresholds are applied (`null` before its
   * first run), whether it is critical, its runs and failures, and its last run's duration in ms. Empty without checks.
   */
  checks: Record<string, { passing: boolean | null; critical: boolean; runs: number; failures: number; lastDurationMs: number | null }>;
}

/** Counters with every key present from the start, so that counting is one increment and the shape never changes. */
export function createStats(): HealthCheckStats {
  return {
    allowed: 0,
    probes: { header: 0, localAddress: 0, exemptPath: 0 },
    rejected: zeroByReason(),
    wouldReject: zeroByReason(),
    resolver: { calls: 0, hits: 0, cacheSize: 0, inFlight: 0, failures: 0 },
    checks: {},
  };
}

/** A copy, so that callers cannot change the counters and a snapshot does not move, with the resolver's gauges now. */
export function copyStats(stats: HealthCheckStats, gauges: { cacheSize: number; inFlight: number }, checks: HealthCheckStats['checks'] = {}): HealthCheckStats {
  return {
    allowed: stats.allowed,
    probes: { ...stats.probes },
    rejected: { ...stats.rejected },
    wouldReject: { ...stats.wouldReject },
    resolver: { ...stats.resolver, ...gauges },
    checks,
  };
}

function zeroByReason(): Record<RejectReason, number> {
  return Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>;
}
