import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { RequestFacts } from '../core/decide';
import { selectHost } from '../core/select-host';

/** The parts of a Koa context the glue reads. Typed loosely so that Koa 2 and Koa 3 contexts both fit. */
export interface KoaContextLike {
  readonly req: IncomingMessage | Http2ServerRequest;
  readonly path: string;
  readonly app: { readonly proxy?: boolean };
}

/** What one pass over the raw headers found. */
interface RawValues {
  host: string | undefined;
  authority: string | undefined;
  forwardedHost: string | undefined;
  probeToken: string | undefined;
}

/**
 * Reads the raw facts a decision needs, in one pass over the raw headers. The host is the raw header value, never
 * `ctx.host`: Koa keeps the first entry of a comma list and reinterprets `user@host`, which would hide an invalid
 * header. The path is Koa's `ctx.path`, what the router will see; Koa caches the parsed URL, so the router does not
 * parse it again.
 */
export function readRequestFacts(ctx: KoaContextLike, probeHeader: string | undefined, trustProxy: boolean | undefined): RequestFacts {
  const { req } = ctx;
  const trusted = trustProxy ?? ctx.app.proxy === true;
  const raw = readRawValues(req.rawHeaders, probeHeader);
  const sources = {
    host: raw.host,
    authority: req.httpVersionMajor >= 2 ? raw.authority : undefined,
    forwardedHost: trusted ? raw.forwardedHost : undefined,
    target: req.url,
  };
  return {
    method: req.method ?? '',
    path: ctx.path,
    host: selectHost(sources, trusted),
    probeToken: raw.probeToken,
  };
}

/**
 * The values of Host, `:authority`, X-Forwarded-Host and the probe header. Node keeps only the first of duplicate
 * Host (and some other) headers; here every occurrence is joined with ", ", so a duplicate becomes a comma list, which
 * never validates or matches.
 */
function readRawValues(rawHeaders: readonly string[], probeHeader: string | undefined): RawValues {
  const found: RawValues = { host: undefined, authority: undefined, forwardedHost: undefined, probeToken: undefined };
  for (let index = 0; index < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    const key = fieldFor(name, probeHeader);
    if (key === undefined) continue;
    const value = rawHeaders[index + 1] as string;
    const previous = found[key];
    found[key] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return found;
}

function fieldFor(name: string, probeHeader: string | undefined): keyof RawValues | undefined {
  // Compare lengths first: most headers are none of these, and that costs no lowercasing.
  const length = name.length;
  if (length === 4 && name.toLowerCase() === 'host') return 'host';
  if (probeHeader !== undefined && length === probeHeader.length && name.toLowerCase() === probeHeader) return 'probeToken';
  if (length === 16 && name.toLowerCase() === 'x-forwarded-host') return 'forwardedHost';
  if (length === 10 && name === ':authority') return 'authority';
  return undefined;
}
