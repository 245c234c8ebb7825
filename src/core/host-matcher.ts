import { addRange, createAddressTable, lookupAddress, type AddressTable } from './address-table';
import { addDomain, createDomainTrie, lookupDomain, type DomainTrie } from './domain-trie';
import type { HostPattern } from './host-pattern';
import type { ParsedHost } from './parse-host';

/** The patterns that apply on one port (or on any port), in lookup structures keyed by what a host is. */
interface RuleSet {
  any: string | undefined;
  readonly names: Map<string, string>;
  readonly domains: DomainTrie;
  readonly addresses: AddressTable;
}

/** Compiled `allowedHosts`: the rules for any port, and the port-pinned rules by port. */
export interface HostMatcher {
  readonly anyPort: RuleSet;
  readonly byPort: ReadonlyMap<number, RuleSet>;
}

/** Builds the lookup structures once, at startup, so that a request costs a few map lookups. */
export function compileHostPatterns(patterns: readonly HostPattern[]): HostMatcher {
  const anyPort = emptyRuleSet();
  const byPort = new Map<number, RuleSet>();
  for (const pattern of patterns) {
    const port = pattern.kind === 'any' || pattern.kind === 'range' ? undefined : pattern.port;
    let rules = anyPort;
    if (port !== undefined) {
      rules = byPort.get(port) ?? emptyRuleSet();
      byPort.set(port, rules);
    }
    addRule(rules, pattern);
  }
  return { anyPort, byPort };
}

/**
 * The `allowedHosts` entry that allows `host`, or `undefined` when none does. Names match names and IP literals
 * match addresses and ranges; `*` matches both. The most specific entry is reported: an exact name before its
 * parent domains, the nearest parent first, and the longest matching range.
 */
export function matchHost(matcher: HostMatcher, host: ParsedHost): string | undefined {
  const pinned = host.port === undefined ? undefined : matcher.byPort.get(host.port);
  return matchRules(matcher.anyPort, host) ?? (pinned === undefined ? undefined : matchRules(pinned, host));
}

function matchRules(rules: RuleSet, host: ParsedHost): string | undefined {
  if (rules.any !== undefined) return rules.any;
  return host.address === undefined ? matchName(rules, host.hostname) : lookupAddress(rules.addresses, host.address);
}

/** An exact name first, then the nearest `.domain` or `*.domain` that encloses it. */
function matchName(rules: RuleSet, hostname: string): string | undefined {
  return rules.names.get(hostname) ?? lookupDomain(rules.domains, hostname);
}

function emptyRuleSet(): RuleSet {
  return {
    any: undefined,
    names: new Map(),
    domains: createDomainTrie(),
    addresses: createAddressTable(),
  };
}

function addRule(rules: RuleSet, pattern: HostPattern): void {
  switch (pattern.kind) {
    case 'any':
      rules.any ??= pattern.text;
      return;
    case 'name':
      setFirst(rules.names, pattern.name, pattern.text);
      return;
    case 'domain':
    case 'subdomains':
      addDomain(rules.domains, pattern.name, pattern.kind, pattern.text);
      return;
    case 'address':
      addRange(rules.addresses, pattern.address, pattern.family, pattern.family === 4 ? 32 : 128, pattern.text);
      return;
    case 'range':
      addRange(rules.addresses, pattern.address, pattern.family, pattern.prefix, pattern.text);
      return;
  }
}

/** The first entry wins, so a lookup reports the pattern as the user listed it first. */
function setFirst(map: Map<string, string>, key: string, text: string): void {
  if (!map.has(key)) map.set(key, text);
}

/**
 * The entry that names `host` one by one, for a certificate: an exact name on any port, pinned or not. With
 * `wildcards`, also a `.domain` or `*.domain` that encloses it, or an address or range that holds it. `*` never counts,
 * and never hides a listed name.
 */
export function namingRule(matcher: HostMatcher, host: ParsedHost, wildcards: boolean): string | undefined {
  for (const rules of [matcher.anyPort, ...matcher.byPort.values()]) {
    const rule =
      host.address === undefined
        ? (rules.names.get(host.hostname) ?? (wildcards ? lookupDomain(rules.domains, host.hostname) : undefined))
        : wildcards
          ? lookupAddress(rules.addresses, host.address)
          : undefined;
    if (rule !== undefined) return rule;
  }
  return undefined;
}
