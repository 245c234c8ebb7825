import { HealthChecksConfigError, OPTIONS_SOURCE } from '../errors';
import type { HealthChecksOptions } from '../options';
import { normalizeChecks, type NormalizedCheck } from './check-options';
import { checkResolverOptions, type ResolverOptions } from './resolver-options';

/** Options that only code can set; they are not part of the config file's schema. */
export const PROGRAMMATIC_KEYS: readonly string[] = [
  'cwd',
  'configFile',
  'onReject',
  'resolveHost',
  'resolveCache',
  'resolveConcurrency',
  'resolveTimeout',
  'checks',
  'onShutdown',
];

/** The programmatic options split from the config keys, which go through the schema like a file's content. */
export interface SplitOptions {
  readonly cwd: string | undefined;
  readonly configFile: string | false | undefined;
  readonly onReject: HealthChecksOptions['onReject'];
  readonly resolver: ResolverOptions | undefined;
  readonly checks: readonly NormalizedCheck[];
  readonly onShutdown: (() => unknown) | undefined;
  readonly config: unknown;
}

/**
 * Checks the options only code can set and splits them from the rest.
 *
 * @throws {HealthChecksConfigError} when `options` is not an object or one of those three is of the wrong type.
 */
export function checkProgrammaticOptions(options: unknown): SplitOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new HealthChecksConfigError(OPTIONS_SOURCE, ['The options must be an object, such as { allowedHosts: [...] }.']);
  }
  const { cwd, configFile, onReject, resolveHost, resolveCache, resolveConcurrency, resolveTimeout, checks, onShutdown, ...config } = options as Record<string, unknown>;
  const { resolver, problems } = checkResolverOptions({ resolveHost, resolveCache, resolveConcurrency, resolveTimeout });
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === '')) {
    problems.push('cwd must be a directory path, as a non-empty string.');
  }
  if (configFile !== undefined && configFile !== false && (typeof configFile !== 'string' || configFile === '')) {
    problems.push('configFile must be a file path, or false to load no config file.');
  }
  if (onReject !== undefined && typeof onReject !== 'function') {
    problems.push('onReject must be a function (ctx, { host, reason }) => void.');
  }
  if (onShutdown !== undefined && typeof onShutdown !== 'function') {
    problems.push('onShutdown must be a function, such as async () => pool.end().');
  }
  if (problems.length > 0) throw new HealthChecksConfigError(OPTIONS_SOURCE, problems);
  return {
    cwd: cwd as string | undefined,
    configFile: configFile as string | false | undefined,
    onReject: onReject as HealthChecksOptions['onReject'],
    resolver,
    checks: normalizeChecks(checks),
    onShutdown: onShutdown as (() => unknown) | undefined,
    config,
  };
}
