import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { RequestFacts } from '../core/decide';
import { readHost, type ProxyTrust } from '../core/host-sources';
import { parseRequestTarget } from '../core/request-target';

/** A request as Node's `http`, `https` and `http2` (compatibility API) servers hand it over. */
export type NodeRequest = IncomingMessage | Http2ServerRequest;

/** What one pass over the raw headers found. */
interface RawValues {
  host: string | undefined;
  authority: string | undefined;
  forwardedHost: string | undefined;
  forwardedProto: string | undefined;
  /** Any other header a proxy adds (see {@link PROXY_HEADERS}), joined like the rest: only its presence is read. */
  proxied: string | undefined;
  probeToken: string | undefined;
}

/** How to read a request. */
export interface ReadOptions {
  /** The probe header's lowercase name, when the bypass is on. */
  readonly probeHeader: string | undefined;
  readonly trust: ProxyTrust;
  /** Read the connection's local address, for local-address probes. */
  readonly localAddress: boolean;
  /** Whether whoever reads the request next builds URLs from X-Forwarded-Proto when it trusts the proxy: Koa does. */
  readonly forwardedProto: boolean;
}

/**
 * Reads the raw facts a decision needs, in one pass over the raw headers. The host is the raw header value, never
 * Koa's `ctx.host`, which keeps the first entry of a comma list and reinterprets `user@host`, so it would hide an
 * invalid header. The target is `req.url` as received, parsed before anything else reads it.
 */
export function readRequestFacts(req: NodeRequest, options: ReadOptions): RequestFacts {
  const { trust } = options;
  const raw = readRawValues(req.rawHeaders, options.probeHeader, options.localAddress);
  const method = req.method ?? '';
  const authority = req.httpVersionMajor >= 2 ? raw.authority : undefined;
  const { host, alsoRead } = readHost({ host: raw.host, authority, forwardedHost: raw.forwardedHost }, trust);
  return {
    method,
    target: parseRequestTarget(req.url, method),
    host,
    hostHeader: trust.validate && raw.forwardedHost ? 'X-Forwarded-Host' : authority ? ':authority' : 'Host',
    alsoRead,
    // Koa's ctx.protocol is "https" on a TLS socket whatever the header says, and reads the header only then.
    forwardedProto: options.forwardedProto && trust.app && raw.forwardedProto !== undefined && !isEncrypted(req) ? raw.forwardedProto : undefined,
    probeToken: raw.probeToken,
    connection: options.localAddress ? connectionFacts(req, authority || raw.host, raw) : undefined,
  };
}

/** The connection's local address, the raw Host, and whether any proxy header was sent. */
function connectionFacts(req: NodeRequest, directHost: string | undefined, raw: RawValues): RequestFacts['connection'] {
  const socket = req.socket as { localAddress?: string; localPort?: number } | null;
  const local = { address: socket?.localAddress, port: socket?.localPort };
  const proxied = raw.proxied !== undefined || raw.forwardedHost !== undefined || raw.forwardedProto !== undefined;
  return { directHost, http10: req.httpVersionMajor === 1 && req.httpVersionMinor === 0, local, proxied };
}

/** The HTTP version and the address the connection arrived on, for the warning that explains a rejection. */
export function connectionOf(req: NodeRequest): { http10: boolean; localAddress: string | undefined } {
  const socket = req.socket as { localAddress?: string } | null;
  return { http10: req.httpVersionMajor === 1 && req.httpVersionMinor === 0, localAddress: socket?.localAddress };
}

function isEncrypted(req: NodeRequest): boolean {
  return (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
}

/**
 * The values of Host, `:authority`, X-Forwarded-Host, X-Forwarded-Proto, the probe header, and, with `proxyHeaders`,
 * whether any other proxy header is present. Node keeps only the
 * first of duplicate Host (and some other) headers; here every occurrence is joined with ", ", so a duplicate host
 * becomes a comma list, which never validates or matches.
 */
function readRawValues(rawHeaders: readonly string[], probeHeader: string | undefined, proxyHeaders: boolean): RawValues {
  const found: RawValues = {
    host: undefined,
    authority: undefined,
    forwardedHost: undefined,
    forwardedProto: undefined,
    proxied: undefined,
    probeToken: undefined,
  };
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    const key = fieldFor(name, probeHeader, proxyHeaders);
    if (key === undefined) continue;
    const value = rawHeaders[index + 1] as string;
    const previous = found[key];
    found[key] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return found;
}

function fieldFor(name: string, probeHeader: string | undefined, proxyHeaders: boolean): keyof RawValues | undefined {
  // Compare lengths first: most headers are none of these, and that costs no lowercasing.
  const length = name.length;
  if (length === 4 && name.toLowerCase() === 'host') return 'host';
  if (probeHeader !== undefined && length === probeHeader.length && name.toLowerCase() === probeHeader) return 'probeToken';
  if (length === 16 && name.toLowerCase() === 'x-forwarded-host') return 'forwardedHost';
  if (length === 17 && name.toLowerCase() === 'x-forwarded-proto') return 'forwardedProto';
  if (length === 10 && name === ':authority') return 'authority';
  // Only local-address probes need to know of a proxy, and most header names have no proxy header's length.
  if (proxyHeaders && PROXY_HEADER_LENGTHS.has(length) && PROXY_HEADERS.has(name.toLowerCase())) return 'proxied';
  return undefined;
}

/**
 * Headers that say a proxy relayed the request, besides X-Forwarded-Host and X-Forwarded-Proto: a request carrying any
 * of them is not a direct connection, so it is never a local-address probe. An AWS ALB keeps Host and adds
 * X-Forwarded-For, X-Forwarded-Proto and X-Forwarded-Port; nginx's usual config adds X-Real-IP; Varnish and Apache add
 * Via; RFC 7239 proxies add Forwarded; Apache adds X-Forwarded-Server; CDNs add their client-address headers.
 */
const PROXY_HEADERS: ReadonlySet<string> = new Set([
  'x-forwarded-for',
  'x-forwarded-port',
  'x-forwarded-server',
  'x-original-forwarded-for',
  'x-real-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'true-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'via',
  'forwarded',
]);
const PROXY_HEADER_LENGTHS: ReadonlySet<number> = new Set([...PROXY_HEADERS].map((name) => name.length));

/**
 * What the request says of a proxy, for a rejection's advice only: the X-Forwarded-Host it carries, and whether it
 * carries any header a proxy adds. Read from the parsed headers, outside the hot path.
 */
export function proxyFactsOf(req: NodeRequest): { forwardedHost: string | undefined; proxied: boolean } {
  const headers = req.headers as Record<string, string | string[] | undefined>;
  const forwarded = headers['x-forwarded-host'];
  const forwardedHost = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  const proxied = forwardedHost !== undefined || headers['x-forwarded-proto'] !== undefined || [...PROXY_HEADERS].some((name) => headers[name] !== undefined);
  return { forwardedHost, proxied };
}
