import type { RequestTarget } from '../core/request-target';

/** The parts of a Koa context that carry the request target. Loose, so that Koa 2 and Koa 3 contexts both fit. */
interface TargetCarrier {
  url: string;
  originalUrl: string;
  readonly request: { originalUrl: string; memoizedURL?: unknown };
}

/**
 * Hands the app an accepted target in origin-form, so that Koa builds `ctx.URL` and `ctx.href` from the validated
 * host on Koa 2 and Koa 3 alike. Koa 2 glues an absolute-form target onto the host (`http://example.comhttp://…`),
 * and both versions read `OPTIONS *` as the host `example.com*`.
 *
 * An absolute-form target becomes its path and query in `ctx.url` and `ctx.originalUrl`; `*` keeps `ctx.url` (so
 * routers still see `*`) and gets `/` as `ctx.originalUrl`. A URL that an earlier middleware made Koa memoize is
 * dropped, so that Koa builds it again.
 */
export function handOverTarget(ctx: TargetCarrier, target: RequestTarget): void {
  if (target.form === 'origin') return;
  const originalUrl = target.form === 'absolute' ? target.originForm : '/';
  if (target.form === 'absolute') ctx.url = target.originForm;
  ctx.originalUrl = originalUrl;
  ctx.request.originalUrl = originalUrl;
  ctx.request.memoizedURL = undefined;
}

/**
 * For a request let through with no host at all (a Host-less HTTP/1.0 probe), gives Koa an empty URL, as Koa itself
 * memoizes for a URL it cannot build: otherwise it would build `http://` + the path, and read the path's first
 * segment (`/health-check/`) as a host.
 */
export function handOverNoHost(ctx: TargetCarrier): void {
  ctx.request.memoizedURL = Object.create(null) as object;
}

/**
 * Hands `onReject` a refused target as `/`, so that reading `ctx.path`, `ctx.query` or `ctx.URL` in the hook cannot
 * throw: Koa's parser throws on some targets the guard refuses (`http://[::1/`). The refused target is never shown.
 */
export function handOverRefusedTarget(ctx: TargetCarrier): void {
  ctx.url = '/';
  ctx.originalUrl = '/';
  ctx.request.originalUrl = '/';
  ctx.request.memoizedURL = undefined;
}
