/** The raw values a request may carry its host in. */
export interface HostSources {
  /** The Host header, every occurrence joined with ", ". */
  readonly host: string | undefined;
  /** HTTP/2's `:authority`. */
  readonly authority?: string | undefined;
  /** X-Forwarded-Host, every occurrence joined with ", ". */
  readonly forwardedHost?: string | undefined;
  /** The request target as sent: a path, or an absolute URL in absolute-form. */
  readonly target?: string | undefined;
}

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

/**
 * The one value to validate as the request's host: X-Forwarded-Host when the proxy is trusted and sent one, else
 * `:authority`, else Host. That is the value Koa uses for `ctx.host`.
 *
 * An absolute-form target (`GET http://a.example/ HTTP/1.1`) carries its own authority, which RFC 9112 section 3.2.2
 * says takes precedence over Host, while Koa keeps reading Host. When the two differ, both are returned as a list,
 * which never validates: the request is ambiguous, so it is refused.
 */
export function selectHost(sources: HostSources, trustProxy: boolean): string | undefined {
  if (trustProxy && sources.forwardedHost) return sources.forwardedHost;
  if (sources.authority) return sources.authority;
  const { host, target } = sources;
  if (target === undefined || target.startsWith('/')) return host;
  const targetAuthority = ABSOLUTE_FORM.exec(target)?.[1];
  if (targetAuthority === undefined || targetAuthority.toLowerCase() === host?.toLowerCase()) return host;
  return `${host ?? ''}, ${targetAuthority}`;
}
