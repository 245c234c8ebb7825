import type { Duplex } from 'node:stream';
import type { Settings } from '../config/build-settings';
import { decide } from '../core/decide';
import { readRequestFacts, type NodeRequest } from '../http/read-request';
import { rawRejection } from '../http/rejection';
import { stripHeader } from '../http/strip-header';
import { reportDecision } from '../observe/report-decision';
import type { HealthCheckStats } from '../observe/stats';

/** Options of `guardUpgrades()`. */
export interface GuardUpgradesOptions {
  /**
   * What `app.proxy` is for the Koa requests: whether to validate X-Forwarded-Host instead of Host. Upgrades never
   * reach Koa, so the app's setting cannot be read here. The `trustProxy` option, when set, wins, as it does for Koa
   * requests. Default: `false`.
   */
  proxy?: boolean;
}

/** Any server that emits `'upgrade'`: `http.Server`, `https.Server`, `http2.Http2SecureServer` with `allowHTTP1`. */
export interface UpgradeServer {
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

const GUARDED = Symbol.for('koa-allow-healthchecks.guardUpgrades');

/**
 * Makes every `'upgrade'` listener of `server` run only for upgrades that `settings` allows. It wraps the server's
 * `emit` rather than its listeners, so listeners added before the call, after it, by `new WebSocketServer({ server })`
 * or by socket.io are all covered, and `noServer` setups that call `handleUpgrade` from their own listener too.
 *
 * A refused upgrade is answered with the reject status and `Host not allowed`, and its socket is closed; no listener
 * runs, so nothing can answer 101. In report-only mode it goes on to the listeners. Decisions are counted in
 * `stats` and published on the diagnostics channels, as for Koa requests. The probe header is removed from an allowed request before any listener sees it,
 * and an absolute-form target is handed over in origin-form, as for ordinary requests.
 *
 * @throws {TypeError} when `server` is not an event emitter, `options.proxy` is not a boolean, or the server is
 * already guarded.
 */
export function guardUpgrades(server: UpgradeServer, settings: Settings, stats: HealthCheckStats, options: GuardUpgradesOptions = {}): void {
  checkArguments(server, options);
  const trusted = settings.trustProxy ?? options.proxy ?? false;
  // There is no Koa here: the listeners read the headers as they are, so the check and "the app" trust alike.
  const readOptions = {
    probeHeader: settings.policy.probe?.header,
    trust: { validate: trusted, app: trusted },
    localAddress: settings.policy.probe?.localAddress === true,
  };
  // Koa's app.env, for upgrades that have no Koa app.
  const environment = process.env.NODE_ENV ?? 'development';
  const emit = server.emit;

  function allowsUpgrade(req: NodeRequest, socket: Duplex): boolean {
    const request = { ...readRequestFacts(req, readOptions), forwardedProto: undefined };
    const { probeHeader } = readOptions;
    if (probeHeader !== undefined && request.probeToken !== undefined) stripHeader(req, probeHeader);
    const decision = decide(settings.policy, request);
    reportDecision(stats, decision, request, settings.reportOnly, environment);
    if (decision.allowed || settings.reportOnly) {
      if (decision.allowed && request.target?.form === 'absolute') req.url = request.target.originForm;
      return true;
    }
    socket.on('error', () => socket.destroy());
    socket.end(rawRejection(settings.rejectStatus), () => socket.destroy());
    return false;
  }

  server.emit = function emitWithUpgradeGuard(this: UpgradeServer, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'upgrade' && !allowsUpgrade(args[0] as NodeRequest, args[1] as Duplex)) return true;
    return emit.call(this, event, ...args);
  };
  Object.defineProperty(server, GUARDED, { value: true });
}

function checkArguments(server: UpgradeServer, options: GuardUpgradesOptions): void {
  if (typeof (server as Partial<UpgradeServer> | null)?.emit !== 'function') {
    throw new TypeError('guardUpgrades() expects the `http`, `https` or `http2` server that app.callback() is attached to.');
  }
  if (typeof options !== 'object' || options === null || (options.proxy !== undefined && typeof options.proxy !== 'boolean')) {
    throw new TypeError('guardUpgrades() options must be an object such as { proxy: true }; `proxy` is a boolean.');
  }
  if ((server as unknown as Record<symbol, unknown>)[GUARDED] === true) {
    throw new TypeError('guardUpgrades() was already called on this server. Call it once per server.');
  }
}
