import { parseHostPattern } from '../core/host-pattern';

/** What `check` says when tldts is not installed. */
export const PUBLIC_SUFFIX_CHECK_SKIPPED =
  'The public-suffix check was skipped: it needs tldts, an optional peer dependency. Run "npm install --save-dev tldts" to turn it on.';

/**
 * Warnings for `.suffix` and `*.suffix` entries whose suffix is itself a public suffix (`.vercel.app`, `.github.io`,
 * `.co.uk`): they allow names anyone can register. Checked against the Public Suffix List, ICANN and private sections
 * alike, through tldts. That is an optional peer dependency, loaded here only, so that an app's production install
 * neither downloads nor loads the list. A name the list does not know (`.localhost`, `.internal`) gets no warning.
 *
 * @returns the warnings, or `undefined` when tldts is not installed.
 */
export function publicSuffixWarnings(allowedHosts: readonly string[]): string[] | undefined {
  const tldts = loadTldts();
  if (tldts === undefined) return undefined;
  const { parse } = tldts;
  const warnings: string[] = [];
  allowedHosts.forEach((text, index) => {
    const result = parseHostPattern(text);
    if (!('pattern' in result)) return;
    const { pattern } = result;
    if (pattern.kind !== 'domain' && pattern.kind !== 'subdomains') return;
    const listed = parse(pattern.name, { allowPrivateDomains: true });
    if (listed.publicSuffix !== pattern.name || (listed.isIcann !== true && listed.isPrivate !== true)) return;
    warnings.push(
      `allowedHosts[${index}] ${JSON.stringify(text)} allows every name under ${pattern.name}, a public suffix: anyone ` +
        `can register a name there. List your own names instead, such as "myapp.${pattern.name}".`,
    );
  });
  return warnings;
}

function loadTldts(): typeof import('tldts') | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: only `check` needs it
    return require('tldts') as typeof import('tldts');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}
