/**
 * The answers of `resolveHost`, bounded in size and in time: least recently used entries go first past `max`, and
 * each entry expires after its own time to live (one for names allowed, a shorter one for names refused).
 *
 * A Map keeps insertion order, so re-inserting an entry on use makes the first key the least recently used one. It is
 * small enough to own here: the package keeps its production dependencies to cosmiconfig and one more.
 */
export interface ResolveCache {
  /** The cached answer, or `undefined` when there is none or it expired. A hit makes the entry most recent. */
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

export function createResolveCache({ max, ttl, negativeTtl }: ResolveCacheOptions): ResolveCache {
  const entries = new Map<string, { allowed: boolean; expires: number }>();
  return {
    get(hostname, now) {
      const entry = entries.get(hostname);
      if (entry === undefined) return undefined;
      entries.delete(hostname);
      if (entry.expires <= now) return undefined;
      entries.set(hostname, entry);
      return entry.allowed;
    },
    set(hostname, allowed, now) {
      const lifetime = allowed ? ttl : negativeTtl;
      entries.delete(hostname);
      if (lifetime <= 0 || max <= 0) return;
      entries.set(hostname, { allowed, expires: now + lifetime });
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
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
