import type { HealthCheckState } from './core/decide';

export {
  healthChecks,
  probeBypass,
  hostAllowlist,
  type CaddyAsk,
  type CaddyAskOptions,
  type HealthChecksMiddleware,
  type LiveMiddleware,
} from './koa/middleware';
export type { GuardUpgradesOptions, UpgradeServer } from './upgrade/guard-upgrades';
export type { LifecycleServer } from './lifecycle/shutdown';
export {
  CHECK_CHANNEL,
  PROBE_CHANNEL,
  REJECT_CHANNEL,
  RELOAD_CHANNEL,
  type CheckMessage,
  type ProbeMessage,
  type RejectMessage,
  type ReloadMessage,
  type ReloadTrigger,
} from './observe/channels';
export type { HealthCheckStats } from './observe/stats';
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './config/load-config';
export { HealthChecksConfigError } from './errors';
export type {
  CheckDefinition,
  CheckFunction,
  HealthChecksConfig,
  HealthChecksOptions,
  HealthCheckState,
  ProbeVia,
  RejectInfo,
  RejectReason,
} from './options';

declare module 'koa' {
  interface DefaultState {
    /** Set by koa-allow-healthchecks on every request it lets through. */
    healthCheck?: HealthCheckState;
  }
}
