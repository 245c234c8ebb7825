/**
 * The answers of `resolveHost`, bounded in size and in time: past `max` entries the least recently used go first,
 * and each entry expires after its own time to live (one for names allowed, a shorter one for names refused).
 *
 * Recency follows the CLOCK algorithm, the usual approximation of LRU: a hit only marks its entry as used, and
 * eviction walks from the oldest entry, giving a used one a second chance (it moves to the back, unmarked) and evicting
 * the first unused one. A hit costs one Map lookup and one write, and eviction is O(1) amortised, also under a flood
 * of names that are never asked for again. It is small enough to own here: the package keeps its production
 * dependencies few.
 */
export interface ResolveCache {
  /** The cached answer, or `undefined` when there is none or it expired. */
  get(hostname: string, now: number): boolean | undefined;
  set(hostname: string, allowed: boolean, now: number): void;
  delete(hostname: string): void;
  clear(): void;
  readonly size: number;
}

/** `max` entries at most; `ttl` and `negativeTtl` in milliseconds, for allowed and refused names. */
export interface ResolveCacheOptions {
  max: number;
  ttl: number;
  negativeTtl: number;
}

interface Entry {
  readonly allowed: boolean;
  readonly expires: number;
  used: boolean;
}

export function createResolveCache({ max, ttl, negativeTtl }: ResolveCacheOptions): ResolveCache {
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
    get(hostname, now) {
      const entry = entries.get(hostname);
      if (entry === undefined) return undefined;
      if (entry.expires <= now) {
        entries.delete(hostname);
        return undefined;
      }
      entry.used = true;
      return entry.allowed;
    },
    set(hostname, allowed, now) {
      const lifetime = allowed ? ttl : negativeTtl;
      entries.delete(hostname);
      if (lifetime <= 0 || max <= 0) return;
      entries.set(hostname, { allowed, expires: now + lifetime, used: false });
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
