import type { ParameterizedContext } from 'koa';
import type { HealthChecksConfig } from './config-types.generated';
import type { CheckDefinition, CheckFunction } from './config/check-options';
import type { RejectReason } from './core/decide';

export type { HealthChecksConfig } from './config-types.generated';
export type { HealthCheckState, ProbeVia, RejectReason } from './core/decide';
export type { CheckDefinition, CheckFunction } from './config/check-options';

/** What `onReject` learns about a rejected request. The raw header value is left out: it is attacker-controlled. */
export interface RejectInfo {
  /** The normalised hostname, or `null` when the host was missing or invalid. */
  host: string | null;
  reason: RejectReason;
  /** True in report-only mode: the request went on to the app, and the hook cannot change the response. */
  reportOnly: boolean;
}

/**
 * Options of `healthChecks()`, `probeBypass()` and `hostAllowlist()`: the config file's keys, which override the
 * file's values, plus those that only code can set.
 */
export interface HealthChecksOptions extends Omit<HealthChecksConfig, '$schema'> {
  /** Where the config file search starts. Default: `process.cwd()`. */
  cwd?: string;
  /** A config file to load instead of searching, or `false` to load no file. Default: search. */
  configFile?: string | false;
  /**
   * Called for each rejected request, for logging. When enforcing, it runs after the rejection is set and may change
   * it. In report-only mode it runs after the app has answered, with `info.reportOnly === true`, and what it changes
   * on the response is put back.
   */
  onReject?: (ctx: ParameterizedContext, info: RejectInfo) => void | Promise<void>;
  /**
   * Asked about a valid host name that `allowedHosts` does not match, such as a tenant's own domain: return (or
   * resolve to) `true` to allow it. It receives the hostname lowercase, with no port and no trailing dot; IP literals
   * are never asked about. Answers are cached (`resolveCache`); a call that throws, rejects or outlasts
   * `resolveTimeout` answers the request 503 (`resolver-unavailable`) and is not cached.
   */
  resolveHost?: (hostname: string) => boolean | Promise<boolean>;
  /** The cache of `resolveHost` answers: at most `max` names, kept `ttl` ms when allowed, `negativeTtl` ms when not. Default: `{ max: 10000, ttl: 60000, negativeTtl: 5000 }`. */
  resolveCache?: { max?: number; ttl?: number; negativeTtl?: number };
  /** At most this many `resolveHost` calls run at once; a request for another uncached name beyond it gets 503 at once. Default: 32. */
  resolveConcurrency?: number;
  /** Milliseconds a `resolveHost` call may take before the request gets 503. Default: 1000. */
  resolveTimeout?: number;
  /**
   * The dependencies readiness depends on, by name: a function that resolves when the dependency answers, or a
   * {@link CheckDefinition} with its `timeout`, `interval`, `critical` and thresholds. They run in the background on
   * their interval, never per probe. Code only.
   */
  checks?: Record<string, CheckFunction | CheckDefinition>;
  /**
   * Run once a shutdown (`guard.lifecycle(server)`, on a signal) has finished the requests in flight, to close pools
   * and flush logs. Awaited, within `shutdown.timeout`; a throw or rejection makes the exit code 1. Code only.
   */
  onShutdown?: () => unknown;
}
