import { parseHostHeader } from '../core/parse-host';
import { coarseNow } from './coarse-clock';
import { createResolveCache, type ResolveCacheOptions } from './resolve-cache';

/** What asking about a name gave: allowed, refused, or no answer in time (a throw, a rejection, a timeout, no slot). */
export type ResolveOutcome = 'allowed' | 'refused' | 'unavailable';

/** The user's callback: is this hostname (lowercase, no port, no trailing dot) one the app serves? */
export type ResolveHost = (hostname: string) => boolean | Promise<boolean>;

/** Counts kept across policy updates, for `stats().resolver`. */
export interface ResolverCounts {
  calls: number;
  hits: number;
  failures: number;
}

/** The resolver as the middleware uses it. */
export interface HostResolver {
  /** The outcome for a hostname: synchronously from the cache, or a promise when the callback must be asked. */
  check(hostname: string): ResolveOutcome | Promise<ResolveOutcome>;
  /** Drops one name from the cache, or every name. */
  invalidate(hostname?: string): void;
  readonly cacheSize: number;
  readonly inFlight: number;
  /** The callback and limits it was made with, so that an update with the same ones can keep its cache. */
  readonly config: ResolverConfig;
}

export interface ResolverConfig {
  readonly resolveHost: ResolveHost;
  readonly cache: ResolveCacheOptions;
  readonly concurrency: number;
  readonly timeout: number;
}

/**
 * Wraps `resolveHost` so that it can never slow or flood the server: answers are cached (bounded, with a time to
 * live); concurrent requests for one name share one call; at most `concurrency` calls run at once, and a request for
 * another uncached name beyond that is answered `unavailable` at once, with no queue; a call that throws, rejects or
 * outlasts `timeout` is `unavailable` and is not cached. Names already cached keep their answer while the store is
 * down.
 */
export function createHostResolver(config: ResolverConfig, counts: ResolverCounts, now: () => number = coarseNow): HostResolver {
  const cache = createResolveCache(config.cache);
  const inFlight = new Map<string, Promise<ResolveOutcome>>();
  let running = 0;

  function ask(hostname: string): Promise<ResolveOutcome> {
    counts.calls += 1;
    running += 1;
    const call = callWithTimeout(config.resolveHost, hostname, config.timeout);
    // The slot is held until the callback itself settles, so that a hanging store cannot be called without bound.
    void call.settled.finally(() => (running -= 1));
    const outcome = call.answer.then(
      (allowed): ResolveOutcome => {
        cache.set(hostname, allowed, now());
        return allowed ? 'allowed' : 'refused';
      },
      (): ResolveOutcome => {
        counts.failures += 1;
        return 'unavailable';
      },
    );
    const shared = outcome.finally(() => inFlight.delete(hostname));
    inFlight.set(hostname, shared);
    return shared;
  }

  return {
    check(hostname) {
      const cached = cache.get(hostname, now());
      if (cached !== undefined) {
        counts.hits += 1;
        return cached ? 'allowed' : 'refused';
      }
      const pending = inFlight.get(hostname);
      if (pending !== undefined) return pending;
      if (running >= config.concurrency) {
        counts.failures += 1;
        return 'unavailable';
      }
      return ask(hostname);
    },
    invalidate(hostname) {
      if (hostname === undefined) cache.clear();
      // A name as the app would write it (any case, a trailing dot, a port) is normalised as a request's host is.
      else cache.delete(parseHostHeader(hostname)?.hostname ?? hostname.toLowerCase());
    },
    get cacheSize() {
      return cache.size;
    },
    get inFlight() {
      return running;
    },
    config,
  };
}

/**
 * Calls the callback and races it against the timeout. `answer` is its boolean, or rejects on a throw, a rejection, a
 * non-boolean or the timeout; `settled` resolves when the callback itself is done, however long that takes.
 */
function callWithTimeout(resolveHost: ResolveHost, hostname: string, timeout: number): { answer: Promise<boolean>; settled: Promise<unknown> } {
  let result: Promise<boolean>;
  try {
    result = Promise.resolve(resolveHost(hostname));
  } catch (error) {
    result = Promise.reject(error);
  }
  const settled = result.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('resolveHost timed out')), timeout);
    timer.unref();
  });
  const checked = result.then((allowed) => {
    if (typeof allowed !== 'boolean') throw new TypeError('resolveHost must return a boolean');
    return allowed;
  });
  const answer = Promise.race([checked, timedOut]).finally(() => clearTimeout(timer));
  return { answer, settled };
}
