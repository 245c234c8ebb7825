import type { Middleware, Next, ParameterizedContext } from 'koa';
import { buildSettings, type Settings } from '../config/build-settings';
import { checkHost, decide, ordinaryState, probeState, probeVia, type Decision, type RequestFacts } from '../core/decide';
import type { ProxyTrust } from '../core/host-sources';
import { readRequestFacts } from '../http/read-request';
import { REJECT_BODY } from '../http/rejection';
import { stripHeader } from '../http/strip-header';
import type { HostResolver } from '../live/host-resolver';
import { createLivePolicy, type LiveSettings } from '../live/live-policy';
import { resolveDecision } from '../live/resolve-decision';
import { reportDecision } from '../observe/report-decision';
import { copyStats, createStats, type HealthCheckStats } from '../observe/stats';
import type { HealthChecksOptions } from '../options';
import { guardUpgrades, type GuardUpgradesOptions, type UpgradeServer } from '../upgrade/guard-upgrades';
import { caddyAskMiddleware } from './caddy-ask';
import { handOverTarget } from './hand-over-target';
import { warnIfProxySettingsDiffer } from './proxy-warning';
import { passReportOnly } from './report-only';

/** The middleware `healthChecks()` returns: a Koa middleware, plus the same policy for WebSocket upgrades. */
export interface HealthChecksMiddleware extends Middleware {
  /**
   * Applies the same policy to the server's WebSocket upgrades, which never reach Koa middleware. Call it once, on the
   * `http`, `https` or `http2` server. From then on every `'upgrade'` listener, added before or after, runs only for
   * upgrades the policy allows; a refused one gets the reject status and its socket is closed.
   */
  guardUpgrades(server: UpgradeServer, options?: GuardUpgradesOptions): void;
  /**
   * Counts of this middleware's decisions so far, upgrades included: ordinary requests allowed, probes by what let
   * them through, rejections by reason, and in report-only mode would-be rejections by reason. A fresh copy each call.
   */
  stats(): HealthCheckStats;
  /**
   * Rebuilds the policy exactly as `healthChecks(options)` would now (the config file and environment are read again
   * unless `configFile: false`), validates it, and swaps it in. A request in progress finishes with the policy it
   * started with.
   *
   * @throws {HealthChecksConfigError} when the new configuration is invalid; the old policy keeps serving.
   */
  update(options?: HealthChecksOptions): void;
  /** `update()` with the options `healthChecks()` was given, for example from a SIGHUP handler. */
  reload(): void;
  /** Stops watching the config file (`watch`). */
  close(): void;
  /** Drops one name from the `resolveHost` cache (any case, a trailing dot or a port are fine), or every name. */
  invalidate(hostname?: string): void;
  /**
   * A Koa middleware answering Caddy's on-demand TLS permission request, `GET ?domain=NAME`: 200 when the live policy
   * allows the name, 403 when it does not, 400 for a missing or invalid name. Serve it on a loopback-only listener:
   * `askApp.use(guard.caddyAsk())`, or `askApp.use(guard.caddyAsk)`, which works the same.
   */
  caddyAsk: CaddyAsk;
}

/** `caddyAsk()` returns the middleware; `caddyAsk` itself also is one. */
export interface CaddyAsk {
  (): Middleware;
  (ctx: ParameterizedContext, next: Next): void | Promise<void>;
}

// The middlewares below return next()'s promise directly rather than being `async`: they run on every request, and
// an async wrapper would add a promise and a tick to each one. Koa's compose turns a synchronous throw into a
// rejection all the same.

/**
 * The probe bypass and the host allowlist in one middleware. Use it first. It loads and checks the configuration now,
 * synchronously, and throws a `HealthChecksConfigError` if it is invalid.
 *
 * A request carrying a valid token in the probe header passes whatever its Host; any other request passes only if its
 * host is allowed and is the host Koa will hand the app, or if it is a GET or HEAD of an exempt path. A passing request
 * gets `ctx.state.healthCheck`; a rejected one gets `rejectStatus` and a plain-text body, and `next()` is not called.
 * The probe header is removed from the request either way, so that nothing downstream sees a token.
 */
export function healthChecks(options?: HealthChecksOptions): HealthChecksMiddleware {
  const stats = createStats();
  const live = createLivePolicy(options, stats.resolver);
  const middleware = function healthChecksMiddleware(ctx: ParameterizedContext, next: Next): Promise<void> {
    // Read once: the whole request is decided by the policy in force when it arrived.
    const settings = live.current;
    const request = takeRequestFacts(ctx, settings);
    return pass(ctx, next, decide(settings.policy, request), request, settings, stats);
  };
  const current = () => live.current;
  return Object.assign(middleware, {
    guardUpgrades: (server: UpgradeServer, upgradeOptions?: GuardUpgradesOptions) => guardUpgrades(server, current, stats, upgradeOptions),
    stats: () => copyStats(stats, resolverGauges(live.current.resolver)),
    update: (next?: HealthChecksOptions) => live.update(next),
    reload: () => live.reload(),
    close: () => live.close(),
    invalidate: (hostname?: string) => live.current.resolver?.invalidate(hostname),
    caddyAsk: caddyAskOf(caddyAskMiddleware(current)),
  });
}

function caddyAskOf(middleware: Middleware): CaddyAsk {
  return ((ctx?: ParameterizedContext, next?: Next) => (ctx === undefined ? middleware : middleware(ctx, next as Next))) as CaddyAsk;
}

function resolverGauges(resolver: HostResolver | undefined): { cacheSize: number; inFlight: number } {
  return { cacheSize: resolver?.cacheSize ?? 0, inFlight: resolver?.inFlight ?? 0 };
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
    const via = probeVia(settings.policy.probe, request);
    ctx.state.healthCheck = via === undefined ? ordinaryState(request) : probeState(request, via);
    return next();
  };
}

/**
 * The allowlist half alone. It lets through a request that `probeBypass()` marked as a probe; any other request
 * passes only if its host is allowed and is the host Koa will hand the app, or it is a GET or HEAD of an exempt path.
 */
export function hostAllowlist(options?: HealthChecksOptions): Middleware {
  const stats = createStats();
  const live = createLivePolicy(options, stats.resolver);
  return function hostAllowlistMiddleware(ctx: ParameterizedContext, next: Next): Promise<void> {
    const settings = live.current;
    const request = readRequestFacts(ctx.req, { probeHeader: undefined, trust: proxyTrust(ctx, settings), localAddress: false });
    if (ctx.state.healthCheck?.probe === true && request.target !== undefined) {
      handOverTarget(ctx, request.target);
      return next();
    }
    return pass(ctx, next, checkHost(settings.policy, request), request, settings, stats);
  };
}

/** Reads the request, and removes the probe header from it so that nothing downstream sees a token. */
function takeRequestFacts(ctx: ParameterizedContext, settings: Settings): RequestFacts {
  const { probe } = settings.policy;
  const header = probe?.header;
  const request = readRequestFacts(ctx.req, { probeHeader: header, trust: proxyTrust(ctx, settings), localAddress: probe?.localAddress === true });
  if (header !== undefined && request.probeToken !== undefined) stripHeader(ctx.req, header);
  return request;
}

// The four combinations, made once, so that a request allocates none.
const TRUST_NEITHER: ProxyTrust = { validate: false, app: false };
const TRUST_APP_ONLY: ProxyTrust = { validate: false, app: true };
const TRUST_CHECK_ONLY: ProxyTrust = { validate: true, app: false };
const TRUST_BOTH: ProxyTrust = { validate: true, app: true };

/** The check validates X-Forwarded-Host per `trustProxy`, or else `app.proxy`; Koa's `ctx.host` per `app.proxy`. */
function proxyTrust(ctx: ParameterizedContext, settings: Settings): ProxyTrust {
  const app = ctx.app.proxy === true;
  if (settings.trustProxy !== undefined && settings.trustProxy !== app) warnIfProxySettingsDiffer(ctx.app, settings.trustProxy);
  if (settings.trustProxy ?? app) return app ? TRUST_BOTH : TRUST_CHECK_ONLY;
  return app ? TRUST_APP_ONLY : TRUST_NEITHER;
}

/** Gives `resolveHost` its say on the decision, then lets the request through or rejects it. */
function pass(ctx: ParameterizedContext, next: Next, decision: Decision, request: RequestFacts, settings: LiveSettings, stats: HealthCheckStats): Promise<void> {
  const resolved = resolveDecision(decision, settings.resolver);
  if (resolved instanceof Promise) return resolved.then((final) => passDecided(ctx, next, final, request, settings, stats));
  return passDecided(ctx, next, resolved, request, settings, stats);
}

function passDecided(ctx: ParameterizedContext, next: Next, decision: Decision, request: RequestFacts, settings: LiveSettings, stats: HealthCheckStats): Promise<void> {
  reportDecision(stats, decision, request, settings.reportOnly, ctx.app.env);
  if (decision.allowed) {
    if (request.target !== undefined) handOverTarget(ctx, request.target);
    ctx.state.healthCheck = decision.state;
    return next();
  }
  if (settings.reportOnly) return passReportOnly(ctx, next, decision, settings.onReject);
  ctx.status = decision.reason === 'resolver-unavailable' ? 503 : settings.rejectStatus;
  ctx.type = 'text/plain';
  ctx.body = REJECT_BODY;
  return Promise.resolve(settings.onReject?.(ctx, { host: decision.host, reason: decision.reason, reportOnly: false }));
}
