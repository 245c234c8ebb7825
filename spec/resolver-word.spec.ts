import { expect } from 'chai';
import { healthChecks, type HealthChecksMiddleware, type HealthChecksOptions } from '../src';
import { appWith, client, NO_TOKEN, withEnv } from './helpers';

/**
 * The word of `invalidate()` and the bounds of the resolver cache, seen where they are consumed: the status a client
 * gets from the Koa app, and `stats().resolver`.
 */

function build(options: HealthChecksOptions): HealthChecksMiddleware {
  return withEnv(NO_TOKEN, () => healthChecks({ configFile: false, allowedHosts: ['static.example'], ...options }));
}

// app.env 'production' only silences the per-process first-rejection warnings, which a flood of names would use up.
const statusFor = (middleware: HealthChecksMiddleware, host: string) =>
  client(appWith(middleware, (app) => (app.env = 'production')))
    .get('/')
    .set('Host', host)
    .then((response) => response.status);

/** A promise with its resolve function, to play a slow tenant store. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** Polls `condition` until it holds, for at most `ms`. */
async function eventually(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

type Answer = boolean | Promise<boolean> | 'down';

/**
 * A tenant store whose answer the test sets: a boolean, a promise (a slow store), 'down' (it throws), or a function of
 * the name giving one of those. Counts the calls per name.
 */
function tenantStore(initial: Answer | ((hostname: string) => Answer)) {
  const store = { answer: initial, asked: new Map<string, number>() };
  const resolveHost = (hostname: string): boolean | Promise<boolean> => {
    store.asked.set(hostname, (store.asked.get(hostname) ?? 0) + 1);
    const answer = typeof store.answer === 'function' ? store.answer(hostname) : store.answer;
    if (answer === 'down') throw new Error('store down');
    return answer;
  };
  return { store, resolveHost };
}

const waitForCallInFlight = async (middleware: HealthChecksMiddleware) =>
  expect(await eventually(() => middleware.stats().resolver.inFlight === 1), 'the slow call is in flight').to.equal(true);

for (const [form, invalidate] of [
  ["invalidate('tenant.example')", (middleware: HealthChecksMiddleware) => middleware.invalidate('tenant.example')],
  ['invalidate()', (middleware: HealthChecksMiddleware) => middleware.invalidate()],
] as const) {
  describe(`${form} while a resolveHost call is in flight`, () => {
    it('gives the waiting request the late answer, but does not cache it: the next request asks the store again', async () => {
      const slow = deferred<boolean>();
      const { store, resolveHost } = tenantStore(slow.promise);
      const middleware = build({ resolveHost });
      const waiting = statusFor(middleware, 'tenant.example');
      await waitForCallInFlight(middleware);
      invalidate(middleware);
      slow.resolve(true);
      expect(await waiting).to.equal(200);
      expect(middleware.stats().resolver).to.include({ calls: 1, cacheSize: 0 });

      store.answer = false;
      expect(await statusFor(middleware, 'tenant.example')).to.equal(400);
      expect(middleware.stats().resolver.calls).to.equal(2);
      expect(store.asked.get('tenant.example')).to.equal(2);
    });

    it('makes a request arriving after it ask anew instead of joining the old call, and the late answer overwrites nothing', async () => {
      const slow = deferred<boolean>();
      const { store, resolveHost } = tenantStore(slow.promise);
      const middleware = build({ resolveHost });
      const before = statusFor(middleware, 'tenant.example');
      await waitForCallInFlight(middleware);
      invalidate(middleware);
      store.answer = false;
      // Not awaited before the old call settles: a request that joined the old call would wait for it, and get 200.
      const after = statusFor(middleware, 'tenant.example');
      expect(await eventually(() => middleware.stats().resolver.calls === 2), 'a second call').to.equal(true);
      slow.resolve(true);
      expect(await Promise.all([before, after])).to.deep.equal([200, 400]);

      // The new call's refusal is cached; the old call's late "true" did not replace it.
      expect(await statusFor(middleware, 'tenant.example')).to.equal(400);
      expect(middleware.stats().resolver).to.include({ calls: 2, cacheSize: 1 });
    });
  });
}

describe('invalidate(name) normalises the name as allowedHosts does', () => {
  for (const written of ['München.Example.', 'münchen.example:8443', 'XN--MNCHEN-3YA.example']) {
    it(`drops münchen.example, cached under its punycode, when written ${JSON.stringify(written)}`, async () => {
      const { store, resolveHost } = tenantStore(true);
      const middleware = build({ resolveHost });
      expect(await statusFor(middleware, 'xn--mnchen-3ya.example')).to.equal(200);
      expect([...store.asked]).to.deep.equal([['xn--mnchen-3ya.example', 1]]);

      // While the store is down only the cache answers: 200 while the name is cached, 503 once it is dropped.
      store.answer = 'down';
      expect(await statusFor(middleware, 'xn--mnchen-3ya.example')).to.equal(200);
      middleware.invalidate(written);
      expect(await statusFor(middleware, 'xn--mnchen-3ya.example')).to.equal(503);
      expect([...store.asked]).to.deep.equal([['xn--mnchen-3ya.example', 2]]);
    });
  }

  it('leaves other names cached', async () => {
    const { store, resolveHost } = tenantStore(true);
    const middleware = build({ resolveHost });
    expect(await statusFor(middleware, 'xn--mnchen-3ya.example')).to.equal(200);
    expect(await statusFor(middleware, 'other.example')).to.equal(200);
    store.answer = 'down';
    middleware.invalidate('München.Example.');
    expect(await statusFor(middleware, 'other.example')).to.equal(200);
    expect(middleware.stats().resolver.cacheSize).to.equal(1);
  });
});

describe('resolveCache bounds', () => {
  it('keeps an allowed tenant cached through a flood of refused names, so it gets 200 while the store is down', async () => {
    const { store, resolveHost } = tenantStore(true);
    const middleware = build({ resolveHost, resolveCache: { max: 3 } });
    expect(await statusFor(middleware, 'tenant.example')).to.equal(200);
    store.answer = false;
    for (let index = 0; index < 50; index += 1) {
      expect(await statusFor(middleware, `unknown-${index}.example`)).to.equal(400);
      expect(middleware.stats().resolver.cacheSize).to.be.at.most(2 * 3);
    }
    expect(middleware.stats().resolver).to.include({ calls: 51, failures: 0 });

    store.answer = 'down';
    expect(await statusFor(middleware, 'tenant.example')).to.equal(200);
    expect(middleware.stats().resolver).to.include({ calls: 51, failures: 0 });
    // The most recent refusals are cached too (400, not 503); the oldest were evicted (503: the store is asked).
    expect(await statusFor(middleware, 'unknown-49.example')).to.equal(400);
    expect(await statusFor(middleware, 'unknown-0.example')).to.equal(503);
  });

  it('bounds the allowed names to max as well, evicting the least recently used', async () => {
    const { store, resolveHost } = tenantStore(true);
    const middleware = build({ resolveHost, resolveCache: { max: 2 } });
    for (const host of ['a.example', 'b.example', 'a.example', 'c.example']) expect(await statusFor(middleware, host)).to.equal(200);
    expect(middleware.stats().resolver.cacheSize).to.equal(2);
    store.answer = 'down';
    expect(await statusFor(middleware, 'a.example')).to.equal(200);
    expect(await statusFor(middleware, 'c.example')).to.equal(200);
    expect(await statusFor(middleware, 'b.example')).to.equal(503);
  });
});

describe('resolveCache ttl and negativeTtl', () => {
  /** Caches yes.example (allowed) and no.example (refused), then polls until `expiring` is asked about again. */
  async function cacheBothThenExpire(cache: { ttl: number; negativeTtl: number }, expiring: string) {
    const { store, resolveHost } = tenantStore((hostname) => hostname === 'yes.example');
    const middleware = build({ resolveHost, resolveCache: cache });
    expect(await statusFor(middleware, 'yes.example')).to.equal(200);
    expect(await statusFor(middleware, 'no.example')).to.equal(400);
    const reasked = await eventually(async () => (await statusFor(middleware, expiring), store.asked.get(expiring) === 2));
    expect(reasked, `${expiring} is asked again once its ttl passed`).to.equal(true);
    return { store, middleware };
  }

  it('expires refused names after negativeTtl while allowed names stay cached for ttl', async () => {
    const { store, middleware } = await cacheBothThenExpire({ ttl: 60_000, negativeTtl: 1 }, 'no.example');
    store.answer = 'down';
    expect(await statusFor(middleware, 'yes.example')).to.equal(200);
    expect(store.asked.get('yes.example')).to.equal(1);
  });

  it('expires allowed names after ttl while refused names stay cached for negativeTtl', async () => {
    const { store, middleware } = await cacheBothThenExpire({ ttl: 1, negativeTtl: 60_000 }, 'yes.example');
    store.answer = 'down';
    expect(await statusFor(middleware, 'no.example')).to.equal(400);
    expect(store.asked.get('no.example')).to.equal(1);
  });
});
