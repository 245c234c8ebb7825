import type { Decision, RequestFacts } from '../core/decide';
import { publishProbe, publishReject } from './channels';
import { explainFirstRejection, type RejectionContext } from './first-rejection-warning';
import type { HealthCheckStats } from './stats';

/**
 * Counts a decision, publishes it on the diagnostics channels (only when someone subscribes), and outside production
 * explains the first rejection of each host. `reportOnly` says whether a rejection was let through.
 */
export function reportDecision(
  stats: HealthCheckStats,
  decision: Decision,
  request: RequestFacts,
  reportOnly: boolean,
  environment: string,
  context?: () => RejectionContext,
): void {
  if (decision.allowed) {
    const { via, host } = decision.state;
    if (via === null) {
      stats.allowed += 1;
      return;
    }
    stats.probes[via] += 1;
    publishProbe(via, host, request.method, request.target?.path ?? '');
    return;
  }
  (reportOnly ? stats.wouldReject : stats.rejected)[decision.reason] += 1;
  publishReject(decision.host, decision.reason, reportOnly, request.method, request.target?.path);
  if (environment !== 'production') explainFirstRejection(environment, decision.reason, decision.host, request.host, context?.());
}
