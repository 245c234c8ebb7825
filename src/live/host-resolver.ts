import type { ResolveCacheOptions, ResolveHost } from '../config/resolver-options';
import { parseHostPattern } from '../core/host-pattern';
import { coarseNow } from './coarse-clock';
import { createResolveCache } from './resolve-cache';

/** What asking about a name gave: allowed, refused, or no answer in time (a throw, a rejection, a timeout, no slot). */
export type ResolveOutcome = 'allowed' | 'refused' | 'unavailable';

/** Counts kept across policy updates, for `stats().resolver`. */
export interface ResolverCounts {
  calls: number;
  hits: number;
  failures: number;
}

/** The resolver as the guard uses it. */
export interface HostResolver {
  /** The outcome for a hostname: synchronously from the cache, or a promise when the callback must be asked. */
  check(hostname: string): ResolveOutcome | Promise<ResolveOutcome>;
  /** Drops one name from the cache, or every name, and keeps any call in flight for it from being cached or joined. */
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

/** A call in flight. `current` turns false when `invalidate()` drops its name: its answer is then not cached. */
interface PendingCall {
  readonly outcome: Promise<ResolveOutcome>;
  current: boolean;
}

/**
 * Wraps `resolveHost` so that it can never slow or flood the server: answers are cached (bounded, with a time to
 * live); concurrent requests for one name share one call; at most `concurrency` calls run at once, and a request for
 * another uncached name beyond that is answered `unavailable` at once, with no queue; a call that throws, rejects or
 * outlasts `timeout` is `unavailable` and is not cached. Names already cached keep their answer while the store is
 * down.
 *
 * Allowed and refused names are cached apart, each up to `max`, so that a flood of unknown names can never evict a
 * tenant that is in use. `invalidate()` wins over a call in flight: its answer is given to the requests that were
 * already waiting for it, and neither cached nor shared with requests that come after.
 */
export function createHostResolver(config: ResolverConfig, counts: ResolverCounts, now: () => number = coarseNow): HostResolver {
  const allowed = createResolveCache(config.cache.max, config.cache.ttl);
  const refused = createResolveCache(config.cache.max, config.cache.negativeTtl);
  const pending = new Map<string, PendingCall>();
  let running = 0;

  function remember(hostname: string, answer: boolean): void {
    (answer ? allowed : refused).set(hostname, now());
    (answer ? refused : allowed).delete(hostname);
  }

  function ask(hostname: string): Promise<ResolveOutcome> {
    counts.calls += 1;
    running += 1;
    const call = callWithTimeout(config.resolveHost, hostname, config.timeout);
    // The slot is held until the callback itself settles, so that a hanging store cannot be called without bound.
    void call.settled.finally(() => (running -= 1));
    const entry: PendingCall = {
      current: true,
      outcome: call.answer.then(
        (answer): ResolveOutcome => {
          if (entry.current) remember(hostname, answer);
          return answer ? 'allowed' : 'refused';
        },
        (): ResolveOutcome => {
          counts.failures += 1;
          return 'unavailable';
        },
      ),
    };
    pending.set(hostname, entry);
    void entry.outcome.finally(() => {
      if (pending.get(hostname) === entry) pending.delete(hostname);
    });
    return entry.outcome;
  }

  function forget(hostname: string): void {
    allowed.delete(hostname);
    refused.delete(hostname);
    const call = pending.get(hostname);
    if (call === undefined) return;
    call.current = false;
    pending.delete(hostname);
  }

  return {
    check(hostname) {
      const time = now();
      if (allowed.has(hostname, time)) {
        counts.hits += 1;
        return 'allowed';
      }
      if (refused.has(hostname, time)) {
        counts.hits += 1;
        return 'refused';
      }
      const call = pending.get(hostname);
      if (call !== undefined) return call.outcome;
      if (running >= config.concurrency) {
        counts.failures += 1;
        return 'unavailable';
      }
      return ask(hostname);
    },
    invalidate(hostname) {
      if (hostname !== undefined) return forget(normalizeName(hostname));
      allowed.clear();
      refused.clear();
      for (const call of pending.values()) call.current = false;
      pending.clear();
    },
    get cacheSize() {
      return allowed.size + refused.size;
    },
    get inFlight() {
      return running;
    },
    config,
  };
}

/**
 * A name as the app would write it (any case, a trailing dot, a port, Unicode) in the form `resolveHost` is asked
 * about, normalised exactly as an `allowedHosts` entry is: "München.example.:8443" is "xn--mnchen-3ya.example".
 */
function normalizeName(hostname: string): string {
  const result = parseHostPattern(hostname);
  return 'pattern' in result && result.pattern.kind === 'name' ? result.pattern.name : hostname.toLowerCase();
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
  const checked = result.then((answer) => {
    if (typeof answer !== 'boolean') throw new TypeError('resolveHost must return a boolean');
    return answer;
  });
  const answer = Promise.race([checked, timedOut]).finally(() => clearTimeout(timer));
  return { answer, settled };
}
