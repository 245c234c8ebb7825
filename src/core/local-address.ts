import { isIPv4 } from 'node:net';
import { parseHostHeader } from './parse-host';

/** What a local-address probe is checked against, read from the connection and the raw headers. */
export interface ConnectionFacts {
  /** The raw Host (`:authority` on HTTP/2), never X-Forwarded-Host, whatever the proxy settings. */
  readonly directHost: string | undefined;
  /** Whether the request is HTTP/1.0, which may carry no Host at all. */
  readonly http10: boolean;
  /** The address and port the connection arrived on (`req.socket.localAddress` and `localPort`). */
  readonly local: { readonly address: string | undefined; readonly port: number | undefined } | undefined;
  /**
   * Whether the request carries any header a proxy adds (X-Forwarded-For, -Host, -Proto, -Port, X-Real-IP, Via,
   * Forwarded): then a proxy is in the way, and it is not a local-address probe.
   */
  readonly proxied: boolean;
}

/** Why a request is not a local-address probe. */
export type LocalAddressMismatch = 'no-connection' | 'proxied' | 'host-not-an-address' | 'other-address' | 'other-port';

/**
 * Whether the request names the very address it arrived on: its Host is an IP literal equal to the connection's local
 * address (IPv4-mapped IPv6 counts as IPv4), with no port or the local port, on a direct connection: no proxy header.
 * Probers that cannot send a header (the kubelet, AWS ALB, Google Cloud) connect to the instance's own address and
 * send it as Host; a browser under DNS rebinding sends the attacker's name, and a link built from the instance's own
 * IP points nowhere an attacker controls.
 *
 * An HTTP/1.0 request with no Host header at all, on a direct connection, counts too: HTTP/1.0 probers (HAProxy's
 * default check, `check_http` without `-H`) send none, and a missing Host names no host anyone chose; every browser
 * sends one. The app then sees no host (`ctx.host` is empty), so it cannot mistake one for its own.
 *
 * Returns the first reason it is not, or `undefined` when it is.
 */
export function localAddressMismatch(request: ConnectionFacts): LocalAddressMismatch | undefined {
  const { local } = request;
  if (local?.address === undefined || local.port === undefined) return 'no-connection';
  if (request.proxied) return 'proxied';
  if (request.directHost === undefined && request.http10) return undefined;
  const host = parseHostHeader(request.directHost);
  if (host?.address === undefined) return 'host-not-an-address';
  if (normalizeAddress(host.address) !== normalizeAddress(local.address)) return 'other-address';
  if (host.port !== undefined && host.port !== local.port) return 'other-port';
  return undefined;
}

const MAPPED_PREFIX = '::ffff:';

/** Lowercase, and an IPv4-mapped IPv6 address (`::ffff:127.0.0.7` or `::ffff:7f00:7`) as its IPv4 address. */
export function normalizeAddress(address: string): string {
  const lower = address.toLowerCase();
  if (!lower.startsWith(MAPPED_PREFIX)) return lower;
  const rest = lower.slice(MAPPED_PREFIX.length);
  if (isIPv4(rest)) return rest;
  const groups = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(rest);
  if (groups === null) return lower;
  const high = Number.parseInt(groups[1] as string, 16);
  const low = Number.parseInt(groups[2] as string, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}
