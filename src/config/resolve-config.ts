import type { HealthChecksConfig } from '../config-types.generated';
import type { HostPattern } from '../core/host-pattern';
import { HealthChecksConfigError, OPTIONS_SOURCE, fileSource, type ConfigSource } from '../errors';
import type { HealthChecksOptions } from '../options';
import { checkConfig, parseAllowedHosts, type CheckedConfig } from './check-config';
import { DEFAULT_ALLOWED_HOSTS_ENV, hostsFromEnv } from './hosts-from-env';
import { ES_MODULE_RELOAD } from './file-loaders';
import { findConfig, type ConfigFile } from './load-config';
import { mergeConfig, withoutUndefined } from './merge-config';
import { resolveTokens, type TokenSource } from './probe-tokens';
import { checkProgrammaticOptions, PROGRAMMATIC_KEYS } from './programmatic-options';
import type { NormalizedCheck } from './check-options';
import type { ResolverOptions } from './resolver-options';

/** Django's development defaults for ALLOWED_HOSTS. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ['.localhost', '127.0.0.1', '[::1]'];

const DEFAULTS = {
  allowedHosts: [...DEFAULT_ALLOWED_HOSTS],
  probe: { header: 'X-Health', valueEnv: 'HEALTH_CHECK_HEADER_VALUE', methods: ['GET', 'HEAD'], localAddress: false },
  exemptPaths: [],
  rejectStatus: 400,
  reportOnly: false,
  watch: false,
} satisfies HealthChecksConfig;

/** Parsed when used, not when loaded: parsing "[::1]" compiles Node's IPv6 address check, 4 ms of startup. */
function defaultHostPatterns(): readonly HostPattern[] {
  return parseAllowedHosts(DEFAULT_ALLOWED_HOSTS).patterns;
}

/** The probe bypass as configured, with its tokens resolved. */
export interface ResolvedProbe {
  readonly header: string;
  readonly valueEnv: string;
  /** Secrets: never print them. */
  readonly tokens: readonly string[];
  readonly tokenSource: TokenSource;
  readonly paths: readonly string[] | undefined;
  readonly methods: readonly string[];
  /** Local-address probes are on: a request whose Host is the address it arrived on is a probe, with no token. */
  readonly localAddress: boolean;
  /** No token is set where one is needed; only `check` and `explain` with `--allow-missing-token` get this far. */
  readonly tokenMissing: boolean;
}

/** How `resolveConfig` treats a probe section with no token: an error (the middleware), or a warning (the CLI in CI). */
export interface ResolveMode {
  readonly allowMissingToken?: boolean;
}

/** Where `allowedHosts` came from: each layer replaces the list of the one below, so one place gave all of it. */
export type HostsOrigin =
  | { readonly kind: 'options' }
  | { readonly kind: 'environment'; readonly variable: string }
  | { readonly kind: 'file'; readonly filepath: string }
  | { readonly kind: 'defaults' };

/** The whole configuration after defaults, file, environment and options are merged and checked. */
export interface ResolvedConfig {
  /** The config file it came from, if any. */
  readonly filepath: string | undefined;
  /** The directories searched for a config file, in order; empty when `configFile` named one or was `false`. */
  readonly searched: readonly string[];
  /** Directories anyone can write to, where the search did not look. */
  readonly passedOver: readonly string[];
  readonly allowedHosts: readonly string[];
  readonly usesDefaultHosts: boolean;
  readonly allowedHostsFrom: HostsOrigin;
  /** The variable `allowedHosts` is read from, or `false`. */
  readonly allowedHostsEnv: string | false;
  readonly hostPatterns: readonly HostPattern[];
  /** `undefined` when the bypass is off. */
  readonly probe: ResolvedProbe | undefined;
  readonly exemptPaths: readonly string[];
  /** `undefined` means: follow the Koa app's `proxy` setting. */
  readonly trustProxy: boolean | undefined;
  readonly rejectStatus: number;
  /** Report-only mode: would-be rejections go on to the app, flagged. */
  readonly reportOnly: boolean;
  /** Reload when the config file changes. */
  readonly watch: boolean;
  /** The config file and the project files it required, which a reload reads again; empty without a file. */
  readonly watchedFiles: readonly string[];
  /** The config file is, or requires, an ES module, which Node will not evaluate again: it cannot be reloaded. */
  readonly esModule: boolean;
  readonly onReject: HealthChecksOptions['onReject'];
  /** `resolveHost` and its limits, or `undefined` when no `resolveHost` is given. */
  readonly resolver: ResolverOptions | undefined;
  /** The probe endpoints the package answers, by path. */
  readonly endpoints: ReadonlyMap<string, EndpointKind>;
  /** The dependency checks readiness depends on (code only). */
  readonly checks: readonly NormalizedCheck[];
  /** What a shutdown does, every default filled in, and the code it runs last. */
  readonly shutdown: ShutdownSettings;
}

/** `shutdown`, with its defaults, and `onShutdown`. */
export interface ShutdownSettings {
  readonly signals: readonly NodeJS.Signals[];
  readonly drainDelay: number;
  readonly timeout: number;
  readonly onShutdown: (() => unknown) | undefined;
}

/** The probe endpoints: what each answers is in `src/lifecycle/probe-answers.ts`. */
export type EndpointKind = 'liveness' | 'readiness' | 'startup';

/**
 * Loads the config file, checks it and the options, and merges defaults < file < environment (the hosts, the token) <
 * options.
 * `entryDirs` is where the search goes when there is no file from `cwd` (see `findConfig`); the CLI passes `[]`.
 *
 * @throws {HealthChecksConfigError} for any problem, naming the file or the options it came from.
 */
export function resolveConfig(
  options: HealthChecksOptions = {},
  env: NodeJS.ProcessEnv = process.env,
  entryDirs?: readonly string[],
  mode: ResolveMode = {},
): ResolvedConfig {
  const { cwd, configFile, onReject, resolver, checks, onShutdown, config: optionConfig } = checkProgrammaticOptions(withoutUndefined(options));
  const fromOptions = checked(optionConfig, OPTIONS_SOURCE, PROGRAMMATIC_KEYS);
  const { found: loaded, searched, passedOver } = findConfig({ cwd, configFile }, entryDirs);
  const file = loaded === null ? undefined : { source: fileSource(loaded.filepath), content: loaded.config };
  const fromFile = file === undefined ? undefined : checked(file.content, file.source);

  const hosts = resolveHosts(fromOptions, fromFile, loaded?.filepath, file?.source, env);
  const merged = mergeConfig(DEFAULTS, fromFile?.config ?? {}, hosts.layer, fromOptions.config);
  const { hostPatterns, allowedHostsFrom, allowedHostsEnv } = hosts;
  const endpoints = endpointsOf(merged.endpoints, fromOptions.config.endpoints !== undefined ? OPTIONS_SOURCE : (file?.source ?? OPTIONS_SOURCE));
  const probeConfiguredIn =
    fromOptions.config.probe !== undefined ? OPTIONS_SOURCE : fromFile?.config.probe !== undefined ? file?.source : undefined;

  return {
    filepath: loaded?.filepath,
    searched,
    passedOver,
    allowedHosts: merged.allowedHosts ?? DEFAULT_ALLOWED_HOSTS,
    usesDefaultHosts: hostPatterns === undefined,
    allowedHostsFrom,
    allowedHostsEnv,
    hostPatterns: hostPatterns ?? defaultHostPatterns(),
    probe: resolveProbe(merged, fromOptions, fromFile, env, probeConfiguredIn, mode, [...endpoints.keys()]),
    exemptPaths: merged.exemptPaths ?? [],
    trustProxy: merged.trustProxy,
    rejectStatus: merged.rejectStatus ?? DEFAULTS.rejectStatus,
    reportOnly: merged.reportOnly ?? DEFAULTS.reportOnly,
    watch: checkWatchable(merged.watch ?? DEFAULTS.watch, loaded),
    watchedFiles: loaded === null ? [] : [loaded.filepath, ...loaded.dependencies],
    esModule: loaded?.esModule === true,
    onReject,
    resolver,
    endpoints,
    checks,
    shutdown: {
      signals: (merged.shutdown?.signals ?? ['SIGTERM', 'SIGINT']) as NodeJS.Signals[],
      drainDelay: merged.shutdown?.drainDelay ?? 5000,
      timeout: merged.shutdown?.timeout ?? 30000,
      onShutdown,
    },
  };
}

/**
 * `allowedHosts` by precedence: the options, else the environment variable `allowedHostsEnv` names (it replaces the
 * file's list), else the file, else the defaults; with where it came from. The variable may not be the token's.
 */
function resolveHosts(
  fromOptions: CheckedConfig,
  fromFile: CheckedConfig | undefined,
  filepath: string | undefined,
  fileSourceOf: ConfigSource | undefined,
  env: NodeJS.ProcessEnv,
) {
  const allowedHostsEnv = fromOptions.config.allowedHostsEnv ?? fromFile?.config.allowedHostsEnv ?? DEFAULT_ALLOWED_HOSTS_ENV;
  const tokenVariable = fromOptions.config.probe?.valueEnv ?? fromFile?.config.probe?.valueEnv ?? DEFAULTS.probe.valueEnv;
  if (allowedHostsEnv === tokenVariable) {
    const source = fromOptions.config.allowedHostsEnv !== undefined ? OPTIONS_SOURCE : (fileSourceOf ?? OPTIONS_SOURCE);
    throw new HealthChecksConfigError(source, [
      `allowedHostsEnv names ${tokenVariable}, the variable that holds the probe token: the token would be read as a ` +
        'host list, and shown in errors. Name another variable, such as "ALLOWED_HOSTS".',
    ]);
  }
  const fromEnv = hostsFromEnv(allowedHostsEnv, env);
  const allowedHostsFrom: HostsOrigin =
    fromOptions.hostPatterns !== undefined
      ? { kind: 'options' }
      : fromEnv !== undefined
        ? { kind: 'environment', variable: fromEnv.variable }
        : fromFile?.hostPatterns !== undefined && filepath !== undefined
          ? { kind: 'file', filepath }
          : { kind: 'defaults' };
  return {
    allowedHostsEnv,
    allowedHostsFrom,
    layer: fromEnv === undefined ? {} : { allowedHosts: [...fromEnv.allowedHosts] },
    hostPatterns: fromOptions.hostPatterns ?? fromEnv?.hostPatterns ?? fromFile?.hostPatterns,
  };
}

/** The endpoints by path; two endpoints on one path are an error, naming the key that repeats it. */
function endpointsOf(endpoints: HealthChecksConfig['endpoints'], source: ConfigSource): Map<string, EndpointKind> {
  const byPath = new Map<string, EndpointKind>();
  for (const kind of ['liveness', 'readiness', 'startup'] as const) {
    const path = endpoints?.[kind];
    if (path === undefined) continue;
    const taken = byPath.get(path);
    if (taken !== undefined) {
      throw new HealthChecksConfigError(source, [`endpoints.${kind} is ${JSON.stringify(path)}, the path of endpoints.${taken} too. Give each endpoint a path of its own.`]);
    }
    byPath.set(path, kind);
  }
  return byPath;
}

/** `watch`, refused for an ES module config, whose edits Node would never let a reload apply. */
function checkWatchable(watch: boolean, file: ConfigFile | null): boolean {
  if (watch && file?.esModule === true) {
    throw new HealthChecksConfigError(fileSource(file.filepath), [`watch is on, but the file is, or loads, an ES module. ${ES_MODULE_RELOAD}`]);
  }
  return watch;
}

/** Checks one layer of configuration, throwing every problem it has as one error naming `source`. */
function checked(data: unknown, source: ConfigSource, extraRootKeys?: readonly string[]): CheckedConfig {
  const result = checkConfig(data, extraRootKeys);
  if ('problems' in result) throw new HealthChecksConfigError(source, result.problems);
  return result.checked;
}

/**
 * The probe bypass, or `undefined` when it is off. It is on when a token resolves, or when `probe.localAddress` is on.
 * It fails closed: a probe section with neither is an error (`configuredIn` says where the section is), never an
 * open bypass; so is `localAddress` without `probe.paths`, which would open every route with no token at all.
 */
function resolveProbe(
  merged: HealthChecksConfig,
  fromOptions: CheckedConfig,
  fromFile: CheckedConfig | undefined,
  env: NodeJS.ProcessEnv,
  configuredIn: ConfigSource | undefined,
  mode: ResolveMode,
  endpointPaths: readonly string[],
): ResolvedProbe | undefined {
  const merging = { ...DEFAULTS.probe, ...merged.probe };
  // The endpoints are probe paths: they join a list of paths, and with none they are the list, so that a token never
  // opens every route because the endpoints made probe.paths seem unneeded.
  const paths =
    merging.paths !== undefined ? [...new Set([...merging.paths, ...endpointPaths])] : endpointPaths.length > 0 ? [...endpointPaths] : undefined;
  const probe = { ...merging, paths };
  const variable = probe.valueEnv;
  const resolved = resolveTokens(fromOptions.config.probe?.value, fromFile?.config.probe?.value, env, variable);
  if ('problems' in resolved) {
    throw new HealthChecksConfigError({ description: `the environment variable ${variable}` }, resolved.problems);
  }
  const localAddress = probe.localAddress === true;
  if (localAddress && probe.paths === undefined) {
    throw new HealthChecksConfigError(configuredIn ?? OPTIONS_SOURCE, [
      'probe.localAddress is on but probe.paths is not set. A local-address probe needs no token, so list the ' +
        'health endpoints it may reach, such as "paths": ["/health-check/", "/ready"].',
    ]);
  }
  if (resolved.tokens.length === 0 && !localAddress) {
    if (configuredIn === undefined) return undefined;
    if (mode.allowMissingToken === true) return { ...probeOf(probe, variable, localAddress), tokens: [], tokenSource: 'none', tokenMissing: true };
    throw new HealthChecksConfigError(configuredIn, [
      `probe is configured but no token is set. Set the environment variable ${variable} to the token your ` +
        `prober sends in the ${probe.header} header, or remove the probe section to run the host allowlist alone.`,
    ]);
  }
  return {
    ...probeOf(probe, variable, localAddress),
    tokens: resolved.tokens,
    tokenSource: resolved.tokens.length === 0 ? 'none' : resolved.source,
    tokenMissing: false,
  };
}

function probeOf(probe: NonNullable<HealthChecksConfig['probe']>, variable: string, localAddress: boolean) {
  return { header: probe.header ?? DEFAULTS.probe.header, valueEnv: variable, paths: probe.paths, methods: probe.methods ?? DEFAULTS.probe.methods, localAddress };
}
