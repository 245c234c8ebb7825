import { channel } from 'node:diagnostics_channel';
import type { ProbeVia, RejectReason } from '../core/decide';

/** The channel a rejection (or, in report-only mode, a would-be rejection) is published on. */
export const REJECT_CHANNEL = 'koa-allow-healthchecks:reject';
/** The channel a request let through as a probe is published on. */
export const PROBE_CHANNEL = 'koa-allow-healthchecks:probe';
/** The channel each change of policy, by `update()`, `reload()` or `watch`, applied or refused, is published on. */
export const RELOAD_CHANNEL = 'koa-allow-healthchecks:reload';

/** The channel each dependency check's run (`checks`) is published on. */
export const CHECK_CHANNEL = 'koa-allow-healthchecks:check';

/**
 * Published on {@link CHECK_CHANNEL} after each run of a check: its outcome, whether it passes once its thresholds are
 * applied, and `changed` when that run flipped it. Never the error's text, which can hold a connection string.
 */
export interface CheckMessage {
  name: string;
  ok: boolean;
  passing: boolean;
  critical: boolean;
  durationMs: number;
  changed: boolean;
}

/** What asked for a change of policy: `update(options)`, `reload()`, or `watch` seeing the file change. */
export type ReloadTrigger = 'update' | 'reload' | 'watch';

/**
 * Published on {@link RELOAD_CHANNEL} for every change of policy. `ok: true` means the new policy is in force;
 * `ok: false` means it was refused and the old one keeps serving. `problems` are the config error's lines, which
 * never quote a token.
 */
export interface ReloadMessage {
  ok: boolean;
  trigger: ReloadTrigger;
  filepath: string | null;
  problems: readonly string[];
}

/** Published on {@link REJECT_CHANNEL}. It never carries a header value or a token. */
export interface RejectMessage {
  /** The normalised hostname, or `null` when the host was missing or invalid (it is then not echoed). */
  host: string | null;
  reason: RejectReason;
  /** True when report-only mode let the request through. */
  reportOnly: boolean;
  method: string;
  /** The request path without the query string, or `null` when the request target itself was refused. */
  path: string | null;
}

/** Published on {@link PROBE_CHANNEL}. It never carries a header value or a token. */
export interface ProbeMessage {
  via: ProbeVia;
  host: string | null;
  method: string;
  path: string;
}

const rejectChannel = channel(REJECT_CHANNEL);
const probeChannel = channel(PROBE_CHANNEL);
const reloadChannel = channel(RELOAD_CHANNEL);

/** Publishes a reload's outcome. Reloads are rare, so the message is built whether or not anyone listens. */
export function publishReload(message: ReloadMessage): void {
  reloadChannel.publish(message);
}

/** Publishes a rejection, building the message only when someone subscribes: otherwise it costs one boolean read. */
export function publishReject(host: string | null, reason: RejectReason, reportOnly: boolean, method: string, path: string | undefined): void {
  if (!rejectChannel.hasSubscribers) return;
  const message: RejectMessage = { host, reason, reportOnly, method, path: path ?? null };
  rejectChannel.publish(message);
}

/** Publishes a probe, building the message only when someone subscribes. */
export function publishProbe(via: ProbeVia, host: string | null, method: string, path: string): void {
  if (!probeChannel.hasSubscribers) return;
  const message: ProbeMessage = { via, host, method, path };
  probeChannel.publish(message);
}

const checkChannel = channel(CHECK_CHANNEL);

/** Publishes a check's run; checks run on their interval, so the message is cheap whether or not anyone listens. */
export function publishCheck(message: CheckMessage): void {
  if (checkChannel.hasSubscribers) checkChannel.publish(message);
}
