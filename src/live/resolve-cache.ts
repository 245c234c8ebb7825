/**
 * One kind of `resolveHost` answer (the names allowed, or the names refused), bounded in size and in time: past `max`
 * entries the least recently used go first, and each entry expires `ttl` after it was set.
 *
 * Recency follows the CLOCK algorithm, the usual approximation of LRU: a hit only marks its entry as used, and
 * eviction walks from the oldest entry, giving a used one a second chance (it moves to the back, unmarked) and evicting
 * the first unused one. A hit costs one Map lookup and one write, and eviction is O(1) amortised, also under a flood
 * of names that are never asked for again. It is small enough to own here: the package keeps its production
 * dependencies few.
 */
export interface ResolveCache {
  /** Whether the name is cached and has not expired. */
  has(hostname: string, now: number): boolean;
  set(hostname: string, now: number): void;
  delete(hostname: string): void;
  clear(): void;
  readonly size: number;
}

interface Entry {
  readonly expires: number;
  used: boolean;
}

/** A cache of `max` names at most, each kept `ttl` milliseconds; `max` or `ttl` of 0 caches nothing. */
export function createResolveCache(max: number, ttl: number): ResolveCache {
  const entries = new Map<string, Entry>();

  function evictOne(): void {
    for (const [hostname, entry] of entries) {
      entries.delete(hostname);
      if (!entry.used) return;
      entry.used = false;
      entries.set(hostname, entry);
    }
  }

  return {
    has(hostname, now) {
      const entry = entries.get(hostname);
      if (entry === undefined) return false;
      if (entry.expires <= now) {
        entries.delete(hostname);
        return false;
      }
      entry.used = true;
      return true;
    },
    set(hostname, now) {
      entries.delete(hostname);
      if (ttl <= 0 || max <= 0) return;
      entries.set(hostname, { expires: now + ttl, used: false });
      while (entries.size > max) evictOne();
    },
    delete(hostname) {
      entries.delete(hostname);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
