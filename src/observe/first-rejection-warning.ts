import type { RejectReason } from '../core/decide';

/** At most this many distinct rejections are explained per process, so that a scan cannot flood the log. */
const MAX_WARNINGS = 20;
const explained = new Set<string>();
const SHOWS_HOST: ReadonlySet<RejectReason> = new Set(['host-not-allowed', 'host-mismatch', 'invalid-forwarded-proto', 'resolver-unavailable']);

/**
 * Outside production, explains the first rejection of each distinct host (at most {@link MAX_WARNINGS} per process)
 * with one warning line that names the fix. `rawHost` is echoed only when `host` is set, that is when it passed the
 * syntax check; an invalid host is described, never printed.
 */
export function explainFirstRejection(environment: string, reason: RejectReason, host: string | null, rawHost: string | undefined): void {
  if (environment === 'production' || explained.size >= MAX_WARNINGS) return;
  // Reasons that do not show the host are explained once each, whatever the host.
  const key = SHOWS_HOST.has(reason) ? `${reason} ${host ?? ''}` : reason;
  if (explained.has(key)) return;
  explained.add(key);
  process.emitWarning(`koa-allow-healthchecks: ${explanation(reason, host, rawHost)}`, { code: 'KOA_ALLOW_HEALTHCHECKS_REJECTED' });
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
      return 'rejected a request with no Host header; every HTTP/1.1 client sends one';
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
