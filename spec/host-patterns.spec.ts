import { expect } from 'chai';
import { compileHostPatterns, matchHost } from '../src/core/host-matcher';
import { parseHostPattern, type HostPattern } from '../src/core/host-pattern';
import { parseHostHeader } from '../src/core/parse-host';
import { urlKeepsHost } from './helpers';

function compile(patterns: string[]) {
  return compileHostPatterns(
    patterns.map((text) => {
      const result = parseHostPattern(text);
      if ('problem' in result) throw new Error(`${text}: ${result.problem}`);
      return result.pattern;
    }),
  );
}

/** The pattern that allows `host` under `patterns`, or undefined. */
function ruleFor(patterns: string[], host: string): string | undefined {
  const parsed = parseHostHeader(host);
  if (parsed === undefined) throw new Error(`invalid test host ${host}`);
  return matchHost(compile(patterns), parsed);
}

describe('host patterns', () => {
  describe('matching', () => {
    // [pattern, host, matches]. Near-misses sit right after the cases they shadow.
    const table: [pattern: string, host: string, matches: boolean][] = [
      // Exact names, case-insensitive, any port (Django validate_host semantics).
      ['example.com', 'example.com', true],
      ['example.com', 'EXAMPLE.COM', true],
      ['INSENSITIVE.com', 'insensitive.com', true],
      ['example.com', 'example.com:8443', true],
      ['example.com', 'example.com.', true],
      ['example.com', 'www.example.com', false],
      ['example.com', 'example.co', false],
      ['example.com', 'example.com.evil.tld', false],
      // .suffix: the domain and every subdomain, on a label boundary (Django is_same_domain).
      ['.example.com', 'example.com', true],
      ['.example.com', 'a.example.com', true],
      ['.example.com', 'a.b.c.example.com:81', true],
      ['.example.com', 'badexample.com', false],
      ['.example.com', 'example.com.evil.tld', false],
      ['.example.com', 'example.org', false],
      // *.suffix: subdomains only, any depth, never the apex.
      ['*.example.com', 'a.example.com', true],
      ['*.example.com', 'a.b.example.com', true],
      ['*.example.com', 'example.com', false],
      ['*.example.com', 'badexample.com', false],
      // *: any valid host.
      ['*', 'anything.example', true],
      ['*', '10.1.2.3:9', true],
      ['*', '[::1]', true],
      // host:port pins.
      ['example.com:8443', 'example.com:8443', true],
      ['example.com:8443', 'example.com:443', false],
      ['example.com:8443', 'example.com', false],
      ['.example.com:8443', 'api.example.com:8443', true],
      ['.example.com:8443', 'api.example.com:8444', false],
      // IP literals, compared as addresses.
      ['10.1.2.3', '10.1.2.3', true],
      ['10.1.2.3', '10.1.2.3:8000', true],
      ['10.1.2.3', '10.1.2.30', false],
      ['10.1.2.3:8000', '10.1.2.3:8000', true],
      ['10.1.2.3:8000', '10.1.2.3:8001', false],
      ['[::1]', '[::1]', true],
      ['[0:0:0:0:0:0:0:1]', '[::1]:80', true],
      ['[::1]', '[::2]', false],
      ['[::ffff:169.254.169.254]', '[::ffff:a9fe:a9fe]', true],
      ['127.0.0.1', '[::ffff:7f00:1]', true],
      // CIDR ranges, for pod and VPC networks.
      ['10.0.0.0/8', '10.244.1.7:8000', true],
      ['10.0.0.0/8', '11.0.0.1', false],
      ['172.16.0.0/12', '172.31.255.255', true],
      ['172.16.0.0/12', '172.32.0.0', false],
      ['fd00::/8', '[fd12:3456::1]', true],
      ['[fd00::]/8', '[fd12:3456::1]', true],
      ['fd00::/8', '[fe80::1]', false],
      ['0.0.0.0/0', '203.0.113.9', true],
      // Names and addresses never cross.
      ['10.0.0.0/8', '10.example.com', false],
      // Unicode patterns are matched in punycode (Django legit_hosts: xn--4ca9at.com is öäü.com).
      ['öäü.com', 'xn--4ca9at.com', true],
      ['.bücher.example', 'shop.xn--bcher-kva.example', true],
    ];
    for (const [pattern, host, matches] of table) {
      it(`${JSON.stringify(pattern)} ${matches ? 'matches' : 'does not match'} ${JSON.stringify(host)}`, () => {
        expect(ruleFor([pattern], host)).to.equal(matches ? pattern : undefined);
      });
    }

    it('reports the most specific pattern that matches, and the first listed of equals', () => {
      expect(ruleFor(['other.org', '.example.com', 'api.example.com'], 'api.example.com')).to.equal('api.example.com');
      expect(ruleFor(['.example.com', '*.example.com'], 'a.example.com')).to.equal('.example.com');
      expect(ruleFor(['10.0.0.0/8', '10.1.0.0/16'], '10.1.2.3')).to.equal('10.1.0.0/16');
      expect(ruleFor(['10.0.0.0/8', '10.1.2.3', '10.1.0.0/16'], '10.1.2.3')).to.equal('10.1.2.3');
      expect(ruleFor(['10.1.7.7/16', '10.1.0.0/16'], '10.1.2.3')).to.equal('10.1.7.7/16');
    });

    it('matches the nearest parent domain first', () => {
      expect(ruleFor(['.example.com', '.api.example.com'], 'x.api.example.com')).to.equal('.api.example.com');
    });

    it('checks pinned patterns only on their own port', () => {
      const patterns = ['a.example:1', 'b.example:2', 'c.example'];
      expect(ruleFor(patterns, 'b.example:2')).to.equal('b.example:2');
      expect(ruleFor(patterns, 'b.example:1')).to.equal(undefined);
      expect(ruleFor(patterns, 'c.example:2')).to.equal('c.example');
    });
  });

  describe('parsing', () => {
    const kinds: [text: string, expected: Partial<HostPattern> & { kind: HostPattern['kind'] }][] = [
      ['*', { kind: 'any' }],
      ['Example.COM', { kind: 'name', name: 'example.com' }],
      ['example.com.', { kind: 'name', name: 'example.com' }],
      ['.example.com', { kind: 'domain', name: 'example.com' }],
      ['*.example.com', { kind: 'subdomains', name: 'example.com' }],
      ['example.com:8443', { kind: 'name', name: 'example.com', port: 8443 }],
      ['10.1.2.3', { kind: 'address', address: '10.1.2.3', family: 4 }],
      ['[::1]:8080', { kind: 'address', address: '::1', family: 6, port: 8080 }],
      ['10.0.0.0/8', { kind: 'range', address: '10.0.0.0', family: 4, prefix: 8 }],
      ['fd00::/8', { kind: 'range', address: 'fd00::', family: 6, prefix: 8 }],
      ['Bücher.example', { kind: 'name', name: 'xn--bcher-kva.example' }],
    ];
    for (const [text, expected] of kinds) {
      it(`reads ${JSON.stringify(text)} as ${expected.kind}`, () => {
        const result = parseHostPattern(text);
        expect(result).to.have.property('pattern').that.deep.includes(expected);
      });
    }

    // Entries that could never match, and the words their problem must contain.
    const dead: [text: string, says: string][] = [
      ['', 'empty'],
      [' example.com', 'whitespace'],
      ['example .com', 'whitespace'],
      ['10.0.0.0/33', 'from 0 to 32'],
      ['fd00::/129', 'from 0 to 128'],
      ['10.0.0.0/', 'prefix length'],
      ['10.0.0.0/x', 'prefix length'],
      ['example.com/8', 'must be an IP address'],
      ['10.0.0/8', 'must be an IP address'],
      ['::1', 'without brackets'],
      ['fd00::1', '[fd00::1]'],
      ['[::1', 'never closes'],
      ['[zz::1]', 'not a valid IPv6'],
      ['[::1]x', 'invalid port'],
      ['example.com:', 'invalid port'],
      ['example.com:0', 'invalid port'],
      ['example.com:65536', 'invalid port'],
      ['example.com:http', 'invalid port'],
      ['a:b:c', 'more than one ":"'],
      ['foo*.example.com', 'wildcard in the wrong place'],
      ['*example.com', 'wildcard in the wrong place'],
      ['a.*.example.com', 'wildcard in the wrong place'],
      ['a..example.com', 'not a valid host name'],
      ['.', 'not a valid host name'],
      ['*.', 'not a valid host name'],
      ['my_host', 'not a valid host name'],
      ['[fe80::1%eth0]', 'IPv6 zone'],
      ['fe80::%eth0/64', 'IPv6 zone'],
      ['exa%6dple.com', 'contains "%"'],
      ['.10.0.0.1', 'IP address, which has no subdomains'],
      ['*.10.0.0.1', 'IP address, which has no subdomains'],
      ['example.com@evil.tld', 'not a valid host name'],
      [`${'a'.repeat(64)}.com`, 'not a valid host name'],
      // Names a URL parser reads as another host (WHATWG URL Standard, "ends in a number" and IDNA).
      ['.0.0.1', 'ends in a number but is not an IPv4 address'],
      ['1.2.3', 'ends in a number but is not an IPv4 address'],
      ['*.example.0x1F', 'ends in a number but is not an IPv4 address'],
      ['010.0.0.1', 'ends in a number but is not an IPv4 address'],
    ];
    for (const [text, says] of dead) {
      it(`refuses ${JSON.stringify(text)}, saying "${says}"`, () => {
        const result = parseHostPattern(text);
        expect(result).to.have.property('problem').that.includes(says);
      });
    }

    it("refuses a punycode label exactly when this Node's URL parser refuses it, and says so", () => {
      // Node 20 and 22 refuse "xn--"; Node 24 keeps any "xn--" label, so there the entry can match.
      const result = parseHostPattern('xn--.example.com');
      if (urlKeepsHost('xn--.example.com')) expect(result).to.have.property('pattern');
      else expect(result).to.have.property('problem').that.includes('punycode ("xn--") label that does not decode');
    });
  });
});
