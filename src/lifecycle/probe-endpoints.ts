import type { NormalizedCheck } from '../config/check-options';
import type { EndpointKind } from '../config/resolve-config';
import { publishCheck } from '../observe/channels';
import type { HealthCheckStats } from '../observe/stats';
import { startChecks, type CheckRunner } from './check-runner';
import { livenessAnswer, readinessAnswer, startupAnswer, type Phase, type ProbeAnswer } from './probe-answers';

/** The probe endpoints' state: the checks running in the background, and the phase of the process. */
export interface ProbeEndpoints {
  /** Runs `checks` from now on: checks of the same names go on with their states, others start over. After `stop()`, nothing. */
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
  let stopped = false;
  return {
    follow(next) {
      if (stopped || next === running) return;
      if (sameNames(running, next)) runner.redefine(next);
      else {
        runner.stop();
        runner = startChecks(next, publishCheck);
      }
      running = next;
    },
    answer(kind, details) {
      if (kind === 'liveness') return livenessAnswer();
      return kind === 'startup' ? startupAnswer(runner, details) : readinessAnswer(phase, runner, details);
    },
    stats: () =>
      Object.fromEntries(
        runner.states().map((state) => [
          state.name,
          { passing: state.passing ?? null, critical: state.critical, runs: state.runs, failures: state.failures, lastDurationMs: state.durationMs === undefined ? null : Math.round(state.durationMs) },
        ]),
      ),
    drain: () => {
      phase = 'draining';
    },
    stop: () => {
      stopped = true;
      runner.stop();
    },
  };
}

/** The same checks by name: redefined in place, their states kept; other names start the checks over. */
function sameNames(a: readonly NormalizedCheck[], b: readonly NormalizedCheck[]): boolean {
  return a.length === b.length && a.every((check, index) => check.name === b[index]?.name);
}
