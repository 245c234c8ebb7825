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

  /** Sends a GET with the given :authority and headers and returns the status. */
  async function status(authority: string, headers: Record<string, string> = {}): Promise<number> {
    const session = connectHttp2(`http://127.0.0.1:${portOf(server)}`);
    try {
      const stream = session.request({ ':path': '/', ':authority': authority, ...headers });
      const [responseHeaders] = (await once(stream, 'response')) as [Record<string, unknown>];
      stream.resume();
      await once(stream, 'end');
      return Number(responseHeaders[':status']);
    } finally {
      session.close();
    }
  }

  it('validates :authority like Host', async () => {
    expect(await status('example.com:443')).to.equal(200);
    expect(await status('evil.tld')).to.equal(400);
    expect(await status('example.com@evil.tld')).to.equal(400);
  });

  it('lets a probe through whatever its :authority', async () => {
    expect(await status('10.244.1.7:8000', { 'x-health': TOKEN })).to.equal(200);
  });
});
