import type { Server } from 'node:http';
import type { Http2Server, OutgoingHttpHeaders } from 'node:http2';
import { expect } from 'chai';
import { expectOneHost, sendRaw, urlKeepsHost, type HostView } from '../helpers';
import { appFor, bodyOf, describeSetting, listenHttp1, listenHttp2, rawRequest, sendHttp2, SETTINGS, TOKEN, type Setting } from './matrix';

// The attacks of issue "One host: what the app reads is what was validated", and their neighbours. Every request
// runs against both Koa versions, the six app.proxy / trustProxy combinations, and two allowlists. The oracle is
// the invariant where the app consumes it: on every ordinary request that passes, ctx.host, ctx.hostname, ctx.URL,
// ctx.request.URL and ctx.href name the validated host. Named attacks must also be rejected.

const listed = (setting: Setting) => !setting.allowedHosts.includes('*');
const always = () => true;
/** Node 20 and 22 refuse invalid punycode in URLs; Node 24 keeps it. Where kept, only the invariant applies. */
const refusedByUrl = (value: string) => () => !urlKeepsHost(value);

interface Case {
  name: string;
  line: string;
  headers: [string, string][];
  /** When the request must be rejected; otherwise only the invariant (and no 5xx) is asserted. */
  mustReject?: (setting: Setting) => boolean;
  /** When the request must pass. */
  mustPass?: (setting: Setting) => boolean;
}

const host = (value: string): [string, string] => ['Host', value];
const forwardedHost = (value: string): [string, string] => ['X-Forwarded-Host', value];
const forwardedProto = (value: string): [string, string] => ['X-Forwarded-Proto', value];

const CASES: Case[] = [
  // Schemes Koa does not treat as absolute: it glues them onto the host (http://example.company://…).
  { name: 'a pany:// target', line: 'GET pany://example.com/password-reset HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'a br:// target', line: 'GET br://example.com./x HTTP/1.1', headers: [host('example.com.')], mustReject: always },
  { name: 'a ws:// target', line: 'GET ws://example.com/ HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'a javascript: target', line: 'GET javascript://example.com/%0aalert(1) HTTP/1.1', headers: [host('example.com')], mustReject: always },
  // Targets that make Koa's ctx.path throw.
  { name: 'an unclosed IPv6 authority', line: 'GET http://[::1/ HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'invalid punycode in the authority', line: 'GET http://xn--/ HTTP/1.1', headers: [host('example.com')], mustReject: refusedByUrl('xn--') },
  { name: 'a broken authority under another scheme', line: 'GET x://[/ HTTP/1.1', headers: [host('example.com')], mustReject: always },
  // Absolute-form: accepted only when it names the validated host, whichever header that is.
  { name: 'absolute-form naming the host', line: 'GET http://example.com/password-reset?a=1 HTTP/1.1', headers: [host('example.com')], mustPass: always },
  { name: 'absolute-form in capitals with a trailing dot', line: 'GET HTTPS://EXAMPLE.COM./x HTTP/1.1', headers: [host('example.com')], mustPass: always },
  { name: 'absolute-form naming another host', line: 'GET http://evil.example/x HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'absolute-form naming another port', line: 'GET http://example.com:8080/x HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'absolute-form naming another host, X-Forwarded-Host the allowed one', line: 'GET http://evil.example/x HTTP/1.1', headers: [host('example.com'), forwardedHost('example.com')], mustReject: always },
  { name: 'absolute-form naming another host behind a proxy', line: 'GET http://evil.example/x HTTP/1.1', headers: [host('10.0.0.5:8080'), forwardedHost('example.com')], mustReject: always },
  { name: 'absolute-form naming Host while X-Forwarded-Host differs', line: 'GET http://example.com/x HTTP/1.1', headers: [host('example.com'), forwardedHost('www.example.org')], mustReject: (s) => s.appProxy || s.trustProxy === true },
  { name: 'absolute-form with userinfo', line: 'GET http://evil.example@example.com/ HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'absolute-form and no Host (HTTP/1.0)', line: 'GET http://example.com/ HTTP/1.0', headers: [], mustReject: always },
  // Other request-target forms.
  { name: 'OPTIONS *', line: 'OPTIONS * HTTP/1.1', headers: [host('example.com')], mustPass: always },
  { name: 'GET *', line: 'GET * HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'authority-form with GET', line: 'GET example.com:443 HTTP/1.1', headers: [host('example.com')], mustReject: always },
  { name: 'a double-slash path', line: 'GET //evil.example/password-reset HTTP/1.1', headers: [host('example.com')], mustPass: always },
  { name: 'a backslash path', line: 'GET /\\evil.example/x HTTP/1.1', headers: [host('example.com')], mustPass: always },
  { name: 'a fragment in the target', line: 'GET /x#@evil.example HTTP/1.1', headers: [host('example.com')], mustReject: always },
  // app.proxy and trustProxy: Koa's ctx.host reads X-Forwarded-Host exactly when app.proxy is on.
  { name: 'X-Forwarded-Host naming another host', line: 'GET /password-reset HTTP/1.1', headers: [host('example.com'), forwardedHost('evil.example')], mustReject: (s) => listed(s) && (s.appProxy || s.trustProxy === true) },
  { name: 'X-Forwarded-Host naming the host, Host internal', line: 'GET / HTTP/1.1', headers: [host('10.0.0.5:8080'), forwardedHost('www.example.org')], mustPass: (s) => listed(s) && s.appProxy && s.trustProxy !== false },
  { name: 'X-Forwarded-Host with an empty first entry', line: 'GET / HTTP/1.1', headers: [host('example.com'), forwardedHost(', example.com')], mustReject: (s) => s.appProxy || s.trustProxy === true },
  { name: 'X-Forwarded-Host twice', line: 'GET / HTTP/1.1', headers: [host('example.com'), forwardedHost('example.com'), forwardedHost('evil.example')], mustReject: (s) => s.appProxy || s.trustProxy === true },
  { name: 'Forwarded naming another host (Koa ignores it)', line: 'GET / HTTP/1.1', headers: [host('example.com'), ['Forwarded', 'host=evil.example;proto=https']], mustPass: always },
  // X-Forwarded-Proto becomes the scheme of ctx.href and ctx.URL when app.proxy is on.
  { name: 'X-Forwarded-Proto carrying a URL', line: 'GET /password-reset HTTP/1.1', headers: [host('example.com'), forwardedProto('https://evil.example/#')], mustReject: (s) => s.appProxy },
  { name: 'X-Forwarded-Proto javascript', line: 'GET / HTTP/1.1', headers: [host('example.com'), forwardedProto('javascript')], mustReject: (s) => s.appProxy },
  { name: 'X-Forwarded-Proto HTTPS, then more', line: 'GET / HTTP/1.1', headers: [host('example.com'), forwardedProto('HTTPS, http')], mustPass: always },
  // Hosts that the WHATWG URL parser reads as another host, or refuses.
  { name: 'a name ending in a number', line: 'GET / HTTP/1.1', headers: [host('1.2.3')], mustReject: always },
  { name: 'a short IPv4 form', line: 'GET / HTTP/1.1', headers: [host('127.1')], mustReject: always },
  { name: 'a hex IPv4 form', line: 'GET / HTTP/1.1', headers: [host('0x7f.0.0.1')], mustReject: always },
  { name: 'an octal IPv4 form', line: 'GET / HTTP/1.1', headers: [host('0177.0.0.1:80')], mustReject: always },
  { name: 'a numeric last label', line: 'GET / HTTP/1.1', headers: [host('foo.123')], mustReject: always },
  { name: 'invalid punycode', line: 'GET / HTTP/1.1', headers: [host('xn--')], mustReject: refusedByUrl('xn--') },
  { name: 'a non-canonical IPv6 literal', line: 'GET / HTTP/1.1', headers: [host('[0:0::1]')], mustReject: always },
  { name: 'an IPv4-mapped IPv6 literal in dotted form', line: 'GET / HTTP/1.1', headers: [host('[::ffff:127.0.0.1]')], mustReject: always },
  { name: 'a canonical IPv6 literal with a port', line: 'GET / HTTP/1.1', headers: [host('[::1]:8080')], mustPass: always },
  { name: 'an IPv4 literal with a trailing dot', line: 'GET / HTTP/1.1', headers: [host('127.0.0.1.:8080')], mustPass: always },
  { name: 'a host in capitals with a trailing dot', line: 'GET /password-reset HTTP/1.1', headers: [host('WWW.Example.ORG.:8443')], mustPass: always },
  // Parsing tricks in Host.
  { name: 'userinfo in Host', line: 'GET / HTTP/1.1', headers: [host('evil.example@example.com')], mustReject: always },
  { name: 'a comma list in Host', line: 'GET / HTTP/1.1', headers: [host('example.com, evil.example')], mustReject: always },
  { name: 'Host twice', line: 'GET / HTTP/1.1', headers: [host('example.com'), host('evil.example')], mustReject: always },
  // Probes and exempt paths pass whatever the host, but never with a refused target.
  { name: 'a probe', line: 'GET /health-check/ HTTP/1.1', headers: [host('10.244.1.7:8000'), ['X-Health', TOKEN]], mustPass: always },
  { name: 'a probe with a pany:// target', line: 'GET pany://10.244.1.7/health-check/ HTTP/1.1', headers: [host('10.244.1.7:8000'), ['X-Health', TOKEN]], mustReject: always },
  { name: 'an exempt path', line: 'GET /exempt HTTP/1.1', headers: [host('172.31.0.9')], mustPass: always },
  { name: 'an exempt path with an unclosed IPv6 authority', line: 'GET http://[::1/exempt HTTP/1.1', headers: [host('172.31.0.9')], mustReject: always },
];

describe('one host: what Koa hands the app is what was validated (HTTP/1.1)', () => {
  for (const setting of SETTINGS) {
    describe(describeSetting(setting), () => {
      let server: Server;
      let port: number;
      before(async () => ({ server, port } = await listenHttp1(appFor(setting))));
      after(() => server.close());

      it('answers every hostile request with a 4xx or a consistent pass, never a 5xx', async () => {
        for (const testCase of CASES) {
          const response = await sendRaw(port, rawRequest(testCase.line, testCase.headers));
          const context = `${testCase.name} [${describeSetting(setting)}]`;
          expect(response.status, `${context}: ${response.text.slice(0, 120)}`).to.be.within(200, 499);
          if (testCase.mustReject?.(setting)) expect(response.status, `${context} must be rejected`).to.be.within(400, 499);
          if (testCase.mustPass?.(setting)) expect(response.status, `${context} must pass: ${response.text.slice(0, 300)}`).to.equal(200);
          if (response.status !== 200) continue;
          const view = bodyOf(response.text) as HostView;
          if (view.healthCheck?.probe !== true) expectOneHost(view, context);
        }
      });
    });
  }
});

/** HTTP/2 requests: pseudo-headers and headers as sent. A stream the client or server library refuses counts as refused. */
interface Http2Case {
  name: string;
  headers: OutgoingHttpHeaders;
  mustReject?: (setting: Setting) => boolean;
  mustPass?: (setting: Setting) => boolean;
}

const HTTP2_CASES: Http2Case[] = [
  { name: ':authority allowed', headers: { ':authority': 'example.com:8443' }, mustPass: always },
  { name: ':authority allowed, Host another host', headers: { ':authority': 'example.com', host: 'evil.example' }, mustReject: always },
  { name: ':authority allowed, Host the same', headers: { ':authority': 'example.com', host: 'EXAMPLE.com.' }, mustPass: always },
  { name: ':authority allowed, X-Forwarded-Host another host', headers: { ':authority': 'example.com', 'x-forwarded-host': 'evil.example' }, mustReject: (s) => listed(s) && (s.appProxy || s.trustProxy === true) },
  { name: ':path absolute, naming another host', headers: { ':authority': 'example.com', ':path': 'http://evil.example/x' }, mustReject: always },
  // nghttp2 refuses a :path that does not start with "/" before Koa sees it; it must never pass inconsistently.
  { name: ':path absolute, naming the host', headers: { ':authority': 'example.com', ':path': 'https://example.com/x?y' } },
  { name: ':path with another scheme', headers: { ':authority': 'example.com', ':path': 'pany://example.com/x' }, mustReject: always },
  { name: 'OPTIONS *', headers: { ':method': 'OPTIONS', ':authority': 'example.com', ':path': '*' }, mustPass: always },
  { name: ':authority a name ending in a number', headers: { ':authority': '1.2.3' }, mustReject: always },
  { name: 'X-Forwarded-Proto carrying a URL', headers: { ':authority': 'example.com', 'x-forwarded-proto': 'https://evil.example/#' }, mustReject: (s) => s.appProxy },
];

describe('one host: what Koa hands the app is what was validated (HTTP/2)', () => {
  for (const setting of SETTINGS) {
    describe(describeSetting(setting), () => {
      let server: Http2Server;
      let port: number;
      before(async () => ({ server, port } = await listenHttp2(appFor(setting))));
      after(() => server.close());

      it('answers every hostile stream with a 4xx or a consistent pass, never a 5xx', async () => {
        for (const testCase of HTTP2_CASES) {
          const outcome = await sendHttp2(port, testCase.headers);
          const context = `${testCase.name} [${describeSetting(setting)}]`;
          if (testCase.mustPass?.(setting)) expect(outcome, `${context} must pass`).to.have.property('status', 200);
          if (outcome === 'refused') continue;
          expect(outcome.status, `${context}: ${outcome.body.slice(0, 120)}`).to.be.within(200, 499);
          if (testCase.mustReject?.(setting)) expect(outcome.status, `${context} must be rejected`).to.be.within(400, 499);
          if (outcome.status !== 200) continue;
          const view = JSON.parse(outcome.body) as HostView;
          if (view.healthCheck?.probe !== true) expectOneHost(view, context);
        }
      });
    });
  }
});
