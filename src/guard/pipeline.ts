import type { Settings } from '../config/build-settings';
import { checkHost, decide, ordinaryState, probeState, probeVia, PROBE_RULES, type Decision, type HealthCheckState, type RequestFacts } from '../core/decide';
import type { ProxyTrust } from '../core/host-sources';
import { readRequestFacts, type NodeRequest } from '../http/read-request';
import { warnIfProxySettingsDiffer } from './proxy-warning';

/**
 * Who reads the request once it is let through. A Koa app is one as it is (`app.proxy`, `app.env`). An upgrade
 * listener has no app: it reads the header the check validates, and builds no URL from X-Forwarded-Proto.
 */
export interface Reader {
  readonly proxy?: boolean;
  readonly env?: string;
  readonly upgradeListener?: boolean;
}

/**
 * Which part of the decision to make: all of it (`healthChecks()`), the probe half (`probeBypass()`, which never
 * rejects), the allowlist half (`hostAllowlist()`, which lets through what the probe half marked as a probe), or the
 * host check alone (`upgrade`: a WebSocket is never a health probe, so neither a probe nor an exempt path lets one
 * through; the probe header is still read, to be removed).
 */
export type Stage = 'whole' | 'probe' | 'host' | 'upgrade';

/** What the pipeline read of a request, and what it decided. */
export interface Evaluated {
  readonly request: RequestFacts;
  readonly decision: Decision;
}

/** The rule of a request the probe half found no probe in: the allowlist half decides it. */
export const LEFT_TO_ALLOWLIST = 'not a probe: hostAllowlist() decides';
/** The rule of a request the allowlist half let through because the probe half marked it. */
export const MARKED_BY_BYPASS = 'marked as a probe by probeBypass()';

/**
 * Reads the facts of a request and decides the `stage` asked for, with `settings` alone: no resolver, no counting.
 * `marked` is `ctx.state.healthCheck` as the allowlist half finds it.
 */
export function readAndDecide(settings: Settings, req: NodeRequest, reader: Reader, stage: Stage, marked?: HealthCheckState): Evaluated {
  const request = readRequest(settings, req, reader, stage);
  return { request, decision: decideStage(settings, request, stage, marked) };
}

/** Reads what the `stage` needs of a request: the probe header and the connection only for a stage with the probe half. */
export function readRequest(settings: Settings, req: NodeRequest, reader: Reader, stage: Stage): RequestFacts {
  const probe = stage === 'host' ? undefined : settings.policy.probe;
  return readRequestFacts(req, {
    probeHeader: probe?.header,
    trust: proxyTrust(settings, reader),
    localAddress: stage !== 'upgrade' && probe?.localAddress === true,
    forwardedProto: reader.upgradeListener !== true,
  });
}

/** Decides the `stage` for facts {@link readRequest} read. */
export function decideStage(settings: Settings, request: RequestFacts, stage: Stage, marked: HealthCheckState | undefined): Decision {
  const { policy } = settings;
  if (stage === 'whole') return decide(policy, request);
  if (stage === 'upgrade') return checkHost(policy, request, false);
  if (stage === 'host') {
    if (marked?.probe === true && request.target !== undefined) return { allowed: true, state: marked, rule: MARKED_BY_BYPASS };
    return checkHost(policy, request);
  }
  const via = probeVia(policy.probe, request);
  if (via === undefined) return { allowed: true, state: ordinaryState(request), rule: LEFT_TO_ALLOWLIST };
  return { allowed: true, state: probeState(request, via), rule: PROBE_RULES[via] };
}

/** Whether a decision is the final word on a request, and so counted and reported: a half's hand-over is not. */
export function isFinal(decision: Decision): boolean {
  return !decision.allowed || (decision.rule !== LEFT_TO_ALLOWLIST && decision.rule !== MARKED_BY_BYPASS);
}

// The four combinations, made once, so that a request allocates none.
const TRUST_NEITHER: ProxyTrust = { validate: false, app: false };
const TRUST_APP_ONLY: ProxyTrust = { validate: false, app: true };
const TRUST_CHECK_ONLY: ProxyTrust = { validate: true, app: false };
const TRUST_BOTH: ProxyTrust = { validate: true, app: true };

/**
 * The check validates X-Forwarded-Host per `trustProxy`, or else the reader's proxy setting; a Koa app's `ctx.host`
 * reads it per `app.proxy`, and a listener reads what is validated.
 */
function proxyTrust(settings: Settings, reader: Reader): ProxyTrust {
  const app = reader.proxy === true;
  if (reader.upgradeListener === true) return settings.trustProxy ?? app ? TRUST_BOTH : TRUST_NEITHER;
  if (settings.trustProxy !== undefined && settings.trustProxy !== app) warnIfProxySettingsDiffer(reader, settings.trustProxy);
  if (settings.trustProxy ?? app) return app ? TRUST_BOTH : TRUST_CHECK_ONLY;
  return app ? TRUST_APP_ONLY : TRUST_NEITHER;
}
