import type { HealthChecksConfig } from '../config-types.generated';
import { compileHostPatterns } from '../core/host-matcher';
import type { HostPattern } from '../core/host-pattern';
import type { Policy, ProbePolicy } from '../core/decide';
import { compileTokenVerifier } from '../core/probe-token';
import { HealthChecksConfigError, OPTIONS_SOURCE, fileSource, type ConfigSource } from '../errors';
import type { HealthChecksOptions } from '../options';
import { checkConfig, parseAllowedHosts, type CheckedConfig } from './check-config';
import { loadConfig } from './load-config';
import { mergeConfig, withoutUndefined } from './merge-config';
import { resolveTokens, type ResolvedTokens } from './probe-tokens';
import { checkProgrammaticOptions, PROGRAMMATIC_KEYS } from './programmatic-options';

/** Everything the middleware needs, resolved and compiled once at startup. */
export interface Settings {
  readonly policy: Policy;
  /** `undefined` means: follow the Koa app's `proxy` setting, per app. */
  readonly trustProxy: boolean | undefined;
  readonly rejectStatus: number;
  readonly onReject: HealthChecksOptions['onReject'];
}

/** Django's development defaults for ALLOWED_HOSTS. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['.localhost', '127.0.0.1', '[::1]'];

const DEFAULTS = {
  allowedHosts: [...DEFAULT_ALLOWED_HOSTS],
  probe: { header: 'X-Health', valueEnv: 'HEALTH_CHECK_HEADER_VALUE', methods: ['GET', 'HEAD'] },
  exemptPaths: [],
  rejectStatus: 400,
} satisfies HealthChecksConfig;

const DEFAULT_HOST_PATTERNS: readonly HostPattern[] = parseAllowedHosts(DEFAULT_ALLOWED_HOSTS).patterns;

let warnedAboutDefaultHosts = false;

/**
 * Loads the config file, checks it and the options, merges defaults < file < environment (the token) < options, and
 * compiles the matchers.
 *
 * @throws {HealthChecksConfigError} for any problem, naming the file or the options it came from.
 */
export function buildSettings(options: HealthChecksOptions = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const { cwd, configFile, onReject, config: optionConfig } = checkProgrammaticOptions(withoutUndefined(options));
  const fromOptions = checked(optionConfig, OPTIONS_SOURCE, PROGRAMMATIC_KEYS);
  const loaded = loadConfig({ cwd, configFile });
  const file = loaded === null ? undefined : { source: fileSource(loaded.filepath), content: loaded.config };
  const fromFile = file === undefined ? undefined : checked(file.content, file.source);

  const merged = mergeConfig(DEFAULTS, fromFile?.config ?? {}, fromOptions.config);
  const hostPatterns = fromOptions.hostPatterns ?? fromFile?.hostPatterns;
  if (hostPatterns === undefined) warnAboutDefaultHostsInProduction(env);
  const tokens = resolveTokens(fromOptions.config.probe?.value, fromFile?.config.probe?.value, env, probeVariable(merged));
  const probeConfiguredIn =
    fromOptions.config.probe !== undefined ? OPTIONS_SOURCE : fromFile?.config.probe !== undefined ? file?.source : undefined;

  return {
    policy: {
      hosts: compileHostPatterns(hostPatterns ?? DEFAULT_HOST_PATTERNS),
      probe: buildProbePolicy(merged, tokens, probeConfiguredIn),
      exemptPaths: new Set(merged.exemptPaths),
    },
    trustProxy: merged.trustProxy,
    rejectStatus: merged.rejectStatus ?? DEFAULTS.rejectStatus,
    onReject,
  };
}

/** Checks one layer of configuration, throwing every problem it has as one error naming `source`. */
function checked(data: unknown, source: ConfigSource, extraRootKeys?: readonly string[]): CheckedConfig {
  const result = checkConfig(data, extraRootKeys);
  if ('problems' in result) throw new HealthChecksConfigError(source, result.problems);
  return result.checked;
}

/**
 * The probe policy, or `undefined` when the bypass is off. It is on when a token resolves. It fails closed: a probe
 * section with no token is an error (`configuredIn` says where the section is), never an open bypass.
 */
function buildProbePolicy(
  merged: HealthChecksConfig,
  { tokens, problems }: ResolvedTokens,
  configuredIn: ConfigSource | undefined,
): ProbePolicy | undefined {
  const probe = { ...DEFAULTS.probe, ...merged.probe };
  const variable = probe.valueEnv;
  if (problems.length > 0) throw new HealthChecksConfigError({ description: `the environment variable ${variable}` }, problems);
  if (tokens.length === 0) {
    if (configuredIn === undefined) return undefined;
    throw new HealthChecksConfigError(configuredIn, [
      `probe is configured but no token is set. Set the environment variable ${variable} to the token your ` +
        `prober sends in the ${probe.header} header, or remove the probe section to run the host allowlist alone.`,
    ]);
  }
  return {
    header: probe.header.toLowerCase(),
    verifyToken: compileTokenVerifier(tokens),
    paths: probe.paths === undefined ? undefined : new Set(probe.paths),
    methods: new Set(probe.methods),
  };
}

function probeVariable(merged: HealthChecksConfig): string {
  return merged.probe?.valueEnv ?? DEFAULTS.probe.valueEnv;
}

function warnAboutDefaultHostsInProduction(env: NodeJS.ProcessEnv): void {
  if (env.NODE_ENV !== 'production' || warnedAboutDefaultHosts) return;
  warnedAboutDefaultHosts = true;
  process.emitWarning(
    `koa-allow-healthchecks: allowedHosts is not configured, so only ${DEFAULT_ALLOWED_HOSTS.join(', ')} are ` +
      'allowed. Set allowedHosts to the hosts this app serves.',
    { code: 'KOA_ALLOW_HEALTHCHECKS_DEFAULT_HOSTS' },
  );
}
