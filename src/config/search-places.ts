/** The name cosmiconfig knows the package's config by, and the package.json key that holds one. */
export const MODULE_NAME = 'healthchecks';

const FORMATS = ['', '.json', '.yaml', '.yml', '.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

/**
 * Search order within each directory; the first file found wins. cosmiconfig's own order: package.json, the rc files,
 * the rc files under `.config/`, then the `.config.*` files, each in every format this package reads.
 */
export const SEARCH_PLACES: readonly string[] = [
  'package.json',
  ...FORMATS.map((format) => `.${MODULE_NAME}rc${format}`),
  ...FORMATS.map((format) => `.config/${MODULE_NAME}rc${format}`),
  ...['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts', '.json', '.yaml', '.yml'].map((format) => `${MODULE_NAME}.config${format}`),
];
