import type { ProbePolicy, RejectReason } from '../core/decide';
import { hostNotAllowedAdvice, type HostAdviceContext } from './host-advice';
import { normalizeAddress } from '../core/local-address';
import { parseHostHeader } from '../core/parse-host';

/** What the warning can say about where a rejected request came from, beside its host: read only outside production. */
export interface RejectionContext extends HostAdviceContext {
  /** The request path, or `undefined` when the target was refused. */
  readonly path: string | undefined;
  readonly method: string;
  readonly http10: boolean;
  /** The address the connection arrived on. */
  readonly localAddress: string | undefined;
  readonly probe: ProbePolicy | undefined;
  /** The request carried the probe header (its value is never read here). */
  readonly probeHeaderSent: boolean;
}

/** At most this many distinct rejections are explained per process, so that a scan cannot flood the log. */
const MAX_WARNINGS = 20;
const explained = new Set<string>();
const SHOWS_HOST: ReadonlySet<RejectReason> = new Set(['host-not-allowed', 'host-mismatch', 'invalid-forwarded-proto', 'resolver-unavailable']);

/**
 * Outside production, explains the first rejection of each distinct host (at most {@link MAX_WARNINGS} per process)
 * with one warning line that names the fix. `rawHost` is echoed only when `host` is set, that is when it passed the
 * syntax check; an invalid host is described, never printed.
 */
export function explainFirstRejection(
  environment: string,
  reason: RejectReason,
  host: string | null,
  rawHost: string | undefined,
  context?: RejectionContext,
): void {
  if (environment === 'production' || explained.size >= MAX_WARNINGS) return;
  // Reasons that do not show the host are explained once each, whatever the host.
  const key = SHOWS_HOST.has(reason) ? `${reason} ${host ?? ''}` : reason;
  if (explained.has(key)) return;
  explained.add(key);
  const text =
    (context === undefined ? undefined : proberExplanation(reason, host, rawHost, context)) ??
    (reason === 'host-not-allowed' && host !== null && context !== undefined ? hostNotAllowedAdvice(host, rawHost, context) : undefined) ??
    explanation(reason, host, rawHost);
  process.emitWarning(`koa-allow-healthchecks: ${text}`, { code: 'KOA_ALLOW_HEALTHCHECKS_REJECTED' });
}

/** Longer paths are cut when echoed, so that one request cannot write a line of any length. */
const MAX_PATH = 200;

const PROBER_RECIPES =
  'https://github.com/koa-allow-healthchecks/koa-allow-healthchecks/tree/main/docs/recipes lists what each prober sends and the setting that fits';

/**
 * The explanation for a rejection that looks like a health prober's, with the prober's fix: a request with no Host,
 * one naming the address it arrived on, or one naming the server by a name on a local-address probe path.
 */
function proberExplanation(reason: RejectReason, host: string | null, rawHost: string | undefined, context: RejectionContext): string | undefined {
  const { probe, path } = context;
  const where = path === undefined ? '' : ` (${context.method} ${JSON.stringify(path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path)})`;
  if (reason === 'missing-host') {
    if (!context.http10) return undefined;
    return (
      `rejected an HTTP/1.0 request with no Host header${where}. HTTP/1.0 probers send none: HAProxy's default ` +
      "option httpchk, check_http without -H, Apache's mod_proxy_hcheck. Turn on probe.localAddress and list the " +
      `path in probe.paths, or have the prober send the ${probe?.header ?? 'probe'} header with the token; ${PROBER_RECIPES}`
    );
  }
  if (reason !== 'host-not-allowed' || host === null) return undefined;
  if (context.forwardedHost !== undefined) return undefined;
  const header = probeHeaderProblem(context);
  if (header !== undefined) return `rejected Host ${JSON.stringify(rawHost)}${where}: ${header}`;
  const parsed = parseHostHeader(rawHost);
  const local = context.localAddress === undefined ? undefined : normalizeAddress(context.localAddress);
  if (parsed?.address !== undefined && local !== undefined && normalizeAddress(parsed.address) === local) {
    if (probe?.localAddress === true) {
      return (
        `rejected Host ${JSON.stringify(rawHost)}, the address this request arrived on${where}: a prober's request, but ` +
        'not on a method and path probe.methods and probe.paths list. If a prober sends it, add its path to probe.paths.'
      );
    }
    return (
      `rejected Host ${JSON.stringify(rawHost)}, the address this request arrived on${where}: a prober's request, as the ` +
      'kubelet and load balancers send it. Turn on probe.localAddress with probe.paths, or send the probe header. ' +
      `Adding ${JSON.stringify(host)} to allowedHosts would let every request naming this address through, on every path.`
    );
  }
  if (probe?.localAddress === true && parsed?.address === undefined && path !== undefined && probe.paths?.has(path) === true) {
    return (
      `rejected Host ${JSON.stringify(rawHost)}${where} on a probe path: a local-address probe names the IP address it ` +
      `connects to${local === undefined ? '' : ` (${local})`}, not a name. Give the prober the IP address, not ${JSON.stringify(host)}.`
    );
  }
  return undefined;
}

/**
 * Why a request on a probe path, with token probes configured, was not a probe: the header was missing, or did not hold
 * a valid token. `undefined` off the probe paths and methods, or with no tokens (local-address probes alone).
 */
function probeHeaderProblem({ probe, path, method, probeHeaderSent }: RejectionContext): string | undefined {
  if (probe === undefined || !probe.hasTokens || path === undefined) return undefined;
  const onProbePath = probe.methods.has(method) && (probe.paths === undefined || probe.paths.has(path));
  if (probeHeaderSent && !onProbePath) {
    return (
      `the ${probe.header} header was sent, but this method and path are not in probe.methods and probe.paths, so the ` +
      'request is not a probe. Add the path the prober uses, exactly as it sends it, to probe.paths (and its method to ' +
      'probe.methods).'
    );
  }
  if (!onProbePath) return undefined;
  if (probeHeaderSent) return `the ${probe.header} header was sent, but its value is not a valid token. Check the token the prober sends.`;
  return (
    `the probe header ${probe.header} was missing. Have the prober send it with the token (the kubelet: httpHeaders in ` +
    `the probe; a load balancer: its health check's headers); ${PROBER_RECIPES}.`
  );
}

function explanation(reason: RejectReason, host: string | null, rawHost: string | undefined): string {
  const shown = host === null ? undefined : JSON.stringify(rawHost);
  switch (reason) {
    case 'host-not-allowed':
      return `rejected Host ${shown}; add ${JSON.stringify(host)} to allowedHosts to allow it`;
    case 'host-mismatch':
      return `rejected Host ${shown}: the app would read another host (X-Forwarded-Host or the request target); set trustProxy and app.proxy alike`;
    case 'invalid-forwarded-proto':
      return `rejected Host ${shown}: X-Forwarded-Proto is neither http nor https; fix the proxy that sets it`;
    case 'invalid-target':
      return 'rejected a request target that is not a path, an http(s) URL naming the host, or * for OPTIONS (not shown)';
    case 'missing-host':
      return `rejected a request with no Host header. HTTP/1.1 requires one, so this is a prober or a hand-written client: have it send a Host, or use HTTP/1.0; ${PROBER_RECIPES}`;
    case 'invalid-host':
      return 'rejected a Host that is not one valid host name or IP address with an optional port (not shown)';
    case 'resolver-unavailable':
      return `answered 503 for Host ${shown}: resolveHost did not answer in time (it threw, rejected, timed out or was busy)`;
  }
}

/** Forgets what was explained. For tests. */
export function resetExplainedRejections(): void {
  explained.clear();
}
