import { parseHostPattern } from '../core/host-pattern';

/**
 * Warnings for `.suffix` and `*.suffix` entries whose suffix is itself a public suffix (`.vercel.app`, `.github.io`,
 * `.co.uk`): they allow names anyone can register. Checked against the Public Suffix List, ICANN and private sections
 * alike, through tldts, which is loaded here only, so that the middleware never pays for it. A name the list does not
 * know (`.localhost`, `.internal`) gets no warning.
 */
export function publicSuffixWarnings(allowedHosts: readonly string[]): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: only `check` needs it
  const { parse } = require('tldts') as typeof import('tldts');
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
