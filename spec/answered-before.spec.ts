import Router from '@koa/router';
import compose from 'koa-compose';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks, hostAllowlist, probeBypass } from '../src';
import { ANSWERED_BEFORE, resetAnsweredBefore } from '../src/koa/answered-before';
import { Koa, client, listen, NO_TOKEN, sendRaw, warnings, withEnv } from './helpers';

const TOKEN = 'order-token-4c2d';

function guard(): ReturnType<typeof healthChecks> {
  return withEnv({ ...NO_TOKEN, ALLOWED_HOSTS: undefined }, () => healthChecks({ configFile: false, allowedHosts: ['example.com'] }));
}

/** An app with `before` registered ahead of the guard, a catch-all after it, and the warnings a few requests give. */
async function run(before: Middleware[], requests: (http: ReturnType<typeof client>) => Promise<void>, middleware: Middleware[] = [guard()]) {
  resetAnsweredBefore();
  const app = new Koa();
  for (const fn of [...before, ...middleware]) app.use(fn);
  app.use((ctx) => {
    ctx.body = 'after the guard';
  });
  return warnings(ANSWERED_BEFORE, () => requests(client(app)));
}

function resetRouter(): Router {
  const router = new Router();
  router.get('/reset', (ctx) => {
    ctx.body = `reset link: http://${ctx.host}/reset?token=1`;
  });
  return router;
}

describe('a middleware registered before the guard that answers requests', () => {
  afterEach(resetAnsweredBefore);

  it('@koa/router before it: the router answers evil.example, and one warning names the fix', async () => {
    const router = resetRouter();
    const seen = await run([router.routes() as unknown as Middleware], async (http) => {
      // What the app hands out before the warning: the poisoned link, as the issue found it.
      await http.get('/reset').set('Host', 'evil.example').expect(200, 'reset link: http://evil.example/reset?token=1');
      await http.get('/favicon.ico').set('Host', 'example.com').expect(200);
      await http.get('/reset').set('Host', 'evil.example').expect(200);
    });
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include("a router's routes() is registered before healthChecks()").and.include('Register healthChecks() first, right after new Koa()');
  });

  it('the fix it names works: the guard first, the router after, and evil.example gets 400 with no warning', async () => {
    const router = resetRouter();
    const app = new Koa();
    resetAnsweredBefore();
    app.use(guard());
    app.use(router.routes());
    const seen = await warnings(ANSWERED_BEFORE, async () => {
      await client(app).get('/reset').set('Host', 'evil.example').expect(400);
      await client(app).get('/reset').set('Host', 'example.com').expect(200);
    });
    expect(seen).to.deep.equal([]);
  });

  it('a router inside a koa-compose stack, or a hand-written responder: warns on the first answer after it watches', async () => {
    const responder: Middleware = async (ctx, next) => {
      if (ctx.path === '/answered') ctx.body = 'answered before the guard';
      else await next();
    };
    const seen = await run([responder], async (http) => {
      await http.get('/answered').set('Host', 'evil.example').expect(200);
      await http.get('/').set('Host', 'example.com').expect(200);
      await http.get('/answered').set('Host', 'evil.example').expect(200);
      await http.get('/answered').set('Host', 'evil.example').expect(200);
    });
    expect(seen).to.deep.equal([
      'koa-allow-healthchecks: GET "/answered" was answered by a middleware registered before healthChecks(), so its Host was never ' +
        'checked. Register healthChecks() first, right after new Koa(): before routers and any middleware that answers requests. ' +
        'Error handlers, loggers and helmet may stay before it.',
    ]);
  });

  it('a router mounted through koa-compose is caught by what it answers', async () => {
    const seen = await run([compose([async (_ctx, next) => next(), resetRouter().routes() as unknown as Middleware])], async (http) => {
      await http.get('/').set('Host', 'example.com').expect(200);
      await http.get('/reset').set('Host', 'evil.example').expect(200);
    });
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include('GET "/reset" was answered by a middleware registered before healthChecks()');
  });

  it('stays silent for a logger, an error handler and security headers before it, and for the rejections it answers', async () => {
    const logger: Middleware = async (ctx, next) => {
      const started = Date.now();
      await next();
      ctx.set('X-Response-Time', `${Date.now() - started}ms`);
    };
    const errorHandler: Middleware = async (ctx, next) => {
      try {
        await next();
      } catch {
        ctx.status = 500;
        ctx.body = 'error handled';
      }
    };
    const headers: Middleware = async (ctx, next) => {
      ctx.set('X-Content-Type-Options', 'nosniff');
      await next();
    };
    const throwing: Middleware = (ctx, next) => (ctx.path === '/boom' ? Promise.reject(new Error('boom')) : next());
    const seen = await run([logger, errorHandler, headers], async (http) => {
      await http.get('/').set('Host', 'example.com').expect(200);
      await http.get('/').set('Host', 'evil.example').expect(400);
      await http.get('/boom').set('Host', 'example.com').expect(500, 'error handled');
      await http.get('/').set('Host', 'example.com').expect(200);
    }, [guard(), throwing]);
    expect(seen).to.deep.equal([]);
  });

  it('with the pair, watches hostAllowlist(), and a route between them answering a probe is fine', async () => {
    const env = { ...NO_TOKEN, ALLOWED_HOSTS: undefined, HEALTH_CHECK_HEADER_VALUE: TOKEN };
    const options = { configFile: false as const, allowedHosts: ['example.com'], probe: { paths: ['/health'] } };
    const [bypass, allowlist] = withEnv(env, () => [probeBypass(options), hostAllowlist(options)]);
    const health: Middleware = async (ctx, next) => {
      if (ctx.path === '/health') ctx.body = 'ok';
      else await next();
    };
    const quiet = await run([bypass, health], async (http) => {
      await http.get('/').set('Host', 'example.com').expect(200);
      await http.get('/health').set('Host', '10.0.0.5:8000').set('X-Health', TOKEN).expect(200);
    }, [allowlist]);
    expect(quiet).to.deep.equal([]);
    const loud = await run([bypass, health], async (http) => {
      await http.get('/').set('Host', 'example.com').expect(200);
      await http.get('/health').set('Host', 'evil.example').expect(200);
    }, [allowlist]);
    expect(loud).to.have.length(1);
    expect(loud[0]).to.include('registered before hostAllowlist()').and.include('Register probeBypass() and hostAllowlist() first');
  });

  it('never turns an early answer into a 500, for targets Koa cannot parse; a 204 preflight before it is silent', async () => {
    const preflight: Middleware = async (ctx, next) => {
      if (ctx.method === 'OPTIONS') ctx.status = 204; // Koa then sets ctx.body = null, through the watched setter
      else if (ctx.method === 'PATCH') ctx.body = 'answered early';
      else await next();
    };
    const app = new Koa();
    resetAnsweredBefore();
    app.use(preflight);
    app.use(guard());
    const { server, port } = await listen(app);
    try {
      const quiet = await warnings(ANSWERED_BEFORE, async () => {
        await client(app).get('/').set('Host', 'example.com').expect(404);
        for (const target of ['http://[::1/', 'x://[/']) {
          const response = await sendRaw(port, `OPTIONS ${target} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`);
          expect(response.status, target).to.equal(204);
        }
      });
      expect(quiet).to.deep.equal([]);
      const seen = await warnings(ANSWERED_BEFORE, async () => {
        const early = await sendRaw(port, 'PATCH http://[::1/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
        expect(early.status).to.equal(200);
      });
      expect(seen).to.have.length(1);
      expect(seen[0]).to.include('PATCH "http://[::1/" was answered');
    } finally {
      server.close();
    }
  });

  it("leaves Koa's own response prototype alone, and unwraps the app's once it has warned", async () => {
    const app = new Koa();
    const other = new Koa();
    resetAnsweredBefore();
    app.use(async (ctx, next) => (ctx.path === '/early' ? void (ctx.body = 'early') : next()));
    app.use(guard());
    await warnings(ANSWERED_BEFORE, async () => {
      await client(app).get('/').set('Host', 'example.com');
      expect(Object.getOwnPropertyNames(app.response)).to.include('body');
      expect(Object.getOwnPropertyNames(other.response)).not.to.include('body');
      await client(app).get('/early').set('Host', 'example.com').expect(200, 'early');
    });
    expect(Object.getOwnPropertyNames(app.response)).not.to.include('body');
    await client(app).get('/early').set('Host', 'example.com').expect(200, 'early');
  });
});
