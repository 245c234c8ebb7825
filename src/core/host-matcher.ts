import { BlockList } from 'node:net';
import type { HostPattern } from './host-pattern';
import type { ParsedHost } from './parse-host';

/** The patterns that apply on one port (or on any port), in lookup structures keyed by what a host is. */
interface RuleSet {
  any: string | undefined;
  readonly names: Map<string, string>;
  readonly domains: Map<string, string>;
  readonly subdomains: Map<string, string>;
  readonly addresses: BlockList;
  readonly addressRules: { readonly text: string; readonly list: BlockList }[];
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
 * match addresses and ranges; `*` matches both.
 */
export function matchHost(matcher: HostMatcher, host: ParsedHost): string | undefined {
  const pinned = host.port === undefined ? undefined : matcher.byPort.get(host.port);
  return matchRules(matcher.anyPort, host) ?? (pinned === undefined ? undefined : matchRules(pinned, host));
}

function matchRules(rules: RuleSet, host: ParsedHost): string | undefined {
  if (rules.any !== undefined) return rules.any;
  return host.address === undefined ? matchName(rules, host.hostname) : matchAddress(rules, host.address);
}

/** An exact name, then each parent domain from the nearest up, on label boundaries only. */
function matchName(rules: RuleSet, hostname: string): string | undefined {
  const exact = rules.names.get(hostname) ?? rules.domains.get(hostname);
  if (exact !== undefined) return exact;
  for (let dot = hostname.indexOf('.'); dot !== -1; dot = hostname.indexOf('.', dot + 1)) {
    const parent = hostname.slice(dot + 1);
    const rule = rules.domains.get(parent) ?? rules.subdomains.get(parent);
    if (rule !== undefined) return rule;
  }
  return undefined;
}

function matchAddress(rules: RuleSet, address: string): string | undefined {
  const family = address.includes(':') ? 'ipv6' : 'ipv4';
  if (!rules.addresses.check(address, family)) return undefined;
  return rules.addressRules.find((rule) => rule.list.check(address, family))?.text;
}

function emptyRuleSet(): RuleSet {
  return {
    any: undefined,
    names: new Map(),
    domains: new Map(),
    subdomains: new Map(),
    addresses: new BlockList(),
    addressRules: [],
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
      setFirst(rules.domains, pattern.name, pattern.text);
      return;
    case 'subdomains':
      setFirst(rules.subdomains, pattern.name, pattern.text);
      return;
    case 'address':
    case 'range': {
      const list = new BlockList();
      for (const target of [rules.addresses, list]) addAddressRule(target, pattern);
      rules.addressRules.push({ text: pattern.text, list });
      return;
    }
  }
}

function addAddressRule(list: BlockList, pattern: Extract<HostPattern, { kind: 'address' | 'range' }>): void {
  const family = pattern.family === 4 ? 'ipv4' : 'ipv6';
  if (pattern.kind === 'range') list.addSubnet(pattern.address, pattern.prefix, family);
  else list.addAddress(pattern.address, family);
}

/** The first entry wins, so a lookup reports the pattern as the user listed it first. */
function setFirst(map: Map<string, string>, key: string, text: string): void {
  if (!map.has(key)) map.set(key, text);
}
