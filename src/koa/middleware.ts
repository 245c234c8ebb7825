import type { Middleware, Next, ParameterizedContext } from 'koa';
import { createGuard, type Guard, type GuardControls, type Verdict } from '../guard/guard';
import type { Stage } from '../guard/pipeline';
import type { LifecycleServer } from '../lifecycle/shutdown';
import type { HealthCheckStats } from '../observe/stats';
import type { HealthChecksOptions } from '../options';
import { guardUpgrades, type GuardUpgradesOptions, type UpgradeServer } from '../upgrade/guard-upgrades';
import { answeredBeforeWatcher } from './answered-before';
import { caddyAskOf, type CaddyAsk } from './caddy-ask';
import { answerRejection } from './reject';
import { handOverNoHost, handOverTarget } from './hand-over-target';
import { answerEndpoint } from './probe-endpoint';
import { passReportOnly } from './report-only';

export type { CaddyAsk, CaddyAskOptions } from './caddy-ask';

/**
 * What every middleware this package returns can do, `probeBypass()` and `hostAllowlist()` included: each has a live
 * policy of its own, which follows `watch`, `reload()` and `update()`.
 */
export interface LiveMiddleware extends Middleware {
  /**
   * Counts of this middleware's decisions so far: ordinary requests allowed, probes by what let them through,
   * rejections by reason, and in report-only mode would-be rejections by reason. A fresh copy each call.
   * `probeBypass()` counts the probes it marks, and `hostAllowlist()` the rest.
   */
  stats(): HealthCheckStats;
  /**
   * Makes `options` the middleware's options and rebuilds the policy exactly as the factory would now (the config
   * file and environment are read again unless `configFile: false`), validates it, and swaps it in. Later reloads,
   * by `reload()` or `watch`, use these options. A request in progress finishes with the policy it started with.
   *
   * @throws {HealthChecksConfigError} when the new configuration is invalid; the old policy and options stay.
   */
  update(options?: HealthChecksOptions): void;
  /**
   * Rebuilds with the latest options (those of the last `update()`, or else the factory's), for example from a SIGHUP
   * handler.
   *
   * @throws {HealthChecksConfigError} when the configuration is now invalid; the old policy keeps serving.
   */
  reload(): void;
  /** Stops watching the config file (`watch`) for good. */
  close(): void;
}

/** The middleware `healthChecks()` returns: a Koa middleware, plus the same policy for upgrades and for Caddy. */
export interface HealthChecksMiddleware extends LiveMiddleware {
  /**
   * Applies the same policy to the server's WebSocket upgrades, which never reach Koa middleware: HTTP/1.1 upgrades
   * and HTTP/2 extended CONNECT (RFC 8441). Call it once, on the `http`, `https` or `http2` server. From then on
   * every `'upgrade'` listener, and every `'stream'` listener for an extended CONNECT, runs only for what the policy
   * allows; a refused one gets the reject status and is closed. Upgrades count in `stats()`.
   */
  guardUpgrades(server: UpgradeServer, options?: GuardUpgradesOptions): void;
  /** Drops one name from the `resolveHost` cache (any case, a trailing dot, a port or Unicode are fine), or every name. */
  invalidate(hostname?: string): void;
  /**
   * A Koa middleware answering Caddy's on-demand TLS permission request, `GET ?domain=NAME`: 200 only for a name an
   * `allowedHosts` entry names one by one or `resolveHost` allows, 403 for any other, 400 for a missing or invalid
   * name, 503 when `resolveHost` does not answer. Serve it on a loopback-only listener:
   * `askApp.use(guard.caddyAsk())`, or `guard.caddyAsk({ wildcards: true })` to also allow names under `.domain` and
   * `*.domain` entries and addresses in ranges.
   */
  caddyAsk: CaddyAsk;
  /**
   * Handles the shutdown signals (`shutdown.signals`) for `server`, an http, https or http2 server: readiness turns
   * 503 `draining`, the server keeps serving for `shutdown.drainDelay`, then stops accepting, finishes the requests in
   * flight (`Connection: close`, or GOAWAY over HTTP/2), closes idle keep-alive connections and WebSockets (1001),
   * runs `onShutdown`, and the process exits 0, or 1 when `shutdown.timeout` forced it. A second signal exits 1 at
   * once. Once per server.
   */
  lifecycle(server: LifecycleServer): void;
}

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
  const guard = createGuard(options);
  return Object.assign(koaAdapter(guard, 'whole', 'healthChecksMiddleware', 'healthChecks()'), controlsOf(guard), {
    guardUpgrades: (server: UpgradeServer, upgradeOptions?: GuardUpgradesOptions) => guardUpgrades(server, guard, upgradeOptions),
    invalidate: (hostname?: string) => guard.invalidate(hostname),
    caddyAsk: caddyAskOf(guard),
    lifecycle: (server: LifecycleServer) => guard.lifecycle(server),
  });
}

/**
 * The probe half alone. It never rejects: it sets `ctx.state.healthCheck`, with `probe: true` for a request carrying
 * a valid token (or naming its local address) on an allowed method and path, so that a later `hostAllowlist()` lets
 * it through. It removes the probe header from the request.
 */
export function probeBypass(options?: HealthChecksOptions): LiveMiddleware {
  const guard = createGuard(options, { runsChecks: false });
  return Object.assign(koaAdapter(guard, 'probe', 'probeBypassMiddleware', 'probeBypass()'), controlsOf(guard));
}

/**
 * The allowlist half alone. It lets through a request that `probeBypass()` marked as a probe; any other request
 * passes only if its host is allowed and is the host Koa will hand the app, or it is a GET or HEAD of an exempt path.
 */
export function hostAllowlist(options?: HealthChecksOptions): LiveMiddleware {
  const guard = createGuard(options);
  return Object.assign(koaAdapter(guard, 'host', 'hostAllowlistMiddleware', 'hostAllowlist()'), controlsOf(guard));
}

function controlsOf(guard: Guard): GuardControls {
  return { stats: () => guard.stats(), update: (next) => guard.update(next), reload: () => guard.reload(), close: () => guard.close() };
}

// The middleware returns next()'s promise directly rather than being `async`: it runs on every request, and an async
// wrapper would add a promise and a tick to each one. Koa's compose turns a synchronous throw into a rejection.

/**
 * The Koa middleware for one stage: it asks the guard and carries out its verdict. The stages that check the host
 * also watch for a middleware before them that answers requests (see `answeredBeforeWatcher`).
 */
function koaAdapter(guard: Guard, stage: Stage, name: string, factory: string): Middleware {
  const watch = stage === 'probe' ? undefined : answeredBeforeWatcher(() => middleware, factory);
  const middleware = {
    [name](ctx: ParameterizedContext, next: Next): Promise<void> {
      watch?.(ctx);
      const marked = stage === 'host' ? ctx.state.healthCheck : undefined;
      const verdict = guard.check(ctx.req, ctx.app, stage, marked);
      if (verdict instanceof Promise) return verdict.then((final) => carryOut(ctx, next, final, guard));
      return carryOut(ctx, next, verdict, guard);
    },
  }[name] as Middleware;
  return middleware;
}

/**
 * Lets the request through with its state and its target handed over, or answers it from a probe endpoint, or rejects
 * it (or, report-only, flags it).
 */
function carryOut(ctx: ParameterizedContext, next: Next, verdict: Verdict, guard: Guard): Promise<void> {
  const { decision, request, settings } = verdict;
  if (decision.allowed) {
    if (verdict.handOver && request.target !== undefined) handOverTarget(ctx, request.target);
    if (request.host === undefined) handOverNoHost(ctx);
    ctx.state.healthCheck = decision.state;
    if (verdict.endpoint !== undefined) return answerEndpoint(ctx, guard.probeAnswer(verdict.endpoint, verdict.details));
    return next();
  }
  if (verdict.reportOnly) {
    const { endpoint } = verdict;
    const answer = endpoint === undefined ? next : () => answerEndpoint(ctx, guard.probeAnswer(endpoint, false));
    return passReportOnly(ctx, answer, decision, settings.onReject);
  }
  return answerRejection(ctx, decision, verdict.status, settings.onReject);
}
