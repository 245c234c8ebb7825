import type { ParameterizedContext } from 'koa';
import type { HealthChecksConfig } from './config-types.generated';
import type { RejectReason } from './core/decide';

export type { HealthChecksConfig } from './config-types.generated';
export type { HealthCheckState, ProbeVia, RejectReason } from './core/decide';

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
 * file's values, plus three that only code can set.
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
}
