import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks, hostAllowlist, probeBypass, type HealthChecksOptions } from '../src';
import { resetExplainedRejections } from '../src/observe/first-rejection-warning';
import { Koa, NO_TOKEN, sendRaw, warnings, withEnv } from './helpers';

// What real probers send that no browser does: an HTTP/1.0 request with no Host (HAProxy's default check, check_http
// without -H), an HTTP/1.1 one with none (which Node refuses unless requireHostHeader is off), and the server's own
// address or name as Host. Each over a real socket, asserting what the app is handed and what the warning says.

const LOCAL: HealthChecksOptions = { configFile: false, allowedHosts: ['example.com'], probe: { localAddress: true, paths: ['/healthz'] } };

const urls: { href: string; url: string; urlHost: string | undefined }[] = [];

interface Served {
  port: number;
  server: Server;
  seen: { host: string; state: unknown }[];
}

async function serve(layers: Middleware[], serverOptions: { requireHostHeader?: boolean } = {}): Promise<Served> {
  const app = new Koa();
  for (const layer of layers) app.use(layer);
  const seen: Served['seen'] = [];
  app.use((ctx) => {
    seen.push({ host: ctx.host, state: ctx.state.healthCheck });
    urls.push({ href: ctx.href, url: String(ctx.URL.href), urlHost: ctx.URL.host });
    ctx.body = 'ok';
  });
  const server = createServer(serverOptions, app.callback()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, server, seen };
}

const wirings: [string, (options: HealthChecksOptions) => Middleware[]][] = [
  ['healthChecks()', (options) => [withEnv(NO_TOKEN, () => healthChecks(options))]],
  ['probeBypass() + hostAllowlist()', (options) => withEnv(NO_TOKEN, () => [probeBypass(options), hostAllowlist(options)])],
];

describe('an HTTP/1.0 request with no Host, on a direct connection, is a local-address probe', () => {
  for (const [name, build] of wirings) {
    describe(`with ${name}`, () => {
      let served: Served;
      before(async () => (served = await serve(build(LOCAL))));
      after(() => served.server.close());
      beforeEach(() => (served.seen.length = 0));

      it('lets GET /healthz HTTP/1.0 with no headers through, and the app is handed no host at all', async () => {
        const response = await sendRaw(served.port, 'GET /healthz HTTP/1.0\r\n\r\n');
        expect(response.status).to.equal(200);
        expect(served.seen).to.deep.equal([{ host: '', state: { probe: true, via: 'localAddress', host: null } }]);
        // Koa would otherwise build http://health-check/ from the path and read its first segment as a host.
        expect(urls.at(-1)?.urlHost, JSON.stringify(urls.at(-1))).to.equal(undefined);
        expect(urls.at(-1)?.href).to.not.match(/^https?:\/\/[a-z]/);
      });

      for (const [what, request] of [
        ['with X-Forwarded-For, as through a proxy', 'GET /healthz HTTP/1.0\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n'],
        ['with Via', 'GET /healthz HTTP/1.0\r\nVia: 1.0 proxy\r\n\r\n'],
        ['on a path outside probe.paths', 'GET /admin HTTP/1.0\r\n\r\n'],
        ['with a method outside probe.methods', 'POST /healthz HTTP/1.0\r\nContent-Length: 0\r\n\r\n'],
        ['with an empty Host header, which is a Host, and invalid', 'GET /healthz HTTP/1.0\r\nHost:\r\n\r\n'],
        ['over HTTP/1.1 from a server that hands Host-less requests on', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'],
      ] as const) {
        it(`refuses one ${what}: 400, and the app never runs`, async () => {
          const response = await sendRaw(served.port, request);
          // Node itself answers an HTTP/1.1 request with no Host 400 unless requireHostHeader is off.
          expect(response.status).to.equal(400);
          expect(served.seen).to.deep.equal([]);
        });
      }
    });
  }

  it('leaves it a missing-host rejection when local-address probes are off', async () => {
    const guard = withEnv(NO_TOKEN, () => healthChecks({ configFile: false, allowedHosts: ['example.com'] }));
    const served = await serve([guard]);
    try {
      expect((await sendRaw(served.port, 'GET /healthz HTTP/1.0\r\n\r\n')).status).to.equal(400);
      expect(guard.stats().rejected['missing-host']).to.equal(1);
    } finally {
      served.server.close();
    }
  });

  it('lets stats() and report-only mode see an HTTP/1.1 request with no Host once requireHostHeader is off', async () => {
    const guard = withEnv(NO_TOKEN, () => healthChecks({ ...LOCAL, reportOnly: true }));
    const served = await serve([guard], { requireHostHeader: false });
    try {
      const response = await sendRaw(served.port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
      expect(response.status, 'report-only lets it on to the app').to.equal(200);
      expect(served.seen[0]?.state).to.deep.equal({ probe: false, via: null, host: null, wouldReject: 'missing-host' });
      expect(guard.stats().wouldReject['missing-host']).to.equal(1);
    } finally {
      served.server.close();
    }
  });
});

describe("the first-rejection warning names the prober's fix", () => {
  const CODE = 'KOA_ALLOW_HEALTHCHECKS_REJECTED';
  beforeEach(resetExplainedRejections);

  async function warned(options: HealthChecksOptions, request: (port: number) => string): Promise<string[]> {
    const served = await serve([withEnv(NO_TOKEN, () => healthChecks(options))]);
    try {
      return await warnings(CODE, async () => {
        expect((await sendRaw(served.port, request(served.port))).status).to.equal(400);
      });
    } finally {
      served.server.close();
    }
  }

  const plain: HealthChecksOptions = { configFile: false, allowedHosts: ['example.com'] };

  it('for an HTTP/1.0 request with no Host: HTTP/1.0 probers, probe.localAddress and the recipes', async () => {
    const [message] = await warned(plain, () => 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(message).to.include('HTTP/1.0 request with no Host').and.include("HAProxy's default").and.include('probe.localAddress');
    expect(message).to.include('koa-allow-healthchecks/tree/main/docs/recipes lists what each prober sends').and.not.include('every HTTP/1.1 client');
  });

  it('for the address the request arrived on, with local-address probes off: turn them on, and what allowedHosts would open', async () => {
    const [message] = await warned(plain, (port) => `GET /ready HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(message).to.include('the address this request arrived on').and.include('Turn on probe.localAddress');
    expect(message).to.include('would let every request naming this address through');
  });

  it('for the address the request arrived on, outside probe.paths: add the path', async () => {
    const [message] = await warned(LOCAL, (port) => `GET /ready HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    expect(message).to.include('the address this request arrived on (GET "/ready")').and.include('add its path to probe.paths');
  });

  it('for a name on a probe path with local-address probes on: give the prober the IP address', async () => {
    const [message] = await warned(LOCAL, (port) => `GET /healthz HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`);
    expect(message).to.include('(GET "/healthz") on a probe path').and.include('(127.0.0.1)').and.include('Give the prober the IP address, not "localhost"');
  });

  it('keeps the plain advice for an ordinary host elsewhere', async () => {
    const [message] = await warned(LOCAL, () => 'GET /x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    expect(message).to.equal('koa-allow-healthchecks: rejected Host "evil.example"; add "evil.example" to allowedHosts to allow it');
  });
});
