import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect as connectHttp2, createServer as createHttp2Server, type ClientHttp2Session, type Http2Server, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks, hostAllowlist, probeBypass, type HealthChecksMiddleware, type HealthChecksOptions } from '../src';
import { appWith, client, Koa, listen, NO_TOKEN, sendRaw, warnings, withEnv } from './helpers';

const TOKEN = 'entry-points-token-5e1f';

function build(options: HealthChecksOptions = {}): HealthChecksMiddleware {
  return withEnv(NO_TOKEN, () => healthChecks({ configFile: false, allowedHosts: ['example.com'], ...options }));
}

function rawRequest(line: string, ...headers: string[]): string {
  return `${[line, ...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`;
}

/** Collects the warnings emitted with `code` while `fn` runs (Node emits them on a later tick). */
describe('HTTP/2 extended CONNECT (RFC 8441) with guardUpgrades()', () => {
  let guard: HealthChecksMiddleware;
  let server: Http2Server;
  let port: number;
  /** The headers and raw headers each tunnel listener call saw. */
  let tunnels: { headers: Record<string, unknown>; rawHeaders: string[] }[];
  let connectCalls: number;

  before(async () => {
    guard = build({ probe: { value: TOKEN } });
    const app = new Koa();
    app.use(guard);
    app.use((ctx) => {
      ctx.body = { route: 'koa', host: ctx.host, healthCheck: ctx.state.healthCheck ?? null };
    });
    server = createHttp2Server({ settings: { enableConnectProtocol: true } }, app.callback());
    guard.guardUpgrades(server);
    // The compatibility layer hands a CONNECT to 'connect' listeners, and answers 405 when there are none; this one
    // leaves the stream to the tunnel listener below, and counts too.
    server.on('connect', () => void connectCalls++);
    // Node passes the raw headers as a fourth argument, which @types/node 20 leaves out.
    server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, ...rest: unknown[]) => {
      if (headers[':method'] !== 'CONNECT' || headers[':protocol'] === undefined) return;
      tunnels.push({ headers: { ...headers }, rawHeaders: [...((rest[1] as string[] | undefined) ?? [])] });
      stream.respond({ ':status': 200 });
      stream.end('tunnel-open');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    tunnels = [];
    connectCalls = 0;
  });
  after(() => server.close());

  /** Opens a session and waits for the server's SETTINGS: Node's client refuses `:protocol` until they allow it. */
  async function session(): Promise<ClientHttp2Session> {
    const opened = connectHttp2(`http://127.0.0.1:${port}`);
    await once(opened, 'remoteSettings');
    expect(opened.remoteSettings.enableConnectProtocol, 'the server advertises extended CONNECT').to.equal(true);
    return opened;
  }

  async function send(headers: OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
    const opened = await session();
    try {
      const stream = opened.request(headers);
      const [response] = (await once(stream, 'response')) as [Record<string, unknown>];
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      await once(stream, 'end');
      return { status: Number(response[':status']), body };
    } finally {
      opened.close();
    }
  }

  const tunnel = (authority: string, extra: OutgoingHttpHeaders = {}) =>
    send({ ':method': 'CONNECT', ':protocol': 'websocket', ':path': '/chat', ':scheme': 'http', ':authority': authority, ...extra });

  it('lets a CONNECT with an allowed :authority reach the stream listener (200, "tunnel-open")', async () => {
    expect(await tunnel('Example.com:443')).to.deep.equal({ status: 200, body: 'tunnel-open' });
    expect(tunnels).to.have.length(1);
    expect(connectCalls).to.equal(1);
  });

  it('answers :authority evil.example with 400 "Host not allowed", and no listener runs', async () => {
    expect(await tunnel('evil.example')).to.deep.equal({ status: 400, body: 'Host not allowed' });
    expect(tunnels).to.have.length(0);
    expect(connectCalls).to.equal(0);
  });

  it('counts both in stats(): allowed, and rejected["host-not-allowed"]', async () => {
    const before = guard.stats();
    await tunnel('example.com');
    await tunnel('evil.example');
    const after = guard.stats();
    expect(after.allowed - before.allowed).to.equal(1);
    expect(after.rejected['host-not-allowed'] - before.rejected['host-not-allowed']).to.equal(1);
  });

  it('removes the probe header from an allowed CONNECT (not a probe: probes are GET or HEAD) before the listener sees it', async () => {
    expect(await tunnel('example.com', { 'x-health': TOKEN })).to.deep.equal({ status: 200, body: 'tunnel-open' });
    expect(tunnels[0]?.headers).not.to.have.property('x-health');
    expect(tunnels[0]?.rawHeaders, 'the raw headers were recorded').to.include(':authority');
    expect(JSON.stringify(tunnels[0])).not.to.include(TOKEN);
  });

  it('still serves and guards Koa routes over the same HTTP/2 server', async () => {
    const allowed = await send({ ':path': '/', ':authority': 'example.com' });
    expect(allowed.status).to.equal(200);
    expect(JSON.parse(allowed.body)).to.deep.equal({ route: 'koa', host: 'example.com', healthCheck: { probe: false, via: null, host: 'example.com' } });
    expect(await send({ ':path': '/', ':authority': 'evil.example' })).to.deep.equal({ status: 400, body: 'Host not allowed' });
    expect(tunnels).to.have.length(0);
  });
});

describe('onReject never turns a rejection into a 5xx', () => {
  const WARNING = 'KOA_ALLOW_HEALTHCHECKS_ON_REJECT_FAILED';

  async function serve(onReject: HealthChecksOptions['onReject'], fn: (port: number) => Promise<void>): Promise<void> {
    const { server, port } = await listen(appWith(build({ onReject })));
    try {
      await fn(port);
    } finally {
      server.close();
    }
  }

  const evil = (port: number) => sendRaw(port, rawRequest('GET / HTTP/1.1', 'Host: evil.example'));

  it('answers 400 "Host not allowed" when onReject changes the response and throws, and warns once per hook', async () => {
    const throwing = (): NonNullable<HealthChecksOptions['onReject']> => (ctx) => {
      ctx.status = 500;
      ctx.body = 'hook output';
      throw new Error('logger down');
    };
    const seen = await warnings(WARNING, async () => {
      await serve(throwing(), async (port) => {
        for (let round = 0; round < 3; round++) {
          const response = await evil(port);
          expect(response.status, response.text).to.equal(400);
          expect(response.text).to.match(/\r\n\r\nHost not allowed$/);
        }
      });
      await serve(throwing(), async (port) => {
        expect((await evil(port)).status).to.equal(400);
      });
    });
    expect(seen).to.have.length(2);
    expect(seen[0]).to.include('onReject threw: logger down');
  });

  it('answers 400 "Host not allowed" when an async onReject rejects, and warns', async () => {
    const seen = await warnings(WARNING, () =>
      serve(
        async () => {
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('store offline');
        },
        async (port) => {
          const response = await evil(port);
          expect(response.status, response.text).to.equal(400);
          expect(response.text).to.match(/\r\n\r\nHost not allowed$/);
        },
      ),
    );
    expect(seen).to.have.length(1);
    expect(seen[0]).to.include('onReject threw: store offline');
  });

  const hostile: [name: string, value: () => unknown][] = [
    ['an object with no prototype', () => Object.create(null) as unknown],
    ['an object whose toString throws', () => ({ toString: () => { throw new Error('no'); } })],
    ['an Error whose message getter throws', () => Object.defineProperty(new Error(), 'message', { get: () => { throw new Error('no'); } })],
  ];
  for (const [name, value] of hostile) {
    it(`answers 400 when onReject throws ${name}, which cannot even be printed`, async () => {
      const seen = await warnings(WARNING, () =>
        serve(
          () => {
            throw value();
          },
          async (port) => {
            expect((await evil(port)).status).to.equal(400);
          },
        ),
      );
      expect(seen).to.have.length(1);
    });
  }

  it('rejects a refused target even in report-only mode, where the app would read ctx.path and answer 500', async () => {
    const read: string[] = [];
    const app = appWith(build({ reportOnly: true, onReject: (ctx) => void read.push(ctx.path) }));
    const { server, port } = await listen(app);
    try {
      const refused = await sendRaw(port, rawRequest('GET http://[::1/ HTTP/1.1', 'Host: example.com'));
      expect(refused.status, refused.text).to.equal(400);
      const wouldReject = await sendRaw(port, rawRequest('GET /x HTTP/1.1', 'Host: evil.example'));
      expect(wouldReject.status, 'a host would-be rejection still goes on to the app').to.equal(200);
      expect(read).to.deep.equal(['/', '/x']);
    } finally {
      server.close();
    }
  });

  for (const target of ['http://[::1/', 'x://[/']) {
    it(`lets onReject read ctx.path, ctx.query, ctx.URL and ctx.href for GET ${target}: 400, and ctx.path is "/"`, async () => {
      const read: unknown[] = [];
      const seen = await warnings(WARNING, () =>
        serve(
          (ctx, info) => void read.push({ path: ctx.path, query: ctx.query, url: ctx.URL.href, href: ctx.href, reason: info.reason }),
          async (port) => {
            const response = await sendRaw(port, rawRequest(`GET ${target} HTTP/1.1`, 'Host: example.com'));
            expect(response.status, response.text).to.equal(400);
            expect(response.text).to.match(/\r\n\r\nHost not allowed$/);
          },
        ),
      );
      expect(read).to.deep.equal([{ path: '/', query: {}, url: 'http://example.com/', href: 'http://example.com/', reason: 'invalid-target' }]);
      expect(seen).to.deep.equal([]);
    });
  }
});

describe('local-address probes are direct connections only', () => {
  const OPTIONS: HealthChecksOptions = { configFile: false, allowedHosts: ['example.com'], probe: { localAddress: true, paths: ['/healthz'] } };
  const PROXY_HEADERS: [name: string, value: (port: number) => string][] = [
    ['X-Forwarded-For', () => '203.0.113.9'],
    ['X-Forwarded-Proto', () => 'http'],
    ['X-Forwarded-Port', (port) => String(port)],
    ['X-Real-IP', () => '203.0.113.9'],
    ['Via', () => '1.1 proxy.internal'],
    ['Forwarded', () => 'for=203.0.113.9;proto=http'],
    ['X-Forwarded-Host', (port) => `127.0.0.1:${port}`],
    ['X-Forwarded-Server', () => 'proxy.internal'],
    ['X-Original-Forwarded-For', () => '203.0.113.9'],
    ['X-Client-IP', () => '203.0.113.9'],
    ['X-Cluster-Client-IP', () => '203.0.113.9'],
    ['True-Client-IP', () => '203.0.113.9'],
    ['CF-Connecting-IP', () => '203.0.113.9'],
    ['Fastly-Client-IP', () => '203.0.113.9'],
  ];
  const wirings: [name: string, layers: () => Middleware[]][] = [
    ['healthChecks()', () => [withEnv(NO_TOKEN, () => healthChecks(OPTIONS))]],
    ['probeBypass() + hostAllowlist()', () => withEnv(NO_TOKEN, () => [probeBypass(OPTIONS), hostAllowlist(OPTIONS)])],
  ];

  for (const [wiring, layers] of wirings) {
    describe(`with ${wiring}, listening on 127.0.0.1`, () => {
      let server: Server;
      let port: number;
      before(async () => ({ server, port } = await listen(appWith(layers()))));
      after(() => server.close());

      const probe = (...headers: string[]) => sendRaw(port, rawRequest('GET /healthz HTTP/1.1', `Host: 127.0.0.1:${port}`, ...headers));
      const bodyOf = (text: string): unknown => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));

      it('lets GET /healthz with Host 127.0.0.1:<port> and no proxy header through as a localAddress probe', async () => {
        const response = await probe();
        expect(response.status, response.text).to.equal(200);
        expect(bodyOf(response.text)).to.deep.equal({ healthCheck: { probe: true, via: 'localAddress', host: '127.0.0.1' } });
      });

      for (const [name, value] of PROXY_HEADERS) {
        it(`is no probe with ${name} (in any letter case): 400, since 127.0.0.1 is not allowed`, async () => {
          for (const spelling of [name, name.toLowerCase(), name.toUpperCase()]) {
            const response = await probe(`${spelling}: ${value(port)}`);
            expect(response.status, `${spelling}: ${response.text}`).to.equal(400);
          }
        });
      }

      it('is no probe with what an AWS ALB sends (Host kept, X-Forwarded-For, -Proto and -Port added): 400', async () => {
        const response = await probe('X-Forwarded-For: 10.0.1.23', 'X-Forwarded-Proto: http', `X-Forwarded-Port: ${port}`, 'User-Agent: ELB-HealthChecker/2.0');
        expect(response.status, response.text).to.equal(400);
      });

      it('still lets a proxied request for an allowed host through, as an ordinary request', async () => {
        const response = await sendRaw(port, rawRequest('GET /healthz HTTP/1.1', 'Host: example.com', 'X-Forwarded-For: 203.0.113.9', 'Via: 1.1 proxy.internal'));
        expect(response.status, response.text).to.equal(200);
        expect(bodyOf(response.text)).to.deep.equal({ healthCheck: { probe: false, via: null, host: 'example.com' } });
      });
    });
  }
});

describe('ctx.origin is not validated on Koa 3', () => {
  const moduleName = process.env.KOA_MODULE ?? 'koa';
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koaMajor = Number((require(`${moduleName}/package.json`) as { version: string }).version.split('.')[0]);

  it(`hands the app, on Koa ${koaMajor}, the Origin header (Koa 3) or the validated host (Koa 2) as ctx.origin, and the validated host as ctx.URL.origin`, async () => {
    const app = new Koa();
    app.use(build());
    app.use((ctx) => {
      ctx.body = { origin: ctx.origin, urlOrigin: ctx.URL.origin, host: ctx.state.healthCheck?.host };
    });
    const response = await client(app).get('/').set('Host', 'example.com').set('Origin', 'https://evil.example').expect(200);
    expect(response.body).to.deep.equal({
      origin: koaMajor >= 3 ? 'https://evil.example' : 'http://example.com',
      urlOrigin: 'http://example.com',
      host: 'example.com',
    });
  });
});
