import { isIPv6 } from 'node:net';
import type { Decision } from './decide';
import { namingRule, type HostMatcher } from './host-matcher';
import { parseHostHeader } from './parse-host';

/**
 * Whether a certificate may be requested for `domain` (Caddy's on-demand TLS `ask`): only for a name an
 * `allowedHosts` entry names one by one, so that nobody can make the server order certificates for names of their
 * choosing. With `wildcards`, names under a `.domain` or `*.domain` entry and addresses in a listed range count too.
 *
 * A refusal is `host-not-allowed` for a valid name, which `resolveHost` may still allow, `invalid-host` for anything
 * else (a port, a comma list, the parameter given twice, no valid host at all), and `missing-host` for no domain.
 */
export function decideCertificate(hosts: HostMatcher, domain: string | readonly string[] | undefined, wildcards: boolean): Decision {
  if (domain === undefined || domain === '') return { allowed: false, host: null, hostIsAddress: false, reason: 'missing-host' };
  // Caddy names a connection without SNI by its address, and writes an IPv6 one bare.
  const parsed = typeof domain === 'string' ? parseHostHeader(isIPv6(domain) ? `[${domain}]` : domain) : undefined;
  if (parsed === undefined || parsed.port !== undefined) return { allowed: false, host: null, hostIsAddress: false, reason: 'invalid-host' };
  const rule = namingRule(hosts, parsed, wildcards);
  if (rule !== undefined) return { allowed: true, state: { probe: false, via: null, host: parsed.hostname }, rule };
  return { allowed: false, host: parsed.hostname, hostIsAddress: parsed.address !== undefined, reason: 'host-not-allowed' };
}
