import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks, type HealthChecksMiddleware } from '../../src';
import { Koa, NO_TOKEN, withEnv } from '../helpers';
import { freePort, waitForPort } from './free-port';

// A real Caddy (Debian's package) with on-demand TLS, asking caddyAsk() whether to issue a certificate. curl connects
// with --resolve, so every name stays on loopback. .ci/run installs caddy when it is missing.

interface Handshake {
  ok: boolean;
  body: string;
}

/** An HTTPS GET through curl to Caddy, for `name`, resolved to 127.0.0.1. */
function curl(name: string, port: number): Promise<Handshake> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['--silent', '--show-error', '--insecure', '--max-time', '10', '--resolve', `${name}:${port}:127.0.0.1`, `https://${name}:${port}/`],
      (error, stdout) => resolve({ ok: error === null, body: stdout }),
    );
  });
}

/** One ask request Caddy made: the name it asked about, and the status caddyAsk() answered. */
interface Asked {
  domain: string;
  status: number;
}

/** A Caddy of its own, in a temp dir, on loopback, asking `ask` (served on a loopback listener) before each order. */
interface CaddyUnderTest {
  httpsPort: number;
  /** The `storage file_system` root: Caddy keeps each certificate under `certificates/<issuer>/<name>/`. */
  storage: string;
  asked: Asked[];
  stop(): Promise<void>;
}

async function startCaddy(ask: Middleware): Promise<CaddyUnderTest> {
  const directory = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-caddy-'));
  const storage = join(directory, 'storage');
  const asked: Asked[] = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    await next();
    asked.push({ domain: String(ctx.query.domain), status: ctx.status });
  });
  app.use(ask);
  // The ask endpoint listens on loopback only, as the README shows.
  const askServer = createServer(app.callback()).listen(0, '127.0.0.1');
  await once(askServer, 'listening');
  const askPort = (askServer.address() as AddressInfo).port;
  const httpsPort = await freePort();
  const httpPort = await freePort();
  writeFileSync(
    join(directory, 'Caddyfile'),
    `{
	admin off
	skip_install_trust
	http_port ${httpPort}
	https_port ${httpsPort}
	storage file_system {
		root ${storage}
	}
	on_demand_tls {
		ask http://127.0.0.1:${askPort}/
	}
}

https:// {
	bind 127.0.0.1
	tls internal {
		on_demand
	}
	respond "served {host}"
}
`,
  );
  const env = { PATH: process.env.PATH ?? '', HOME: directory, XDG_DATA_HOME: join(directory, 'data'), XDG_CONFIG_HOME: join(directory, 'config') };
  const caddy = spawn('caddy', ['run', '--config', join(directory, 'Caddyfile'), '--adapter', 'caddyfile'], { cwd: directory, env, stdio: 'ignore' });
  const stop = async () => {
    caddy.kill();
    if (caddy.exitCode === null && caddy.signalCode === null) await once(caddy, 'exit');
    await new Promise((resolve) => askServer.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    await waitForPort(httpsPort);
  } catch (error) {
    await stop();
    throw error;
  }
  return { httpsPort, storage, asked, stop };
}

/** The names Caddy holds a certificate for in its storage, whatever the issuer. */
function storedNames(storage: string): string[] {
  const root = join(storage, 'certificates');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((issuer) => readdirSync(join(root, issuer))).sort();
}

/** Polls `condition` until it holds, for at most `ms`. */
async function eventually(condition: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline && !condition()) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
}

describe('caddyAsk() with a real Caddy and on-demand TLS', function () {
  this.timeout(60000);
  let caddy: CaddyUnderTest | undefined;
  let guard: HealthChecksMiddleware;
  let httpsPort: number;

  before(async () => {
    guard = withEnv(NO_TOKEN, () =>
      healthChecks({ configFile: false, allowedHosts: ['shop.example'], resolveHost: (hostname) => hostname === 'tenant.example' }),
    );
    caddy = await startCaddy(guard.caddyAsk());
    httpsPort = caddy.httpsPort;
  });

  after(async () => {
    await caddy?.stop();
  });

  it('completes a TLS handshake for a name allowedHosts lists', async () => {
    const result = await curl('shop.example', httpsPort);
    expect(result).to.deep.equal({ ok: true, body: 'served shop.example' });
  });

  it('completes a TLS handshake for a tenant name that resolveHost allows', async () => {
    const result = await curl('tenant.example', httpsPort);
    expect(result).to.deep.equal({ ok: true, body: 'served tenant.example' });
  });

  it('refuses the handshake for an unknown name, and Caddy asked first', async () => {
    const result = await curl('unknown.example', httpsPort);
    expect(result.ok).to.equal(false);
    expect(result.body).to.equal('');
    expect(caddy?.asked).to.deep.include({ domain: 'unknown.example', status: 403 });
  });

  it('follows a live update: a name removed from the policy gets no new certificate', async () => {
    guard.update({ configFile: false, allowedHosts: ['shop.example', 'later.example'] });
    expect((await curl('later.example', httpsPort)).ok).to.equal(true);
    guard.update({ configFile: false, allowedHosts: ['shop.example'] });
    expect((await curl('removed.example', httpsPort)).ok).to.equal(false);
  });
});

describe('caddyAsk() with a real Caddy: names under a .domain entry', function () {
  this.timeout(60000);
  const guard = withEnv(NO_TOKEN, () => healthChecks({ configFile: false, allowedHosts: ['shop.example', '.example.org'] }));
  // Made-up names, as anyone reaching the server could send: each would be one more certificate order.
  const madeUp = Array.from({ length: 5 }, () => `${randomBytes(6).toString('hex')}.example.org`);

  describe('by default, caddyAsk()', () => {
    let caddy: CaddyUnderTest | undefined;
    before(async () => (caddy = await startCaddy(guard.caddyAsk())));
    after(async () => caddy?.stop());

    it('completes the handshake for the exact name, and Caddy stores its certificate', async () => {
      const { httpsPort, storage, asked } = caddy as CaddyUnderTest;
      expect(await curl('shop.example', httpsPort)).to.deep.equal({ ok: true, body: 'served shop.example' });
      expect(asked).to.deep.include({ domain: 'shop.example', status: 200 });
      expect(await eventually(() => storedNames(storage).includes('shop.example'))).to.equal(true);
    });

    it('refuses the handshake for five random names under .example.org: Caddy asked, was told 403, and stores none', async () => {
      const { httpsPort, storage, asked } = caddy as CaddyUnderTest;
      for (const name of madeUp) expect(await curl(name, httpsPort), name).to.deep.equal({ ok: false, body: '' });
      for (const name of madeUp) expect(asked, name).to.deep.include({ domain: name, status: 403 });
      expect(asked.filter((entry) => madeUp.includes(entry.domain) && entry.status !== 403)).to.deep.equal([]);
      expect(storedNames(storage)).to.deep.equal(['shop.example']);
    });
  });

  describe('caddyAsk({ wildcards: true })', () => {
    let caddy: CaddyUnderTest | undefined;
    before(async () => (caddy = await startCaddy(guard.caddyAsk({ wildcards: true }))));
    after(async () => caddy?.stop());

    it('completes the handshake for the same five names: Caddy asked, was told 200, and stores a certificate for each', async () => {
      const { httpsPort, storage, asked } = caddy as CaddyUnderTest;
      for (const name of madeUp) expect(await curl(name, httpsPort), name).to.deep.equal({ ok: true, body: `served ${name}` });
      for (const name of madeUp) expect(asked, name).to.deep.include({ domain: name, status: 200 });
      expect(await eventually(() => madeUp.every((name) => storedNames(storage).includes(name)))).to.equal(true);
    });

    it('still refuses a name outside every entry', async () => {
      const { httpsPort, storage, asked } = caddy as CaddyUnderTest;
      expect(await curl('evil.example', httpsPort)).to.deep.equal({ ok: false, body: '' });
      expect(asked).to.deep.include({ domain: 'evil.example', status: 403 });
      expect(storedNames(storage)).to.not.include('evil.example');
    });
  });
});
