import type { Middleware, Next, ParameterizedContext } from 'koa';
import { buildSettings, type Settings } from '../config/build-settings';
import { checkHost, decide, isProbe, ordinaryState, probeState, type Decision } from '../core/decide';
import type { HealthChecksOptions } from '../options';
import { readRequestFacts } from './read-request';
import { stripHeader } from './strip-header';

/** Body of every rejection. It echoes nothing from the request. */
const REJECT_BODY = 'Host not allowed';

/**
 * The probe bypass and the host allowlist in one middleware. Use it first. It loads and checks the configuration now,
 * synchronously, and throws a `HealthChecksConfigError` if it is invalid.
 *
 * A request carrying a valid token in the probe header passes whatever its Host; any other request passes only if its
 * host is allowed, or if it is a GET or HEAD of an exempt path. A passing request gets `ctx.state.healthCheck`; a
 * rejected one gets `rejectStatus` and a plain-text body, and `next()` is not called. The probe header is removed
 * from the request either way, so that nothing downstream sees a token.
 */
export function healthChecks(options?: HealthChecksOptions): Middleware {
  const settings = buildSettings(options);
  const { policy } = settings;
  return async function healthChecksMiddleware(ctx: ParameterizedContext, next: Next) {
    const request = readRequestFacts(ctx, policy.probe?.header, settings.trustProxy);
    if (policy.probe !== undefined) stripHeader(ctx.req, policy.probe.header);
    return pass(ctx, next, decide(policy, request), settings);
  };
}

/**
 * The probe half alone. It never rejects: it sets `ctx.state.healthCheck`, with `probe: true` for a request carrying
 * a valid token on an allowed method and path, so that a later `hostAllowlist()` lets it through.
 */
export function probeBypass(options?: HealthChecksOptions): Middleware {
  const settings = buildSettings(options);
  const { probe } = settings.policy;
  return async function probeBypassMiddleware(ctx: ParameterizedContext, next: Next) {
    const request = readRequestFacts(ctx, probe?.header, settings.trustProxy);
    if (probe !== undefined) stripHeader(ctx.req, probe.header);
    ctx.state.healthCheck = isProbe(probe, request) ? probeState(request) : ordinaryState(request);
    return next();
  };
}

/**
 * The allowlist half alone. It lets through a request that `probeBypass()` marked as a probe; any other request
 * passes only if its host is allowed or it is a GET or HEAD of an exempt path.
 */
export function hostAllowlist(options?: HealthChecksOptions): Middleware {
  const settings = buildSettings(options);
  return async function hostAllowlistMiddleware(ctx: ParameterizedContext, next: Next) {
    if (ctx.state.healthCheck?.probe === true) return next();
    const request = readRequestFacts(ctx, undefined, settings.trustProxy);
    return pass(ctx, next, checkHost(settings.policy, request), settings);
  };
}

async function pass(ctx: ParameterizedContext, next: Next, decision: Decision, settings: Settings): Promise<void> {
  if (decision.allowed) {
    ctx.state.healthCheck = decision.state;
    return next();
  }
  ctx.status = settings.rejectStatus;
  ctx.type = 'text/plain';
  ctx.body = REJECT_BODY;
  await settings.onReject?.(ctx, { host: decision.host, reason: decision.reason });
}
