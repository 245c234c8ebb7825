import type { Middleware, Next, ParameterizedContext } from 'koa';
import type { CertificateVerdict, Guard } from '../guard/guard';

/** Options of `caddyAsk()`. */
export interface CaddyAskOptions {
  /**
   * Also approve names under a `.domain` or `*.domain` entry, and IP addresses in a listed address or range. Each
   * such name is one more certificate order: anyone who can reach the site can make the server order certificates for
   * made-up names under the domain, until the CA's rate limits (per registered domain, and per account) refuse the
   * orders for names you do serve. Default: `false`, only names listed one by one.
   */
  wildcards?: boolean;
}

/** `caddyAsk(options?)` returns the middleware; `caddyAsk` itself also is one, with the defaults. */
export interface CaddyAsk {
  (options?: CaddyAskOptions): Middleware;
  (ctx: ParameterizedContext, next: Next): void | Promise<void>;
}

/**
 * The `caddyAsk` of a guard: a Koa middleware answering Caddy's on-demand TLS permission request, `GET ?domain=NAME`,
 * with the status the guard decides. It answers every request it gets, so it never calls next.
 */
export function caddyAskOf(guard: Guard): CaddyAsk {
  const byDefault = caddyAskMiddleware(guard, false);
  return function caddyAsk(first?: ParameterizedContext | CaddyAskOptions, next?: Next) {
    if (isContext(first)) return byDefault(first, next as Next);
    return caddyAskMiddleware(guard, checkOptions(first).wildcards === true);
  } as CaddyAsk;
}

function caddyAskMiddleware(guard: Guard, wildcards: boolean): Middleware {
  return function caddyAskMiddleware(ctx: ParameterizedContext): void | Promise<void> {
    const verdict = guard.certificate(ctx.query.domain, wildcards);
    if (verdict instanceof Promise) return verdict.then((final) => answer(ctx, final));
    return answer(ctx, verdict);
  };
}

const BODIES: Record<number, string> = {
  200: 'allowed',
  400: 'A domain query parameter naming one valid host is required',
  403: 'not allowed',
  503: 'resolveHost failed or did not answer in time',
};

function answer(ctx: ParameterizedContext, verdict: CertificateVerdict): void {
  ctx.status = verdict.status;
  ctx.type = 'text/plain';
  ctx.body = BODIES[verdict.status];
}

function isContext(value: unknown): value is ParameterizedContext {
  return typeof value === 'object' && value !== null && 'req' in value && 'app' in value;
}

function checkOptions(options: CaddyAskOptions | undefined): CaddyAskOptions {
  if (options === undefined) return {};
  const known = typeof options === 'object' && options !== null && Object.keys(options).every((key) => key === 'wildcards');
  if (!known || (options.wildcards !== undefined && typeof options.wildcards !== 'boolean')) {
    throw new TypeError('caddyAsk() options must be an object such as { wildcards: true }; `wildcards` is a boolean.');
  }
  return options;
}
