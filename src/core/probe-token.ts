import { createHash, timingSafeEqual } from 'node:crypto';

/** Tells whether a presented header value is one of the configured tokens. */
export type TokenVerifier = (presented: string | undefined) => boolean;

/**
 * Precomputes the SHA-256 digest of each token. A request's value is hashed once and compared with every digest in
 * constant time, without stopping at the first match, so neither the length nor the position of a token leaks.
 * A missing or empty value never matches.
 */
export function compileTokenVerifier(tokens: readonly string[]): TokenVerifier {
  const digests = tokens.map(sha256);
  return function verifyProbeToken(presented) {
    if (presented === undefined || presented.length === 0) return false;
    const digest = sha256(presented);
    let matched = false;
    for (const expected of digests) matched = timingSafeEqual(expected, digest) || matched;
    return matched;
  };
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'latin1').digest();
}
