import type { NormalizedCheck } from '../config/check-options';
import type { EndpointKind } from '../config/resolve-config';
import { publishCheck } from '../observe/channels';
import type { HealthCheckStats } from '../observe/stats';
import { startChecks, type CheckRunner } from './check-runner';
import { livenessAnswer, readinessAnswer, startupAnswer, type Phase, type ProbeAnswer } from './probe-answers';

/** The probe endpoints' state: the checks running in the background, and the phase of the process. */
export interface ProbeEndpoints {
  /** Runs `checks` from now on: the running ones go on when they are the same checks, else they are replaced. */
  follow(checks: readonly NormalizedCheck[]): void;
  answer(kind: EndpointKind, details: boolean): ProbeAnswer;
  /** The checks, as `stats()` shows them. */
  stats(): HealthCheckStats['checks'];
  /** Readiness answers 503 `draining` from now on. */
  drain(): void;
  stop(): void;
}

export function createProbeEndpoints(checks: readonly NormalizedCheck[]): ProbeEndpoints {
  let running = checks;
  let runner: CheckRunner = startChecks(checks, publishCheck);
  let phase: Phase = 'serving';
  return {
    follow(next) {
      if (next === running || sameChecks(running, next)) return;
      runner.stop();
      running = next;
      runner = startChecks(next, publishCheck);
    },
    answer(kind, details) {
      if (kind === 'liveness') return livenessAnswer();
      return kind === 'startup' ? startupAnswer(runner, details) : readinessAnswer(phase, runner, details);
    },
    stats: () =>
      Object.fromEntries(
        runner.states().map((state) => [
          state.name,
          { passing: state.passing ?? null, critical: state.critical, runs: state.runs, failures: state.failures, lastDurationMs: state.durationMs ?? null },
        ]),
      ),
    drain: () => {
      phase = 'draining';
    },
    stop: () => runner.stop(),
  };
}

/** The same checks: the same names, functions and settings, so that a reload of the file keeps them running. */
function sameChecks(a: readonly NormalizedCheck[], b: readonly NormalizedCheck[]): boolean {
  const keys = ['name', 'check', 'timeout', 'interval', 'critical', 'failureThreshold', 'successThreshold'] as const;
  return a.length === b.length && a.every((check, index) => keys.every((key) => check[key] === b[index]?.[key]));
}
