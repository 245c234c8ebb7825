import type { HealthChecksConfig } from '../config-types.generated';

/** Merges config layers, later ones winning: `probe` is merged key by key, arrays and other values are replaced. */
export function mergeConfig(...layers: readonly HealthChecksConfig[]): HealthChecksConfig {
  return layers.reduce<HealthChecksConfig>((merged, layer) => {
    const result = { ...merged, ...layer };
    if (merged.probe !== undefined || layer.probe !== undefined) result.probe = { ...merged.probe, ...layer.probe };
    return result;
  }, {});
}

/** A copy without `undefined` values, so that `{ trustProxy: undefined }` means the same as `{}`. */
export function withoutUndefined<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entries = Object.entries(value).filter(([, entry]) => entry !== undefined);
  return Object.fromEntries(entries.map(([key, entry]) => [key, withoutUndefined(entry)])) as T;
}
