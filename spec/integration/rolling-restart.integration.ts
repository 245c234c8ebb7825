import { expect } from 'chai';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain JavaScript, shared with bench/rolling-restart.mjs
const { rollingRestart } = require('./rolling-restart-harness.js') as {
  rollingRestart(options: { kind: string; restarts?: number; drainDelay?: number; timeout?: number }): Promise<{
    requests: number;
    failures: string[];
    fiveXX: number[];
    p99: number | null;
    exits: { code: number | null; signal: string | null; afterSignalMs: number }[];
  }>;
};

const DRAIN_DELAY = 1000;
const TIMEOUT = 5000;

describe('a rolling restart behind a real HAProxy (retries 0, active check on the readiness endpoint)', function () {
  this.timeout(120_000);

  it('loses no request and answers no 5xx, and every process exits by itself, with code 0, in time', async () => {
    const run = await rollingRestart({ kind: 'package', restarts: 5, drainDelay: DRAIN_DELAY, timeout: TIMEOUT });
    console.log(`      this package: ${run.requests} requests, ${run.failures.length} failed, ${run.fiveXX.length} 5xx, p99 during restarts ${run.p99} ms`);
    expect(run.requests).to.be.above(100);
    expect(run.failures, 'failed requests').to.deep.equal([]);
    expect(run.fiveXX, '5xx answers').to.deep.equal([]);
    expect(run.exits).to.have.length(5);
    for (const exit of run.exits) {
      expect(exit.code, 'exit code').to.equal(0);
      expect(exit.signal).to.equal(null);
      // The bound the issue sets: by itself within drainDelay + timeout of the signal.
      expect(exit.afterSignalMs, 'ms from SIGTERM to exit').to.be.at.most(DRAIN_DELAY + TIMEOUT);
    }
  });

  it('control: a plain Koa app that exits on SIGTERM loses requests in the same run', async () => {
    const run = await rollingRestart({ kind: 'plain', restarts: 5, drainDelay: DRAIN_DELAY, timeout: TIMEOUT });
    console.log(`      plain Koa: ${run.requests} requests, ${run.failures.length} failed, ${run.fiveXX.length} 5xx`);
    expect(run.failures.length + run.fiveXX.length).to.be.above(0);
  });
});
