import type { HealthChecksConfig } from '../config-types.generated';
import { parseHostPattern, type HostPattern } from '../core/host-pattern';
import { validateAgainstSchema } from './schema-validation';

/** A config layer that passed every check, with its host patterns parsed. */
export interface CheckedConfig {
  readonly config: HealthChecksConfig;
  readonly hostPatterns: readonly HostPattern[] | undefined;
}

/**
 * Checks one layer of configuration (a file's content, or the programmatic options) against the schema, then checks
 * that every `allowedHosts` entry could match something. Returns the problems, or the checked layer.
 */
export function checkConfig(
  data: unknown,
  extraRootKeys: readonly string[] = [],
): { problems: string[] } | { checked: CheckedConfig } {
  const problems = validateAgainstSchema(data, extraRootKeys);
  if (problems.length > 0) return { problems };
  const config = data as HealthChecksConfig;
  if (config.allowedHosts === undefined) return { checked: { config, hostPatterns: undefined } };
  const hostPatterns: HostPattern[] = [];
  config.allowedHosts.forEach((text, index) => {
    const result = parseHostPattern(text);
    if ('pattern' in result) hostPatterns.push(result.pattern);
    else problems.push(`allowedHosts[${index}] ${JSON.stringify(text)} ${result.problem}`);
  });
  return problems.length > 0 ? { problems } : { checked: { config, hostPatterns } };
}
