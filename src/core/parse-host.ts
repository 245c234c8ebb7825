import { isIP, isIPv4 } from 'node:net';
import { domainToASCII } from 'node:url';

/** A Host header value that passed validation, split and normalised. */
export interface ParsedHost {
  /** Lowercase, one trailing dot removed; IPv6 literals keep their brackets, as in `[::1]`. */
  readonly hostname: string;
  /** The explicit port, or `undefined` when the header had none. */
  readonly port: number | undefined;
  /** For IP-literal hosts, the address without brackets; `undefined` for names. */
  readonly address: string | undefined;
}

/** The longest name DNS allows (RFC 1035 section 2.3.4), and each label's limit. */
const MAX_NAME_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
/** A name of that length, a trailing dot, a bracket pair and `:65535`: anything longer is invalid unread. */
const MAX_HEADER_LENGTH = MAX_NAME_LENGTH + 1 + 2 + 6;
const MAX_PORT = 65535;

const DOT = 46;
const COLON = 58;
const OPEN_BRACKET = 91;

/**
 * Validates and normalises a raw Host (or `:authority`, or `X-Forwarded-Host`) value in one pass, with no regular
 * expression. The syntax is Django's `host_validation_re` (django/http/request.py): a name of letters, digits, dots
 * and hyphens, or a bracketed IPv6 literal, then an optional `:port`; case-insensitive. On top of it: one trailing dot
 * is dropped, labels must be 1 to 63 characters, names at most 253, ports at most 65535, and IPv6 literals must be
 * valid addresses.
 *
 * Returns `undefined` for anything else: a missing or empty value, userinfo (`@`), a path, a comma list, spaces,
 * control bytes, non-ASCII, an empty or second port.
 *
 * It also returns `undefined` for a host that the WHATWG URL parser, which Koa uses for `ctx.URL`, would read as
 * another host or refuse. Such a host passes Django's syntax, but the app would see a different host from the one
 * checked here. These are a name whose last label is a number but which is not a dotted quad (`1.2.3` becomes
 * `1.2.0.3`, and `foo.123` is refused), punycode this Node's IDNA refuses (`xn--` before Node 24), and an IPv6
 * literal not written in its canonical form (`[0:0::1]` becomes `[::1]`). So every host accepted here is one
 * `new URL()` keeps as it is, apart from case and one trailing dot.
 */
export function parseHostHeader(raw: string | undefined): ParsedHost | undefined {
  if (raw === undefined || raw.length === 0 || raw.length > MAX_HEADER_LENGTH) return undefined;
  return raw.charCodeAt(0) === OPEN_BRACKET ? parseBracketed(raw) : parseName(raw);
}

function parseName(raw: string): ParsedHost | undefined {
  const colon = raw.indexOf(':');
  const hostEnd = colon === -1 ? raw.length : colon;
  const port = colon === -1 ? undefined : parsePort(raw.slice(colon + 1));
  if (port === null) return undefined;

  let labelStart = 0;
  let previousLabelStart = 0;
  let hasUpperCase = false;
  let digitsAndDotsOnly = true;
  let hasPunycodeLabel = false;
  for (let index = 0; index < hostEnd; index += 1) {
    const code = raw.charCodeAt(index);
    if (code === DOT) {
      if (index === labelStart || index - labelStart > MAX_LABEL_LENGTH) return undefined;
      previousLabelStart = labelStart;
      labelStart = index + 1;
    } else if ((code >= 97 && code <= 122) || code === 45) {
      digitsAndDotsOnly = false;
      if (index === labelStart && code === 120) hasPunycodeLabel ||= startsPunycodeLabel(raw, index);
    } else if (code >= 65 && code <= 90) {
      digitsAndDotsOnly = false;
      hasUpperCase = true;
      if (index === labelStart && code === 88) hasPunycodeLabel ||= startsPunycodeLabel(raw, index);
    } else if (code < 48 || code > 57) {
      return undefined;
    }
  }
  // A last label of length zero means one trailing dot, which is dropped; a name of nothing but that dot is invalid.
  const trailingDot = labelStart === hostEnd;
  const nameEnd = trailingDot ? hostEnd - 1 : hostEnd;
  if (nameEnd <= 0 || nameEnd > MAX_NAME_LENGTH || hostEnd - labelStart > MAX_LABEL_LENGTH) return undefined;

  const name = nameEnd === raw.length ? raw : raw.slice(0, nameEnd);
  const hostname = hasUpperCase ? name.toLowerCase() : name;
  const address = digitsAndDotsOnly && isIPv4(hostname) ? hostname : undefined;
  if (address !== undefined) return { hostname, port, address };
  // What the URL parser, and so Koa's ctx.URL, would read as another host or refuse (see above).
  if (endsInNumber(raw, trailingDot ? previousLabelStart : labelStart, nameEnd)) return undefined;
  if (hasPunycodeLabel && domainToASCII(hostname) !== hostname) return undefined;
  return { hostname, port, address };
}

/** Whether the label at `index` starts with "xn--", any case: a punycode label, which goes through IDNA. */
function startsPunycodeLabel(raw: string, index: number): boolean {
  const n = raw.charCodeAt(index + 1);
  return (n === 110 || n === 78) && raw.charCodeAt(index + 2) === 45 && raw.charCodeAt(index + 3) === 45;
}

/**
 * The URL Standard's "ends in a number", for the last label `raw[start, end)`: it is all digits, or "0x" followed by
 * hex digits. Such a name goes to the URL parser's IPv4 parser, which rewrites it (`1.2.3` is `1.2.0.3`) or fails.
 */
function endsInNumber(raw: string, start: number, end: number): boolean {
  const first = raw.charCodeAt(start);
  if (first < 48 || first > 57) return false;
  const second = raw.charCodeAt(start + 1);
  const hex = first === 48 && (second === 120 || second === 88) && start + 1 < end;
  for (let index = hex ? start + 2 : start + 1; index < end; index += 1) {
    const code = raw.charCodeAt(index) | 0x20; // lowercase letters; digits keep their bit
    const digit = code >= 48 && code <= 57;
    if (!digit && !(hex && code >= 97 && code <= 102)) return false;
  }
  return true;
}

function parseBracketed(raw: string): ParsedHost | undefined {
  const close = raw.indexOf(']');
  if (close === -1) return undefined;
  const address = raw.slice(1, close).toLowerCase();
  for (let index = 0; index < address.length; index += 1) {
    const code = address.charCodeAt(index);
    const allowed = (code >= 48 && code <= 58) || (code >= 97 && code <= 102) || code === DOT;
    if (!allowed) return undefined;
  }
  if (isIP(address) !== 6 || !isCanonicalIpv6(address)) return undefined;
  let port: number | undefined;
  if (close + 1 < raw.length) {
    if (raw.charCodeAt(close + 1) !== COLON) return undefined;
    const parsed = parsePort(raw.slice(close + 2));
    if (parsed === null) return undefined;
    port = parsed;
  }
  return { hostname: `[${address}]`, port, address };
}

/** Whether the URL parser writes this IPv6 address the same way (RFC 5952 style: lowercase, the longest zero run as "::"). */
function isCanonicalIpv6(address: string): boolean {
  return new URL(`http://[${address}]/`).hostname === `[${address}]`;
}

/** A port of one to five digits up to 65535, or `null` when it is anything else (empty, a sign, a second colon). */
export function parsePort(text: string): number | null {
  if (text.length === 0 || text.length > 5) return null;
  let port = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 48 || code > 57) return null;
    port = port * 10 + (code - 48);
  }
  return port <= MAX_PORT ? port : null;
}
