import type { HostPattern } from '../core/host-pattern';
import { HealthChecksConfigError } from '../errors';
import { parseAllowedHosts } from './check-config';

/** The variable read for `allowedHosts` unless `allowedHostsEnv` names another, or is `false`. */
export const DEFAULT_ALLOWED_HOSTS_ENV = 'ALLOWED_HOSTS';

/** `allowedHosts` as an environment variable gave it. */
export interface HostsFromEnv {
  readonly variable: string;
  readonly allowedHosts: readonly string[];
  readonly hostPatterns: readonly HostPattern[];
}

/**
 * The host list in the variable `variable`, comma-separated, each entry trimmed; `undefined` when the variable is not
 * set (or `variable` is `false`). Checked as the file's list is: a blank entry, or one that could never match, is an
 * error naming the variable and the entry, never a list quietly shorter than the one meant.
 *
 * @throws {HealthChecksConfigError} naming the variable.
 */
export function hostsFromEnv(variable: string | false, env: NodeJS.ProcessEnv): HostsFromEnv | undefined {
  if (variable === false) return undefined;
  const value = env[variable];
  if (value === undefined) return undefined;
  const source = { description: `the environment variable ${variable}` };
  const entries = value.split(',').map((entry) => entry.trim());
  if (entries.every((entry) => entry === '')) {
    throw new HealthChecksConfigError(source, [
      `${variable} is set but empty. Unset it to use the config file's allowedHosts, or list the hosts: ${variable}=example.com,.example.org`,
    ]);
  }
  const { patterns, problems } = parseAllowedHosts(entries, (index) => `${variable} entry ${index + 1}`);
  if (problems.length > 0) throw new HealthChecksConfigError(source, problems);
  return { variable, allowedHosts: entries, hostPatterns: patterns };
}
