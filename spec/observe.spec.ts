import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { expect } from 'chai';
import type KoaType from 'koa';
import { healthChecks, PROBE_CHANNEL, REJECT_CHANNEL, type HealthChecksOptions, type RejectInfo } from '../src';
import { resetExplainedRejections } from '../src/observe/first-rejection-warning';
import { appWith, client, Koa, listen, NO_TOKEN, sendRaw, warnings, withEnv } from './helpers';

const TOKEN = 'observe-probe-token-0b7c';
const BASE: HealthChecksOptions = {
  configFile: false,
  allowedHosts: ['example.com'],
  probe: { value: TOKEN, paths: ['/health-check/'], localAddress: true },
  exemptPaths: ['/alb'],
};

function build(options: HealthChecksOptions = {}) {
  return withEnv(NO_TOKEN, () => healthChecks({ ...BASE, ...options }));
}

/** Collects what is published on a channel while `fn` runs. */
async function published(name: string, fn: () => Promise<void>): Promise<unknown[]> {
  const messages: unknown[] = [];
  const listener = (message: unknown) => messages.push(message);
  subscribe(name, listener);
  try {
    await fn();
  } finally {
    unsubscribe(name, listener);
  }
  return messages;
}

describe('report-only mode', () => {
  it('passes every request enforcement would reject, and flags each with its reason', async () => {
    const agent = client(appWith(build({ reportOnly: true })));
    const cases: [host: string, path: string, reason: string, stateHost: string | null][] = [
      ['evil.example', '/', 'host-not-allowed', 'evil.example'],
      ['a b', '/', 'invalid-host', null],
      ['10.0.0.1', '/health-check/', 'host-not-allowed', '10.0.0.1'],
    ];
    for (const [host, path, reason, stateHost] of cases) {
      const response = await agent.get(path).set('Host', host).expect(200);
      expect(response.body.healthCheck).to.deep.equal({ probe: false, via: null, host: stateHost, wouldReject: reason });
    }
  });

  it('rejects refused targets all the same, over real HTTP: Koa itself may be unable to read them', async () => {
    const { server, port } = await listen(appWith(build({ reportOnly: true })));
    try {
      const response = await sendRaw(port, 'GET pany://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
      expect(response.status).to.equal(400);
      expect(response.text).to.not.include('wouldReject');
    } finally {
      server.close();
    }
  });

  it('changes nothing for requests that would pass: wouldReject is absent', async () => {
    const agent = client(appWith(build({ reportOnly: true })));
    const allowed = await agent.get('/').set('Host', 'example.com').expect(200);
    expect(allowed.body.healthCheck).to.deep.equal({ probe: false, via: null, host: 'example.com' });
    const probe = await agent.get('/health-check/').set('Host', '10.0.0.1').set('X-Health', TOKEN).expect(200);
    expect(probe.body.healthCheck).to.deep.equal({ probe: true, via: 'header', host: '10.0.0.1' });
  });

  it('calls onReject with reportOnly: true after the app answered, and undoes what it changes on the response', async () => {
    const calls: [RejectInfo, number][] = [];
    const onReject = (ctx: KoaType.Context, info: RejectInfo) => {
      calls.push([info, ctx.status]);
      ctx.status = 418;
      ctx.body = { hijacked: true };
      ctx.set('X-Hijacked', 'yes');
    };
    const app = new Koa();
    app.use(build({ reportOnly: true, onReject }));
    app.use((ctx) => {
      if (ctx.path === '/found') {
        ctx.set('X-App', 'kept');
        ctx.body = 'the app answered';
      }
    });
    const found = await client(app).get('/found').set('Host', 'evil.example').expect(200, 'the app answered');
    expect(found.headers['x-hijacked']).to.equal(undefined);
    expect(found.headers['x-app']).to.equal('kept');
    expect(found.headers['content-type']).to.match(/^text\/plain/);
    const missing = await client(app).get('/missing').set('Host', 'evil.example').expect(404);
    expect(missing.headers['x-hijacked']).to.equal(undefined);
    expect(missing.text).to.equal('Not Found');
    expect(calls).to.deep.equal([
      [{ host: 'evil.example', reason: 'host-not-allowed', reportOnly: true }, 200],
      [{ host: 'evil.example', reason: 'host-not-allowed', reportOnly: true }, 404],
    ]);
  });

  it('turns an onReject that throws into a warning, never into the response', async () => {
    const onReject = () => {
      throw new Error('logger down');
    };
    const seen = await warnings('KOA_ALLOW_HEALTHCHECKS_ON_REJECT_FAILED', async () => {
      await client(appWith(build({ reportOnly: true, onReject }))).get('/').set('Host', 'evil.example').expect(200);
    });
    expect(seen).to.deep.equal([
      'koa-allow-healthchecks: onReject threw: logger down. The response was left as the guard set it; catch errors in the hook. Later failures are not reported.',
    ]);
  });

  it('can be set in a config file', async () => {
    const agent = client(appWith(withEnv(NO_TOKEN, () => healthChecks({ configFile: false, allowedHosts: ['example.com'], reportOnly: false }))));
    await agent.get('/').set('Host', 'evil.example').expect(400);
  });
});

describe('diagnostics channels', () => {
  it('publish exactly the documented messages, and never a token or a header value', async () => {
    const agent = client(appWith(build()));
    const probes = await published(PROBE_CHANNEL, async () => {
      const rejects = await published(REJECT_CHANNEL, async () => {
        await agent.get('/health-check/?x=1').set('Host', '10.0.0.1:8000').set('X-Health', TOKEN).expect(200);
        await agent.get('/alb').set('Host', '172.31.0.9').expect(200);
        await agent.get('/').set('Host', 'example.com').set('X-Health', `${TOKEN}-wrong`).expect(200);
        await agent.get('/admin?q=1').set('Host', 'evil.example:81').set('X-Health', TOKEN).expect(400);
        await agent.post('/').set('Host', 'exa mple.com').set('User-Agent', 'secret-agent').expect(400);
      });
      expect(rejects).to.deep.equal([
        { host: 'evil.example', reason: 'host-not-allowed', reportOnly: false, method: 'GET', path: '/admin' },
        { host: null, reason: 'invalid-host', reportOnly: false, method: 'POST', path: '/' },
      ]);
      expect(JSON.stringify(rejects)).not.to.include(TOKEN).and.not.include('exa mple').and.not.include('secret-agent');
    });
    expect(probes).to.deep.equal([
      { via: 'header', host: '10.0.0.1', method: 'GET', path: '/health-check/' },
      { via: 'exemptPath', host: '172.31.0.9', method: 'GET', path: '/alb' },
    ]);
    expect(JSON.stringify(probes)).not.to.include(TOKEN);
  });

  it('publish would-be rejections with reportOnly: true, and refused targets, rejected even then, with no path', async () => {
    const { server, port } = await listen(appWith(build({ reportOnly: true })));
    try {
      const rejects = await published(REJECT_CHANNEL, async () => {
        await sendRaw(port, 'GET http://[::1/x HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
        await sendRaw(port, 'GET /x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
      });
      expect(rejects).to.deep.equal([
        { host: 'example.com', reason: 'invalid-target', reportOnly: false, method: 'GET', path: null },
        { host: 'evil.example', reason: 'host-not-allowed', reportOnly: true, method: 'GET', path: '/x' },
      ]);
    } finally {
      server.close();
    }
  });

  it('publish local-address probes', async () => {
    const { server, port } = await listen(appWith(build()), '127.0.0.7');
    try {
      const probes = await published(PROBE_CHANNEL, async () => {
        await sendRaw(port, `GET /health-check/ HTTP/1.1\r\nHost: 127.0.0.7:${port}\r\nConnection: close\r\n\r\n`, 3000, '127.0.0.7');
      });
      expect(probes).to.deep.equal([{ via: 'localAddress', host: '127.0.0.7', method: 'GET', path: '/health-check/' }]);
    } finally {
      server.close();
    }
  });
});

describe('stats()', () => {
  it('counts a scripted mix of requests', async () => {
    const middleware = build();
    const { server, port } = await listen(appWith(middleware), '127.0.0.7');
    const send = (line: string, ...headers: string[]) =>
      sendRaw(port, `${[line, ...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`, 3000, '127.0.0.7');
    try {
      for (let index = 0; index < 3; index += 1) await send('GET / HTTP/1.1', 'Host: example.com');
      await send('GET /health-check/ HTTP/1.1', 'Host: 10.0.0.1', `X-Health: ${TOKEN}`);
      await send('GET /health-check/ HTTP/1.1', `Host: 127.0.0.7:${port}`);
      await send('GET /health-check/ HTTP/1.1', `Host: 127.0.0.7:${port}`);
      await send('GET /alb HTTP/1.1', 'Host: 172.31.0.9');
      await send('GET / HTTP/1.1', 'Host: evil.example');
      await send('GET / HTTP/1.1', 'Host: evil@example');
      await send('GET pany://example.com/ HTTP/1.1', 'Host: example.com');
      await send('GET / HTTP/1.0');
    } finally {
      server.close();
    }
    expect(middleware.stats()).to.deep.equal({
      allowed: 3,
      probes: { header: 1, localAddress: 2, exemptPath: 1 },
      rejected: {
        'missing-host': 1,
        'invalid-host': 1,
        'host-not-allowed': 1,
        'invalid-target': 1,
        'host-mismatch': 0,
        'invalid-forwarded-proto': 0,
        'resolver-unavailable': 0,
      },
      wouldReject: {
        'missing-host': 0,
        'invalid-host': 0,
        'host-not-allowed': 0,
        'invalid-target': 0,
        'host-mismatch': 0,
        'invalid-forwarded-proto': 0,
        'resolver-unavailable': 0,
      },
      resolver: { calls: 0, hits: 0, cacheSize: 0, inFlight: 0, failures: 0 },
      checks: {},
    });
  });

  it('counts would-be rejections apart in report-only mode, and returns a copy', async () => {
    const middleware = build({ reportOnly: true });
    const agent = client(appWith(middleware));
    await agent.get('/').set('Host', 'evil.example').expect(200);
    const stats = middleware.stats();
    expect(stats.wouldReject['host-not-allowed']).to.equal(1);
    expect(stats.rejected['host-not-allowed']).to.equal(0);
    stats.allowed = 99;
    expect(middleware.stats().allowed).to.equal(0);
  });
});

describe('the first rejection of a host, explained', () => {
  beforeEach(resetExplainedRejections);

  it('warns once per host outside production, naming the fix, and never prints an invalid host', async () => {
    const agent = client(appWith(build()));
    const seen = await warnings('KOA_ALLOW_HEALTHCHECKS_REJECTED', async () => {
      await agent.get('/').set('Host', 'localhost:3000').expect(400);
      await agent.get('/').set('Host', 'localhost:3000').expect(400);
      await agent.get('/').set('Host', 'LOCALHOST:4000').expect(400);
      await agent.get('/').set('Host', 'evil<script>').expect(400);
      await agent.get('/').set('Host', 'other<script>').expect(400);
    });
    expect(seen).to.deep.equal([
      'koa-allow-healthchecks: rejected Host "localhost:3000"; add "localhost" to allowedHosts to allow it',
      'koa-allow-healthchecks: rejected a Host that is not one valid host name or IP address with an optional port (not shown)',
    ]);
  });

  it('stops after 20 hosts in a process', async () => {
    const agent = client(appWith(build()));
    const seen = await warnings('KOA_ALLOW_HEALTHCHECKS_REJECTED', async () => {
      for (let index = 0; index < 25; index += 1) await agent.get('/').set('Host', `host${index}.example`).expect(400);
    });
    expect(seen).to.have.length(20);
  });

  it('says nothing in production', async () => {
    const agent = client(appWith(build(), (app) => (app.env = 'production')));
    const seen = await warnings('KOA_ALLOW_HEALTHCHECKS_REJECTED', async () => {
      await agent.get('/').set('Host', 'evil.example').expect(400);
    });
    expect(seen).to.deep.equal([]);
  });

  it('leaves response bodies echoing nothing', async () => {
    const response = await client(appWith(build())).get('/').set('Host', 'evil.example').expect(400);
    expect(response.text).to.equal('Host not allowed');
  });
});
