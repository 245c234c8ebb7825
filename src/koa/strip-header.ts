import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';

/**
 * Removes a header from the request, from both `req.headers` (which `ctx.request.headers` is) and `req.rawHeaders`, so
 * that middleware and loggers after this one never see its value. Used for the probe header: its token is a secret.
 */
export function stripHeader(req: IncomingMessage | Http2ServerRequest, lowercaseName: string): void {
  const raw = req.rawHeaders;
  let found = false;
  for (let index = raw.length - 2; index >= 0; index -= 2) {
    const name = raw[index] as string;
    if (name.length !== lowercaseName.length || name.toLowerCase() !== lowercaseName) continue;
    raw.splice(index, 2);
    found = true;
  }
  if (found) delete req.headers[lowercaseName];
}
