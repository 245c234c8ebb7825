import { HealthChecksConfigError, OPTIONS_SOURCE } from '../errors';

/** A dependency check: resolves (or returns) when the dependency answers; throws or rejects when it does not. */
export type CheckFunction = () => unknown;

/** A check with its schedule and its weight on readiness. */
export interface CheckDefinition {
  check: CheckFunction;
  /** Milliseconds a run may take before it counts as a failure. Default 1000. */
  timeout?: number;
  /** Milliseconds between runs, in the background. Default 5000. */
  interval?: number;
  /** Whether a failing check makes the app unready. Default true. */
  critical?: boolean;
  /** Consecutive failures before a passing check fails readiness. Default 1. */
  failureThreshold?: number;
  /** Consecutive successes before a failing check passes again. Default 1. */
  successThreshold?: number;
}

/** A check as the runner reads it, every default filled in. */
export interface NormalizedCheck {
  readonly name: string;
  readonly check: CheckFunction;
  readonly timeout: number;
  readonly interval: number;
  readonly critical: boolean;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/** The longest delay Node's timers keep; a longer one fires after 1 ms. */
const MAX_TIMER = 2 ** 31 - 1;

const DEFAULTS = { timeout: 1000, interval: 5000, critical: true, failureThreshold: 1, successThreshold: 1 };
const KEYS = new Set(['check', ...Object.keys(DEFAULTS)]);

/**
 * Checks the `checks` option, a map of names to a function or a {@link CheckDefinition}, and fills in the defaults.
 *
 * @throws {HealthChecksConfigError} listing every problem, by key path.
 */
export function normalizeChecks(checks: unknown): NormalizedCheck[] {
  if (checks === undefined) return [];
  if (typeof checks !== 'object' || checks === null || Array.isArray(checks)) {
    throw new HealthChecksConfigError(OPTIONS_SOURCE, ['checks must be an object of named checks, such as { db: () => pool.query("select 1") }.']);
  }
  const problems: string[] = [];
  const normalized = Object.entries(checks).flatMap(([name, value]) => {
    const definition: unknown = typeof value === 'function' ? { check: value } : value;
    const found = problemsOf(`checks.${name}`, definition);
    problems.push(...found);
    return found.length > 0 ? [] : [{ name, ...DEFAULTS, ...(definition as CheckDefinition) } as NormalizedCheck];
  });
  if (problems.length > 0) throw new HealthChecksConfigError(OPTIONS_SOURCE, problems);
  return normalized;
}

function problemsOf(path: string, definition: unknown): string[] {
  if (typeof definition !== 'object' || definition === null || typeof (definition as CheckDefinition).check !== 'function') {
    return [`${path} must be a function, or an object with a check function, such as { check: () => redis.ping() }.`];
  }
  const problems: string[] = [];
  const record = definition as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!KEYS.has(key)) problems.push(`${path}.${key} is not a known option. Known options here: ${[...KEYS].join(', ')}.`);
  for (const key of ['timeout', 'interval'] as const) {
    const value = record[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= MAX_TIMER)) {
      problems.push(`${path}.${key} must be a whole number of milliseconds, from 1 to ${MAX_TIMER} (about 24.8 days; Node runs a longer timer at once).`);
    }
  }
  for (const key of ['failureThreshold', 'successThreshold'] as const) {
    const value = record[key];
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) problems.push(`${path}.${key} must be a whole number, 1 or more.`);
  }
  if (record.critical !== undefined && typeof record.critical !== 'boolean') problems.push(`${path}.critical must be true or false.`);
  return problems;
}
