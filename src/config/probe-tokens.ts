import type { HealthChecksConfig } from '../config-types.generated';

/** Printable ASCII with no whitespace at either end: what a header can carry unchanged (RFC 9110 field values). */
const SENDABLE_TOKEN = /^[!-~](?:[ -~]*[!-~])?$/;

type ProbeValue = NonNullable<HealthChecksConfig['probe']>['value'];

/** The tokens that resolved, and any problem with them. Problems never quote a token. */
export interface ResolvedTokens {
  readonly tokens: readonly string[];
  readonly problems: readonly string[];
}

/**
 * Resolves the accepted tokens. Programmatic `probe.value` wins, then the environment variable, then the config
 * file's `probe.value`. The variable may list several tokens separated by commas; blank entries are dropped.
 */
export function resolveTokens(
  fromOptions: ProbeValue,
  fromFile: ProbeValue,
  env: NodeJS.ProcessEnv,
  variable: string,
): ResolvedTokens {
  if (fromOptions !== undefined) return { tokens: asList(fromOptions), problems: [] };
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const tokens = fromEnv
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token !== '');
    const unsendable = tokens.filter((token) => !SENDABLE_TOKEN.test(token)).length;
    const problems =
      unsendable === 0
        ? []
        : [
            `The environment variable ${variable} holds ${unsendable} token(s) that a header cannot carry. ` +
              'Use printable ASCII characters only, and separate tokens with commas.',
          ];
    return { tokens, problems };
  }
  return { tokens: fromFile === undefined ? [] : asList(fromFile), problems: [] };
}

function asList(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : value;
}
