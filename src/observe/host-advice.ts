import { BlockList } from 'node:net';
import { namingRule, type HostMatcher } from '../core/host-matcher';
import { parseHostHeader } from '../core/parse-host';
import { normalizeAddress } from '../core/local-address';

/** What the advice for a host that no entry matches needs to know, beside the host. */
export interface HostAdviceContext {
  readonly hosts: HostMatcher;
  /** The X-Forwarded-Host the request carries when the app does not read it (no trusted proxy). */
  readonly forwardedHost: string | undefined;
  /** The request carries a header that proxies add (X-Forwarded-For, Via, Forwarded, ...). */
  readonly proxied: boolean;
  /** The environment variable that holds the host list in place of `allowedHosts`, when one does. */
  readonly hostsVariable: string | undefined;
}

/**
 * The fix for a host that no `allowedHosts` entry matches, never one that opens more than it says. In order: an
 * X-Forwarded-Host the app ignores (the fix is `app.proxy`, not the proxy's own address); an entry that pins the name to
 * another port; an address that proxies and probers send (loopback, private, link-local), which allowing would let
 * every request carrying it through; and otherwise, adding the name.
 */
export function hostNotAllowedAdvice(host: string, rawHost: string | undefined, context: HostAdviceContext): string {
  const shown = JSON.stringify(rawHost);
  const parsed = parseHostHeader(rawHost);
  const internal = parsed?.address === undefined ? undefined : internalKind(parsed.address);
  const dontAdd =
    internal === undefined
      ? ''
      : ` Do not add ${JSON.stringify(host)} to allowedHosts: every request through that proxy carries it, so the check would pass them all.`;
  if (context.forwardedHost !== undefined) {
    const forwarded = parseHostHeader(context.forwardedHost) === undefined ? '(not shown: not a valid host)' : JSON.stringify(context.forwardedHost);
    return (
      `rejected Host ${shown}, sent with X-Forwarded-Host ${forwarded}, which is ignored: the app does not trust a proxy. ` +
      'If a proxy you run sets X-Forwarded-Host, set app.proxy = true (and leave trustProxy unset), and the forwarded ' +
      `host is checked instead.${dontAdd}`
    );
  }
  const pin = parsed === undefined ? undefined : namingRule(context.hosts, parsed, true);
  if (pin !== undefined) {
    const sent = parsed?.port === undefined ? 'with no port' : `with port ${parsed.port}`;
    return (
      `rejected Host ${shown}: allowedHosts lists ${JSON.stringify(pin)}, which allows that name only with its port in ` +
      `the Host, and this request came ${sent}. Browsers and most clients leave the default port out (80 for http, ` +
      `443 for https). List ${JSON.stringify(pin.replace(/:\d+$/, ''))} to allow it on any port.`
    );
  }
  if (internal !== undefined) {
    const through = context.proxied
      ? ' This request came through a proxy (it carries a proxy header): have the proxy pass the client\'s Host, or set X-Forwarded-Host and app.proxy = true.'
      : '';
    return (
      `rejected Host ${shown}, a ${internal} address. Proxies, load balancers and probers on that network send it, and ` +
      `listing ${JSON.stringify(host)} in allowedHosts would let every request that carries it through, on every path.` +
      `${through} For a prober, send the probe header, or turn on probe.localAddress with probe.paths. List it only ` +
      'if clients really reach the app by that address.'
    );
  }
  const list = context.hostsVariable === undefined ? 'allowedHosts' : `${context.hostsVariable}, the environment variable that holds allowedHosts,`;
  return `rejected Host ${shown}; add ${JSON.stringify(host)} to ${list} to allow it`;
}

/**
 * The address ranges that name a machine on the inside rather than a site: what a proxy or prober sends. Built on first
 * use: a BlockList with IPv6 ranges costs milliseconds of startup, and most processes never explain a rejection.
 */
let internal: readonly [kind: string, list: BlockList][] | undefined;

function internalRanges(): readonly [kind: string, list: BlockList][] {
  internal ??= [
    ['loopback', blockList([['127.0.0.0', 8, 'ipv4'], ['::1', 128, 'ipv6']])],
    ['private-range', blockList([['10.0.0.0', 8, 'ipv4'], ['172.16.0.0', 12, 'ipv4'], ['192.168.0.0', 16, 'ipv4'], ['fc00::', 7, 'ipv6']])],
    ['link-local', blockList([['169.254.0.0', 16, 'ipv4'], ['fe80::', 10, 'ipv6']])],
    ['shared-range (RFC 6598, carrier-grade NAT and some cluster networks)', blockList([['100.64.0.0', 10, 'ipv4']])],
    ['unspecified', blockList([['0.0.0.0', 8, 'ipv4'], ['::', 128, 'ipv6']])],
  ];
  return internal;
}

function blockList(ranges: readonly [string, number, 'ipv4' | 'ipv6'][]): BlockList {
  const list = new BlockList();
  for (const [address, prefix, family] of ranges) list.addSubnet(address, prefix, family);
  return list;
}

/** `loopback`, `private-range`, `link-local`, `shared-range…` or `unspecified`, or `undefined` for any other address. */
export function internalKind(address: string): string | undefined {
  const normal = normalizeAddress(address);
  const family = normal.includes(':') ? 'ipv6' : 'ipv4';
  return internalRanges().find(([, list]) => list.check(normal, family))?.[0];
}
