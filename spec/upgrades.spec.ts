import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import WebSocket, { WebSocketServer } from 'ws';
import { healthChecks, type HealthChecksMiddleware, type HealthChecksOptions } from '../src';
import { Koa, NO_TOKEN, sendRaw, thrownBy, withEnv } from './helpers';

const TOKEN = 'upgrade-probe-token-91ac';

function guard(options: HealthChecksOptions = {}): HealthChecksMiddleware {
  return withEnv(NO_TOKEN, () =>
    healthChecks({
      configFile: false,
      allowedHosts: ['example.com'],
      probe: { value: TOKEN, paths: ['/health-check/'] },
      exemptPaths: ['/exempt'],
      ...options,
    }),
  );
}

/** What a WebSocket client got: the connection opened and echoed, or the HTTP status of a refused upgrade. */
type Outcome = { opened: true; echo: string } | { opened: false; status: number };

function connectWs(url: string, headers: Record<string, string>, options: WebSocket.ClientOptions = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers, ...options });
    socket.on('open', () => socket.send('ping'));
    socket.on('message', (data) => {
      resolve({ opened: true, echo: String(data) });
      socket.close();
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve({ opened: false, status: response.statusCode ?? 0 });
      response.destroy();
    });
    socket.on('error', reject);
  });
}

/** Echoes every message, and records the request of each connection. */
function echo(wss: WebSocketServer, seen: IncomingMessage[]): void {
  wss.on('connection', (socket, request) => {
    seen.push(request);
    socket.on('message', (data) => socket.send(`echo:${String(data)}`));
  });
}

interface Wiring {
  name: string;
  /** Attaches a WebSocket server to `server` (guarding it at the right moment) and records what reached it. */
  attach(server: Server, middleware: HealthChecksMiddleware, seen: IncomingMessage[]): WebSocketServer;
}

const WIRINGS: Wiring[] = [
  {
    name: 'new WebSocketServer({ server }) after guardUpgrades()',
    attach(server, middleware, seen) {
      middleware.guardUpgrades(server);
      const wss = new WebSocketServer({ server });
      echo(wss, seen);
      return wss;
    },
  },
  {
    name: 'new WebSocketServer({ server }) before guardUpgrades()',
    attach(server, middleware, seen) {
      const wss = new WebSocketServer({ server });
      echo(wss, seen);
      middleware.guardUpgrades(server);
      return wss;
    },
  },
  {
    name: 'noServer with handleUpgrade() in an upgrade listener',
    attach(server, middleware, seen) {
      const wss = new WebSocketServer({ noServer: true });
      echo(wss, seen);
      middleware.guardUpgrades(server);
      server.on('upgrade', (request, socket, head) => {
        wss.handleUpgrade(request, socket, head, (client) => wss.emit('connection', client, request));
      });
      return wss;
    },
  },
];

describe('guardUpgrades() with the ws package', () => {
  for (const wiring of WIRINGS) {
    describe(wiring.name, () => {
      let server: Server;
      let wss: WebSocketServer;
      let port: number;
      let seen: IncomingMessage[];
      before(async () => {
        const middleware = guard();
        const app = new Koa();
        app.use(middleware);
        server = createServer(app.callback());
        seen = [];
        wss = wiring.attach(server, middleware, seen);
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        port = (server.address() as AddressInfo).port;
      });
      beforeEach(() => (seen.length = 0));
      after(() => {
        wss.close();
        server.closeAllConnections();
        server.close();
      });

      it('lets an upgrade with an allowed host through', async () => {
        const outcome = await connectWs(`ws://127.0.0.1:${port}/chat`, { Host: 'Example.com' });
        expect(outcome).to.deep.equal({ opened: true, echo: 'echo:ping' });
        expect(seen).to.have.length(1);
      });

      it('refuses an upgrade with another host with the reject status, and no listener sees it', async () => {
        const outcome = await connectWs(`ws://127.0.0.1:${port}/chat`, { Host: 'evil.example' });
        expect(outcome).to.deep.equal({ opened: false, status: 400 });
        expect(seen).to.have.length(0);
      });

      it('answers a refused upgrade before any listener can answer 101, and closes the socket', async () => {
        const response = await sendRaw(port, upgradeRequest('/chat', ['Host: evil.example']));
        expect(response.text).to.match(/^HTTP\/1\.1 400 Bad Request\r\n/);
        expect(response.text).not.to.include('101 Switching Protocols');
        expect(response.text).to.match(/\r\n\r\nHost not allowed$/);
        expect(seen).to.have.length(0);
      });

      it('refuses an absolute-form target naming another host, and a DNS-rebinding Host', async () => {
        expect((await sendRaw(port, upgradeRequest('http://evil.example/chat', ['Host: example.com']))).status).to.equal(400);
        expect((await sendRaw(port, upgradeRequest('/chat', ['Host: attacker.example:80']))).status).to.equal(400);
        expect(seen).to.have.length(0);
      });

      it('never lets a probe upgrade, with another host, even on a probe path, and removes its header before any listener sees it', async () => {
        const probe = await connectWs(`ws://127.0.0.1:${port}/health-check/`, { Host: '10.244.1.7:8000', 'X-Health': TOKEN });
        expect(probe).to.deep.equal({ opened: false, status: 400 });
        const allowed = await connectWs(`ws://127.0.0.1:${port}/health-check/`, { Host: 'example.com', 'X-Health': TOKEN });
        expect(allowed).to.deep.include({ opened: true });
        expect(seen[0]?.headers).not.to.have.property('x-health');
        expect(JSON.stringify(seen[0]?.rawHeaders)).not.to.include(TOKEN);
      });

      it('never lets an exempt path upgrade with another host: DNS rebinding reaches no socket that way', async () => {
        expect(await connectWs(`ws://127.0.0.1:${port}/exempt`, { Host: 'rebind.attacker.example' })).to.deep.equal({ opened: false, status: 400 });
        expect(await connectWs(`ws://127.0.0.1:${port}/exempt`, { Host: 'example.com' })).to.deep.include({ opened: true });
      });
    });
  }
});

describe('guardUpgrades() and local-address probes', () => {
  it('never lets a request naming the local address upgrade, on a probe path or not, while a GET there is a probe', async () => {
    const middleware = guard({ probe: { localAddress: true, paths: ['/health-check/'] } });
    const app = new Koa();
    app.use(middleware);
    app.use((ctx) => {
      ctx.body = ctx.state.healthCheck ?? null;
    });
    const server = createServer(app.callback());
    const seen: IncomingMessage[] = [];
    middleware.guardUpgrades(server);
    const wss = new WebSocketServer({ server });
    echo(wss, seen);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const local = `127.0.0.1:${port}`;
      expect(await connectWs(`ws://127.0.0.1:${port}/health-check/`, { Host: local })).to.deep.equal({ opened: false, status: 400 });
      expect(seen).to.have.length(0);
      const probe = await sendRaw(port, `GET /health-check/ HTTP/1.1\r\nHost: ${local}\r\nConnection: close\r\n\r\n`);
      expect(probe.status).to.equal(200);
      expect(probe.text).to.include('"via":"localAddress"');
      expect(middleware.stats().rejected['host-not-allowed']).to.equal(1);
    } finally {
      wss.close();
      server.close();
    }
  });
});

function upgradeRequest(target: string, headers: string[]): string {
  const lines = [
    `GET ${target} HTTP/1.1`,
    ...headers,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

describe('guardUpgrades() over TLS', () => {
  let directory: string;
  let key: Buffer;
  let cert: Buffer;
  before(() => {
    directory = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(directory, 'key.pem'), '-out', join(directory, 'cert.pem')], { stdio: 'ignore' });
    key = readFileSync(join(directory, 'key.pem'));
    cert = readFileSync(join(directory, 'cert.pem'));
  });
  after(() => rmSync(directory, { recursive: true, force: true }));

  const servers: [name: string, create: (callback: ReturnType<InstanceType<typeof Koa>['callback']>) => Server | Http2SecureServer][] = [
    ['an https server', (callback) => createHttpsServer({ key, cert }, callback)],
    ['an http2 secure server with allowHTTP1', (callback) => createSecureServer({ key, cert, allowHTTP1: true }, callback)],
  ];
  for (const [name, create] of servers) {
    it(`guards ${name}`, async () => {
      const middleware = guard();
      const app = new Koa();
      app.use(middleware);
      const server = create(app.callback());
      middleware.guardUpgrades(server);
      const wss = new WebSocketServer({ server: server as Server });
      wss.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo:${String(data)}`)));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
      try {
        expect(await connectWs(url, { Host: 'example.com' }, { rejectUnauthorized: false })).to.deep.equal({ opened: true, echo: 'echo:ping' });
        expect(await connectWs(url, { Host: 'evil.example' }, { rejectUnauthorized: false })).to.deep.equal({ opened: false, status: 400 });
      } finally {
        wss.close();
        server.close();
      }
    });
  }
});

describe('guardUpgrades() with resolveHost', () => {
  it('waits for the answer: a tenant upgrades, an unknown name gets the reject status, a store that is down 503', async () => {
    let storeUp = true;
    const middleware = guard({
      resolveHost: async (hostname) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (!storeUp) throw new Error('store down');
        return hostname === 'tenant.example';
      },
    });
    const server = createServer();
    middleware.guardUpgrades(server);
    const wss = new WebSocketServer({ server });
    echo(wss, []);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
    try {
      expect(await connectWs(url, { Host: 'tenant.example' })).to.deep.equal({ opened: true, echo: 'echo:ping' });
      expect(await connectWs(url, { Host: 'unknown.example' })).to.deep.equal({ opened: false, status: 400 });
      storeUp = false;
      expect(await connectWs(url, { Host: 'other.example' })).to.deep.equal({ opened: false, status: 503 });
      expect(middleware.stats().resolver).to.include({ calls: 3, failures: 1 });
    } finally {
      wss.close();
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('guardUpgrades() arguments', () => {
  it('follows trustProxy, or its own proxy option, for X-Forwarded-Host', async () => {
    for (const [options, upgradeOptions, status] of [
      [{}, {}, 400],
      [{}, { proxy: true }, 101],
      [{ trustProxy: true }, {}, 101],
      [{ trustProxy: false }, { proxy: true }, 400],
    ] as const) {
      const middleware = guard(options);
      const server = createServer();
      middleware.guardUpgrades(server, upgradeOptions);
      const wss = new WebSocketServer({ server });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      try {
        const response = await sendRaw((server.address() as AddressInfo).port, upgradeRequest('/chat', ['Host: 10.0.0.5:8080', 'X-Forwarded-Host: example.com']), 1000);
        expect(response.status, JSON.stringify({ options, upgradeOptions })).to.equal(status);
      } finally {
        wss.close();
        server.closeAllConnections();
        server.close();
      }
    }
  });

  it('throws a TypeError for what is not a server, for a bad option, and for a second call', () => {
    const middleware = guard();
    expect(thrownBy(() => middleware.guardUpgrades({} as Server))).to.be.instanceOf(TypeError).with.property('message').that.includes('http');
    const server = createServer();
    expect(thrownBy(() => middleware.guardUpgrades(server, { proxy: 'yes' as unknown as boolean }))).to.be.instanceOf(TypeError).with.property('message').that.includes('`proxy` is a boolean');
    middleware.guardUpgrades(server);
    expect(thrownBy(() => middleware.guardUpgrades(server))).to.be.instanceOf(TypeError).with.property('message').that.includes('already called');
  });
});
