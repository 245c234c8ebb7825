import { compileHostPatterns } from '../core/host-matcher';
import type { Policy, ProbePolicy } from '../core/decide';
import { compileTokenVerifier } from '../core/probe-token';
import type { HealthChecksOptions } from '../options';
import type { ResolverOptions } from './resolver-options';
import type { NormalizedCheck } from './check-options';
import { resolveConfig, type EndpointKind, type HostsOrigin, type ResolvedConfig, type ResolvedProbe, type ShutdownSettings } from './resolve-config';
import { warnAboutStartupConfig } from './startup-warnings';

/** Everything the middleware needs, resolved and compiled once at startup. */
export interface Settings {
  readonly policy: Policy;
  /** `undefined` means: follow the Koa app's `proxy` setting, per app. */
  readonly trustProxy: boolean | undefined;
  readonly rejectStatus: number;
  readonly reportOnly: boolean;
  /** Where `allowedHosts` came from, so that advice names the list that really holds the hosts. */
  readonly allowedHostsFrom: HostsOrigin;
  /** The probe endpoints the package answers, by path, and the checks readiness depends on. */
  readonly endpoints: ReadonlyMap<string, EndpointKind>;
  readonly checks: readonly NormalizedCheck[];
  readonly shutdown: ShutdownSettings;
  readonly onReject: HealthChecksOptions['onReject'];
  /** `resolveHost` and its limits, or `undefined`; the live policy turns them into a resolver with its cache. */
  readonly resolverOptions: ResolverOptions | undefined;
  /** The config file this came from, whether to watch it, and the files to watch (it, and those it required). */
  readonly filepath: string | undefined;
  readonly watch: boolean;
  readonly watchedFiles: readonly string[];
  /** The config file is, or requires, an ES module: `reload()` cannot read it again. */
  readonly esModule: boolean;
}

/**
 * Resolves the configuration and compiles it into lookup structures, as `healthChecks()` does at startup.
 *
 * @throws {HealthChecksConfigError} for any problem, naming the file or the options it came from.
 */
export function buildSettings(options: HealthChecksOptions = {}, env: NodeJS.ProcessEnv = process.env): Settings {
  const resolved = resolveConfig(options, env);
  warnAboutStartupConfig(resolved, env);
  return compileSettings(resolved);
}

/** Turns a resolved configuration into the policy the decision core reads. */
export function compileSettings(resolved: ResolvedConfig): Settings {
  return {
    policy: {
      hosts: compileHostPatterns(resolved.hostPatterns),
      probe: resolved.probe === undefined ? undefined : compileProbe(resolved.probe),
      exemptPaths: new Set(resolved.exemptPaths),
    },
    trustProxy: resolved.trustProxy,
    rejectStatus: resolved.rejectStatus,
    reportOnly: resolved.reportOnly,
    allowedHostsFrom: resolved.allowedHostsFrom,
    endpoints: resolved.endpoints,
    checks: resolved.checks,
    shutdown: resolved.shutdown,
    onReject: resolved.onReject,
    resolverOptions: resolved.resolver,
    filepath: resolved.filepath,
    watch: resolved.watch,
    watchedFiles: resolved.watchedFiles,
    esModule: resolved.esModule,
  };
}

function compileProbe(probe: ResolvedProbe): ProbePolicy {
  return {
    header: probe.header.toLowerCase(),
    verifyToken: compileTokenVerifier(probe.tokens),
    hasTokens: probe.tokens.length > 0,
    paths: probe.paths === undefined ? undefined : new Set(probe.paths),
    methods: new Set(probe.methods),
    localAddress: probe.localAddress,
  };
}
