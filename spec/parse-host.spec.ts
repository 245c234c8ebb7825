import { expect } from 'chai';
import { parseHostHeader } from '../src/core/parse-host';
import { urlKeepsHost } from './helpers';

describe('parseHostHeader', () => {
  // Valid hosts from Django tests/requests_tests/tests.py HostValidationTests.test_http_get_host (legit_hosts),
  // with the hostname and port we expect.
  const valid: [raw: string, hostname: string, port: number | undefined][] = [
    ['example.com', 'example.com', undefined],
    ['example.com:80', 'example.com', 80],
    ['12.34.56.78', '12.34.56.78', undefined],
    ['12.34.56.78:443', '12.34.56.78', 443],
    ['[2001:19f0:feee::dead:beef:cafe]', '[2001:19f0:feee::dead:beef:cafe]', undefined],
    ['[2001:19f0:feee::dead:beef:cafe]:8080', '[2001:19f0:feee::dead:beef:cafe]', 8080],
    ['xn--4ca9at.com', 'xn--4ca9at.com', undefined],
    ['INSENSITIVE.com', 'insensitive.com', undefined],
    ['example.com.', 'example.com', undefined],
    ['example.com.:80', 'example.com', 80],
    ['[::ffff:a9fe:a9fe]', '[::ffff:a9fe:a9fe]', undefined],
    // Ours: what the kubelet and load balancers send.
    ['10.244.1.7:8000', '10.244.1.7', 8000],
    ['localhost', 'localhost', undefined],
    ['a-b.c-d.example', 'a-b.c-d.example', undefined],
    ['example.com:65535', 'example.com', 65535],
    // Kept as they are by the WHATWG URL parser, so ctx.URL names the same host.
    ['[::A]', '[::a]', undefined],
    ['[::ffff:a9fe:a9fe]:80', '[::ffff:a9fe:a9fe]', 80],
    ['foo.0x1g', 'foo.0x1g', undefined],
    ['a.1b', 'a.1b', undefined],
    ['0x.com', '0x.com', undefined],
    [`${'abcdefghi.'.repeat(25)}com`, `${'abcdefghi.'.repeat(25)}com`, undefined],
  ];
  for (const [raw, hostname, port] of valid) {
    it(`accepts ${JSON.stringify(raw.slice(0, 40))} as ${hostname}${port === undefined ? '' : `, port ${port}`}`, () => {
      const parsed = parseHostHeader(raw);
      expect(parsed?.hostname).to.equal(hostname);
      expect(parsed?.port).to.equal(port);
    });
  }

  it('gives IP literals their address without brackets', () => {
    expect(parseHostHeader('[::1]:8080')?.address).to.equal('::1');
    expect(parseHostHeader('10.0.0.1')?.address).to.equal('10.0.0.1');
    expect(parseHostHeader('example.com')?.address).to.equal(undefined);
  });

  // Poisoned hosts from Django HostValidationTests.poisoned_hosts and test_http_get_host, then ours.
  const invalid: [raw: string | undefined, why: string][] = [
    ['example.com@evil.tld', 'userinfo (Django poisoned_hosts)'],
    ['example.com:dr.frankenstein@evil.tld', 'userinfo with a colon (Django poisoned_hosts)'],
    ['example.com:dr.frankenstein@evil.tld:80', 'userinfo and port (Django poisoned_hosts)'],
    ['example.com:80/badpath', 'a path (Django poisoned_hosts)'],
    ['example.com: recovermypassword.com', 'a space after the colon (Django poisoned_hosts)'],
    ['example.com..', 'two trailing dots (Django test_http_get_host)'],
    ['<invalid>', 'angle brackets (Django test_split_domain_port)'],
    ['example.com 8080', 'a space instead of a colon (Django test_split_domain_port)'],
    ['example.com:invalid', 'a non-numeric port (Django test_split_domain_port)'],
    ['invalid_hostname.com', 'an underscore (Django test_get_host_suggestion_of_allowed_host)'],
    [undefined, 'a missing header'],
    ['', 'an empty header'],
    ['example.com:', 'an empty port'],
    ['example.com:80:80', 'two ports'],
    ['example.com:65536', 'a port over 65535'],
    ['example.com:000080', 'a port of six digits'],
    ['a.com, evil.com', 'a comma list'],
    ['example.com#frag', 'a fragment'],
    ['exämple.com', 'non-ASCII'],
    ['example.com\t', 'a tab'],
    ['exa\u0000mple.com', 'a NUL byte'],
    ['.example.com', 'an empty first label'],
    ['a..example.com', 'an empty inner label'],
    ['.', 'a lone dot'],
    ['*', 'a wildcard'],
    ['[::1', 'an unclosed bracket'],
    ['[1:2]', 'a bracketed value that is not an IPv6 address'],
    ['::1', 'an unbracketed IPv6 address'],
    [`${'a'.repeat(64)}.com`, 'a label over 63 characters'],
    [`${'abcdefghi.'.repeat(25)}comx`, 'a name of 254 characters'],
    ['a'.repeat(8192), 'an 8 KiB value'],
    // Hosts the WHATWG URL parser, and so Koa's ctx.URL, would read as another host or refuse.
    ['[::ffff:169.254.169.254]', 'a non-canonical IPv6 literal (Django legit_hosts; ctx.URL writes [::ffff:a9fe:a9fe])'],
    ['[0:0::1]', 'a non-canonical IPv6 literal (ctx.URL writes [::1])'],
    ['[::1:0:0:0:0:0:0]', 'a non-canonical IPv6 literal (the zero run is not compressed the canonical way)'],
    ['1.2.3', 'a name ending in a number (ctx.URL reads 1.2.0.3)'],
    ['127.1', 'a short IPv4 form (ctx.URL reads 127.0.0.1)'],
    ['0x7f.0.0.1', 'a hex IPv4 form (ctx.URL reads 127.0.0.1)'],
    ['0177.0.0.1', 'an octal IPv4 form (ctx.URL reads 127.0.0.1)'],
    ['foo.123', 'a name whose last label is a number (ctx.URL refuses it)'],
    ['foo.0x', 'a name whose last label is "0x" (ctx.URL refuses it)'],
    ['123', 'a single number (ctx.URL reads 0.0.0.123)'],
  ];
  for (const [raw, why] of invalid) {
    it(`rejects ${why}`, () => {
      expect(parseHostHeader(raw)).to.equal(undefined);
    });
  }

  // Node 20 and 22 refuse these in URLs; Node 24 keeps them. Either way ctx.URL must name what was accepted.
  for (const raw of ['xn--', 'xn--a.example.com', 'xn--ggg.example', 'xn--4gbrim.1abc']) {
    it(`accepts ${raw} exactly when this Node's URL parser keeps it`, () => {
      expect(parseHostHeader(raw)?.hostname).to.equal(urlKeepsHost(raw) ? raw : undefined);
    });
  }
});
