/**
 * Thrown by `healthChecks()`, `probeBypass()`, `hostAllowlist()` and `loadConfig()` when the configuration cannot be
 * used. It is always thrown at startup, never while serving a request.
 *
 * The message starts with where the configuration came from and lists every problem by key path, for example
 * `allowedHosts[1] "10.0.0.0/33" is not a valid IP range: ...`. Token values are never quoted.
 */
export class HealthChecksConfigError extends Error {
  /** The config file the problems came from, when they came from a file. */
  readonly filepath: string | undefined;
  /** One line per problem, each starting with the key path it concerns. */
  readonly problems: readonly string[];

  constructor(source: ConfigSource, problems: readonly string[], options?: { cause?: unknown }) {
    super(formatMessage(source, problems), options);
    this.name = 'HealthChecksConfigError';
    this.filepath = source.filepath;
    this.problems = problems;
  }
}

/** Where a piece of configuration came from, for error messages. */
export interface ConfigSource {
  /** Human wording, e.g. `config file /app/.healthchecksrc.json` or `options passed to healthChecks()`. */
  readonly description: string;
  readonly filepath?: string;
}

export function fileSource(filepath: string): ConfigSource {
  return { description: `config file ${filepath}`, filepath };
}

export const OPTIONS_SOURCE: ConfigSource = { description: 'the programmatic options' };

/** The message lists this many problems; `problems` holds them all. */
const LISTED_PROBLEMS = 50;

function formatMessage(source: ConfigSource, problems: readonly string[]): string {
  const heading = `Invalid koa-allow-healthchecks configuration in ${source.description}:`;
  const listed = problems.slice(0, LISTED_PROBLEMS).map((problem) => `  - ${problem}`);
  const more = problems.length - listed.length;
  const tail = more > 0 ? [`  … and ${more} more problems, listed in the error's \`problems\`.`] : [];
  return [heading, ...listed, ...tail].join('\n');
}
