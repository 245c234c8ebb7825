import { expect } from 'chai';
import type KoaApp from 'koa';
import type { Middleware } from 'koa';
import { healthChecks, hostAllowlist, probeBypass, type HealthChecksOptions, type RejectInfo } from '../src';
import { appWith, client, expectOneHost, listen, NO_TOKEN, sendRaw, viewingApp, withEnv, type HostView } from './helpers';

const TOKEN = 'XYZ-123';
const BASE: HealthChecksOptions = {
  configFile: false,
  allowedHosts: ['example.com', '.example.org'],
  probe: { value: TOKEN, paths: ['/health-check/', '/ready'] },
  exemptPaths: ['/alb-health'],
};

function build(factory: (options?: HealthChecksOptions) => Middleware, options: HealthChecksOptions = {}) {
  return withEnv(NO_TOKEN, () => factory({ ...BASE, ...options }));
}

function http(options: HealthChecksOptions = {}, configure?: (app: KoaApp) => void) {
  return client(appWith(build(healthChecks, options), configure));
}

describe('healthChecks() middleware', () => {
  it('lets an allowed host through and records it in ctx.state.healthCheck', async () => {
    const response = await http().get('/').set('Host', 'Example.COM:8080').expect(200);
    expect(response.body).to.deep.equal({ healthCheck: { probe: false, via: null, host: 'example.com' } });
  });

  it('rejects a host not allowed with 400 and a plain body that echoes nothing, without calling next()', async () => {
    let reached = false;
    const app = appWith([build(healthChecks), async (_ctx, next) => { reached = true; await next(); }]);
    const response = await client(app).get('/?q=1').set('Host', 'evil-host.tld').set('X-Health', 'wrong-token').expect(400);
    expect(response.headers['content-type']).to.match(/^text\/plain/);
    expect(response.text).to.equal('Host not allowed');
    expect(JSON.stringify(response.headers)).not.to.include('evil-host').and.not.include('wrong-token');
    expect(reached).to.equal(false);
  });

  it('rejects what Koa would misread: userinfo, comma lists', async () => {
    await http().get('/').set('Host', 'example.com@evil.tld').expect(400);
    await http().get('/').set('Host', 'evil.tld@example.com').expect(400);
    await http().get('/').set('Host', 'example.com, evil.tld').expect(400);
  });

  it('answers with rejectStatus', async () => {
    await http({ rejectStatus: 421 }).get('/').set('Host', 'evil.tld').expect(421, 'Host not allowed');
  });

  it('reports each rejection to onReject, after the response is set', async () => {
    const seen: [RejectInfo, number][] = [];
    const onReject = async (ctx: { status: number }, info: RejectInfo) => {
      seen.push([info, ctx.status]);
    };
    const client = http({ onReject });
    await client.get('/').set('Host', 'evil.tld:81').expect(400);
    await client.get('/').set('Host', 'a b').expect(400);
    expect(seen).to.deep.equal([
      [{ host: 'evil.tld', reason: 'host-not-allowed', reportOnly: false }, 400],
      [{ host: null, reason: 'invalid-host', reportOnly: false }, 400],
    ]);
  });

  it('lets onReject change the response', async () => {
    const onReject = (ctx: { body: unknown }) => {
      ctx.body = 'Misdirected';
    };
    await http({ onReject }).get('/').set('Host', 'evil.tld').expect(400, 'Misdirected');
  });

  describe('probes', () => {
    const kubelet = (path = '/health-check/') =>
      http().get(path).set('Host', '10.244.1.7:8000').set('User-Agent', 'kube-probe/1.31');

    it('lets a kubelet-style probe with the token through, as a probe', async () => {
      const response = await kubelet().set('X-Health', TOKEN).expect(200);
      expect(response.body).to.deep.equal({ healthCheck: { probe: true, via: 'header', host: '10.244.1.7' } });
    });

    it('matches the header name case-insensitively', async () => {
      await kubelet().set('x-HEALTH', TOKEN).expect(200);
    });

    it('ignores the query string on probe paths', async () => {
      await kubelet('/ready?verbose=1').set('X-Health', TOKEN).expect(200);
    });

    it('rejects the probe without the header, with a wrong or empty token', async () => {
      await kubelet().expect(400);
      await kubelet().set('X-Health', 'XYZ-124').expect(400);
      await kubelet().set('X-Health', '').expect(400);
    });

    it('rejects the probe on a path outside probe.paths', async () => {
      await kubelet('/admin').set('X-Health', TOKEN).expect(400);
    });

    it('rejects the probe with a method outside probe.methods', async () => {
      await http().post('/health-check/').set('Host', '10.244.1.7:8000').set('X-Health', TOKEN).expect(400);
      await http().head('/health-check/').set('Host', '10.244.1.7:8000').set('X-Health', TOKEN).expect(200);
    });

    it('accepts each rotated token', async () => {
      const rotated = http({ probe: { value: ['old-token', 'new-token-of-another-length'] } });
      await rotated.get('/').set('Host', '10.0.0.1').set('X-Health', 'old-token').expect(200);
      await rotated.get('/').set('Host', '10.0.0.1').set('X-Health', 'new-token-of-another-length').expect(200);
      await rotated.get('/').set('Host', '10.0.0.1').set('X-Health', 'other').expect(400);
    });

    it('uses a custom header name', async () => {
      const custom = http({ probe: { value: TOKEN, header: 'X-Probe-Token' } });
      await custom.get('/').set('Host', '10.0.0.1').set('X-Probe-Token', TOKEN).expect(200);
      await custom.get('/').set('Host', '10.0.0.1').set('X-Health', TOKEN).expect(400);
    });

    it('opens nothing for later requests: the host of a probe stays rejected', async () => {
      const shared = http();
      await shared.get('/health-check/').set('Host', 'probed.tld').set('X-Health', TOKEN).expect(200);
      await shared.get('/health-check/').set('Host', 'probed.tld').expect(400);
      await shared.get('/').set('Host', '*').set('X-Health', TOKEN).expect(400);
      await shared.get('/health-check/').set('Host', 'other.tld').expect(400);
    });
  });

  describe('exemptPaths', () => {
    it('lets a GET or HEAD of an exempt path through with no header, as a probe', async () => {
      const response = await http().get('/alb-health?from=alb').set('Host', '172.31.9.8').expect(200);
      expect(response.body).to.deep.equal({ healthCheck: { probe: true, via: 'exemptPath', host: '172.31.9.8' } });
      await http().head('/alb-health').set('Host', '172.31.9.8').expect(200);
    });

    it('refuses other methods and other paths', async () => {
      await http().post('/alb-health').set('Host', '172.31.9.8').expect(400);
      await http().get('/alb-health/more').set('Host', '172.31.9.8').expect(400);
      await http().get('/ALB-HEALTH').set('Host', '172.31.9.8').expect(400);
    });
  });

  describe('trustProxy and app.proxy', () => {
    /** A client of an app that reports what Koa hands it, with trustProxy and app.proxy as given. */
    const viewing = (trustProxy: boolean | undefined, appProxy: boolean) =>
      client(viewingApp(build(healthChecks, { trustProxy }), (app) => (app.proxy = appProxy)));
    const forwarded = (agent: ReturnType<typeof viewing>, host: string, forwardedHost?: string) => {
      const request = agent.get('/').set('Host', host);
      return forwardedHost === undefined ? request : request.set('X-Forwarded-Host', forwardedHost);
    };

    it('validates X-Forwarded-Host, not Host, when both trust the proxy, and Koa hands the app that host', async () => {
      const trusting = viewing(true, true);
      const response = await forwarded(trusting, '10.0.0.5:8080', 'www.example.org').expect(200);
      expectOneHost(response.body as HostView);
      expect(response.body.host).to.equal('www.example.org');
      await forwarded(trusting, 'example.com', 'evil.tld').expect(400);
      await forwarded(trusting, 'example.com', 'example.com, evil.tld').expect(400);
    });

    it('falls back to Host when the proxy sent no X-Forwarded-Host', async () => {
      const response = await forwarded(viewing(true, true), 'example.com').expect(200);
      expectOneHost(response.body as HostView);
    });

    it('follows app.proxy when trustProxy is unset', async () => {
      const response = await forwarded(viewing(undefined, true), '10.0.0.5', 'example.com').expect(200);
      expect(response.body.host).to.equal('example.com');
      await forwarded(viewing(undefined, false), '10.0.0.5', 'example.com').expect(400);
      const direct = await forwarded(viewing(undefined, false), 'example.com', 'evil.tld').expect(200);
      expect(direct.body.host).to.equal('example.com');
    });

    it('rejects as host-mismatch when trustProxy is false but app.proxy is true and X-Forwarded-Host names another host', async () => {
      const reasons: string[] = [];
      const agent = client(
        viewingApp(build(healthChecks, { trustProxy: false, onReject: (_ctx, info) => void reasons.push(info.reason) }), (app) => {
          app.proxy = true;
        }),
      );
      // Koa's ctx.host would be evil.tld here, although Host is the allowed one.
      await forwarded(agent, 'example.com', 'evil.tld').expect(400);
      const same = await forwarded(agent, 'example.com', 'EXAMPLE.com.').expect(200);
      expectOneHost(same.body as HostView);
      await forwarded(agent, 'evil.tld', 'example.com').expect(400);
      expect(reasons).to.deep.equal(['host-mismatch', 'host-mismatch']);
    });

    it('rejects as host-mismatch when trustProxy is true but app.proxy is false and Host names another host', async () => {
      const agent = viewing(true, false);
      // Koa's ctx.host would be the internal Host here, not the validated X-Forwarded-Host.
      await forwarded(agent, '10.0.0.5:8080', 'www.example.org').expect(400);
      const same = await forwarded(agent, 'www.example.org', 'www.example.org').expect(200);
      expectOneHost(same.body as HostView);
      await forwarded(agent, 'example.com').expect(200);
    });

    it('warns once per app when trustProxy and app.proxy differ, naming the fix', async () => {
      const warnings: Error[] = [];
      const listener = (warning: Error) => warnings.push(warning);
      process.on('warning', listener);
      try {
        const agent = viewing(true, false);
        await forwarded(agent, 'example.com').expect(200);
        await forwarded(agent, 'example.com').expect(200);
        await forwarded(viewing(true, true), 'example.com').expect(200);
        await new Promise((resolve) => setImmediate(resolve));
      } finally {
        process.off('warning', listener);
      }
      const ours = warnings.filter((warning) => (warning as { code?: string }).code === 'KOA_ALLOW_HEALTHCHECKS_PROXY_MISMATCH');
      expect(ours).to.have.length(1);
      expect(ours[0]?.message).to.include('trustProxy is true but app.proxy is false').and.include('Set app.proxy = true');
    });
  });
});

describe('probeBypass() and hostAllowlist()', () => {
  it('decide together as healthChecks() does', async () => {
    const pair = client(appWith([build(probeBypass), build(hostAllowlist)]));
    const probe = await pair.get('/ready').set('Host', '10.0.0.1').set('X-Health', TOKEN).expect(200);
    expect(probe.body.healthCheck).to.deep.equal({ probe: true, via: 'header', host: '10.0.0.1' });
    const ordinary = await pair.get('/').set('Host', 'a.example.org').expect(200);
    expect(ordinary.body.healthCheck).to.deep.equal({ probe: false, via: null, host: 'a.example.org' });
    await pair.get('/ready').set('Host', '10.0.0.1').expect(400);
    await pair.get('/alb-health').set('Host', '10.0.0.1').expect(200);
  });

  it('probeBypass() alone never rejects; it only records', async () => {
    const alone = client(appWith(build(probeBypass)));
    const response = await alone.get('/').set('Host', 'evil.tld').expect(200);
    expect(response.body.healthCheck).to.deep.equal({ probe: false, via: null, host: 'evil.tld' });
  });

  it('keep the one-host invariant together: absolute-form targets, refused targets, and a proxy header Koa reads', async () => {
    const { server, port } = await listen(viewingApp([build(probeBypass), build(hostAllowlist, { trustProxy: false })], (app) => (app.proxy = true)));
    try {
      const send = (line: string, ...headers: string[]) => sendRaw(port, `${[line, ...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`);
      const absolute = await send('GET http://Example.com./password-reset HTTP/1.1', 'Host: example.com');
      expect(absolute.status).to.equal(200);
      const view = JSON.parse(absolute.text.slice(absolute.text.indexOf('\r\n\r\n') + 4)) as HostView;
      expectOneHost(view);
      expect(view.url).to.equal('/password-reset');
      expect((await send('GET http://evil.tld/password-reset HTTP/1.1', 'Host: example.com')).status).to.equal(400);
      expect((await send('GET pany://example.com/ HTTP/1.1', 'Host: example.com')).status).to.equal(400);
      expect((await send('GET http://[::1/ready HTTP/1.1', 'Host: 10.0.0.1', `X-Health: ${TOKEN}`)).status).to.equal(400);
      expect((await send('GET / HTTP/1.1', 'Host: example.com', 'X-Forwarded-Host: evil.tld')).status).to.equal(400);
    } finally {
      server.close();
    }
  });

  it('hostAllowlist() alone ignores the probe header', async () => {
    const alone = client(appWith(build(hostAllowlist)));
    await alone.get('/ready').set('Host', '10.0.0.1').set('X-Health', TOKEN).expect(400);
    await alone.get('/').set('Host', 'example.com').expect(200);
  });
});
