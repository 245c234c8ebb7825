import type { NormalizedCheck } from '../config/check-options';

/** What the runner knows of one check: its last run, and whether it passes once its thresholds are applied. */
export interface CheckState {
  readonly name: string;
  readonly critical: boolean;
  /** `undefined` until the first run has finished. */
  readonly passing: boolean | undefined;
  /** The last run's outcome, and how long it took, in milliseconds. */
  readonly lastOk: boolean | undefined;
  readonly durationMs: number | undefined;
  readonly runs: number;
  /** Runs that failed: a throw, a rejection or a timeout. */
  readonly failures: number;
}

/** One run's result, for the diagnostics channel: `changed` when it flipped `passing`. Never the error's text. */
export interface CheckChange {
  readonly name: string;
  readonly ok: boolean;
  readonly passing: boolean;
  readonly critical: boolean;
  readonly durationMs: number;
  readonly changed: boolean;
}

/** Runs each check in the background on its interval, never per probe, and keeps their states. */
export interface CheckRunner {
  /** A copy of every check's state, in the order the checks were given. */
  states(): CheckState[];
  /** True once every critical check has finished its first run and passed at least once. */
  started(): boolean;
  /** True when every critical check passes. */
  ready(): boolean;
  /** Stops every timer; a run in flight finishes, and its result is dropped. */
  stop(): void;
  /**
   * Takes new definitions for the same checks (the same names): their functions and settings change from the next run
   * on, and their states go on, so that readiness does not start over when `update()` builds the functions anew.
   */
  redefine(checks: readonly NormalizedCheck[]): void;
}

interface Mutable {
  passing: boolean | undefined;
  lastOk: boolean | undefined;
  durationMs: number | undefined;
  runs: number;
  failures: number;
  streak: number;
  everPassed: boolean;
  /** A call that has not settled, even past its timeout: no other call starts until it does. */
  pending: boolean;
}

/**
 * Starts the checks: each runs at once, then every `interval` after its previous run ended. A call that outlasts its
 * timeout fails its run, and while it stays pending no other call to that dependency starts: each later run fails at
 * once, so that a dependency that hangs never has two calls in flight. A throw, a rejection or a run longer than `timeout` is a failure. A check's `passing`
 * flips only after `failureThreshold` consecutive failures, or `successThreshold` consecutive successes; its first run
 * sets it either way. Timers are unref'd: they never keep the process alive.
 */
export function startChecks(checks: readonly NormalizedCheck[], onRun: (change: CheckChange) => void = () => undefined): CheckRunner {
  const states = new Map<string, Mutable>(checks.map((check) => [check.name, { passing: undefined, lastOk: undefined, durationMs: undefined, runs: 0, failures: 0, streak: 0, everPassed: false, pending: false }]));
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const schedule = (name: string, delay: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      const check = definitions.get(name) as NormalizedCheck;
      void runOnce(check).then(() => {
        if (!stopped) schedule(name, (definitions.get(name) as NormalizedCheck).interval);
      });
    }, delay);
    timer.unref();
    timers.add(timer);
  };

  const definitions = new Map(checks.map((check) => [check.name, check]));

  // A call still pending from an earlier run (a dependency that hangs) is not joined by another: the run fails at once.
  const runOnce = async (check: NormalizedCheck) => {
    const state = states.get(check.name) as Mutable;
    if (state.pending) return record(check, false, 0);
    const started = performance.now();
    state.pending = true;
    const call = Promise.resolve().then(check.check);
    call.then(
      () => (state.pending = false),
      () => (state.pending = false),
    );
    const ok = await withTimeout(call, check.timeout);
    if (stopped) return;
    record(check, ok, performance.now() - started);
  };

  const record = (check: NormalizedCheck, ok: boolean, durationMs: number) => {
    const state = states.get(check.name) as Mutable;
    const sameWay = state.lastOk === ok;
    state.streak = sameWay ? state.streak + 1 : 1;
    state.lastOk = ok;
    state.durationMs = durationMs;
    state.runs += 1;
    if (ok) state.everPassed = true;
    else state.failures += 1;
    const before = state.passing;
    if (before === undefined) state.passing = ok;
    else if (before && !ok && state.streak >= check.failureThreshold) state.passing = false;
    else if (!before && ok && state.streak >= check.successThreshold) state.passing = true;
    const passing = state.passing as boolean;
    onRun({ name: check.name, ok, passing, critical: check.critical, durationMs, changed: passing !== before });
  };

  for (const check of checks) schedule(check.name, 0);

  return {
    states: () =>
      [...definitions.values()].map((check) => {
        const { passing, lastOk, durationMs, runs, failures } = states.get(check.name) as Mutable;
        return { name: check.name, critical: check.critical, passing, lastOk, durationMs, runs, failures };
      }),
    started: () => [...definitions.values()].every((check) => !check.critical || (states.get(check.name) as Mutable).everPassed),
    ready: () => [...definitions.values()].every((check) => !check.critical || (states.get(check.name) as Mutable).passing === true),
    redefine: (next) => {
      for (const check of next) definitions.set(check.name, check);
    },
    stop: () => {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** Whether `call` resolved within `timeout` ms; a rejection or a timeout is `false`. */
async function withTimeout(call: Promise<unknown>, timeout: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeout);
    timer.unref();
  });
  try {
    return await Promise.race([call.then(() => true, () => false), expired]);
  } finally {
    clearTimeout(timer);
  }
}
