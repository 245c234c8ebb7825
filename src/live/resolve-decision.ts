import type { Decision } from '../core/decide';
import type { HostResolver, ResolveOutcome } from './host-resolver';

/**
 * Gives `resolveHost` its say on a decision: only a rejection for `host-not-allowed` (a valid, consistent host that no
 * `allowedHosts` entry lists) of a name, never an IP literal, is asked about. Everything else, static passes
 * included, keeps its synchronous path. An allowed name passes as an ordinary request; a store that does not answer in
 * time gives `resolver-unavailable`.
 */
export function resolveDecision(decision: Decision, resolver: HostResolver | undefined): Decision | Promise<Decision> {
  if (resolver === undefined || decision.allowed || decision.reason !== 'host-not-allowed') return decision;
  const { host } = decision;
  if (host === null || decision.hostIsAddress) return decision;
  const outcome = resolver.check(host);
  return typeof outcome === 'string' ? decisionFor(outcome, decision, host) : outcome.then((answer) => decisionFor(answer, decision, host));
}

function decisionFor(outcome: ResolveOutcome, rejection: Decision, host: string): Decision {
  if (outcome === 'allowed') return { allowed: true, state: { probe: false, via: null, host }, rule: 'resolveHost' };
  if (outcome === 'refused') return rejection;
  return { allowed: false, host, hostIsAddress: false, reason: 'resolver-unavailable' };
}
