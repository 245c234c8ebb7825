// Deterministic allowlists for the benchmarks: `size` entries that mix exact names, .suffix, *.suffix and CIDR ranges,
// with the anchors the benchmark hosts hit listed last, where a linear scan finds them latest.

/** The entries the benchmark's "hit" hosts match, one of each kind. */
export const ANCHORS = ['api.example.com', '.tenant.example.org', '*.apps.example.net', '10.244.0.0/16'];

/** A small seeded PRNG (mulberry32), so that every run benchmarks the same lists. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function noiseEntry(index, next) {
  const roll = next();
  const label = `t${index}x${Math.floor(next() * 1e6).toString(36)}`;
  if (roll < 0.4) return `${label}.customers.example`;
  if (roll < 0.65) return `.${label}.example.com`;
  if (roll < 0.8) return `*.${label}.example.net`;
  const prefix = [16, 20, 24, 28, 32][Math.floor(next() * 5)];
  const a = 100 + Math.floor(next() * 100);
  const b = Math.floor(next() * 256);
  const c = Math.floor(next() * 256);
  const network = prefix <= 16 ? `${a}.${b}.0.0` : prefix <= 24 ? `${a}.${b}.${c & 0xf0}.0` : `${a}.${b}.${c}.${Math.floor(next() * 16) * 16}`;
  return `${network}/${prefix}`;
}

/** An allowlist of `size` entries. Size 1 is the single exact anchor. */
export function allowlist(size) {
  if (size === 1) return [ANCHORS[0]];
  const next = random(size);
  const noise = Array.from({ length: Math.max(0, size - ANCHORS.length) }, (_, index) => noiseEntry(index, next));
  return [...noise, ...ANCHORS].slice(-size);
}

/** The entries host-validation-middleware understands: exact names and .suffix. */
export function namesAndSuffixes(list) {
  return list.filter((entry) => !entry.includes('/') && !entry.startsWith('*'));
}
