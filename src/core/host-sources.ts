/** The raw values a request may carry its host in, each with every occurrence joined by ", ". */
export interface HostSources {
  /** The Host header. */
  readonly host: string | undefined;
  /** HTTP/2's `:authority`; leave it out for HTTP/1. */
  readonly authority?: string | undefined;
  /** X-Forwarded-Host. */
  readonly forwardedHost?: string | undefined;
}

/** Which proxy headers are trusted, by the check and by the app. */
export interface ProxyTrust {
  /** Validate X-Forwarded-Host when a proxy sent one: the `trustProxy` option, or else the app's `app.proxy`. */
  readonly validate: boolean;
  /** The app reads X-Forwarded-Host (and X-Forwarded-Proto) itself: Koa's `app.proxy`. */
  readonly app: boolean;
}

/** The host to validate, and the other host values the app will read, which must all name that same host. */
export interface HostReading {
  readonly host: string | undefined;
  /** `undefined` when the app reads no other value: the usual case, which then allocates nothing. */
  readonly alsoRead: readonly (string | undefined)[] | undefined;
}

/**
 * Picks the value to validate as the request's host: X-Forwarded-Host when the proxy is trusted and sent one, else
 * `:authority`, else Host.
 *
 * It also lists what else the app reads as its host. Koa's `ctx.host` follows `app.proxy`, which may differ from the
 * `trustProxy` option: then it reads the other header, and that value must agree. On HTTP/2 a Host header beside
 * `:authority` must agree too, as RFC 9113 section 8.3.1 asks.
 */
export function readHost(sources: HostSources, trust: ProxyTrust): HostReading {
  const direct = sources.authority || sources.host;
  const host = trust.validate && sources.forwardedHost ? sources.forwardedHost : direct;
  const appHost = trust.app && sources.forwardedHost ? sources.forwardedHost : direct;
  const http2Host = sources.authority && sources.host !== undefined && sources.host !== sources.authority;
  if (appHost === host && !http2Host) return { host, alsoRead: undefined };
  const alsoRead: (string | undefined)[] = [];
  if (appHost !== host) alsoRead.push(appHost);
  if (http2Host) alsoRead.push(sources.host);
  return { host, alsoRead };
}
