import { expect } from 'chai';
import { checkHost, decide, isProbe, type Policy, type RequestFacts } from '../src/core/decide';
import { compileHostPatterns } from '../src/core/host-matcher';
import { parseHostPattern, type HostPattern } from '../src/core/host-pattern';
import { compileTokenVerifier } from '../src/core/probe-token';
import { parseRequestTarget } from '../src/core/request-target';

function patterns(texts: string[]): HostPattern[] {
  return texts.map((text) => {
    const result = parseHostPattern(text);
    if ('problem' in result) throw new Error(result.problem);
    return result.pattern;
  });
}

const policy: Policy = {
  hosts: compileHostPatterns(patterns(['example.com', '.example.org'])),
  probe: {
    header: 'x-health',
    verifyToken: compileTokenVerifier(['XYZ-123', 'NEXT-456']),
    hasTokens: true,
    paths: new Set(['/health-check/', '/ready']),
    methods: new Set(['GET', 'HEAD']),
    localAddress: false,
  },
  exemptPaths: new Set(['/alb-health']),
};

/** A request's facts, with its target given as the raw request target (`path`, default "/"). */
type FactsSpec = Partial<Omit<RequestFacts, 'target'>> & { path?: string };

function facts({ path = '/', ...overrides }: FactsSpec): RequestFacts {
  const method = overrides.method ?? 'GET';
  return { method, target: parseRequestTarget(path, method), host: 'example.com', probeToken: undefined, ...overrides };
}

describe('decide', () => {
  const kubelet = { host: '10.244.1.7:8000', path: '/health-check/', probeToken: 'XYZ-123' };

  const table: [name: string, request: FactsSpec, expected: object][] = [
    ['an allowed host', {}, { allowed: true, rule: 'example.com', state: { probe: false, via: null, host: 'example.com' } }],
    ['an allowed subdomain', { host: 'a.example.org:81' }, { allowed: true, rule: '.example.org', state: { probe: false, via: null, host: 'a.example.org' } }],
    ['a kubelet probe with the token', kubelet, { allowed: true, rule: 'probe header', state: { probe: true, via: 'header', host: '10.244.1.7' } }],
    ['a probe with the rotated token', { ...kubelet, probeToken: 'NEXT-456' }, { allowed: true, state: { probe: true, via: 'header', host: '10.244.1.7' } }],
    ['a HEAD probe', { ...kubelet, method: 'HEAD' }, { allowed: true, state: { probe: true, via: 'header', host: '10.244.1.7' } }],
    ['a probe with an invalid host', { ...kubelet, host: 'a b' }, { allowed: true, state: { probe: true, via: 'header', host: null } }],
    ['a probe with no host', { ...kubelet, host: undefined }, { allowed: true, state: { probe: true, via: 'header', host: null } }],
    ['a probe on an allowed host', { ...kubelet, host: 'example.com' }, { allowed: true, state: { probe: true, via: 'header', host: 'example.com' } }],
    ['a kubelet request without the token', { ...kubelet, probeToken: undefined }, { allowed: false, reason: 'host-not-allowed', host: '10.244.1.7' }],
    ['a probe with a wrong token', { ...kubelet, probeToken: 'XYZ-124' }, { allowed: false, reason: 'host-not-allowed' }],
    ['a probe with an empty token', { ...kubelet, probeToken: '' }, { allowed: false, reason: 'host-not-allowed' }],
    ['a probe with a wrong method', { ...kubelet, method: 'POST' }, { allowed: false, reason: 'host-not-allowed' }],
    ['a probe on a path outside probe.paths', { ...kubelet, path: '/admin' }, { allowed: false, reason: 'host-not-allowed' }],
    ['a probe on a path with a different trailing slash', { ...kubelet, path: '/health-check' }, { allowed: false, reason: 'host-not-allowed' }],
    ['a GET of an exempt path', { host: '172.31.5.6', path: '/alb-health' }, { allowed: true, rule: 'exempt path', state: { probe: true, via: 'exemptPath', host: '172.31.5.6' } }],
    ['a HEAD of an exempt path', { host: '172.31.5.6', method: 'HEAD', path: '/alb-health' }, { allowed: true, state: { probe: true, via: 'exemptPath', host: '172.31.5.6' } }],
    ['an exempt path with an invalid host', { host: 'a@b', path: '/alb-health' }, { allowed: true, state: { probe: true, via: 'exemptPath', host: null } }],
    ['a POST to an exempt path', { host: '172.31.5.6', method: 'POST', path: '/alb-health' }, { allowed: false, reason: 'host-not-allowed' }],
    ['a path under an exempt path', { host: '172.31.5.6', path: '/alb-health/x' }, { allowed: false, reason: 'host-not-allowed' }],
    ['an exempt path on an allowed host', { path: '/alb-health' }, { allowed: true, state: { probe: false, via: null, host: 'example.com' } }],
    ['a host not allowed', { host: 'evil.tld' }, { allowed: false, reason: 'host-not-allowed', host: 'evil.tld' }],
    ['userinfo in the host', { host: 'example.com@evil.tld' }, { allowed: false, reason: 'invalid-host', host: null }],
    ['a comma list of hosts', { host: 'example.com, evil.tld' }, { allowed: false, reason: 'invalid-host', host: null }],
    ['a missing host', { host: undefined }, { allowed: false, reason: 'missing-host', host: null }],
    ['an empty host', { host: '' }, { allowed: false, reason: 'missing-host', host: null }],
    // The request target, checked before anything else, probes included.
    ['an absolute-form target naming the host', { path: 'http://Example.com./x?y' }, { allowed: true, rule: 'example.com' }],
    ['an absolute-form target naming another host', { path: 'http://evil.tld/x' }, { allowed: false, reason: 'host-mismatch', host: 'example.com' }],
    ['an absolute-form target naming another port', { path: 'http://example.com:81/x' }, { allowed: false, reason: 'host-mismatch' }],
    ['an absolute-form target with another scheme', { path: 'pany://example.com/x' }, { allowed: false, reason: 'invalid-target', host: 'example.com' }],
    ['an authority-form target', { path: 'example.com:443' }, { allowed: false, reason: 'invalid-target' }],
    ['an asterisk-form OPTIONS', { method: 'OPTIONS', path: '*' }, { allowed: true, rule: 'example.com' }],
    ['an asterisk-form GET', { path: '*' }, { allowed: false, reason: 'invalid-target' }],
    ['a probe with a refused target', { ...kubelet, path: 'x://[/' }, { allowed: false, reason: 'invalid-target', host: '10.244.1.7' }],
    ['an exempt path with a refused target', { host: '172.31.5.6', path: 'ftp://172.31.5.6/alb-health' }, { allowed: false, reason: 'invalid-target' }],
    // Other hosts the app reads.
    ['another host the app reads', { alsoRead: ['evil.tld'] }, { allowed: false, reason: 'host-mismatch', host: 'example.com' }],
    ['the same host the app reads, written otherwise', { alsoRead: ['EXAMPLE.com.'] }, { allowed: true, rule: 'example.com' }],
    ['no host where the app reads one', { alsoRead: [undefined] }, { allowed: false, reason: 'host-mismatch' }],
    ['a host the app reads, on an exempt path', { alsoRead: ['evil.tld'], path: '/alb-health' }, { allowed: true, rule: 'exempt path' }],
    ['a host the app reads, for a probe', { ...kubelet, alsoRead: ['evil.tld'] }, { allowed: true, rule: 'probe header' }],
    // X-Forwarded-Proto, when the app builds ctx.protocol from it.
    ['X-Forwarded-Proto https', { forwardedProto: 'HTTPS' }, { allowed: true }],
    ['X-Forwarded-Proto listing http first', { forwardedProto: ' http , javascript' }, { allowed: true }],
    ['an empty X-Forwarded-Proto', { forwardedProto: '' }, { allowed: true }],
    ['X-Forwarded-Proto naming another scheme', { forwardedProto: 'javascript' }, { allowed: false, reason: 'invalid-forwarded-proto' }],
    ['X-Forwarded-Proto carrying a URL', { forwardedProto: 'https://evil.tld/#' }, { allowed: false, reason: 'invalid-forwarded-proto' }],
    ['X-Forwarded-Proto with an empty first entry', { forwardedProto: ', https' }, { allowed: false, reason: 'invalid-forwarded-proto' }],
  ];
  for (const [name, request, expected] of table) {
    it(`decides ${name}`, () => {
      expect(decide(policy, facts(request))).to.deep.include(expected);
    });
  }

  it('never lets a token through when the bypass is off', () => {
    const off: Policy = { ...policy, probe: undefined };
    expect(isProbe(off.probe, facts(kubelet))).to.equal(false);
    expect(decide(off, facts(kubelet))).to.deep.include({ allowed: false, reason: 'host-not-allowed' });
  });

  it('lets a probe through on any path when probe.paths is unset', () => {
    const anyPath: Policy = { ...policy, probe: { ...policy.probe!, paths: undefined } };
    expect(decide(anyPath, facts({ ...kubelet, path: '/anything' }))).to.deep.include({ allowed: true });
  });

  it('checkHost alone ignores the probe token', () => {
    expect(checkHost(policy, facts(kubelet))).to.deep.include({ allowed: false, reason: 'host-not-allowed' });
  });

  it('keeps no state between decisions: a probe does not open its host for later requests', () => {
    expect(decide(policy, facts(kubelet))).to.deep.include({ allowed: true });
    expect(decide(policy, facts({ ...kubelet, probeToken: undefined }))).to.deep.include({ allowed: false });
  });
});
