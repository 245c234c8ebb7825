import type { ParameterizedContext } from 'koa';
import type { Decision } from '../core/decide';
import { REJECT_BODY } from '../http/rejection';
import type { HealthChecksOptions, RejectInfo } from '../options';
import { handOverRefusedTarget } from './hand-over-target';

type Rejection = Extract<Decision, { allowed: false }>;

/**
 * Answers a rejected request with `status` and the plain-text body, then calls `onReject`, which may change the
 * answer. The hook runs safely: for a refused target it sees `/` as `ctx.url` and `ctx.path` (Koa's `ctx.path` would
 * throw on some of them), and a hook that throws leaves the rejection as it was and is reported as a warning, so
 * that no rejection becomes a 5xx.
 */
export function answerRejection(ctx: ParameterizedContext, decision: Rejection, status: number, onReject: HealthChecksOptions['onReject']): Promise<void> {
  reject(ctx, status);
  if (onReject === undefined) return Promise.resolve();
  if (decision.reason === 'invalid-target') handOverRefusedTarget(ctx);
  return callHook(ctx, status, onReject, { host: decision.host, reason: decision.reason, reportOnly: false });
}

function reject(ctx: ParameterizedContext, status: number): void {
  ctx.status = status;
  ctx.type = 'text/plain';
  ctx.body = REJECT_BODY;
}

async function callHook(ctx: ParameterizedContext, status: number, hook: NonNullable<HealthChecksOptions['onReject']>, info: RejectInfo): Promise<void> {
  try {
    await hook(ctx, info);
  } catch (error) {
    warnHookFailed(hook, error);
    reject(ctx, status);
  }
}

/** Hooks already reported, so that a hook that always throws does not flood the log under a scan. */
const failedHooks = new WeakSet<object>();

/** Warns, once per hook, that `onReject` threw. */
export function warnHookFailed(hook: object, error: unknown): void {
  if (failedHooks.has(hook)) return;
  failedHooks.add(hook);
  process.emitWarning(
    `koa-allow-healthchecks: onReject threw: ${describe(error)}. The response was left as the guard set it; catch ` +
      'errors in the hook. Later failures are not reported.',
    { code: 'KOA_ALLOW_HEALTHCHECKS_ON_REJECT_FAILED' },
  );
}

/** What was thrown, in words, however hostile the thrown value: describing it must never throw in turn. */
function describe(error: unknown): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return 'a value that cannot be printed';
  }
}
