import type { CheckRunner, CheckState } from './check-runner';

/** Where the process is in its life: serving, or draining after a shutdown signal (readiness then fails at once). */
export type Phase = 'serving' | 'draining';

/** A probe endpoint's answer: its status, and the JSON body. */
export interface ProbeAnswer {
  readonly status: 200 | 503;
  readonly body: { status: string; checks?: Record<string, CheckDetail> };
}

/** What a probe may learn of a check: never its error text, which can hold a connection string. */
export interface CheckDetail {
  passing: boolean | null;
  critical: boolean;
  durationMs: number | null;
}

/**
 * Readiness: 503 `draining` once a shutdown signal came, 503 `starting` until every critical check has first passed,
 * 503 `unready` while one fails, 200 `ready` otherwise. `details` (for a request let in as a probe) adds the checks.
 */
export function readinessAnswer(phase: Phase, runner: CheckRunner, details: boolean): ProbeAnswer {
  const status = phase === 'draining' ? 'draining' : !runner.started() ? 'starting' : runner.ready() ? 'ready' : 'unready';
  return withDetails(status === 'ready' ? 200 : 503, status, runner, details);
}

/** Startup: 503 `starting` until the first run of every critical check has passed, then 200 `started`, for good. */
export function startupAnswer(runner: CheckRunner, details: boolean): ProbeAnswer {
  return runner.started() ? withDetails(200, 'started', runner, details) : withDetails(503, 'starting', runner, details);
}

/**
 * Liveness: 200 whenever the process can answer. A dependency that is down never fails it: restarting the pod does
 * not bring a database back, and would only add a crash loop to the outage.
 */
export function livenessAnswer(): ProbeAnswer {
  return { status: 200, body: { status: 'alive' } };
}

function withDetails(status: 200 | 503, word: string, runner: CheckRunner, details: boolean): ProbeAnswer {
  if (!details) return { status, body: { status: word } };
  return { status, body: { status: word, checks: Object.fromEntries(runner.states().map((state) => [state.name, detailOf(state)])) } };
}

function detailOf(state: CheckState): CheckDetail {
  return { passing: state.passing ?? null, critical: state.critical, durationMs: state.durationMs === undefined ? null : Math.round(state.durationMs) };
}
