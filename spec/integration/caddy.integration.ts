import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
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

describe('caddyAsk() with a real Caddy and on-demand TLS', function () {
  this.timeout(60000);
  let directory: string;
  let caddy: ChildProcess;
  let askServer: Server;
  let guard: HealthChecksMiddleware;
  let httpsPort: number;
  const asked: string[] = [];

  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-caddy-'));
    guard = withEnv(NO_TOKEN, () =>
      healthChecks({ configFile: false, allowedHosts: ['shop.example'], resolveHost: (hostname) => hostname === 'tenant.example' }),
    );
    const app = new Koa();
    app.use(async (ctx, next) => {
      asked.push(String(ctx.query.domain));
      await next();
    });
    app.use(guard.caddyAsk());
    // The ask endpoint listens on loopback only, as the README shows.
    askServer = createServer(app.callback()).listen(0, '127.0.0.1');
    await once(askServer, 'listening');
    const askPort = (askServer.address() as { port: number }).port;
    httpsPort = await freePort();
    const httpPort = await freePort();
    writeFileSync(
      join(directory, 'Caddyfile'),
      `{
	admin off
	skip_install_trust
	http_port ${httpPort}
	https_port ${httpsPort}
	storage file_system {
		root ${join(directory, 'storage')}
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
    caddy = spawn('caddy', ['run', '--config', join(directory, 'Caddyfile'), '--adapter', 'caddyfile'], { cwd: directory, env, stdio: 'ignore' });
    await waitForPort(httpsPort);
  });

  after(async () => {
    caddy?.kill();
    if (caddy?.exitCode === null) await once(caddy, 'exit');
    askServer?.close();
    rmSync(directory, { recursive: true, force: true });
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
    expect(asked).to.include('unknown.example');
  });

  it('follows a live update: a name removed from the policy gets no new certificate', async () => {
    guard.update({ configFile: false, allowedHosts: ['shop.example', 'later.example'] });
    expect((await curl('later.example', httpsPort)).ok).to.equal(true);
    guard.update({ configFile: false, allowedHosts: ['shop.example'] });
    expect((await curl('removed.example', httpsPort)).ok).to.equal(false);
  });
});
