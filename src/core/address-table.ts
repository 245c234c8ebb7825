/**
 * IP literals and CIDR ranges in hash tables keyed by prefix length, so that a lookup costs one hash probe per
 * distinct prefix length in use (at most 33 for IPv4, 129 for IPv6), however many ranges are listed.
 *
 * IPv4 and IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are the same host, as Node's BlockList treats them: mapped
 * IPv6 rules are stored as IPv4 rules, and mapped IPv6 hosts are looked up as IPv4.
 */
export interface AddressTable {
  readonly v4: PrefixTable<number>;
  readonly v6: PrefixTable<bigint>;
}

/** One table per prefix length in use, longest first, so that the most specific range wins. */
interface PrefixTable<Key> {
  entries: { readonly prefix: number; readonly networks: Map<Key, string> }[];
}

const MAPPED_NETWORK = 0xffffn; // ::ffff:0:0/96, shifted right by 32

export function createAddressTable(): AddressTable {
  return { v4: { entries: [] }, v6: { entries: [] } };
}

/** Adds `address/prefix` (a single address has the full prefix). The first pattern listed for a range is kept. */
export function addRange(table: AddressTable, address: string, family: 4 | 6, prefix: number, text: string): void {
  if (family === 4) {
    insert(table.v4, prefix, ipv4Key(ipv4ToNumber(address), prefix), text);
    return;
  }
  const value = ipv6ToBigInt(address);
  insert(table.v6, prefix, ipv6Key(value, prefix), text);
  if (prefix >= 96 && value >> 32n === MAPPED_NETWORK) {
    insert(table.v4, prefix - 96, ipv4Key(Number(value & 0xffffffffn), prefix - 96), text);
  } else if (prefix < 96 && ipv6Key(MAPPED_NETWORK << 32n, prefix) === ipv6Key(value, prefix)) {
    insert(table.v4, 0, 0, text);
  }
}

/** The pattern whose range holds `address` (IPv4 dotted quad, or IPv6 without brackets), most specific first. */
export function lookupAddress(table: AddressTable, address: string): string | undefined {
  if (!address.includes(':')) return lookup(table.v4, ipv4ToNumber(address), ipv4Key);
  const value = ipv6ToBigInt(address);
  if (value >> 32n === MAPPED_NETWORK) return lookup(table.v4, Number(value & 0xffffffffn), ipv4Key);
  return lookup(table.v6, value, ipv6Key);
}

/** `key` is the network: the address shifted right by the host bits. */
function insert<Key>(table: PrefixTable<Key>, prefix: number, key: Key, text: string): void {
  let entry = table.entries.find((candidate) => candidate.prefix === prefix);
  if (entry === undefined) {
    entry = { prefix, networks: new Map() };
    table.entries = [...table.entries, entry].sort((a, b) => b.prefix - a.prefix);
  }
  if (!entry.networks.has(key)) entry.networks.set(key, text);
}

function lookup<Key>(table: PrefixTable<Key>, value: Key, keyOf: (value: Key, prefix: number) => Key): string | undefined {
  for (const { prefix, networks } of table.entries) {
    const text = networks.get(keyOf(value, prefix));
    if (text !== undefined) return text;
  }
  return undefined;
}

function ipv4Key(value: number, prefix: number): number {
  return prefix === 0 ? 0 : value >>> (32 - prefix);
}

function ipv6Key(value: bigint, prefix: number): bigint {
  return value >> BigInt(128 - prefix);
}

/** A dotted quad, already validated by `net.isIP`, as an unsigned 32-bit number. */
function ipv4ToNumber(address: string): number {
  let value = 0;
  let octet = 0;
  for (let index = 0; index < address.length; index += 1) {
    const code = address.charCodeAt(index);
    if (code === 46) {
      value = value * 256 + octet;
      octet = 0;
    } else {
      octet = octet * 10 + (code - 48);
    }
  }
  return value * 256 + octet;
}

/**
 * An IPv6 address, already validated by `net.isIP`, as a 128-bit integer. The WHATWG URL parser canonicalises it
 * first (lowercase, `::` compressed, embedded IPv4 in hex), which leaves only `::` to expand.
 */
function ipv6ToBigInt(address: string): bigint {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = '', tail] = canonical.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  return [...headGroups, ...zeros, ...tailGroups].reduce((value, group) => (value << 16n) | BigInt(`0x${group}`), 0n);
}
