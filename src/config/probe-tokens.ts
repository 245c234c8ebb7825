import type { HealthChecksConfig } from '../config-types.generated';

/** Printable ASCII with no whitespace at either end: what a header can carry unchanged (RFC 9110 field values). */
const SENDABLE_TOKEN = /^[!-~](?:[ -~]*[!-~])?$/;

type ProbeValue = NonNullable<HealthChecksConfig['probe']>['value'];

/** Where the tokens came from; `none` when local-address probes alone are on. */
export type TokenSource = 'options' | 'environment' | 'config file' | 'none';

/** The tokens that resolved and where from, or the problems with them. Problems never quote a token. */
export type ResolvedTokens = { readonly tokens: readonly string[]; readonly source: TokenSource } | { readonly problems: readonly string[] };

/**
 * Resolves the accepted tokens. Programmatic `probe.value` wins, then the environment variable, then the config
 * file's `probe.value`. The variable may list several tokens separated by commas; blank entries are dropped.
 */
export function resolveTokens(fromOptions: ProbeValue, fromFile: ProbeValue, env: NodeJS.ProcessEnv, variable: string): ResolvedTokens {
  if (fromOptions !== undefined) return { tokens: asList(fromOptions), source: 'options' };
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const tokens = fromEnv
      .split(',')
      .map((token) => token.trim())
      .filter((token) => token !== '');
    const unsendable = tokens.filter((token) => !SENDABLE_TOKEN.test(token)).length;
    if (unsendable === 0) return { tokens, source: 'environment' };
    return {
      problems: [
        `The environment variable ${variable} holds ${unsendable} token(s) that a header cannot carry. ` +
          'Use printable ASCII characters only, and separate tokens with commas.',
      ],
    };
  }
  return { tokens: fromFile === undefined ? [] : asList(fromFile), source: 'config file' };
}

function asList(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : value;
}
