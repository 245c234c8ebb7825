import type { Server } from 'node:http';
import { connect as connectHttp2, createServer as createHttp2Server } from 'node:http2';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { HealthChecksConfigError, healthChecks, type HealthChecksOptions } from '../src';
import { localAddressMismatch, normalizeAddress } from '../src/core/local-address';
import { appWith, listen, NO_TOKEN, sendRaw, thrownBy, withEnv } from './helpers';

const TOKEN = 'local-address-token-4d2e';
const OPTIONS: HealthChecksOptions = {
  configFile: false,
  allowedHosts: ['example.com'],
  probe: { localAddress: true, paths: ['/health-check/', '/ready'] },
};

function build(options: HealthChecksOptions = OPTIONS) {
  return withEnv(NO_TOKEN, () => healthChecks(options));
}

function request(line: string, ...headers: string[]): string {
  return `${[line, ...headers, 'Connection: close'].join('\r\n')}\r\n\r\n`;
}

function stateOf(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).healthCheck;
}

// Servers bound to loopback addresses other than 127.0.0.1, as an instance is reached on its own address.
for (const [address, hostOf] of [
  ['127.0.0.7', (port: number) => `127.0.0.7:${port}`],
  ['::1', (port: number) => `[::1]:${port}`],
] as const) {
  describe(`local-address probes on a server bound to ${address}`, () => {
    let server: Server;
    let port: number;
    before(async () => ({ server, port } = await listen(appWith(build()), address)));
    after(() => server.close());

    const send = (bytes: string) => sendRaw(port, bytes, 3000, address);
    const self = () => hostOf(port);
    const bare = () => hostOf(port).replace(/:\d+$/, '');

    it('lets a GET of a probe path through when Host is the address and port it arrived on, with no token', async () => {
      const response = await send(request('GET /health-check/ HTTP/1.1', `Host: ${self()}`, 'User-Agent: ELB-HealthChecker/2.0'));
      expect(response.status, response.text).to.equal(200);
      expect(stateOf(response.text)).to.deep.equal({ probe: true, via: 'localAddress', host: bare() === '[::1]' ? '[::1]' : address });
    });

    it('lets it through when Host names the address with no port, and for HEAD', async () => {
      expect((await send(request('GET /ready HTTP/1.1', `Host: ${bare()}`))).status).to.equal(200);
      expect((await send(request('HEAD /ready HTTP/1.1', `Host: ${self()}`))).status).to.equal(200);
    });

    it('lets an HTTP/1.0 GET of a probe path with no Host at all through, naming no host', async () => {
      const response = await send(request('GET /health-check/ HTTP/1.0'));
      expect(response.status, response.text).to.equal(200);
      expect(stateOf(response.text)).to.deep.equal({ probe: true, via: 'localAddress', host: null });
    });

    const nearMisses: [name: string, bytes: () => string][] = [
      ['another address', () => request('GET /health-check/ HTTP/1.1', `Host: ${address === '::1' ? '[::2]' : '127.0.0.8'}:${port}`)],
      ['another port', () => request('GET /health-check/ HTTP/1.1', `Host: ${bare()}:${port === 1 ? 2 : 1}`)],
      ['another path', () => request('GET /admin HTTP/1.1', `Host: ${self()}`)],
      ['a path with another trailing slash', () => request('GET /health-check HTTP/1.1', `Host: ${self()}`)],
      ['POST', () => request('POST /health-check/ HTTP/1.1', `Host: ${self()}`, 'Content-Length: 0')],
      ['an X-Forwarded-Host header', () => request('GET /health-check/ HTTP/1.1', `Host: ${self()}`, `X-Forwarded-Host: ${self()}`)],
      ['a Forwarded header', () => request('GET /health-check/ HTTP/1.1', `Host: ${self()}`, 'Forwarded: for=192.0.2.1')],
      ['a name that resolves here', () => request('GET /health-check/ HTTP/1.1', `Host: localhost:${port}`)],
      ['no Host (HTTP/1.0) on another path', () => request('GET /admin HTTP/1.0')],
      ['no Host (HTTP/1.0) through a proxy', () => request('GET /health-check/ HTTP/1.0', 'X-Forwarded-For: 192.0.2.1')],
      ['an empty Host (HTTP/1.0)', () => request('GET /health-check/ HTTP/1.0', 'Host:')],
    ];
    for (const [name, bytes] of nearMisses) {
      it(`rejects a near miss: ${name}`, async () => {
        const response = await send(bytes());
        expect(response.status, response.text).to.equal(400);
      });
    }
  });
}

describe('local-address probes, further', () => {
  it('work over HTTP/2, on :authority', async () => {
    const server = createHttp2Server(appWith(build()).callback());
    server.listen(0, '127.0.0.7');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    const session = connectHttp2(`http://127.0.0.7:${port}`);
    try {
      for (const [authority, expected] of [[`127.0.0.7:${port}`, 200], [`127.0.0.8:${port}`, 400]] as const) {
        const stream = session.request({ ':path': '/health-check/', ':authority': authority });
        const [headers] = (await once(stream, 'response')) as [Record<string, unknown>];
        stream.resume();
        await once(stream, 'end');
        expect(headers[':status'], authority).to.equal(expected);
      }
    } finally {
      session.close();
      server.close();
    }
  });

  it('keep the header bypass working beside them when a token is set', async () => {
    const middleware = withEnv({ HEALTH_CHECK_HEADER_VALUE: TOKEN }, () => healthChecks(OPTIONS));
    const { server, port } = await listen(appWith(middleware), '127.0.0.7');
    try {
      const response = await sendRaw(port, request('GET /ready HTTP/1.1', 'Host: 10.244.1.7:8000', `X-Health: ${TOKEN}`), 3000, '127.0.0.7');
      expect(stateOf(response.text)).to.deep.equal({ probe: true, via: 'header', host: '10.244.1.7' });
    } finally {
      server.close();
    }
  });

  it('are off by default: a request naming the local address is an ordinary request', async () => {
    const { server, port } = await listen(appWith(build({ ...OPTIONS, probe: { paths: ['/health-check/'], value: TOKEN } })), '127.0.0.7');
    try {
      const response = await sendRaw(port, request('GET /health-check/ HTTP/1.1', `Host: 127.0.0.7:${port}`), 3000, '127.0.0.7');
      expect(response.status).to.equal(400);
    } finally {
      server.close();
    }
  });

  it('require probe.paths, with an error that says why', () => {
    const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ configFile: false, allowedHosts: ['example.com'], probe: { localAddress: true } })));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect(error.message).to.include('probe.localAddress is on but probe.paths is not set').and.include('"paths"');
  });

  it('need no token: a probe section with localAddress alone is valid', () => {
    expect(() => build()).not.to.throw();
  });

  it('treat IPv4-mapped IPv6 addresses as IPv4 (a dual-stack socket reports them)', () => {
    expect(normalizeAddress('::ffff:127.0.0.7')).to.equal('127.0.0.7');
    expect(normalizeAddress('::FFFF:7f00:7')).to.equal('127.0.0.7');
    expect(normalizeAddress('::1')).to.equal('::1');
    const facts = { directHost: '127.0.0.7:8000', local: { address: '::ffff:127.0.0.7', port: 8000 }, proxied: false, http10: false };
    expect(localAddressMismatch(facts)).to.equal(undefined);
    expect(localAddressMismatch({ ...facts, directHost: '[::ffff:7f00:7]:8000' })).to.equal(undefined);
    expect(localAddressMismatch({ ...facts, local: { address: undefined, port: undefined } })).to.equal('no-connection');
  });
});
