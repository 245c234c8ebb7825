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
}

/** Counters with every key present from the start, so that counting is one increment and the shape never changes. */
export function createStats(): HealthCheckStats {
  return { allowed: 0, probes: { header: 0, localAddress: 0, exemptPath: 0 }, rejected: zeroByReason(), wouldReject: zeroByReason() };
}

/** A copy, so that callers cannot change the counters and a snapshot does not move. */
export function copyStats(stats: HealthCheckStats): HealthCheckStats {
  return { allowed: stats.allowed, probes: { ...stats.probes }, rejected: { ...stats.rejected }, wouldReject: { ...stats.wouldReject } };
}

function zeroByReason(): Record<RejectReason, number> {
  return Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<RejectReason, number>;
}
