import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { connect as connectHttp2, createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Middleware, ParameterizedContext } from 'koa';
import { healthChecks } from '../src';
import { client, Koa, NO_TOKEN, withEnv } from './helpers';

const TOKEN = 'header-removal-token-5c1f';

/** Every view of the request headers that Node and Koa offer, read as a logger or handler would. */
const VIEWS: Record<string, (ctx: ParameterizedContext) => unknown> = {
  'req.headers': (ctx) => ctx.req.headers,
  'req.rawHeaders': (ctx) => ctx.req.rawHeaders,
  'req.headersDistinct': (ctx) => (ctx.req as IncomingMessage).headersDistinct,
  'ctx.request.headers': (ctx) => ctx.request.headers,
  'ctx.headers': (ctx) => ctx.headers,
  "ctx.get('x-health')": (ctx) => ctx.get('x-health'),
};

/** What a view shows, as text, so that a token or the header's name anywhere in it is found. */
function shown(view: unknown): string {
  return JSON.stringify(view ?? null).toLowerCase();
}

function probeMiddleware(): Middleware {
  return withEnv({ ...NO_TOKEN, HEALTH_CHECK_HEADER_VALUE: TOKEN }, () => healthChecks({ configFile: false, allowedHosts: ['example.com'] }));
}

/** An app that reads `before` views ahead of the middleware and `after` views in the handler, and reports the latter. */
function appReading(before: string[], after: string[]) {
  const app = new Koa();
  app.use((ctx, next) => {
    for (const name of before) (VIEWS[name] as (ctx: ParameterizedContext) => unknown)(ctx);
    return next();
  });
  app.use(probeMiddleware());
  app.use((ctx) => {
    ctx.body = Object.fromEntries(after.map((name) => [name, shown((VIEWS[name] as (ctx: ParameterizedContext) => unknown)(ctx))]));
  });
  return app;
}

describe('removing the probe header keeps every view of the request consistent', () => {
  const names = Object.keys(VIEWS);
  const timings: [label: string, before: (name: string) => string[], after: (name: string) => string[]][] = [
    ['read only after the middleware', () => [], (name) => [name]],
    ['read before and after the middleware', (name) => [name], (name) => [name]],
    ['read before the middleware, with every other view read after', (name) => [name], () => names],
  ];
  for (const name of names) {
    for (const [label, before, after] of timings) {
      it(`${name}, ${label}: the probe gets 200 and no view shows the token or the header`, async () => {
        const response = await client(appReading(before(name), after(name)))
          .get('/health-check/')
          .set('Host', '10.244.1.7:8000')
          .set('X-Health', TOKEN)
          .expect(200);
        for (const [view, text] of Object.entries(response.body as Record<string, string>)) {
          expect(text, view).not.to.include(TOKEN.toLowerCase()).and.not.include('x-health');
        }
      });
    }
  }

  it('keeps every other header in every view', async () => {
    const response = await client(appReading(names, names))
      .get('/')
      .set('Host', 'example.com')
      .set('X-Health', TOKEN)
      .set('X-Request-Id', 'abc-123')
      .expect(200);
    for (const view of ['req.headers', 'req.rawHeaders', 'req.headersDistinct', 'ctx.request.headers']) {
      expect(response.body[view], view).to.include('abc-123').and.include('example.com');
    }
  });

  it('removes every copy of a header sent twice, in any case', async () => {
    const response = await client(appReading(['req.headersDistinct'], names))
      .get('/')
      .set('Host', 'example.com')
      .set('X-HEALTH', TOKEN)
      .set('x-Health', 'other')
      .expect(200);
    for (const [view, text] of Object.entries(response.body as Record<string, string>)) {
      expect(text, view).not.to.include('x-health').and.not.include('other');
    }
  });
});

describe('removing the probe header over HTTP/2', () => {
  let server: Http2Server;
  let streamHeaders: Record<string, unknown>[] = [];
  before(async () => {
    const app = appReading(['req.headers', 'req.rawHeaders'], ['req.headers', 'req.rawHeaders', 'ctx.request.headers', "ctx.get('x-health')"]);
    server = createHttp2Server(app.callback());
    // The 'stream' event hands out the same headers object as the compatibility request.
    server.on('stream', (_stream, headers) => streamHeaders.push(headers));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  after(() => server.close());

  it('removes it from req.headers, req.rawHeaders, ctx.request.headers and the stream headers', async () => {
    streamHeaders = [];
    const session = connectHttp2(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const stream = session.request({ ':path': '/health-check/', ':authority': '10.244.1.7:8000', 'x-health': TOKEN });
      const [headers] = (await once(stream, 'response')) as [Record<string, unknown>];
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      await once(stream, 'end');
      expect(headers[':status']).to.equal(200);
      for (const [view, text] of Object.entries(JSON.parse(body) as Record<string, string>)) {
        expect(text, view).not.to.include(TOKEN.toLowerCase()).and.not.include('x-health');
      }
      expect(streamHeaders).to.have.length(1);
      expect(shown(streamHeaders[0])).not.to.include(TOKEN.toLowerCase()).and.not.include('x-health');
    } finally {
      session.close();
    }
  });
});
