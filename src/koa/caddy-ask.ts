import type { Middleware, ParameterizedContext } from 'koa';
import type { Decision } from '../core/decide';
import { matchHost } from '../core/host-matcher';
import { parseHostHeader } from '../core/parse-host';
import type { LiveSettings } from '../live/live-policy';
import { resolveDecision } from '../live/resolve-decision';

/**
 * A Koa middleware answering Caddy's on-demand TLS permission request, `GET ?domain=NAME`: 200 when the live policy
 * allows the name (an `allowedHosts` entry, or `resolveHost`), 403 when it does not, 400 when the name is missing or
 * invalid, 503 when `resolveHost` does not answer in time. Caddy issues a certificate only on a 2xx.
 *
 * `*` is not enough: a certificate is issued only for a name an entry or `resolveHost` names, so that nobody can make
 * the server request certificates for names of their choosing and burn its rate limits.
 */
export function caddyAskMiddleware(current: () => LiveSettings): Middleware {
  // It answers every request it gets, so it never calls next.
  return function caddyAsk(ctx: ParameterizedContext): void | Promise<void> {
    const domain = ctx.query.domain;
    const parsed = typeof domain === 'string' ? parseHostHeader(domain) : undefined;
    if (parsed === undefined || parsed.port !== undefined) return answer(ctx, 400, 'A domain query parameter naming one valid host is required');
    const settings = current();
    const rule = matchHost(settings.policy.hosts, parsed);
    if (rule !== undefined && rule !== '*') return answer(ctx, 200, 'allowed');
    const rejection: Decision = { allowed: false, host: parsed.hostname, reason: 'host-not-allowed' };
    const decided = resolveDecision(rejection, settings.resolver);
    if (decided instanceof Promise) return decided.then((decision) => answerFor(ctx, decision));
    return answerFor(ctx, decided);
  };
}

function answerFor(ctx: ParameterizedContext, decision: Decision): void {
  if (decision.allowed) return answer(ctx, 200, 'allowed');
  if (decision.reason === 'resolver-unavailable') return answer(ctx, 503, 'resolveHost did not answer in time');
  return answer(ctx, 403, 'not allowed');
}

function answer(ctx: ParameterizedContext, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'text/plain';
  ctx.body = body;
}
