import type { Middleware, Next, ParameterizedContext } from 'koa';
import { buildSettings, type Settings } from '../config/build-settings';
import { checkHost, decide, isProbe, ordinaryState, probeState, type Decision, type RequestFacts } from '../core/decide';
import type { HealthChecksOptions } from '../options';
import { readRequestFacts } from './read-request';
import { stripHeader } from './strip-header';

/** Body of every rejection. It echoes nothing from the request. */
const REJECT_BODY = 'Host not allowed';

// The middlewares below return next()'s promise directly rather than being `async`: they run on every request, and
// an async wrapper would add a promise and a tick to each one. Koa's compose turns a synchronous throw into a
// rejection all the same.

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
  return function healthChecksMiddleware(ctx: ParameterizedContext, next: Next): Promise<void> {
    return pass(ctx, next, decide(settings.policy, takeRequestFacts(ctx, settings)), settings);
  };
}

/**
 * The probe half alone. It never rejects: it sets `ctx.state.healthCheck`, with `probe: true` for a request carrying
 * a valid token on an allowed method and path, so that a later `hostAllowlist()` lets it through. It removes the
 * probe header from the request.
 */
export function probeBypass(options?: HealthChecksOptions): Middleware {
  const settings = buildSettings(options);
  return function probeBypassMiddleware(ctx: ParameterizedContext, next: Next): Promise<void> {
    const request = takeRequestFacts(ctx, settings);
    ctx.state.healthCheck = isProbe(settings.policy.probe, request) ? probeState(request) : ordinaryState(request);
    return next();
  };
}

/**
 * The allowlist half alone. It lets through a request that `probeBypass()` marked as a probe; any other request
 * passes only if its host is allowed or it is a GET or HEAD of an exempt path.
 */
export function hostAllowlist(options?: HealthChecksOptions): Middleware {
  const settings = buildSettings(options);
  return function hostAllowlistMiddleware(ctx: ParameterizedContext, next: Next): Promise<void> {
    if (ctx.state.healthCheck?.probe === true) return next();
    const request = readRequestFacts(ctx, undefined, settings.trustProxy);
    return pass(ctx, next, checkHost(settings.policy, request), settings);
  };
}

/** Reads the request, and removes the probe header from it so that nothing downstream sees a token. */
function takeRequestFacts(ctx: ParameterizedContext, settings: Settings): RequestFacts {
  const header = settings.policy.probe?.header;
  const request = readRequestFacts(ctx, header, settings.trustProxy);
  if (header !== undefined && request.probeToken !== undefined) stripHeader(ctx.req, header);
  return request;
}

function pass(ctx: ParameterizedContext, next: Next, decision: Decision, settings: Settings): Promise<void> {
  if (decision.allowed) {
    ctx.state.healthCheck = decision.state;
    return next();
  }
  ctx.status = settings.rejectStatus;
  ctx.type = 'text/plain';
  ctx.body = REJECT_BODY;
  return Promise.resolve(settings.onReject?.(ctx, { host: decision.host, reason: decision.reason }));
}
