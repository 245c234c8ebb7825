import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks, type HealthChecksOptions } from '../src';
import { appWith, listen, NO_TOKEN, sendRaw, withEnv } from './helpers';

const TOKEN = 'hostile-test-token';

/** The last handler reports what a downstream middleware or logger could see of the probe header. */
const reportProbeHeader: Middleware = async (ctx, next) => {
  await next();
  const raw = ctx.req.rawHeaders.some((entry) => entry.toLowerCase() === 'x-health' || entry.includes(TOKEN));
  ctx.set('X-Probe-Header-Seen', String(ctx.request.headers['x-health'] !== undefined || raw));
};

function request(lines: string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const OK = request(['GET / HTTP/1.1', 'Host: example.com', 'Connection: close']);

/** [name, raw request, status expected]. Every one must end in a 4xx or pass exactly as documented. */
const cases: [name: string, bytes: string | Buffer, status: number][] = [
  ['duplicate Host headers', request(['GET / HTTP/1.1', 'Host: example.com', 'Host: evil.tld', 'Connection: close']), 400],
  ['duplicate Host headers, both allowed', request(['GET / HTTP/1.1', 'Host: example.com', 'Host: example.com', 'Connection: close']), 400],
  ['HTTP/1.0 with no Host', request(['GET / HTTP/1.0']), 400],
  ['HTTP/1.1 with no Host (refused by Node itself)', request(['GET / HTTP/1.1', 'Connection: close']), 400],
  ['Host: with an empty value', request(['GET / HTTP/1.1', 'Host:', 'Connection: close']), 400],
  ['an absolute-form target whose authority differs from Host', request(['GET http://evil.tld/ HTTP/1.1', 'Host: example.com', 'Connection: close']), 400],
  ['an absolute-form target with userinfo', request(['GET http://example.com@evil.tld/ HTTP/1.1', 'Host: example.com', 'Connection: close']), 400],
  ['an absolute-form target matching Host', request(['GET http://Example.com/ HTTP/1.1', 'Host: example.com', 'Connection: close']), 200],
  ['an 8 KiB host', request(['GET / HTTP/1.1', `Host: ${'a'.repeat(8192)}`, 'Connection: close']), 400],
  ['a host larger than Node accepts', request(['GET / HTTP/1.1', `Host: ${'a'.repeat(20000)}`, 'Connection: close']), 431],
  ['a tab inside the host', request(['GET / HTTP/1.1', 'Host: exam\tple.com', 'Connection: close']), 400],
  ['a NUL byte in the host', request(['GET / HTTP/1.1', 'Host: example.com\u0000', 'Connection: close']), 400],
  ['a control byte in the host', request(['GET / HTTP/1.1', 'Host: exa\u0001mple.com', 'Connection: close']), 400],
  ['DEL in the host', request(['GET / HTTP/1.1', 'Host: example.com\u007f', 'Connection: close']), 400],
  ['a bare CR in the host', request(['GET / HTTP/1.1', 'Host: example.com\revil.tld', 'Connection: close']), 400],
  ['a folded Host header', request(['GET / HTTP/1.1', 'Host: example.com', ' evil.tld', 'Connection: close']), 400],
  ['raw UTF-8 bytes in the host', Buffer.from(request(['GET / HTTP/1.1', 'Host: exämple.com', 'Connection: close']), 'utf8'), 400],
  ['raw Latin-1 bytes in the host', Buffer.from(request(['GET / HTTP/1.1', 'Host: ex\u00e4mple.com', 'Connection: close']), 'latin1'), 400],
  ['userinfo in the host', request(['GET / HTTP/1.1', 'Host: example.com@evil.tld', 'Connection: close']), 400],
  ['a Host header name in capitals', request(['GET / HTTP/1.1', 'HOST: example.com', 'Connection: close']), 200],
  ['spaces around the host (optional whitespace, dropped by HTTP)', request(['GET / HTTP/1.1', 'Host:   example.com  ', 'Connection: close']), 200],
  ['an X-Forwarded-Host list, proxy not trusted', request(['GET / HTTP/1.1', 'Host: example.com', 'X-Forwarded-Host: a.com, evil.com', 'Connection: close']), 200],
  ['a probe header sent twice', request(['GET / HTTP/1.1', 'Host: evil.tld', `X-Health: ${TOKEN}`, `X-Health: ${TOKEN}`, 'Connection: close']), 400],
  ['a probe header with surrounding whitespace (optional whitespace, dropped by HTTP)', request(['GET / HTTP/1.1', 'Host: evil.tld', `X-Health:   ${TOKEN}  `, 'Connection: close']), 200],
  ['a probe header with the token and trailing text', request(['GET / HTTP/1.1', 'Host: evil.tld', `X-Health: ${TOKEN} x`, 'Connection: close']), 400],
  ['a probe header with an empty value', request(['GET / HTTP/1.1', 'Host: evil.tld', 'X-Health:', 'Connection: close']), 400],
  ['a request line with no path', request(['GET HTTP/1.1', 'Host: example.com', 'Connection: close']), 400],
  ['garbage instead of HTTP', 'NOT HTTP AT ALL\r\n\r\n', 400],
];

/** Requests that need the proxy trusted. */
const trustedCases: [name: string, bytes: string, status: number][] = [
  ['an X-Forwarded-Host list', request(['GET / HTTP/1.1', 'Host: example.com', 'X-Forwarded-Host: a.com, evil.com', 'Connection: close']), 400],
  ['an X-Forwarded-Host list of allowed hosts', request(['GET / HTTP/1.1', 'Host: example.com', 'X-Forwarded-Host: a.com, example.com', 'Connection: close']), 400],
  ['two X-Forwarded-Host headers', request(['GET / HTTP/1.1', 'Host: example.com', 'X-Forwarded-Host: a.com', 'X-Forwarded-Host: a.com', 'Connection: close']), 400],
  ['an allowed X-Forwarded-Host before an unknown Host', request(['GET / HTTP/1.1', 'Host: 10.1.2.3', 'X-Forwarded-Host: a.com', 'Connection: close']), 200],
  ['an unknown X-Forwarded-Host before an allowed Host', request(['GET / HTTP/1.1', 'Host: a.com', 'X-Forwarded-Host: evil.com', 'Connection: close']), 400],
];

function serve(options: HealthChecksOptions): Promise<{ server: Server; port: number }> {
  const middleware = withEnv({ ...NO_TOKEN, HEALTH_CHECK_HEADER_VALUE: TOKEN }, () =>
    healthChecks({ configFile: false, allowedHosts: ['example.com', 'a.com'], ...options }),
  );
  // The app trusts its proxy exactly when the check does, as the README says to configure it.
  return listen(appWith([reportProbeHeader, middleware], (app) => (app.proxy = options.trustProxy === true)));
}

for (const [title, options, table] of [
  ['hostile raw requests', { trustProxy: false }, cases],
  ['hostile raw requests behind a trusted proxy', { trustProxy: true }, trustedCases],
] as const) {
  describe(title, () => {
    let server: Server;
    let port: number;
    before(async () => ({ server, port } = await serve(options)));
    after(() => server.close());

    for (const [name, bytes, status] of table) {
      it(`${name}: ${status}, and the server keeps serving`, async () => {
        const response = await sendRaw(port, bytes);
        expect(response.status, response.text.slice(0, 200)).to.equal(status);
        expect((await sendRaw(port, OK)).status).to.equal(200);
      });
    }
  });
}

describe('the probe header downstream', () => {
  let server: Server;
  let port: number;
  before(async () => ({ server, port } = await serve({})));
  after(() => server.close());

  for (const [name, host, token] of [
    ['a valid probe', 'evil.tld', TOKEN],
    ['an ordinary request with a wrong token', 'example.com', 'wrong-token'],
  ]) {
    it(`is removed from ctx.request.headers and rawHeaders for ${name}`, async () => {
      const response = await sendRaw(port, request(['GET / HTTP/1.1', `Host: ${host}`, `x-HEALTH: ${token}`, 'Connection: close']));
      expect(response.status).to.equal(200);
      expect(response.text).to.match(/X-Probe-Header-Seen: false/i);
    });
  }
});
