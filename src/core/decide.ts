import type { HostMatcher } from './host-matcher';
import { matchHost } from './host-matcher';
import { parseHostHeader } from './parse-host';
import type { TokenVerifier } from './probe-token';

/** What `ctx.state.healthCheck` holds on every request that passes. */
export interface HealthCheckState {
  /** True only for a request let through by the probe bypass or an exempt path. */
  probe: boolean;
  /** What let a probe through: its header token, or an exempt path. `null` for ordinary requests. */
  via: 'header' | 'exemptPath' | null;
  /** The normalised hostname (lowercase, no port, no trailing dot), or `null` when the host was invalid. */
  host: string | null;
}

/** Why a request was rejected. */
export type RejectReason = 'missing-host' | 'invalid-host' | 'host-not-allowed';

/** The probe bypass, compiled. */
export interface ProbePolicy {
  /** Lowercase header name. */
  readonly header: string;
  readonly verifyToken: TokenVerifier;
  /** When set, the only paths the bypass works on. */
  readonly paths: ReadonlySet<string> | undefined;
  readonly methods: ReadonlySet<string>;
}

/** Everything a decision needs, compiled once at startup. */
export interface Policy {
  readonly hosts: HostMatcher;
  /** `undefined` when no token is configured: the bypass is off. */
  readonly probe: ProbePolicy | undefined;
  readonly exemptPaths: ReadonlySet<string>;
}

/** The parts of a request a decision reads, taken raw from the request. */
export interface RequestFacts {
  readonly method: string;
  /** The path without the query string. */
  readonly path: string;
  /** The raw host value to validate: Host, `:authority`, or X-Forwarded-Host behind a trusted proxy. */
  readonly host: string | undefined;
  /** The raw value of the probe header, if any. */
  readonly probeToken: string | undefined;
}

export type Decision =
  | { readonly allowed: true; readonly state: HealthCheckState; readonly rule: string }
  | { readonly allowed: false; readonly host: string | null; readonly reason: RejectReason };

/** Methods that may use an exempt path: a prober's GET, and HEAD, which Koa answers like GET. */
const EXEMPT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * The whole decision, as `healthChecks()` makes it: a valid probe passes whatever its host; otherwise the host must
 * be allowed, or the request must be a GET or HEAD of an exempt path.
 */
export function decide(policy: Policy, request: RequestFacts): Decision {
  if (isProbe(policy.probe, request)) return { allowed: true, state: probeState(request), rule: 'probe header' };
  return checkHost(policy, request);
}

/** Why a request is not a valid probe. */
export type ProbeMismatch = 'bypass-off' | 'method' | 'path' | 'token';

/** The probe half: does the request carry a valid token, with a method and path the bypass allows? */
export function isProbe(probe: ProbePolicy | undefined, request: RequestFacts): boolean {
  return probeMismatch(probe, request) === undefined;
}

/** The first reason the request is not a valid probe, or `undefined` when it is one. */
export function probeMismatch(probe: ProbePolicy | undefined, request: RequestFacts): ProbeMismatch | undefined {
  if (probe === undefined) return 'bypass-off';
  if (!probe.methods.has(request.method)) return 'method';
  if (probe.paths !== undefined && !probe.paths.has(request.path)) return 'path';
  return probe.verifyToken(request.probeToken) ? undefined : 'token';
}

/** The state of a request that {@link isProbe} accepted. */
export function probeState(request: RequestFacts): HealthCheckState {
  return { probe: true, via: 'header', host: hostnameOf(request.host) };
}

/** The allowlist half: the host check, with exempt paths as its only exception. */
export function checkHost(policy: Policy, request: RequestFacts): Decision {
  const parsed = parseHostHeader(request.host);
  const rule = parsed === undefined ? undefined : matchHost(policy.hosts, parsed);
  const host = parsed?.hostname ?? null;
  if (rule !== undefined) return { allowed: true, state: { probe: false, via: null, host }, rule };
  if (EXEMPT_METHODS.has(request.method) && policy.exemptPaths.has(request.path)) {
    return { allowed: true, state: { probe: true, via: 'exemptPath', host }, rule: 'exempt path' };
  }
  if (parsed !== undefined) return { allowed: false, host, reason: 'host-not-allowed' };
  const missing = request.host === undefined || request.host === '';
  return { allowed: false, host: null, reason: missing ? 'missing-host' : 'invalid-host' };
}

/** The state an ordinary request gets from the probe half alone. */
export function ordinaryState(request: RequestFacts): HealthCheckState {
  return { probe: false, via: null, host: hostnameOf(request.host) };
}

function hostnameOf(raw: string | undefined): string | null {
  return parseHostHeader(raw)?.hostname ?? null;
}
