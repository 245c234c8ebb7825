import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { RequestFacts } from '../core/decide';
import { selectHost } from '../core/select-host';

/** The parts of a Koa context the glue reads. Typed loosely so that Koa 2 and Koa 3 contexts both fit. */
export interface KoaContextLike {
  readonly req: IncomingMessage | Http2ServerRequest;
  readonly method: string;
  readonly path: string;
  readonly app: { readonly proxy?: boolean };
}

/**
 * Reads the raw facts a decision needs. The host is the raw header value, never `ctx.host`: Koa keeps the first entry
 * of a comma list and reinterprets `user@host`, which would hide an invalid header.
 */
export function readRequestFacts(ctx: KoaContextLike, probeHeader: string | undefined, trustProxy: boolean | undefined): RequestFacts {
  return {
    method: ctx.method,
    path: ctx.path,
    host: readHost(ctx.req, trustProxy ?? ctx.app.proxy === true),
    probeToken: probeHeader === undefined ? undefined : readRawHeader(ctx.req, probeHeader),
  };
}

function readHost(req: IncomingMessage | Http2ServerRequest, trustProxy: boolean): string | undefined {
  const sources = {
    host: readRawHeader(req, 'host'),
    authority: req.httpVersionMajor >= 2 ? readRawHeader(req, ':authority') : undefined,
    forwardedHost: trustProxy ? readRawHeader(req, 'x-forwarded-host') : undefined,
    target: req.url,
  };
  return selectHost(sources, trustProxy);
}

/**
 * A header's value from the raw header list. Node keeps only the first of duplicate Host (and some other) headers;
 * here every occurrence is joined with ", ", so a duplicate becomes a comma list, which never validates or matches.
 */
export function readRawHeader(req: IncomingMessage | Http2ServerRequest, lowercaseName: string): string | undefined {
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    if (name.length !== lowercaseName.length || name.toLowerCase() !== lowercaseName) continue;
    const entry = raw[index + 1] as string;
    value = value === undefined ? entry : `${value}, ${entry}`;
  }
  return value;
}
