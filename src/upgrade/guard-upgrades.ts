import type { Duplex } from 'node:stream';
import { decide, type Decision, type RequestFacts } from '../core/decide';
import type { LiveSettings } from '../live/live-policy';
import { resolveDecision } from '../live/resolve-decision';
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
 * `stats` and published on the diagnostics channels, as for Koa requests. The probe header is removed from an allowed
 * request before any listener sees it, and an absolute-form target is handed over in origin-form, as for ordinary
 * requests. When `resolveHost` must be asked, the upgrade waits for its answer.
 *
 * @throws {TypeError} when `server` is not an event emitter, `options.proxy` is not a boolean, or the server is
 * already guarded.
 */
export function guardUpgrades(server: UpgradeServer, current: () => LiveSettings, stats: HealthCheckStats, options: GuardUpgradesOptions = {}): void {
  checkArguments(server, options);
  // Koa's app.env, for upgrades that have no Koa app.
  const environment = process.env.NODE_ENV ?? 'development';
  const emit = server.emit;

  /** Decides an upgrade with the policy in force when it arrived; a promise when `resolveHost` must be asked. */
  function decideUpgrade(req: NodeRequest): { settings: LiveSettings; request: RequestFacts; decision: Decision | Promise<Decision> } {
    const settings = current();
    const trusted = settings.trustProxy ?? options.proxy ?? false;
    // There is no Koa here: the listeners read the headers as they are, so the check and "the app" trust alike.
    const probeHeader = settings.policy.probe?.header;
    const readOptions = { probeHeader, trust: { validate: trusted, app: trusted }, localAddress: settings.policy.probe?.localAddress === true };
    const request = { ...readRequestFacts(req, readOptions), forwardedProto: undefined };
    if (probeHeader !== undefined && request.probeToken !== undefined) stripHeader(req, probeHeader);
    return { settings, request, decision: resolveDecision(decide(settings.policy, request), settings.resolver) };
  }

  /** Lets the upgrade go on to the listeners, or answers it and closes the socket. */
  function settle(req: NodeRequest, socket: Duplex, settings: LiveSettings, request: RequestFacts, decision: Decision): boolean {
    reportDecision(stats, decision, request, settings.reportOnly, environment);
    if (decision.allowed || settings.reportOnly) {
      if (decision.allowed && request.target?.form === 'absolute') req.url = request.target.originForm;
      return true;
    }
    socket.on('error', () => socket.destroy());
    socket.end(rawRejection(decision.reason === 'resolver-unavailable' ? 503 : settings.rejectStatus), () => socket.destroy());
    return false;
  }

  server.emit = function emitWithUpgradeGuard(this: UpgradeServer, event: string | symbol, ...args: unknown[]): boolean {
    if (event !== 'upgrade') return emit.call(this, event, ...args);
    const [req, socket] = args as [NodeRequest, Duplex];
    const { settings, request, decision } = decideUpgrade(req);
    if (!(decision instanceof Promise)) {
      return settle(req, socket, settings, request, decision) ? emit.call(this, event, ...args) : true;
    }
    // Node leaves the socket to the listeners, so the upgrade can go on once resolveHost has answered. Meanwhile a
    // client that goes away must not raise an 'error' nobody listens for.
    const onWaitError = () => socket.destroy();
    socket.on('error', onWaitError);
    void decision.then((final) => {
      socket.off('error', onWaitError);
      if (socket.destroyed) return;
      if (settle(req, socket, settings, request, final)) emit.call(this, event, ...args);
    });
    return true;
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
