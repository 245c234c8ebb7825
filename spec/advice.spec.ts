import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks, type HealthChecksOptions } from '../src';
import { resetExplainedRejections } from '../src/observe/first-rejection-warning';
import { appWith, client, listen, NO_TOKEN, withEnv, warnings } from './helpers';

// Every rejection warning names a fix that works, and never one that opens more than it says: each case below also
// applies the fix it names and shows that the app then answers.

const CODE = 'KOA_ALLOW_HEALTHCHECKS_REJECTED';
const TOKEN = 'advice-token-5f1c';

function build(options: HealthChecksOptions, env: Record<string, string | undefined> = {}): Middleware {
  return withEnv({ ...NO_TOKEN, ALLOWED_HOSTS: undefined, NODE_ENV: 'development', ...env }, () => healthChecks({ configFile: false, ...options }));
}

/** The one warning a request gets, and its status. */
async function warningFor(
  middleware: Middleware,
  headers: Record<string, string>,
  path = '/',
  proxy = false,
  env = 'development',
): Promise<{ status: number; warning: string | undefined }> {
  resetExplainedRejections();
  const app = appWith(middleware, (koa) => {
    koa.proxy = proxy;
    koa.env = env;
  });
  let status = 0;
  const seen = await warnings(CODE, async () => {
    const request = client(app).get(path);
    for (const [name, value] of Object.entries(headers)) request.set(name, value);
    status = (await request).status;
  });
  expect(seen.length, seen.join('\n')).to.be.at.most(1);
  return { status, warning: seen[0] };
}

describe('advice in rejection warnings', () => {
  afterEach(resetExplainedRejections);

  it("behind a proxy that sends X-Forwarded-Host, names app.proxy, not the proxy's own address", async () => {
    const middleware = build({ allowedHosts: ['example.com'] });
    const proxied = { Host: '127.0.0.1:3032', 'X-Forwarded-Host': 'example.com', 'X-Forwarded-For': '203.0.113.9' };
    const { status, warning } = await warningFor(middleware, proxied);
    expect(status).to.equal(400);
    expect(warning).to.include('X-Forwarded-Host "example.com", which is ignored').and.include('set app.proxy = true (and leave trustProxy unset)');
    expect(warning).not.to.include('or trustProxy: true');
    expect(warning).to.include('Do not add "127.0.0.1" to allowedHosts');
    expect(warning).not.to.match(/add "127\.0\.0\.1" to allowedHosts to allow it/);
    // The fix it names: the same request passes with app.proxy, and the forwarded host is what is checked.
    expect((await warningFor(middleware, proxied, '/', true)).status).to.equal(200);
    expect((await warningFor(middleware, { ...proxied, 'X-Forwarded-Host': 'evil.example' }, '/', true)).status).to.equal(400);
  });

  it('never quotes an X-Forwarded-Host that is not a valid host', async () => {
    const { warning } = await warningFor(build({ allowedHosts: ['example.com'] }), { Host: 'app.internal', 'X-Forwarded-Host': 'evil<script>' });
    expect(warning).to.include('(not shown: not a valid host)').and.not.include('<script>');
  });

  const internal: [host: string, kind: string][] = [
    ['0.0.0.0:8000', 'unspecified'],
    ['[::]:8000', 'unspecified'],
    ['100.64.3.4:8000', 'shared-range'],
    ['10.0.3.7:8000', 'private-range'],
    ['192.168.1.20', 'private-range'],
    ['[fd00::5]:8000', 'private-range'],
    ['169.254.10.1', 'link-local'],
    ['127.0.0.2:8000', 'loopback'],
  ];
  for (const [host, kind] of internal) {
    it(`says what listing ${host}, a ${kind} address, would open, instead of advising it`, async () => {
      const { warning } = await warningFor(build({ allowedHosts: ['example.com'] }), { Host: host });
      expect(warning).to.include(`a ${kind}`).and.include('would let every request that carries it through, on every path');
      expect(warning).not.to.include('to allowedHosts to allow it');
    });
  }

  it('tells a request that came through a proxy with an internal Host to have the proxy pass the Host', async () => {
    const { warning } = await warningFor(build({ allowedHosts: ['example.com'] }), { Host: '10.0.0.8', 'X-Forwarded-For': '198.51.100.4' });
    expect(warning).to.include("have the proxy pass the client's Host");
  });

  it('gives a port pin its own advice, and the unpinned entry it names lets the browser in', async () => {
    const { status, warning } = await warningFor(build({ allowedHosts: ['example.com:443'] }), { Host: 'example.com' });
    expect(status).to.equal(400);
    expect(warning).to.include('allowedHosts lists "example.com:443", which allows that name only with its port').and.include('came with no port');
    expect(warning).to.include('List "example.com" to allow it on any port');
    expect(warning).not.to.include('add "example.com"');
    expect((await warningFor(build({ allowedHosts: ['example.com'] }), { Host: 'example.com' })).status).to.equal(200);
    const domain = await warningFor(build({ allowedHosts: ['.example.org:8443'] }), { Host: 'api.example.org:8080' });
    expect(domain.warning).to.include('came with port 8080').and.include('List ".example.org"');
  });

  describe('on a probe path', () => {
    const probing = () => build({ allowedHosts: ['example.com'], probe: { paths: ['/ready'] } }, { HEALTH_CHECK_HEADER_VALUE: TOKEN });

    it('says the probe header was missing, as for a kubelet probe without its httpHeaders', async () => {
      const { status, warning } = await warningFor(probing(), { Host: '10.244.1.7:8000', 'User-Agent': 'kube-probe/1.31' }, '/ready');
      expect(status).to.equal(400);
      expect(warning).to.include('(GET "/ready"): the probe header x-health was missing').and.include('httpHeaders');
      expect(warning).not.to.include('to allowedHosts');
      // The fix it names.
      expect((await warningFor(probing(), { Host: '10.244.1.7:8000', 'X-Health': TOKEN }, '/ready')).status).to.equal(200);
    });

    it('says the token was wrong when the header came with another value, and never prints it', async () => {
      const { warning } = await warningFor(probing(), { Host: '10.244.1.7:8000', 'X-Health': 'stale-token-9' }, '/ready');
      expect(warning).to.include('was sent, but its value is not a valid token').and.not.include('stale-token-9');
    });

    it('with the right token on a path probe.paths does not list, says so, and the path it names is the fix', async () => {
      const { status, warning } = await warningFor(probing(), { Host: '10.244.1.7:8000', 'X-Health': TOKEN }, '/healthz');
      expect(status).to.equal(400);
      expect(warning).to.include('the x-health header was sent, but this method and path are not in probe.methods and probe.paths');
      expect(warning).not.to.include('send the probe header');
      const fixed = build({ allowedHosts: ['example.com'], probe: { paths: ['/ready', '/healthz'] } }, { HEALTH_CHECK_HEADER_VALUE: TOKEN });
      expect((await warningFor(fixed, { Host: '10.244.1.7:8000', 'X-Health': TOKEN }, '/healthz')).status).to.equal(200);
    });

    it('off the probe paths, with no header, gives the address advice instead', async () => {
      const { warning } = await warningFor(probing(), { Host: '10.244.1.7:8000' }, '/admin');
      expect(warning).to.include('a private-range address').and.not.include('was missing');
    });
  });

  it('names the environment variable when it holds the host list', async () => {
    const { warning } = await warningFor(build({}, { ALLOWED_HOSTS: 'example.com' }), { Host: 'shop.example' });
    expect(warning).to.equal(
      'koa-allow-healthchecks: rejected Host "shop.example"; add "shop.example" to ALLOWED_HOSTS, the environment variable that holds allowedHosts, to allow it',
    );
  });

  it('still advises adding a public name', async () => {
    const { warning } = await warningFor(build({ allowedHosts: ['example.com'] }), { Host: 'shop.example' });
    expect(warning).to.equal('koa-allow-healthchecks: rejected Host "shop.example"; add "shop.example" to allowedHosts to allow it');
  });

  it('gives no warning for a request that passes, nor in production', async () => {
    expect((await warningFor(build({ allowedHosts: ['example.com'] }), { Host: 'example.com' })).warning).to.equal(undefined);
    const production = await warningFor(build({ allowedHosts: ['example.com'] }), { Host: '10.0.0.1' }, '/', false, 'production');
    expect(production.status).to.equal(400);
    expect(production.warning).to.equal(undefined);
  });

  it('reaches the app over a real socket with the local address advice unchanged', async () => {
    // The kubelet's own request: Host is the address the connection arrived on.
    const { server, port } = await listen(appWith(build({ allowedHosts: ['example.com'] })));
    try {
      resetExplainedRejections();
      const seen = await warnings(CODE, async () => {
        await fetch(`http://127.0.0.1:${port}/health`).then((response) => expect(response.status).to.equal(400));
      });
      expect(seen.join('\n')).to.include('the address this request arrived on').and.include('Turn on probe.localAddress');
    } finally {
      server.close();
    }
  });
});
