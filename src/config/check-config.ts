import type { HealthChecksConfig } from '../config-types.generated';
import { parseHostPattern, type HostPattern } from '../core/host-pattern';
import { validateAgainstSchema } from './schema-validation';

/** A config layer that passed every check, with its host patterns parsed. */
export interface CheckedConfig {
  readonly config: HealthChecksConfig;
  readonly hostPatterns: readonly HostPattern[] | undefined;
}

/**
 * Checks one layer of configuration (a file's content, or the programmatic options) against the schema, and checks
 * that every `allowedHosts` entry could match something. Returns all the problems, or the checked layer.
 */
export function checkConfig(
  data: unknown,
  extraRootKeys: readonly string[] = [],
): { problems: string[] } | { checked: CheckedConfig } {
  const texts = hostTexts(data);
  const hosts = texts === undefined ? undefined : parseAllowedHosts(texts);
  // concat, not push(...): a spread of 140,000 problems would overflow the call stack.
  const problems = validateAgainstSchema(data, extraRootKeys).concat(hosts?.problems ?? []);
  if (problems.length > 0) return { problems };
  return { checked: { config: data as HealthChecksConfig, hostPatterns: hosts?.patterns } };
}

/** `allowedHosts`, when it is a list of non-empty strings; the schema reports anything else. */
function hostTexts(data: unknown): string[] | undefined {
  const hosts = (data as { allowedHosts?: unknown } | null)?.allowedHosts;
  if (!Array.isArray(hosts) || !hosts.every((host) => typeof host === 'string' && host !== '')) return undefined;
  return hosts as string[];
}

/**
 * Parses every `allowedHosts` entry, with a problem line for each that could never match, naming it by `label`: its
 * key path in a file, or its place in an environment variable.
 */
export function parseAllowedHosts(
  texts: readonly string[],
  label: (index: number) => string = (index) => `allowedHosts[${index}]`,
): { patterns: HostPattern[]; problems: string[] } {
  const patterns: HostPattern[] = [];
  const problems: string[] = [];
  texts.forEach((text, index) => {
    if (text === '') {
      problems.push(`${label(index)} is empty. Remove the extra comma.`);
      return;
    }
    const result = parseHostPattern(text);
    if ('pattern' in result) patterns.push(result.pattern);
    else problems.push(`${label(index)} ${JSON.stringify(text)} ${result.problem}`);
  });
  return { patterns, problems };
}
