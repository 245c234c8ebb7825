import { BlockList, isIPv4 } from 'node:net';
import { expect } from 'chai';
import fc from 'fast-check';
import { decide, type Policy, type RequestFacts } from '../src/core/decide';
import { addRange, createAddressTable, lookupAddress } from '../src/core/address-table';
import { compileHostPatterns } from '../src/core/host-matcher';
import { parseHostPattern } from '../src/core/host-pattern';
import { compileTokenVerifier } from '../src/core/probe-token';

// A reference model of the rules, written separately from src/ and simpler than it: Django's host syntax
// (django/http/request.py host_validation_re and split_domain_port) plus this package's documented extensions.
// The generated allowlists use the pattern kinds the model knows: names, .suffix, *.suffix, *, IPv4 literals and
// IPv4 ranges, any of them pinned to a port.

interface ModelHost {
  name: string;
  port: number | undefined;
  ipv4: boolean;
}

function modelParseHost(raw: string): ModelHost | undefined {
  if (raw.length === 0 || raw.length > 262) return undefined;
  const lower = raw.toLowerCase();
  if (lower.startsWith('[')) return undefined; // the generators below send no IPv6 hosts
  const colon = lower.indexOf(':');
  const hostPart = colon === -1 ? lower : lower.slice(0, colon);
  const portPart = colon === -1 ? undefined : lower.slice(colon + 1);
  if (portPart !== undefined && !(/^[0-9]{1,5}$/.test(portPart) && Number(portPart) <= 65535)) return undefined;
  if (![...hostPart].every((char) => 'abcdefghijklmnopqrstuvwxyz0123456789.-'.includes(char))) return undefined;
  const name = hostPart.endsWith('.') ? hostPart.slice(0, -1) : hostPart;
  const labels = name.split('.');
  if (name.length === 0 || name.length > 253 || labels.some((label) => label === '' || label.length > 63)) return undefined;
  if (!urlKeepsHost(name)) return undefined;
  return { name, port: portPart === undefined ? undefined : Number(portPart), ipv4: isIPv4(name) };
}

/** The WHATWG URL parser, which builds Koa's ctx.URL, must keep the host as it is, or the app would see another. */
function urlKeepsHost(name: string): boolean {
  try {
    return new URL(`http://${name}/`).hostname === name;
  } catch {
    return false;
  }
}

function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function modelMatches(pattern: string, host: ModelHost): boolean {
  if (pattern === '*') return true;
  if (pattern.includes('/')) {
    const [base = '', bits = '0'] = pattern.split('/');
    if (!host.ipv4) return false;
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ipv4ToNumber(host.name) / size) === Math.floor(ipv4ToNumber(base) / size);
  }
  const [patternHost = '', patternPort] = pattern.split(':');
  if (patternPort !== undefined && Number(patternPort) !== host.port) return false;
  const lowered = patternHost.toLowerCase();
  if (isIPv4(lowered)) return host.ipv4 && host.name === lowered;
  if (host.ipv4) return false;
  if (lowered.startsWith('*.')) return host.name.endsWith(lowered.slice(1));
  if (lowered.startsWith('.')) return host.name === lowered.slice(1) || host.name.endsWith(lowered);
  return host.name === lowered;
}

interface ModelConfig {
  patterns: string[];
  tokens: string[];
  exemptPaths: string[];
}

/** A generated request: its facts, with the origin-form path they were built from. */
interface ModelRequest {
  method: string;
  path: string;
  host: string | undefined;
  probeToken: string | undefined;
}

function factsOf(request: ModelRequest): RequestFacts {
  return { method: request.method, target: { form: 'origin', path: request.path }, host: request.host, probeToken: request.probeToken };
}

function modelAllows(config: ModelConfig, request: ModelRequest): boolean {
  const isProbeMethod = request.method === 'GET' || request.method === 'HEAD';
  if (isProbeMethod && request.probeToken !== undefined && config.tokens.includes(request.probeToken)) return true;
  const host = request.host === undefined ? undefined : modelParseHost(request.host);
  if (host !== undefined && config.patterns.some((pattern) => modelMatches(pattern, host))) return true;
  return isProbeMethod && config.exemptPaths.includes(request.path);
}

// Generators: pieces that make near-misses likely (shared labels, digits, dots, ports), plus arbitrary strings.
const label = fc.constantFrom('a', 'b', 'example', 'com', 'org', 'x-y', 'EXAMPLE', '10', '0', '1', '255', 'xn--4ca9at');
const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const ipv4 = fc.tuple(fc.constantFrom(10, 127, 192), fc.nat(3), fc.nat(3), fc.nat(3)).map((octets) => octets.join('.'));
const port = fc.constantFrom('80', '8443', '0', '65535', '65536', '', '08443', 'x');
const junk = fc.constantFrom('', '.', '..', '@evil', ' ', '/', ',b', '#', '\t', 'é', '*', '[', ']', ':');

const hostHeader = fc.oneof(
  fc.tuple(fc.oneof(name, ipv4), fc.option(port), junk, fc.boolean()).map(([host, hostPort, extra, before]) => {
    const withPort = hostPort === null ? host : `${host}:${hostPort}`;
    return before ? `${extra}${withPort}` : `${withPort}${extra}`;
  }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

// Patterns must name hosts a request can carry (a name like "a.10" is a startup error); requests may send anything.
const patternName = name.filter((value) => urlKeepsHost(value.toLowerCase()));
const suffixName = patternName.filter((value) => !isIPv4(value));
const pattern = fc.oneof(
  patternName,
  suffixName.map((value) => `.${value}`),
  suffixName.map((value) => `*.${value}`),
  ipv4,
  fc.tuple(ipv4, fc.constantFrom(8, 16, 24, 32, 0)).map(([base, bits]) => `${base}/${bits}`),
  fc.tuple(patternName, fc.constantFrom(80, 8443)).map(([host, pinned]) => `${host}:${pinned}`),
  fc.constant('*'),
);

const printableToken = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 64 });

function policyFor(config: ModelConfig): Policy {
  const patterns = config.patterns.map((text) => {
    const result = parseHostPattern(text);
    if ('problem' in result) throw new Error(`generated an invalid pattern ${text}: ${result.problem}`);
    return result.pattern;
  });
  return {
    hosts: compileHostPatterns(patterns),
    probe: config.tokens.length === 0 ? undefined : { header: 'x-health', verifyToken: compileTokenVerifier(config.tokens), hasTokens: true, paths: undefined, methods: new Set(['GET', 'HEAD']), localAddress: false },
    exemptPaths: new Set(config.exemptPaths),
  };
}

describe('properties', () => {
  it('the decision never throws and agrees with the reference model', () => {
    const config = fc.record({
      patterns: fc.array(pattern, { minLength: 1, maxLength: 6 }),
      tokens: fc.array(printableToken, { maxLength: 2 }),
      exemptPaths: fc.array(fc.constantFrom('/health', '/ready'), { maxLength: 1 }),
    });
    const request = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST'),
      path: fc.constantFrom('/', '/health', '/ready'),
      host: fc.option(hostHeader, { nil: undefined }),
      probeToken: fc.option(fc.oneof(printableToken, fc.constant('')), { nil: undefined }),
    });
    const outcomes = { allowed: 0, rejected: 0 };
    fc.assert(
      fc.property(config, request, (model, facts) => {
        const decision = decide(policyFor(model), factsOf(facts));
        expect(decision.allowed, JSON.stringify({ model, facts })).to.equal(modelAllows(model, facts));
        outcomes[decision.allowed ? 'allowed' : 'rejected'] += 1;
      }),
      { numRuns: 3000 },
    );
    // The generators must exercise both outcomes, or agreement would prove little.
    expect(outcomes.allowed, JSON.stringify(outcomes)).to.be.greaterThan(150);
    expect(outcomes.rejected, JSON.stringify(outcomes)).to.be.greaterThan(150);
  });

  it('the decision agrees with the model for tokens sent to listed hosts', () => {
    // Hosts drawn from the allowlist itself, so that most requests should pass: a check from the other side.
    fc.assert(
      fc.property(fc.array(fc.oneof(patternName, ipv4), { minLength: 1, maxLength: 5 }), fc.nat(4), fc.option(port, { nil: undefined }), (hosts, pick, hostPort) => {
        const model = { patterns: hosts, tokens: [], exemptPaths: [] };
        const host = hosts[pick % hosts.length] as string;
        const facts = { method: 'GET', path: '/', host: hostPort === undefined ? host : `${host}:${hostPort}`, probeToken: undefined };
        expect(decide(policyFor(model), factsOf(facts)).allowed).to.equal(modelAllows(model, facts));
      }),
      { numRuns: 2000 },
    );
  });

  it('the address table agrees with Node\'s BlockList, IPv4-mapped IPv6 included', () => {
    const octet = fc.constantFrom(0, 1, 10, 127, 128, 192, 255);
    const ipv4Address = fc.tuple(octet, octet, octet, octet).map((octets) => octets.join('.'));
    const group = fc.constantFrom('0', '1', 'a', 'ffff', 'fd00', '2001', 'db8', '8000');
    const ipv6Address = fc.oneof(
      fc.array(group, { minLength: 8, maxLength: 8 }).map((groups) => groups.join(':')),
      fc.tuple(fc.array(group, { maxLength: 3 }), fc.array(group, { maxLength: 3 })).map(([head, tail]) => `${head.join(':')}::${tail.join(':')}`),
      ipv4Address.map((address) => `::ffff:${address}`),
    );
    const rule = fc.oneof(
      fc.tuple(ipv4Address, fc.integer({ min: 0, max: 32 })).map(([address, prefix]) => ({ address, family: 4 as const, prefix })),
      fc.tuple(ipv6Address, fc.integer({ min: 0, max: 128 })).map(([address, prefix]) => ({ address, family: 6 as const, prefix })),
    );
    let hits = 0;
    fc.assert(
      fc.property(fc.array(rule, { minLength: 1, maxLength: 6 }), fc.oneof(ipv4Address, ipv6Address), (rules, address) => {
        const table = createAddressTable();
        const reference = new BlockList();
        rules.forEach((entry, index) => {
          addRange(table, entry.address, entry.family, entry.prefix, String(index));
          reference.addSubnet(entry.address, entry.prefix, entry.family === 4 ? 'ipv4' : 'ipv6');
        });
        const expected = reference.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
        expect(lookupAddress(table, address) !== undefined, JSON.stringify({ rules, address })).to.equal(expected);
        if (expected) hits += 1;
      }),
      { numRuns: 3000 },
    );
    expect(hits).to.be.greaterThan(300);
  });

  it('any string as an allowlist entry is either a startup problem or a pattern that compiles', () => {
    const entry = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.string({ unit: fc.constantFrom(...'[]:.%/*0123456789abcdefABCDEF'.split('')), maxLength: 24 }),
      pattern,
    );
    fc.assert(
      fc.property(entry, (text) => {
        const result = parseHostPattern(text);
        if ('pattern' in result) compileHostPatterns([result.pattern]);
        else expect(result.problem).to.be.a('string').and.not.equal('');
      }),
      { numRuns: 5000 },
    );
  });

  it('a random token is never accepted', () => {
    fc.assert(
      fc.property(fc.array(printableToken, { minLength: 1, maxLength: 3 }), fc.string({ maxLength: 80 }), (tokens, guess) => {
        fc.pre(!tokens.includes(guess));
        expect(compileTokenVerifier(tokens)(guess)).to.equal(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('rotated tokens of different lengths are all accepted', () => {
    fc.assert(
      fc.property(fc.uniqueArray(printableToken, { minLength: 2, maxLength: 6 }), (tokens) => {
        const verify = compileTokenVerifier(tokens);
        for (const token of tokens) expect(verify(token), token).to.equal(true);
      }),
      { numRuns: 500 },
    );
  });
});
