import { once } from 'node:events';
import { connect as connectHttp2, createServer as createHttp2Server, type Http2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks } from '../src';
import { appWith, NO_TOKEN, withEnv } from './helpers';

const TOKEN = 'transport-token';

function middleware(): Middleware {
  return withEnv({ ...NO_TOKEN, HEALTH_CHECK_HEADER_VALUE: TOKEN }, () =>
    healthChecks({ configFile: false, allowedHosts: ['example.com'] }),
  );
}

function portOf(server: Http2Server): number {
  return (server.address() as AddressInfo).port;
}

describe('over HTTP/2', () => {
  let server: Http2Server;
  before(async () => {
    server = createHttp2Server(appWith(middleware()).callback());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
  });
  after(() => server.close());

  /** Sends a GET with the given :authority and headers and returns the status and body. */
  async function send(authority: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
    const session = connectHttp2(`http://127.0.0.1:${portOf(server)}`);
    try {
      const stream = session.request({ ':path': '/', ':authority': authority, ...headers });
      const [responseHeaders] = (await once(stream, 'response')) as [Record<string, unknown>];
      let body = '';
      stream.on('data', (chunk: Buffer) => (body += chunk.toString()));
      await once(stream, 'end');
      return { status: Number(responseHeaders[':status']), body };
    } finally {
      session.close();
    }
  }

  async function status(authority: string, headers: Record<string, string> = {}): Promise<number> {
    return (await send(authority, headers)).status;
  }

  it('validates :authority like Host', async () => {
    expect(await status('example.com:443')).to.equal(200);
    expect(await status('evil.tld')).to.equal(400);
  });

  it('refuses what nghttp2 lets through and what it does not, and keeps serving', async () => {
    // nghttp2 in Node 22 and later also refuses userinfo in :authority; Node 20 lets it through to the middleware.
    for (const authority of ['example.com, evil.tld', 'example.com:', 'a b', '[::1', 'example.com@evil.tld']) {
      const outcome = await send(authority).then(
        (response) => response.status,
        (error: Error) => (error.message.includes('NGHTTP2_PROTOCOL_ERROR') ? 'refused by nghttp2' : error.message),
      );
      expect([400, 'refused by nghttp2'], authority).to.include(outcome);
    }
    expect(await status('example.com')).to.equal(200);
  });

  it('records the normalised :authority in ctx.state.healthCheck', async () => {
    const { body } = await send('EXAMPLE.com.:8443');
    expect(JSON.parse(body)).to.deep.equal({ healthCheck: { probe: false, via: null, host: 'example.com' } });
  });

  it('lets a probe through whatever its :authority', async () => {
    expect(await status('10.244.1.7:8000', { 'x-health': TOKEN })).to.equal(200);
  });
});
