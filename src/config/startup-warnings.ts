import { nearMissNames } from './near-miss-names';
import { DEFAULT_ALLOWED_HOSTS, type ResolvedConfig } from './resolve-config';

/** Each warning is given once per process: one app often builds several middlewares from the same config. */
const given = new Set<string>();

/**
 * Warns, once, about a configuration that is probably not what was meant: no config file found (in every environment,
 * naming where the search looked), or the development default hosts in production.
 */
export function warnAboutStartupConfig(resolved: ResolvedConfig, env: NodeJS.ProcessEnv): void {
  if (!resolved.usesDefaultHosts) return;
  if (resolved.filepath === undefined && resolved.searched.length + resolved.passedOver.length > 0) {
    warnOnce('KOA_ALLOW_HEALTHCHECKS_NO_CONFIG', noConfigFound(resolved));
  } else if (env.NODE_ENV === 'production') {
    warnOnce(
      'KOA_ALLOW_HEALTHCHECKS_DEFAULT_HOSTS',
      `koa-allow-healthchecks: allowedHosts is not configured, so only ${DEFAULT_ALLOWED_HOSTS.join(', ')} are ` +
        'allowed. Set allowedHosts to the hosts this app serves.',
    );
  }
}

function noConfigFound(resolved: ResolvedConfig): string {
  const openProbe =
    resolved.probe !== undefined && resolved.probe.tokens.length > 0 && resolved.probe.paths === undefined
      ? ` The probe bypass is on (${resolved.probe.valueEnv} is set) on every path, since no probe.paths are set.`
      : '';
  const where = resolved.searched.length === 0 ? 'no directory that is safe to search' : resolved.searched.join(', ');
  const passedOver =
    resolved.passedOver.length === 0 ? '' : ` ${resolved.passedOver.join(', ')} ${resolved.passedOver.length === 1 ? 'was' : 'were'} not searched: anyone can write there.`;
  const nearMisses = nearMissNames(resolved.searched).map(({ filepath, rename }) => ` ${filepath} is not a name the search reads: rename it ${rename}.`);
  return (
    `koa-allow-healthchecks: no config file found in ${where}, and no allowedHosts option was given, so only the ` +
    `defaults ${DEFAULT_ALLOWED_HOSTS.join(', ')} are allowed.${passedOver}${nearMisses.join('')}${openProbe} Put ` +
    'healthchecks.config.json next to your package.json, or pass the cwd or configFile option; pass ' +
    'configFile: false to configure in code alone and silence this warning.'
  );
}

function warnOnce(code: string, message: string): void {
  if (given.has(code)) return;
  given.add(code);
  process.emitWarning(message, { code });
}
