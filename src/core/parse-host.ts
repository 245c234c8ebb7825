import { isIP } from 'node:net';

/** A Host header value that passed validation, split and normalised. */
export interface ParsedHost {
  /** Lowercase, one trailing dot removed; IPv6 literals keep their brackets, as in `[::1]`. */
  readonly hostname: string;
  /** The explicit port, or `undefined` when the header had none. */
  readonly port: number | undefined;
  /** For IP-literal hosts, the address without brackets; `undefined` for names. */
  readonly address: string | undefined;
}

/**
 * Django's `host_validation_re` (django/http/request.py), applied to the lowercased value and fully matched:
 * a name of letters, digits, dots and hyphens, or a bracketed IPv6 literal, then an optional `:port`.
 */
const HOST_SYNTAX = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(?::([0-9]+))?$/;

/** The longest name DNS allows (RFC 1035 section 2.3.4), and each label's limit. */
const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** A name of that length, a trailing dot, a bracket pair and `:65535`: anything longer is invalid unread. */
const MAX_HEADER_LENGTH = MAX_NAME_LENGTH + 1 + 2 + 6;
const MAX_PORT = 65535;

/**
 * Validates and normalises a raw Host (or `:authority`, or `X-Forwarded-Host`) value. Returns `undefined` for
 * anything that is not exactly one syntactically valid host with an optional port: a missing or empty value,
 * userinfo (`@`), a path, a comma list, spaces, non-ASCII, an empty or out-of-range port, empty labels.
 */
export function parseHostHeader(raw: string | undefined): ParsedHost | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > MAX_HEADER_LENGTH) return undefined;
  const match = HOST_SYNTAX.exec(raw.toLowerCase());
  if (match === null) return undefined;
  const [, host = '', portText] = match;
  const port = portText === undefined ? undefined : parsePort(portText);
  if (port === null) return undefined;
  if (host.startsWith('[')) {
    const address = host.slice(1, -1);
    return isIP(address) === 6 ? { hostname: host, port, address } : undefined;
  }
  const hostname = normaliseName(host);
  if (hostname === undefined) return undefined;
  return { hostname, port, address: isIP(hostname) === 4 ? hostname : undefined };
}

/**
 * Removes one trailing dot (the DNS root) and checks the labels: none empty, none over 63 characters, 253 in all.
 * Returns `undefined` when the name breaks a rule. Expects lowercase ASCII of `[a-z0-9.-]`.
 */
export function normaliseName(name: string): string | undefined {
  const hostname = name.endsWith('.') ? name.slice(0, -1) : name;
  if (hostname.length === 0 || hostname.length > MAX_NAME_LENGTH) return undefined;
  const labels = hostname.split('.');
  if (labels.some((label) => label.length === 0 || label.length > MAX_LABEL_LENGTH)) return undefined;
  return hostname;
}

/** A port of one to five digits up to 65535, or `null` when out of range. */
export function parsePort(text: string): number | null {
  if (!/^[0-9]{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= MAX_PORT ? port : null;
}
