import { isIP, isIPv4 } from 'node:net';
import { domainToASCII } from 'node:url';
import { parseHostHeader, parsePort } from './parse-host';

/** One `allowedHosts` entry, parsed. `port` pins the pattern to that port. */
export type HostPattern =
  | { readonly kind: 'any'; readonly text: string }
  | { readonly kind: 'name' | 'domain' | 'subdomains'; readonly text: string; readonly name: string; readonly port?: number }
  | { readonly kind: 'address'; readonly text: string; readonly address: string; readonly family: 4 | 6; readonly port?: number }
  | { readonly kind: 'range'; readonly text: string; readonly address: string; readonly family: 4 | 6; readonly prefix: number };

/** A pattern, or the reason it could never match. */
export type HostPatternResult = { readonly pattern: HostPattern } | { readonly problem: string };

/** Characters outside printable ASCII: the name is Unicode, and goes through IDNA to punycode. */
const NEEDS_IDNA = /[^ -~]/;

/**
 * Parses one `allowedHosts` entry. The kinds: `*`; `example.com`; `.example.com` (the domain and its subdomains);
 * `*.example.com` (subdomains only); `10.1.2.3` and `[::1]`; `10.0.0.0/8` and `fd00::/8`. Names and IP literals may
 * carry a `:port`. Unicode names become punycode.
 */
export function parseHostPattern(text: string): HostPatternResult {
  if (text.length === 0) return { problem: 'must not be an empty string.' };
  if (/\s/.test(text)) return { problem: 'contains whitespace. Remove it.' };
  if (text === '*') return { pattern: { kind: 'any', text } };
  if (text.includes('%')) return { problem: 'contains "%". An IPv6 zone (as in "fe80::1%eth0") never appears in a Host header; leave it out.' };
  if (text.includes('/')) return looksLikeUrl(text) ?? parseRange(text);
  const split = splitPort(text);
  if ('problem' in split) return split;
  const { host, port } = split;
  if (host.startsWith('[')) {
    const address = host.slice(1, -1);
    if (isIP(address) !== 6) return { problem: 'is not a valid IPv6 address in brackets, such as "[::1]".' };
    return { pattern: { kind: 'address', text, address, family: 6, ...withPort(port) } };
  }
  if (isIPv4(host)) return { pattern: { kind: 'address', text, address: host, family: 4, ...withPort(port) } };
  if (host.startsWith('*.')) return namePattern(text, 'subdomains', host.slice(2), port);
  if (host.startsWith('.')) return namePattern(text, 'domain', host.slice(1), port);
  if (host.includes('*')) {
    return { problem: 'has a wildcard in the wrong place. Write "*.example.com" for subdomains, or ".example.com" to include the domain itself.' };
  }
  return namePattern(text, 'name', host, port);
}

function splitPort(text: string): { host: string; port: number | undefined } | { problem: string } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return { problem: 'opens a bracket it never closes. Write IPv6 literals as "[::1]".' };
    return withPortText(text.slice(0, close + 1), text.slice(close + 1));
  }
  const colons = text.split(':').length - 1;
  if (colons > 1) {
    return isIP(text) === 6
      ? { problem: `is an IPv6 address without brackets. Write "[${text}]", or "${text}/128" as a range.` }
      : { problem: 'has more than one ":". Write "host:port", with IPv6 literals in brackets.' };
  }
  if (colons === 0) return { host: text, port: undefined };
  const colon = text.indexOf(':');
  return withPortText(text.slice(0, colon), text.slice(colon));
}

function withPortText(host: string, rest: string): { host: string; port: number | undefined } | { problem: string } {
  if (rest === '') return { host, port: undefined };
  const port = rest.startsWith(':') ? parsePort(rest.slice(1)) : null;
  if (port === null || port === 0) return { problem: 'has an invalid port. A port is a number from 1 to 65535, as in "example.com:8443".' };
  return { host, port };
}

function withPort(port: number | undefined): { port?: number } {
  return port === undefined ? {} : { port };
}

function namePattern(
  text: string,
  kind: 'name' | 'domain' | 'subdomains',
  rawName: string,
  port: number | undefined,
): HostPatternResult {
  const ascii = NEEDS_IDNA.test(rawName) ? domainToASCII(rawName) : rawName;
  // The same syntax as a request's host, so that a pattern can never demand a name no request could carry.
  const parsed = ascii.includes(':') ? undefined : parseHostHeader(ascii);
  if (parsed?.address !== undefined) {
    return { problem: 'puts a wildcard or a leading dot before an IP address, which has no subdomains. Write the address, or a range such as "10.0.0.0/8".' };
  }
  const name = parsed?.hostname;
  if (name === undefined) return { problem: nameProblem(ascii) };
  return { pattern: { kind, text, name, ...withPort(port) } };
}

/** Why a name can never match, for a name that `parseHostHeader` refused. */
function nameProblem(name: string): string {
  const lastLabel = name.replace(/\.$/, '').split('.').at(-1) ?? '';
  if (/^(?:[0-9]+|0x[0-9a-f]*)$/i.test(lastLabel)) {
    return (
      'ends in a number but is not an IPv4 address, so URL parsers read it as another address or refuse it, and ' +
      'requests with it are rejected. Write a whole address, as in "10.0.0.1", or a range, as in "10.0.0.0/8".'
    );
  }
  if (/(?:^|\.)xn--/i.test(name)) {
    return 'has a punycode ("xn--") label that does not decode, so no request can carry it. Write the name in Unicode, or in valid punycode.';
  }
  return 'is not a valid host name, so it could never match. Use letters, digits, "-" and "." between non-empty labels.';
}

/**
 * A URL or a host with a path, as people paste them from a browser ("https://example.com", "example.com/"), gets the
 * host to write instead, not an IP range error. An IP address before the "/", or a number after it, is a range.
 */
function looksLikeUrl(text: string): { problem: string } | undefined {
  const isUrl = text.includes('://') || text.startsWith('//');
  const beforeSlash = text.slice(0, text.indexOf('/')).replace(/^\[(.*)\]$/, '$1');
  if (!isUrl && (isIP(beforeSlash) !== 0 || /^[^/]+\/[0-9]{1,3}$/.test(text))) return undefined;
  const host = hostOfUrl(isUrl ? text : `http://${text}`);
  const instead = host === undefined || host === '' ? ', such as "example.com"' : `: ${JSON.stringify(host)}`;
  return {
    problem: isUrl
      ? `is a URL. Write the host alone, without the scheme and path${instead}.`
      : `has a path. Write the host alone, without the path${instead}.`,
  };
}

function hostOfUrl(text: string): string | undefined {
  try {
    return new URL(text.startsWith('//') ? `http:${text}` : text).host;
  } catch {
    return undefined;
  }
}

function parseRange(text: string): HostPatternResult {
  const slash = text.lastIndexOf('/');
  const rawAddress = text.slice(0, slash);
  const address = rawAddress.startsWith('[') && rawAddress.endsWith(']') ? rawAddress.slice(1, -1) : rawAddress;
  const family = isIP(address) as 0 | 4 | 6;
  if (family === 0) return { problem: 'is not a valid IP range: the part before "/" must be an IP address, as in "10.0.0.0/8".' };
  const maxPrefix = family === 4 ? 32 : 128;
  const prefixText = text.slice(slash + 1);
  const prefix = /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!(prefix <= maxPrefix)) {
    return { problem: `is not a valid IP range: the prefix length after "/" must be a number from 0 to ${maxPrefix}.` };
  }
  return { pattern: { kind: 'range', text, address, family, prefix } };
}
