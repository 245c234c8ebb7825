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
  if (host === null || host.startsWith('[') || endsWithNumericLabel(host)) return decision;
  const outcome = resolver.check(host);
  return typeof outcome === 'string' ? decisionFor(outcome, decision, host) : outcome.then((answer) => decisionFor(answer, decision, host));
}

/**
 * Whether a valid host is an IPv4 literal. The host parser refuses any name whose last label is all digits unless it
 * is a dotted-quad address, so for a host that passed it, an all-digit last label means an address.
 */
function endsWithNumericLabel(host: string): boolean {
  const last = host.charCodeAt(host.length - 1);
  return last >= 48 && last <= 57 && /^[0-9]+$/.test(host.slice(host.lastIndexOf('.') + 1));
}

function decisionFor(outcome: ResolveOutcome, rejection: Decision, host: string): Decision {
  if (outcome === 'allowed') return { allowed: true, state: { probe: false, via: null, host }, rule: 'resolveHost' };
  if (outcome === 'refused') return rejection;
  return { allowed: false, host, reason: 'resolver-unavailable' };
}
