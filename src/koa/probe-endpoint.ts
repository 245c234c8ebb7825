import type { ParameterizedContext } from 'koa';
import type { ProbeAnswer } from '../lifecycle/probe-answers';

/** Answers a probe endpoint: its status and JSON, never cached (a cached 200 would hide a readiness failure). */
export function answerEndpoint(ctx: ParameterizedContext, answer: ProbeAnswer): Promise<void> {
  ctx.status = answer.status;
  ctx.set('Cache-Control', 'no-store');
  ctx.body = answer.body;
  return Promise.resolve();
}
