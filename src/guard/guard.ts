import type { Duplex } from 'node:stream';
import { decideCertificate } from '../core/certificate';
import type { Decision, HealthCheckState, RequestFacts } from '../core/decide';
import { connectionOf, proxyFactsOf, type NodeRequest } from '../http/read-request';
import { stripHeader } from '../http/strip-header';
import type { HostResolver } from '../live/host-resolver';
import { createLivePolicy, type LiveSettings } from '../live/live-policy';
import { resolveDecision } from '../live/resolve-decision';
import type { RejectionContext } from '../observe/first-rejection-warning';
import { reportDecision } from '../observe/report-decision';
import { copyStats, createStats, type HealthCheckStats } from '../observe/stats';
import type { EndpointKind } from '../config/resolve-config';
import { createProbeEndpoints } from '../lifecycle/probe-endpoints';
import { createShutdown, type LifecycleServer } from '../lifecycle/shutdown';
import type { ProbeAnswer } from '../lifecycle/probe-answers';
import type { HealthChecksOptions } from '../options';
import { decideStage, isFinal, readRequest, type Reader, type Stage } from './pipeline';

/** The guard's answer for one request: the settings it was decided with, what was read, and what was decided. */
export interface Verdict {
  readonly settings: LiveSettings;
  readonly request: RequestFacts;
  readonly decision: Decision;
  /** The status a rejection is answered with: 503 when `resolveHost` did not answer, else `rejectStatus`. */
  readonly status: number;
  /**
   * Whether a rejection goes on to the app, flagged (report-only mode). Never for `invalid-target`: Koa itself cannot
   * read some of those targets, so the app would answer 500.
   */
  readonly reportOnly: boolean;
  /**
   * Whether an allowed request's target is handed to the app now. Not by the probe half: the allowlist half after it
   * must still read the target as it was sent.
   */
  readonly handOver: boolean;
  /** The probe endpoint an allowed GET or HEAD asked for, which the adapter answers from `probeAnswer()`. */
  readonly endpoint: EndpointKind | undefined;
  /**
   * Whether the endpoint's answer may name the checks: only for a prober that proved itself, by the header or a
   * local-address probe. An exempt path is open to every host, and gets the status alone.
   */
  readonly details: boolean;
}

/** The guard's answer for a certificate request, with the status to answer Caddy with. */
export interface CertificateVerdict {
  readonly decision: Decision;
  /** 200 allowed, 403 not named, 400 no valid name, 503 `resolveHost` did not answer. */
  readonly status: number;
}

/** What every middleware the package returns can do with its guard. */
export interface GuardControls {
  stats(): HealthCheckStats;
  update(options?: HealthChecksOptions): void;
  reload(): void;
  close(): void;
}

/**
 * The one owner of a live policy and the one pipeline every entry point decides through. It holds the latest options,
 * the file watcher and the resolver (inside the live policy) and the stats. For each request it reads the policy in
 * force once, reads the facts, removes the probe header, decides, asks `resolveHost`, and counts and reports.
 */
export interface Guard extends GuardControls {
  /** Decides one request; a promise only when `resolveHost` must be asked. */
  check(req: NodeRequest, reader: Reader, stage: Stage, marked?: HealthCheckState): Verdict | Promise<Verdict>;
  /** Decides a certificate request for `domain`; a promise only when `resolveHost` must be asked. */
  certificate(domain: string | readonly string[] | undefined, wildcards: boolean): CertificateVerdict | Promise<CertificateVerdict>;
  invalidate(hostname?: string): void;
  /** What a probe endpoint answers now; `details` (the check names and results) only for a request let in as a probe. */
  probeAnswer(kind: EndpointKind, details: boolean): ProbeAnswer;
  /** A WebSocket connection let through, which a shutdown closes with 1001. */
  trackWebSocket(socket: Duplex): void;
  /** Drains `server` on the shutdown signals (see `createShutdown`). */
  lifecycle(server: LifecycleServer): void;
}

/** Builds the policy now, synchronously, and throws `HealthChecksConfigError` when it is invalid. */
export function createGuard(options: HealthChecksOptions | undefined, { runsChecks = true }: { runsChecks?: boolean } = {}): Guard {
  const stats = createStats();
  const live = createLivePolicy(options, stats.resolver);
  // The probe half answers no endpoint, so it runs no checks: the pair would call each dependency twice.
  const checksOf = (settings: LiveSettings) => (runsChecks ? settings.checks : []);
  const endpoints = createProbeEndpoints(checksOf(live.current));
  const webSockets = new Set<Duplex>();
  const shutdown = createShutdown({
    settings: () => live.current.shutdown,
    drainReadiness: () => endpoints.drain(),
    webSockets: () => webSockets,
    // On the next turn, so that a warning emitted on the way out is printed first.
    exit: (code) => setImmediate(() => process.exit(code)),
  });

  function finish(settings: LiveSettings, req: NodeRequest, request: RequestFacts, decision: Decision, reader: Reader, stage: Stage): Verdict {
    const reportOnly = settings.reportOnly && !decision.allowed && decision.reason !== 'invalid-target';
    // Read only when a rejection is explained, outside production.
    const context = decision.allowed ? undefined : () => rejectionContext(settings, req, request);
    if (isFinal(decision)) reportDecision(stats, decision, request, reportOnly, reader.env ?? 'development', context);
    // Report-only mode changes no answer: an endpoint is still answered, flagged, for a request it would reject.
    const endpoint = (decision.allowed || reportOnly) && stage !== 'probe' ? endpointOf(settings, request) : undefined;
    const details = decision.allowed && (decision.state.via === 'header' || decision.state.via === 'localAddress');
    return { settings, request, decision, status: rejectStatusOf(decision, settings.rejectStatus), reportOnly, handOver: stage !== 'probe', endpoint, details };
  }

  return {
    check(req, reader, stage, marked) {
      // Read once: the whole request is decided by the policy in force when it arrived.
      const settings = live.current;
      const request = readRequest(settings, req, reader, stage);
      const decision = decideStage(settings, request, stage, marked);
      const header = settings.policy.probe?.header;
      if (header !== undefined && request.probeToken !== undefined) stripHeader(req, header);
      const resolved = stage === 'probe' ? decision : resolveDecision(decision, settings.resolver);
      if (resolved instanceof Promise) return resolved.then((final) => finish(settings, req, request, final, reader, stage));
      return finish(settings, req, request, resolved, reader, stage);
    },
    certificate(domain, wildcards) {
      const settings = live.current;
      const resolved = resolveDecision(decideCertificate(settings.policy.hosts, domain, wildcards), settings.resolver);
      if (resolved instanceof Promise) return resolved.then(certificateVerdict);
      return certificateVerdict(resolved);
    },
    stats: () => copyStats(stats, resolverGauges(live.current.resolver), endpoints.stats()),
    // The checks are code only: a watched file never changes them, update() and reload() may.
    update: (next) => {
      live.update(next);
      endpoints.follow(checksOf(live.current));
    },
    reload: () => {
      live.reload();
      endpoints.follow(checksOf(live.current));
    },
    close: () => {
      live.close();
      endpoints.stop();
    },
    probeAnswer: (kind, details) => endpoints.answer(kind, details),
    trackWebSocket: (socket) => {
      webSockets.add(socket);
      socket.once('close', () => webSockets.delete(socket));
    },
    lifecycle: (server) => shutdown.add(server),
    invalidate: (hostname) => live.current.resolver?.invalidate(hostname),
  };
}

/** What a rejection's warning may say of the request, beside its host; built only when one is explained. */
function rejectionContext(settings: LiveSettings, req: NodeRequest, request: RequestFacts): RejectionContext {
  const { forwardedHost, proxied } = proxyFactsOf(req);
  return {
    ...connectionOf(req),
    path: request.target?.path,
    method: request.method,
    probe: settings.policy.probe,
    probeHeaderSent: request.probeToken !== undefined,
    hosts: settings.policy.hosts,
    forwardedHost: request.hostHeader === 'X-Forwarded-Host' ? undefined : forwardedHost,
    proxied,
    hostsVariable: settings.allowedHostsFrom.kind === 'environment' ? settings.allowedHostsFrom.variable : undefined,
  };
}

/** The endpoint a GET or HEAD of an endpoint's path asks for. */
function endpointOf(settings: LiveSettings, request: RequestFacts): EndpointKind | undefined {
  if (settings.endpoints.size === 0 || (request.method !== 'GET' && request.method !== 'HEAD')) return undefined;
  const path = request.target?.path;
  return path === undefined ? undefined : settings.endpoints.get(path);
}

function rejectStatusOf(decision: Decision, rejectStatus: number): number {
  if (decision.allowed) return 200;
  return decision.reason === 'resolver-unavailable' ? 503 : rejectStatus;
}

function certificateVerdict(decision: Decision): CertificateVerdict {
  if (decision.allowed) return { decision, status: 200 };
  if (decision.reason === 'resolver-unavailable') return { decision, status: 503 };
  return { decision, status: decision.reason === 'host-not-allowed' ? 403 : 400 };
}

function resolverGauges(resolver: HostResolver | undefined): { cacheSize: number; inFlight: number } {
  return { cacheSize: resolver?.cacheSize ?? 0, inFlight: resolver?.inFlight ?? 0 };
}
