import { expect } from 'chai';
import { HealthChecksConfigError } from '../src';
import { normalizeChecks } from '../src/config/check-options';
import { startChecks, type CheckChange, type CheckRunner } from '../src/lifecycle/check-runner';
import { livenessAnswer, readinessAnswer, startupAnswer } from '../src/lifecycle/probe-answers';
import { thrownBy } from './helpers';

/** A check that gives the outcomes in order (true: resolve, false: reject), then keeps the last, counting its calls. */
function scripted(outcomes: boolean[]) {
  const calls = { count: 0 };
  const check = () => {
    const ok = outcomes[Math.min(calls.count, outcomes.length - 1)];
    calls.count += 1;
    return ok ? Promise.resolve() : Promise.reject(new Error('secret-db-password in the message'));
  };
  return { check, calls };
}

/** Waits until the check named `name` has run `runs` times: the runs, not the clock, drive these tests. */
async function afterRuns(runner: CheckRunner, name: string, runs: number): Promise<void> {
  while ((runner.states().find((state) => state.name === name)?.runs ?? 0) < runs) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('lifecycle: dependency checks', () => {
  const runners: CheckRunner[] = [];
  afterEach(() => runners.splice(0).forEach((runner) => runner.stop()));
  const start = (checks: unknown, onChange?: (change: CheckChange) => void) => {
    const runner = startChecks(normalizeChecks(checks), onChange);
    runners.push(runner);
    return runner;
  };

  describe('the checks option', () => {
    it('takes a bare function with the defaults', () => {
      const check = () => undefined;
      expect(normalizeChecks({ cache: check })).to.deep.equal([
        { name: 'cache', check, timeout: 1000, interval: 5000, critical: true, failureThreshold: 1, successThreshold: 1 },
      ]);
    });

    it('names every bad entry by key path', () => {
      const error = thrownBy(() => normalizeChecks({ db: { check: () => 1, timeout: 0, interval: 1.5, failureThreshold: 0, critical: 'yes', retries: 3 }, cache: 'redis' }));
      expect(error).to.be.instanceOf(HealthChecksConfigError);
      expect((error as HealthChecksConfigError).problems).to.deep.equal([
        'checks.db.retries is not a known option. Known options here: check, timeout, interval, critical, failureThreshold, successThreshold.',
        'checks.db.timeout must be a whole number of milliseconds, from 1 to 2147483647 (about 24.8 days; Node runs a longer timer at once).',
        'checks.db.interval must be a whole number of milliseconds, from 1 to 2147483647 (about 24.8 days; Node runs a longer timer at once).',
        'checks.db.failureThreshold must be a whole number, 1 or more.',
        'checks.db.critical must be true or false.',
        'checks.cache must be a function, or an object with a check function, such as { check: () => redis.ping() }.',
      ]);
      expect(thrownBy(() => normalizeChecks([])).message).to.include('checks must be an object of named checks');
    });
  });

  it('is not started and not ready until the first run of every critical check has passed', async () => {
    const db = scripted([false, true]);
    const runner = start({ db: { check: db.check, interval: 2 } });
    expect(runner.started()).to.equal(false);
    await afterRuns(runner, 'db', 1);
    expect(runner.started()).to.equal(false);
    expect(runner.ready()).to.equal(false);
    await afterRuns(runner, 'db', 2);
    expect(runner.started()).to.equal(true);
    expect(runner.ready()).to.equal(true);
  });

  it('fails readiness only after failureThreshold failures in a row, and recovers after successThreshold successes', async () => {
    const db = scripted([true, false, true, false, false, true, true]);
    const changes: CheckChange[] = [];
    const runner = start({ db: { check: db.check, interval: 2, failureThreshold: 2, successThreshold: 2 } }, (change) => {
      if (change.changed) changes.push(change);
    });
    const readyAfter: boolean[] = [];
    for (let runs = 1; runs <= 7; runs += 1) {
      await afterRuns(runner, 'db', runs);
      readyAfter.push(runner.ready());
    }
    // pass; one failure (below the threshold); pass; two failures; one pass (below); two passes.
    expect(readyAfter).to.deep.equal([true, true, true, true, false, false, true]);
    expect(changes.map(({ passing, ok }) => ({ passing, ok }))).to.deep.equal([
      { passing: true, ok: true },
      { passing: false, ok: false },
      { passing: true, ok: true },
    ]);
  });

  it('counts a throw, a rejection and a run past its timeout as failures, and keeps error text out of its state', async () => {
    const runner = start({
      throws: { check: () => { throw new Error('secret-db-password'); }, interval: 5 },
      rejects: { check: () => Promise.reject(new Error('secret-db-password')), interval: 5 },
      hangs: { check: () => new Promise(() => undefined), timeout: 5, interval: 5 },
    });
    for (const name of ['throws', 'rejects', 'hangs']) await afterRuns(runner, name, 1);
    for (const state of runner.states()) expect(state, state.name).to.include({ passing: false, lastOk: false });
    expect(JSON.stringify(runner.states())).not.to.include('secret');
  });

  it('lets a failing non-critical check report without failing readiness', async () => {
    const runner = start({ db: { check: () => undefined, interval: 5 }, metrics: { check: () => Promise.reject(new Error('down')), critical: false, interval: 5 } });
    await afterRuns(runner, 'db', 1);
    await afterRuns(runner, 'metrics', 1);
    expect(runner.ready()).to.equal(true);
    expect(runner.states().find((state) => state.name === 'metrics')).to.include({ passing: false, critical: false });
  });

  it('never has two runs of a check in flight, and stops for good', async () => {
    let inFlight = 0;
    let most = 0;
    let calls = 0;
    let release: () => void = () => undefined;
    const slow = () => {
      calls += 1;
      inFlight += 1;
      most = Math.max(most, inFlight);
      return new Promise<void>((resolve) => {
        release = () => {
          inFlight -= 1;
          resolve();
        };
      });
    };
    const runner = start({ slow: { check: slow, interval: 1, timeout: 60_000 } });
    for (let runs = 1; runs <= 3; runs += 1) {
      while (inFlight === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      release();
      await afterRuns(runner, 'slow', runs);
    }
    expect(most).to.equal(1);
    runner.stop();
    const [runs, callsAtStop] = [runner.states()[0]?.runs, calls];
    release(); // a run that had started finishes; its result is dropped
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).to.equal(callsAtStop);
    expect(runner.states()[0]?.runs).to.equal(runs);
  });

  it('starts no call while one to a hanging dependency is still pending: the runs fail at once instead', async () => {
    let calls = 0;
    const runner = start({ hangs: { check: () => ((calls += 1), new Promise(() => undefined)), timeout: 5, interval: 5 } });
    await afterRuns(runner, 'hangs', 5);
    expect(calls).to.equal(1);
    expect(runner.states()[0]).to.include({ passing: false, failures: 5 });
  });

  it('refuses a timeout or interval longer than Node keeps a timer', () => {
    const error = thrownBy(() => normalizeChecks({ db: { check: () => undefined, interval: 2 ** 31 } }));
    expect(error.message).to.include('checks.db.interval must be a whole number of milliseconds, from 1 to 2147483647');
  });

  describe('the answers the endpoints give', () => {
    it('readiness: starting, ready, unready, then draining; details only for a probe, with no error text', async () => {
      const db = scripted([false, true, false]);
      const runner = start({ db: { check: db.check, interval: 2 }, cache: { check: () => Promise.reject(new Error('secret-redis-url')), critical: false, interval: 2 } });
      expect(readinessAnswer('serving', runner, false)).to.deep.equal({ status: 503, body: { status: 'starting' } });
      await afterRuns(runner, 'db', 2);
      expect(readinessAnswer('serving', runner, false)).to.deep.equal({ status: 200, body: { status: 'ready' } });
      expect(startupAnswer(runner, false)).to.deep.equal({ status: 200, body: { status: 'started' } });
      await afterRuns(runner, 'db', 3);
      await afterRuns(runner, 'cache', 1);
      const unready = readinessAnswer('serving', runner, true);
      expect(unready.status).to.equal(503);
      expect(unready.body.status).to.equal('unready');
      expect(unready.body.checks?.db).to.include({ passing: false, critical: true });
      expect(unready.body.checks?.cache).to.include({ passing: false, critical: false });
      expect(JSON.stringify(unready)).not.to.include('secret');
      expect(startupAnswer(runner, false).status, 'startup stays passed').to.equal(200);
      expect(readinessAnswer('draining', runner, false)).to.deep.equal({ status: 503, body: { status: 'draining' } });
    });

    it('liveness never fails because a dependency is down', async () => {
      const runner = start({ db: { check: () => Promise.reject(new Error('down')), interval: 2 } });
      await afterRuns(runner, 'db', 1);
      expect(runner.ready()).to.equal(false);
      expect(livenessAnswer()).to.deep.equal({ status: 200, body: { status: 'alive' } });
    });
  });
});
