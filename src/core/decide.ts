import type { HostMatcher } from './host-matcher';
import { matchHost } from './host-matcher';
import { localAddressMismatch, type ConnectionFacts } from './local-address';
import { parseHostHeader, type ParsedHost } from './parse-host';
import type { TokenVerifier } from './probe-token';
import type { RequestTarget } from './request-target';

/** What `ctx.state.healthCheck` holds on every request that passes. */
export interface HealthCheckState {
  /** True only for a request let through by the probe bypass or an exempt path. */
  probe: boolean;
  /** What let a probe through: its header token, its local address, or an exempt path. `null` for other requests. */
  via: ProbeVia | null;
  /** The normalised hostname (lowercase, no port, no trailing dot), or `null` when the host was invalid. */
  host: string | null;
  /** In report-only mode, why enforcement would have rejected this request. Absent when it would pass. */
  wouldReject?: RejectReason;
}

/** What let a probe through. */
export type ProbeVia = 'header' | 'localAddress' | 'exemptPath';

/**
 * Why a request was rejected:
 * - `missing-host`: no Host (or `:authority`, or trusted X-Forwarded-Host) to check;
 * - `invalid-host`: the host is not one valid host name or IP literal with an optional port;
 * - `host-not-allowed`: the host matches no `allowedHosts` entry;
 * - `invalid-target`: the request target is not an origin-form path, an http(s) absolute URL, or `*` for OPTIONS;
 * - `host-mismatch`: the host is valid, but the app would read another one: X-Forwarded-Host when `app.proxy`
 *   and `trustProxy` differ, an absolute-form target's authority, or an HTTP/2 Host beside `:authority`. It is
 *   checked before the allowlist;
 * - `invalid-forwarded-proto`: the app trusts X-Forwarded-Proto, and its value is neither http nor https;
 * - `resolver-unavailable`: `resolveHost` was asked about the name and did not answer in time (it threw, rejected,
 *   timed out, or every call slot was busy). Answered 503, not `rejectStatus`.
 */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Every {@link RejectReason}, in the order the README lists them. */
export const REJECT_REASONS = [
  'missing-host',
  'invalid-host',
  'host-not-allowed',
  'invalid-target',
  'host-mismatch',
  'invalid-forwarded-proto',
  'resolver-unavailable',
] as const;

/** The probe bypass, compiled. */
export interface ProbePolicy {
  /** Lowercase header name. */
  readonly header: string;
  readonly verifyToken: TokenVerifier;
  /** At least one token is configured: a request with the header can be a probe. */
  readonly hasTokens: boolean;
  /** When set, the only paths the bypass works on. */
  readonly paths: ReadonlySet<string> | undefined;
  readonly methods: ReadonlySet<string>;
  /** A request whose Host is the address it arrived on is a probe too (`probe.localAddress`). */
  readonly localAddress: boolean;
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
  /** The request target, parsed; `undefined` when it is refused. */
  readonly target: RequestTarget | undefined;
  /** The raw host value to validate: Host, `:authority`, or X-Forwarded-Host behind a trusted proxy. */
  readonly host: string | undefined;
  /** Which header `host` was read from. */
  readonly hostHeader?: 'Host' | ':authority' | 'X-Forwarded-Host';
  /** Other raw host values the app reads, which must name the validated host (see `readHost`). */
  readonly alsoRead?: readonly (string | undefined)[];
  /** X-Forwarded-Proto, when the app builds `ctx.protocol` from it. */
  readonly forwardedProto?: string | undefined;
  /** The raw value of the probe header, if any. */
  readonly probeToken: string | undefined;
  /** The connection, for local-address probes; read only when they are on. */
  readonly connection?: ConnectionFacts | undefined;
}

export type Decision =
  | { readonly allowed: true; readonly state: HealthCheckState; readonly rule: string }
  | {
      readonly allowed: false;
      /** The normalised hostname, or `null` when the host was missing or invalid. */
      readonly host: string | null;
      /** Whether `host` is an IP literal, which `resolveHost` is never asked about. */
      readonly hostIsAddress: boolean;
      readonly reason: RejectReason;
    };

/** Methods that may use an exempt path: a prober's GET, and HEAD, which Koa answers like GET. */
const EXEMPT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * The whole decision, as `healthChecks()` makes it: a refused request target is rejected first; then a valid probe
 * passes whatever its host; otherwise the host must be allowed and be the one the app reads, or the request must be
 * a GET or HEAD of an exempt path.
 */
export function decide(policy: Policy, request: RequestFacts): Decision {
  if (request.target === undefined) return invalidTarget(request);
  const via = probeVia(policy.probe, request);
  if (via !== undefined) return { allowed: true, state: probeState(request, via), rule: PROBE_RULES[via] };
  return checkHost(policy, request);
}

/** The rule reported for each way a request is a probe. */
export const PROBE_RULES: Record<'header' | 'localAddress', string> = { header: 'probe header', localAddress: 'probe local address' };

/** Why a request is not a valid probe on the method and path checks every probe shares. */
export type ProbeMismatch = 'bypass-off' | 'target' | 'method' | 'path' | 'token';

/**
 * The probe half: how the request is a probe, or `undefined` when it is none. It must use a method and path the
 * bypass allows, and then either name the address it arrived on (when `probe.localAddress` is on) or carry a valid
 * token. The local address is checked first: it costs no hashing.
 */
export function probeVia(probe: ProbePolicy | undefined, request: RequestFacts): 'header' | 'localAddress' | undefined {
  if (probe === undefined || sharedProbeMismatch(probe, request) !== undefined) return undefined;
  if (probe.localAddress && request.connection !== undefined && localAddressMismatch(request.connection) === undefined) {
    return 'localAddress';
  }
  return probe.verifyToken(request.probeToken) ? 'header' : undefined;
}

/** Whether the request is a probe, by either way. */
export function isProbe(probe: ProbePolicy | undefined, request: RequestFacts): boolean {
  return probeVia(probe, request) !== undefined;
}

/** Why the probe header would not let the request through, or `undefined` when it would. */
export function probeMismatch(probe: ProbePolicy | undefined, request: RequestFacts): ProbeMismatch | undefined {
  if (probe === undefined) return 'bypass-off';
  return sharedProbeMismatch(probe, request) ?? (probe.verifyToken(request.probeToken) ? undefined : 'token');
}

/** Why the request is outside the bypass's scope (its target, method or path), whichever way it might be a probe. */
export function sharedProbeMismatch(probe: ProbePolicy, request: RequestFacts): ProbeMismatch | undefined {
  if (request.target === undefined) return 'target';
  if (!probe.methods.has(request.method)) return 'method';
  if (probe.paths !== undefined && !probe.paths.has(request.target.path)) return 'path';
  return undefined;
}

/** The state of a request that {@link probeVia} accepted. */
export function probeState(request: RequestFacts, via: 'header' | 'localAddress'): HealthCheckState {
  return { probe: true, via, host: hostnameOf(request.host) };
}

/**
 * The allowlist half: the host check, with exempt paths as its only exception, unless `exempt` is false (for an upgrade,
 * which is never a health probe).
 */
export function checkHost(policy: Policy, request: RequestFacts, exempt = true): Decision {
  const { target } = request;
  if (target === undefined) return invalidTarget(request);
  const parsed = parseHostHeader(request.host);
  const host = parsed?.hostname ?? null;
  const rule = parsed === undefined ? undefined : matchHost(policy.hosts, parsed);
  const reason = hostProblem(request, parsed, rule);
  if (reason === undefined && rule !== undefined) return { allowed: true, state: { probe: false, via: null, host }, rule };
  if (exempt && EXEMPT_METHODS.has(request.method) && policy.exemptPaths.has(target.path)) {
    return { allowed: true, state: { probe: true, via: 'exemptPath', host }, rule: 'exempt path' };
  }
  return { allowed: false, host, hostIsAddress: parsed?.address !== undefined, reason: reason ?? 'host-not-allowed' };
}

function invalidTarget(request: RequestFacts): Decision {
  const parsed = parseHostHeader(request.host);
  return { allowed: false, host: parsed?.hostname ?? null, hostIsAddress: parsed?.address !== undefined, reason: 'invalid-target' };
}

/**
 * Why the host check fails, or `undefined` when the host is valid, the only host the app reads, and allowed. The
 * allowlist comes last, so that `host-not-allowed` always means a consistent host that no entry lists: the one case a
 * `resolveHost` callback may still allow.
 */
function hostProblem(request: RequestFacts, parsed: ParsedHost | undefined, rule: string | undefined): RejectReason | undefined {
  if (parsed === undefined) return request.host === undefined || request.host === '' ? 'missing-host' : 'invalid-host';
  const { alsoRead } = request;
  if (alsoRead !== undefined) for (const other of alsoRead) if (!namesSameHost(parsed, other)) return 'host-mismatch';
  if (request.target?.form === 'absolute' && !namesSameHost(parsed, request.target.authority)) return 'host-mismatch';
  if (!isHttpScheme(request.forwardedProto)) return 'invalid-forwarded-proto';
  return rule === undefined ? 'host-not-allowed' : undefined;
}

/** Whether a raw host value names the same host and port, ignoring case and a trailing dot. */
function namesSameHost(parsed: ParsedHost, raw: string | undefined): boolean {
  const other = parseHostHeader(raw);
  return other !== undefined && other.hostname === parsed.hostname && other.port === parsed.port;
}

/**
 * Whether X-Forwarded-Proto leaves `ctx.protocol` http or https. Koa uses its first comma-separated entry, trimmed,
 * and `http` when the header is missing or empty; anything else (`javascript`, `https://evil.example/#`) would become
 * the scheme of `ctx.href` and `ctx.URL`.
 */
function isHttpScheme(forwardedProto: string | undefined): boolean {
  if (forwardedProto === undefined || forwardedProto === '') return true;
  const first = forwardedProto.split(',', 1)[0]?.trim().toLowerCase();
  return first === 'http' || first === 'https';
}

/** The state an ordinary request gets from the probe half alone. */
export function ordinaryState(request: RequestFacts): HealthCheckState {
  return { probe: false, via: null, host: hostnameOf(request.host) };
}

function hostnameOf(raw: string | undefined): string | null {
  return parseHostHeader(raw)?.hostname ?? null;
}
