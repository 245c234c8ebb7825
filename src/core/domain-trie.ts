/**
 * `.example.com` and `*.example.com` patterns in a tree of labels read from the right (`com`, then `example`), so
 * that matching a host walks its labels once and stops at the first label no pattern continues with: the cost follows
 * the host's depth within the listed domains, never the number of patterns.
 */
export interface DomainTrie {
  readonly root: TrieNode;
}

interface TrieNode {
  readonly children: Map<string, TrieNode>;
  /**
   * Bit n is set when a child's label has n characters (n < 31; longer labels set bit 31). A label whose length has no
   * bit is a miss without copying it out of the host for the Map lookup, which is most misses: `example` is not
   * `com`, `net` or `org`.
   */
  labelLengths: number;
  /** A `.domain` pattern ending here: matches this name and everything below it. */
  domain?: string;
  /** A `*.domain` pattern ending here: matches everything below this name, not the name itself. */
  subdomains?: string;
}

export function createDomainTrie(): DomainTrie {
  return { root: { children: new Map(), labelLengths: 0 } };
}

/** Adds a `.name` (`domain`) or `*.name` (`subdomains`) pattern. The first pattern listed for a name is kept. */
export function addDomain(trie: DomainTrie, name: string, kind: 'domain' | 'subdomains', text: string): void {
  let node = trie.root;
  for (const label of name.split('.').reverse()) {
    let child = node.children.get(label);
    if (child === undefined) {
      child = { children: new Map(), labelLengths: 0 };
      node.children.set(label, child);
      node.labelLengths |= lengthBit(label.length);
    }
    node = child;
  }
  node[kind] ??= text;
}

/** The pattern for the nearest enclosing domain of `hostname` (the most specific), or `undefined`. */
export function lookupDomain(trie: DomainTrie, hostname: string): string | undefined {
  let node = trie.root;
  let found: string | undefined;
  let end = hostname.length;
  while (end > 0) {
    const dot = hostname.lastIndexOf('.', end - 1);
    if ((node.labelLengths & lengthBit(end - dot - 1)) === 0) return found;
    const child = node.children.get(hostname.slice(dot + 1, end));
    if (child === undefined) return found;
    node = child;
    if (dot === -1) return node.domain ?? found;
    found = node.domain ?? node.subdomains ?? found;
    end = dot;
  }
  return found;
}

function lengthBit(length: number): number {
  return 1 << Math.min(length, 31);
}
