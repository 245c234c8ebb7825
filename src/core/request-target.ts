import { parseHostHeader } from './parse-host';

/**
 * A request target the middleware accepts (RFC 9112 section 3.2), with what the app should see of it.
 *
 * - `origin`: `/path?query`, the usual form.
 * - `absolute`: `http://host/path?query` or `https://…`, as proxies send it. `authority` must name the validated
 *   host; the app is handed `originForm`.
 * - `asterisk`: `*`, for `OPTIONS *` only.
 */
export type RequestTarget =
  | { readonly form: 'origin'; readonly path: string }
  | { readonly form: 'absolute'; readonly path: string; readonly authority: string; readonly originForm: string }
  | { readonly form: 'asterisk'; readonly path: '*' };

const SLASH = 47;
const HASH = 35;

/** `http://` or `https://`, any case, then the authority: everything up to the first `/` or `?`. */
const ABSOLUTE_FORM = /^https?:\/\/([^/?]*)/i;

/**
 * Parses the request target as sent (`req.url`), before anything else reads it. Returns `undefined` for a target the
 * middleware refuses:
 * - a character outside visible ASCII, or a `#` (a fragment is never part of a request target);
 * - an absolute-form target with a scheme other than http or https (`pany://example.com/`, which Koa would glue
 *   onto the host), with userinfo, or with an authority that is not one valid host;
 * - authority-form (`example.com:443`, for CONNECT), and `*` with any method but OPTIONS.
 *
 * The path is computed here rather than read from Koa's `ctx.path`, which throws on some absolute-form targets. For
 * every accepted target it is what `ctx.path` returns.
 */
export function parseRequestTarget(target: string | undefined, method: string): RequestTarget | undefined {
  if (target === undefined || target.length === 0 || !isVisibleAscii(target)) return undefined;
  if (target.charCodeAt(0) === SLASH) return { form: 'origin', path: pathOf(target) };
  if (target === '*') return method === 'OPTIONS' ? { form: 'asterisk', path: '*' } : undefined;
  const authority = ABSOLUTE_FORM.exec(target)?.[1];
  if (authority === undefined || authority.includes('@') || parseHostHeader(authority) === undefined) return undefined;
  const rest = target.slice(target.indexOf('//') + 2 + authority.length);
  const originForm = rest.charCodeAt(0) === SLASH ? rest : `/${rest}`;
  return { form: 'absolute', path: pathOf(originForm), authority, originForm };
}

/** Visible ASCII (0x21 to 0x7E) with no `#`. */
function isVisibleAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x21 || code > 0x7e || code === HASH) return false;
  }
  return true;
}

/** The part before the query string, as Koa's `ctx.path` (parseurl) reads an origin-form target with no `#`. */
function pathOf(originForm: string): string {
  const query = originForm.indexOf('?');
  return query === -1 ? originForm : originForm.slice(0, query);
}
