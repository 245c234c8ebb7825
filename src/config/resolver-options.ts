/** The user's callback: is this hostname (lowercase, no port, no trailing dot) one the app serves? */
export type ResolveHost = (hostname: string) => boolean | Promise<boolean>;

/** The cache of its answers: `max` names at most; `ttl` and `negativeTtl` in milliseconds, for allowed and refused names. */
export interface ResolveCacheOptions {
  max: number;
  ttl: number;
  negativeTtl: number;
}

/** `resolveHost` and its limits, checked, with the defaults filled in; `undefined` when no `resolveHost` is given. */
export interface ResolverOptions {
  readonly resolveHost: ResolveHost;
  readonly cache: ResolveCacheOptions;
  readonly concurrency: number;
  readonly timeout: number;
}

export const RESOLVER_DEFAULTS = { cache: { max: 10_000, ttl: 60_000, negativeTtl: 5_000 }, concurrency: 32, timeout: 1_000 } as const;

/**
 * Checks `resolveHost`, `resolveCache`, `resolveConcurrency` and `resolveTimeout`. Returns the options, or a problem
 * line per bad value. The limits without `resolveHost` are a problem too: they would do nothing.
 */
export function checkResolverOptions(raw: {
  resolveHost?: unknown;
  resolveCache?: unknown;
  resolveConcurrency?: unknown;
  resolveTimeout?: unknown;
}): { resolver: ResolverOptions | undefined; problems: string[] } {
  const problems: string[] = [];
  const { resolveHost, resolveCache = {}, resolveConcurrency = RESOLVER_DEFAULTS.concurrency, resolveTimeout = RESOLVER_DEFAULTS.timeout } = raw;
  if (resolveHost !== undefined && typeof resolveHost !== 'function') {
    problems.push('resolveHost must be a function (hostname) => boolean | Promise<boolean>.');
  }
  if (resolveHost === undefined && (raw.resolveCache !== undefined || raw.resolveConcurrency !== undefined || raw.resolveTimeout !== undefined)) {
    problems.push('resolveCache, resolveConcurrency and resolveTimeout only apply with resolveHost. Pass resolveHost, or remove them.');
  }
  const cache: ResolveCacheOptions = { ...RESOLVER_DEFAULTS.cache };
  if (typeof resolveCache !== 'object' || resolveCache === null || Array.isArray(resolveCache)) {
    problems.push('resolveCache must be an object such as { max: 10000, ttl: 60000, negativeTtl: 5000 }.');
  } else {
    for (const [key, value] of Object.entries(resolveCache)) {
      if (!(key in cache)) problems.push(`resolveCache.${key} is not a known option. Known options here: max, ttl, negativeTtl.`);
      else if (!isWholeNumber(value, 0)) problems.push(`resolveCache.${key} must be a whole number of ${key === 'max' ? 'names' : 'milliseconds'}, 0 or more (got ${String(value)}).`);
      else cache[key as keyof ResolveCacheOptions] = value as number;
    }
  }
  if (!isWholeNumber(resolveConcurrency, 1)) problems.push(`resolveConcurrency must be a whole number, 1 or more (got ${String(resolveConcurrency)}).`);
  if (!isWholeNumber(resolveTimeout, 1)) problems.push(`resolveTimeout must be a whole number of milliseconds, 1 or more (got ${String(resolveTimeout)}).`);
  if (problems.length > 0 || typeof resolveHost !== 'function') return { resolver: undefined, problems };
  return { resolver: { resolveHost: resolveHost as ResolveHost, cache, concurrency: resolveConcurrency as number, timeout: resolveTimeout as number }, problems };
}

function isWholeNumber(value: unknown, minimum: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= minimum;
}
