import type { Server } from 'node:http';
import type { Http2Server, OutgoingHttpHeaders } from 'node:http2';
import { expect } from 'chai';
import fc from 'fast-check';
import { expectOneHost, sendRaw, type HostView } from '../helpers';
import { appFor, bodyOf, describeSetting, listenHttp1, listenHttp2, rawRequest, sendHttp2, SETTINGS, TOKEN, type Setting } from './matrix';

// Generated requests over real HTTP, for every Koa version, proxy setting and allowlist of ./matrix. The pieces
// make near misses likely: allowed names in other case, with dots and ports; names the URL parser rewrites; schemes
// Koa does not treat as absolute; IPv6 in canonical and other forms; proxy headers that agree or disagree.

const allowedHost = fc.constantFrom('example.com', 'EXAMPLE.com', 'example.com.', 'www.example.org', 'Example.ORG.', '127.0.0.1', '[::1]');
const otherHost = fc.constantFrom(
  'evil.example',
  'example.com.evil.example',
  'example.company',
  '1.2.3',
  '127.1',
  '0x7f.0.0.1',
  'foo.123',
  'xn--',
  'xn--4ca9at.com',
  '[0:0::1]',
  '[::ffff:127.0.0.1]',
  '[::ffff:7f00:1]',
  '10.244.1.7',
);
const port = fc.constantFrom('', '', ':80', ':8080', ':443', ':080', ':', ':99999');
const junk = fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('@evil.example', ', evil.example', '/x', '\\evil.example', ' x') });
const hostValue = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.oneof(allowedHost, otherHost), port, junk).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 24 }) },
);

const scheme = fc.constantFrom('http', 'https', 'HTTP', 'hTTps', 'pany', 'br', 'ws', 'x', 'javascript', 'ftp');
const path = fc.constantFrom('/', '/password-reset', '//evil.example/x', '/\\evil.example', '/a?b=c', '/health-check/', '/exempt', '/x#frag', '');
const target = fc.oneof(
  { weight: 8, arbitrary: path.filter((value) => value !== '') },
  { weight: 4, arbitrary: fc.tuple(scheme, hostValue, path).map(([name, authority, rest]) => `${name}://${authority}${rest}`) },
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 1, arbitrary: hostValue },
);
const forwardedProto = fc.constantFrom('http', 'https', 'HTTPS, http', 'javascript', 'https://evil.example/#', ', https', 'ws');
const forwardedValue = fc.constantFrom('host=evil.example', 'for=192.0.2.1;host=example.com;proto=https', 'host="[::1]"');

const request = fc.record({
  method: fc.constantFrom('GET', 'GET', 'POST', 'OPTIONS'),
  target,
  host: fc.option(hostValue, { nil: undefined, freq: 8 }),
  forwardedHost: sometimes(hostValue),
  forwardedProto: sometimes(forwardedProto),
  forwarded: fc.option(forwardedValue, { nil: undefined, freq: 3 }),
  probe: fc.boolean(),
});

/** A value in about one request in four, `undefined` otherwise. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}
type GeneratedRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** The allowlist of a setting, as an independent model: is this validated host one it names? */
function listedBy(setting: Setting, host: string): boolean {
  if (setting.allowedHosts.includes('*')) return true;
  // [::ffff:7f00:1] is 127.0.0.1 written as an IPv4-mapped IPv6 address: the README says they are one host.
  return ['example.com', '127.0.0.1', '[::ffff:7f00:1]', '[::1]', 'example.org'].includes(host) || host.endsWith('.example.org');
}

/** Asserts what one response shows: no 5xx, and on an ordinary pass, the invariant and a listed host. */
function checkResponse(setting: Setting, status: number, view: HostView | undefined, context: string): 'passed' | 'rejected' {
  expect(status, context).to.be.within(200, 499);
  if (status !== 200) return 'rejected';
  expect(view, context).to.be.an('object');
  if (view?.healthCheck?.probe === true) return 'passed';
  expectOneHost(view as HostView, context);
  expect(listedBy(setting, view?.healthCheck?.host as string), `validated host is listed: ${context}`).to.equal(true);
  return 'passed';
}

function headersOf(generated: GeneratedRequest): [string, string][] {
  const headers: [string, string][] = [];
  if (generated.host !== undefined) headers.push(['Host', generated.host]);
  if (generated.forwardedHost !== undefined) headers.push(['X-Forwarded-Host', generated.forwardedHost]);
  if (generated.forwardedProto !== undefined) headers.push(['X-Forwarded-Proto', generated.forwardedProto]);
  if (generated.forwarded !== undefined) headers.push(['Forwarded', generated.forwarded]);
  if (generated.probe) headers.push(['X-Health', TOKEN]);
  return headers;
}

describe('one host, property-based over real HTTP/1.1', () => {
  for (const setting of SETTINGS) {
    it(`holds for generated requests: ${describeSetting(setting)}`, async () => {
      const { server, port } = await listenHttp1(appFor(setting));
      const outcomes = { passed: 0, rejected: 0 };
      try {
        await fc.assert(
          fc.asyncProperty(request, async (generated) => {
            const bytes = rawRequest(`${generated.method} ${generated.target} HTTP/1.1`, headersOf(generated));
            const response = await sendRaw(port, bytes);
            const context = `${JSON.stringify(generated)} [${describeSetting(setting)}] -> ${response.text.slice(0, 200)}`;
            outcomes[checkResponse(setting, response.status, bodyOf(response.text) as HostView | undefined, context)] += 1;
          }),
          { numRuns: 120 },
        );
      } finally {
        (server as Server).close();
      }
      // Both outcomes must be exercised, or the property would prove little.
      expect(outcomes.passed, JSON.stringify(outcomes)).to.be.greaterThan(5);
      expect(outcomes.rejected, JSON.stringify(outcomes)).to.be.greaterThan(5);
    });
  }
});

describe('one host, property-based over real HTTP/2', () => {
  for (const setting of SETTINGS) {
    it(`holds for generated streams: ${describeSetting(setting)}`, async () => {
      const { server, port } = await listenHttp2(appFor(setting));
      const outcomes = { passed: 0, rejected: 0, refused: 0 };
      try {
        await fc.assert(
          fc.asyncProperty(request, async (generated) => {
            const headers: OutgoingHttpHeaders = { ':method': generated.method, ':path': generated.target };
            if (generated.host !== undefined) headers[':authority'] = generated.host;
            for (const [name, value] of headersOf({ ...generated, host: undefined })) headers[name.toLowerCase()] = value;
            const outcome = await sendHttp2(port, headers);
            if (outcome === 'refused') {
              outcomes.refused += 1;
              return;
            }
            const context = `${JSON.stringify(generated)} [${describeSetting(setting)}] -> ${outcome.status} ${outcome.body.slice(0, 200)}`;
            outcomes[checkResponse(setting, outcome.status, parseJson(outcome.body), context)] += 1;
          }),
          { numRuns: 60 },
        );
      } finally {
        (server as Http2Server).close();
      }
      expect(outcomes.passed, JSON.stringify(outcomes)).to.be.greaterThan(2);
      expect(outcomes.rejected, JSON.stringify(outcomes)).to.be.greaterThan(2);
    });
  }
});

function parseJson(text: string): HostView | undefined {
  try {
    return JSON.parse(text) as HostView;
  } catch {
    return undefined;
  }
}
