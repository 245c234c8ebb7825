import { execFile } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { HealthChecksConfigError, healthChecks, type HealthChecksMiddleware, type HealthChecksOptions } from '../src';
import { appWith, client, Koa, makeProject, NO_TOKEN, removeProjects, thrownBy, withEnv } from './helpers';

function build(options: HealthChecksOptions): HealthChecksMiddleware {
  return withEnv(NO_TOKEN, () => healthChecks({ configFile: false, ...options }));
}

/** Polls `condition` until it holds, for at most `ms`: file watching is asynchronous, and this waits for it. */
async function eventually(condition: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

/** A promise with its resolve function, to play a slow tenant store. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

const statusFor = (middleware: HealthChecksMiddleware, host: string) =>
  client(appWith(middleware))
    .get('/')
    .set('Host', host)
    .then((response) => response.status);

describe('update() and reload()', () => {
  afterEach(removeProjects);

  it('swaps in a new policy, validated first', async () => {
    const middleware = build({ allowedHosts: ['a.example'] });
    expect(await statusFor(middleware, 'b.example')).to.equal(400);
    middleware.update({ configFile: false, allowedHosts: ['b.example'] });
    expect(await statusFor(middleware, 'b.example')).to.equal(200);
    expect(await statusFor(middleware, 'a.example')).to.equal(400);
  });

  it('throws HealthChecksConfigError for an invalid update, and the old policy keeps serving', async () => {
    const middleware = build({ allowedHosts: ['a.example'] });
    const error = thrownBy(() => middleware.update({ configFile: false, allowedHosts: ['::1'] }));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect(error.message).to.include('allowedHosts[0]');
    expect(await statusFor(middleware, 'a.example')).to.equal(200);
  });

  it('lets a request in progress finish with the policy it started with', async () => {
    const store = deferred<boolean>();
    const middleware = build({ allowedHosts: ['a.example'], resolveHost: () => store.promise });
    const inProgress = client(appWith(middleware)).get('/').set('Host', 'tenant.example');
    const response = inProgress.then((result) => result);
    await new Promise((resolve) => setTimeout(resolve, 50));
    middleware.update({ configFile: false, allowedHosts: ['a.example'], rejectStatus: 421 });
    store.resolve(false);
    expect((await response).status).to.equal(400);
    expect(await statusFor(middleware, 'other.example')).to.equal(421);
  });

  it('re-reads the config file and the environment, and reload() uses the latest options, those of update()', async () => {
    const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['a.example'] } });
    const middleware = withEnv(NO_TOKEN, () => healthChecks({ cwd }));
    writeFileSync(join(cwd, '.healthchecksrc.json'), JSON.stringify({ allowedHosts: ['b.example'] }));
    expect(await statusFor(middleware, 'b.example')).to.equal(400);
    withEnv(NO_TOKEN, () => middleware.reload());
    expect(await statusFor(middleware, 'b.example')).to.equal(200);
    withEnv(NO_TOKEN, () => middleware.update({ cwd, allowedHosts: ['c.example'] }));
    expect(await statusFor(middleware, 'c.example')).to.equal(200);
    withEnv(NO_TOKEN, () => middleware.reload());
    expect(await statusFor(middleware, 'c.example')).to.equal(200);
    expect(await statusFor(middleware, 'b.example')).to.equal(400);
  });
});

describe('watch', () => {
  afterEach(removeProjects);

  it('reloads when the config file changes, keeps the last good policy on a bad file, and reports both', async () => {
    const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['a.example'], watch: true } });
    const file = join(cwd, '.healthchecksrc.json');
    const middleware = withEnv(NO_TOKEN, () => healthChecks({ cwd }));
    const reloads: unknown[] = [];
    const warnings: string[] = [];
    const onReload = (message: unknown) => reloads.push(message);
    const onWarning = (warning: Error & { code?: string }) => warning.code === 'KOA_ALLOW_HEALTHCHECKS_RELOAD_FAILED' && warnings.push(warning.message);
    subscribe('koa-allow-healthchecks:reload', onReload);
    process.on('warning', onWarning);
    try {
      writeFileSync(file, JSON.stringify({ allowedHosts: ['b.example'], watch: true }));
      expect(await eventually(async () => (await statusFor(middleware, 'b.example')) === 200)).to.equal(true);
      expect(reloads).to.deep.include({ ok: true, trigger: 'watch', filepath: file, problems: [] });

      writeFileSync(file, '{ "allowedHosts": ["c.example"], ');
      expect(await eventually(async () => warnings.length > 0)).to.equal(true);
      expect(warnings[0]).to.include(`reloading ${file} failed; the last good policy keeps serving`);
      expect(reloads.at(-1)).to.deep.include({ ok: false, filepath: file });
      expect((reloads.at(-1) as { problems: string[] }).problems[0]).to.include('not valid JSON');
      expect(await statusFor(middleware, 'b.example')).to.equal(200);
    } finally {
      middleware.close();
      unsubscribe('koa-allow-healthchecks:reload', onReload);
      process.off('warning', onWarning);
    }
  });

  it('stops with close()', async () => {
    const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['a.example'], watch: true } });
    const middleware = withEnv(NO_TOKEN, () => healthChecks({ cwd }));
    middleware.close();
    writeFileSync(join(cwd, '.healthchecksrc.json'), JSON.stringify({ allowedHosts: ['b.example'], watch: true }));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await statusFor(middleware, 'b.example')).to.equal(400);
  });

  it('never keeps the process alive', async () => {
    const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['a.example'], watch: true } });
    const script = `require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))}).healthChecks({ cwd: ${JSON.stringify(cwd)} }); console.log('made');`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 5000 });
    expect(stdout.trim()).to.equal('made');
  });
});

describe('resolveHost', () => {
  it('is asked about unlisted names only, normalised, and never about IP literals', async () => {
    const asked: string[] = [];
    const middleware = build({ allowedHosts: ['static.example'], resolveHost: (hostname) => (asked.push(hostname), hostname === 'shop.tenant.example') });
    const agent = client(appWith(middleware));
    const allowed = await agent.get('/').set('Host', 'Shop.Tenant.Example.:8443').expect(200);
    expect(allowed.body.healthCheck).to.deep.equal({ probe: false, via: null, host: 'shop.tenant.example' });
    await agent.get('/').set('Host', 'static.example').expect(200);
    await agent.get('/').set('Host', '10.1.2.3').expect(400);
    await agent.get('/').set('Host', '[::1]').expect(400);
    await agent.get('/').set('Host', 'other.example').expect(400);
    await agent.get('/').set('Host', 'bad host').expect(400);
    expect(asked).to.deep.equal(['shop.tenant.example', 'other.example']);
  });

  it('is not asked when the app would read another host: the one-host checks come first', async () => {
    const asked: string[] = [];
    const middleware = build({ allowedHosts: ['static.example'], trustProxy: false, resolveHost: (hostname) => (asked.push(hostname), true) });
    // Koa's ctx.host reads X-Forwarded-Host (app.proxy) while the check validates Host (trustProxy: false).
    const app = appWith(middleware, (koa) => (koa.proxy = true));
    await client(app).get('/').set('Host', 'shop.tenant.example').set('X-Forwarded-Host', 'evil.example').expect(400);
    expect(asked).to.deep.equal([]);
  });

  it('caches answers, allowed and refused, and counts calls and hits', async () => {
    let calls = 0;
    const middleware = build({ allowedHosts: ['static.example'], resolveHost: async (hostname) => (calls += 1, hostname.startsWith('yes')) });
    for (let index = 0; index < 3; index += 1) {
      expect(await statusFor(middleware, 'yes.tenant.example')).to.equal(200);
      expect(await statusFor(middleware, 'no.tenant.example')).to.equal(400);
    }
    expect(calls).to.equal(2);
    expect(middleware.stats().resolver).to.deep.equal({ calls: 2, hits: 4, cacheSize: 2, inFlight: 0, failures: 0 });
  });

  it('shares one call among concurrent requests for one name', async () => {
    const store = deferred<boolean>();
    let calls = 0;
    const middleware = build({ allowedHosts: ['static.example'], resolveHost: () => (calls += 1, store.promise) });
    const requests = Array.from({ length: 5 }, () => statusFor(middleware, 'shop.tenant.example'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    store.resolve(true);
    expect(await Promise.all(requests)).to.deep.equal([200, 200, 200, 200, 200]);
    expect(calls).to.equal(1);
  });

  it('answers 503 at once for another uncached name when every call slot is busy', async () => {
    const store = deferred<boolean>();
    const middleware = build({ allowedHosts: ['static.example'], resolveHost: () => store.promise, resolveConcurrency: 1 });
    const first = statusFor(middleware, 'a.tenant.example');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(middleware.stats().resolver.inFlight).to.equal(1);
    expect(await statusFor(middleware, 'b.tenant.example')).to.equal(503);
    expect(await statusFor(middleware, 'static.example')).to.equal(200);
    store.resolve(true);
    expect(await first).to.equal(200);
  });

  for (const [name, resolveHost] of [
    ['throws', () => {
      throw new Error('store down');
    }],
    ['rejects', () => Promise.reject(new Error('store down'))],
    ['takes longer than resolveTimeout', () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300))],
    ['answers something else than a boolean', () => 'yes' as unknown as boolean],
  ] as const) {
    it(`answers 503 (resolver-unavailable), uncached, when it ${name}`, async () => {
      const reasons: string[] = [];
      const middleware = build({ allowedHosts: ['static.example'], resolveHost, resolveTimeout: 100, onReject: (_ctx, info) => void reasons.push(info.reason) });
      expect(await statusFor(middleware, 'shop.tenant.example')).to.equal(503);
      expect(await statusFor(middleware, 'shop.tenant.example')).to.equal(503);
      expect(reasons).to.deep.equal(['resolver-unavailable', 'resolver-unavailable']);
      const { resolver, rejected } = middleware.stats();
      expect(resolver).to.include({ calls: 2, failures: 2, cacheSize: 0 });
      expect(rejected['resolver-unavailable']).to.equal(2);
    });
  }

  it('keeps cached names passing while the store is down, and invalidate() drops one name or all', async () => {
    let up = true;
    const middleware = build({ allowedHosts: ['static.example'], resolveHost: () => (up ? true : Promise.reject(new Error('down'))) });
    expect(await statusFor(middleware, 'a.tenant.example')).to.equal(200);
    expect(await statusFor(middleware, 'b.tenant.example')).to.equal(200);
    up = false;
    expect(await statusFor(middleware, 'a.tenant.example')).to.equal(200);
    expect(await statusFor(middleware, 'new.tenant.example')).to.equal(503);
    middleware.invalidate('A.Tenant.Example.');
    expect(await statusFor(middleware, 'a.tenant.example')).to.equal(503);
    expect(await statusFor(middleware, 'b.tenant.example')).to.equal(200);
    middleware.invalidate();
    expect(await statusFor(middleware, 'b.tenant.example')).to.equal(503);
  });

  it('bounds the cache: max names, and negativeTtl for refused names', async () => {
    let calls = 0;
    const middleware = build({
      allowedHosts: ['static.example'],
      resolveHost: (hostname) => (calls += 1, !hostname.startsWith('no')),
      resolveCache: { max: 2, negativeTtl: 0 },
    });
    for (const host of ['a.example', 'b.example', 'c.example']) await statusFor(middleware, host);
    expect(middleware.stats().resolver.cacheSize).to.equal(2);
    await statusFor(middleware, 'no.example');
    await statusFor(middleware, 'no.example');
    expect(calls).to.equal(5);
  });

  it('refuses bad options at startup, naming each', () => {
    const error = withEnv(NO_TOKEN, () =>
      thrownBy(() => healthChecks({ configFile: false, resolveHost: 'yes' as never, resolveConcurrency: 0, resolveTimeout: -1, resolveCache: { max: 1.5, size: 3 } as never })),
    );
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect((error as HealthChecksConfigError).problems).to.deep.equal([
      'resolveHost must be a function (hostname) => boolean | Promise<boolean>.',
      'resolveCache.max must be a whole number of names, 0 or more (got 1.5).',
      'resolveCache.size is not a known option. Known options here: max, ttl, negativeTtl.',
      'resolveConcurrency must be a whole number, 1 or more (got 0).',
      'resolveTimeout must be a whole number of milliseconds, 1 or more (got -1).',
    ]);
    const without = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ configFile: false, resolveTimeout: 100 })));
    expect(without.message).to.include('only apply with resolveHost');
  });
});

describe('caddyAsk()', () => {
  function askApp(middleware: HealthChecksMiddleware) {
    const app = new Koa();
    app.use(middleware.caddyAsk());
    return client(app);
  }

  it("answers Caddy's permission request from the live policy: 200, 403, 400", async () => {
    const middleware = build({ allowedHosts: ['shop.example', '.tenants.example'], resolveHost: (hostname) => hostname === 'custom.example' });
    const ask = askApp(middleware);
    await ask.get('/?domain=shop.example').expect(200);
    await ask.get('/?domain=A.Tenants.Example').expect(403);
    await ask.get('/?domain=custom.example').expect(200);
    await ask.get('/?domain=evil.example').expect(403);
    await ask.get('/').expect(400);
    await ask.get('/?domain=').expect(400);
    await ask.get('/?domain=a%20b').expect(400);
    await ask.get('/?domain=shop.example:443').expect(400);
    await ask.get('/?domain=a.example&domain=b.example').expect(400);
    middleware.update({ configFile: false, allowedHosts: ['other.example'] });
    await ask.get('/?domain=shop.example').expect(403);
  });

  it('is a middleware itself too: app.use(guard.caddyAsk) works like app.use(guard.caddyAsk())', async () => {
    const middleware = build({ allowedHosts: ['shop.example'] });
    const app = new Koa();
    app.use(middleware.caddyAsk);
    await client(app).get('/?domain=shop.example').expect(200);
    await client(app).get('/?domain=evil.example').expect(403);
  });

  it('never allows a name on "*" alone, and answers 503 when resolveHost is down', async () => {
    await askApp(build({ allowedHosts: ['*'] })).get('/?domain=anything.example').expect(403);
    const down = build({ allowedHosts: ['static.example'], resolveHost: () => Promise.reject(new Error('down')) });
    await askApp(down).get('/?domain=tenant.example').expect(503);
  });
});
