import type { Next, ParameterizedContext } from 'koa';
import type { RejectReason } from '../core/decide';
import type { HealthChecksOptions } from '../options';
import { warnHookFailed } from './reject';

/**
 * Report-only mode: lets a request that enforcement would reject go on to the app, flagged in
 * `ctx.state.healthCheck.wouldReject`. `onReject` is called once the app has answered, with `reportOnly: true`, so
 * that it can log the outcome; anything it changes on the response (status, body, headers) is put back, because in
 * report-only mode the response is the app's. A hook that throws is reported as a warning, never to the client.
 */
export async function passReportOnly(
  ctx: ParameterizedContext,
  next: Next,
  rejection: { host: string | null; reason: RejectReason },
  onReject: HealthChecksOptions['onReject'],
): Promise<void> {
  ctx.state.healthCheck = { probe: false, via: null, host: rejection.host, wouldReject: rejection.reason };
  if (onReject === undefined) return next();
  try {
    await next();
  } finally {
    await callLeavingResponseAsIs(ctx, onReject, () => onReject(ctx, { host: rejection.host, reason: rejection.reason, reportOnly: true }));
  }
}

async function callLeavingResponseAsIs(ctx: ParameterizedContext, owner: object, hook: () => void | Promise<void>): Promise<void> {
  const { status, body } = ctx;
  const headers = { ...ctx.response.headers };
  try {
    await hook();
  } catch (error) {
    warnHookFailed(owner, error);
  }
  if (ctx.body === body && ctx.status === status && sameHeaders(ctx.response.headers, headers)) return;
  // Koa's body setter rewrites Content-Type, Content-Length and sometimes the status, so the headers are put back
  // before and after it, and the status last.
  restoreHeaders(ctx, headers);
  if (ctx.body !== body) ctx.body = body;
  restoreHeaders(ctx, headers);
  if (ctx.status !== status) ctx.status = status;
}

function restoreHeaders(ctx: ParameterizedContext, saved: Record<string, unknown>): void {
  if (sameHeaders(ctx.response.headers, saved)) return;
  for (const name of Object.keys(ctx.response.headers)) ctx.remove(name);
  for (const [name, value] of Object.entries(saved)) if (value !== undefined) ctx.set(name, value as string | string[]);
}

function sameHeaders(current: Record<string, unknown>, saved: Record<string, unknown>): boolean {
  const names = Object.keys(current);
  return names.length === Object.keys(saved).length && names.every((name) => current[name] === saved[name]);
}
