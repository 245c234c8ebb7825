/** Loaded on the first typo only: a valid configuration never needs it. */
function levenshtein(): typeof import('fastest-levenshtein') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('fastest-levenshtein') as typeof import('fastest-levenshtein');
}

/**
 * The known name closest to `name`, when it is close enough to be a likely typo (case slips, a letter or two off,
 * a missing plural `s`). Returns `undefined` when nothing is close.
 */
export function suggestName(name: string, knownNames: readonly string[]): string | undefined {
  if (knownNames.length === 0) return undefined;
  const lowered = name.toLowerCase();
  const caseMatch = knownNames.find((known) => known.toLowerCase() === lowered);
  if (caseMatch !== undefined) return caseMatch;
  const { closest, distance } = levenshtein();
  const candidate = closest(lowered, knownNames.map((known) => known.toLowerCase()));
  const maxDistance = Math.max(2, Math.floor(name.length / 3));
  if (distance(lowered, candidate) > maxDistance) return undefined;
  return knownNames.find((known) => known.toLowerCase() === candidate);
}
