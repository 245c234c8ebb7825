import type { NodeRequest } from './read-request';

/**
 * Removes a header from every view Node gives of the request: `req.headers` (which is Koa's `ctx.request.headers`),
 * `req.headersDistinct` and `req.rawHeaders`, on HTTP/1 and on HTTP/2's compatibility API. Used for the probe header:
 * its token is a secret, and nothing after this middleware may see it.
 *
 * Node builds `headers` and `headersDistinct` lazily, from `rawHeaders` up to a count it recorded when it parsed the
 * request. Shortening `rawHeaders` first would make a later build read past its end and throw, so both views are
 * built from the intact list before anything is removed, and the header is then deleted from each.
 */
export function stripHeader(req: NodeRequest, lowercaseName: string): void {
  const headers = req.headers;
  const distinct = (req as { headersDistinct?: Record<string, string[]> }).headersDistinct;
  delete headers[lowercaseName];
  if (distinct !== undefined) delete distinct[lowercaseName];
  const raw = req.rawHeaders;
  for (let index = raw.length - 2; index >= 0; index -= 2) {
    const name = raw[index] as string;
    if (name.length === lowercaseName.length && name.toLowerCase() === lowercaseName) raw.splice(index, 2);
  }
}
