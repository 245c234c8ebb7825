import { parseArgs } from 'node:util';
import {
  probeMismatch,
  sharedProbeMismatch,
  type Decision,
  type Policy,
  type ProbeMismatch,
  type RejectReason,
  type RequestFacts,
} from '../core/decide';
import { localAddressMismatch, type LocalAddressMismatch } from '../core/local-address';
import { parseHostHeader } from '../core/parse-host';
import { readAndDecide } from '../guard/pipeline';
import type { Settings } from '../config/build-settings';
import type { NodeRequest } from '../http/read-request';
import { hostNotAllowedAdvice } from '../observe/host-advice';
import { CONFIG_OPTIONS, loadForCli, missingTokenWarning } from './load-for-cli';
import { EXIT, PROGRAM, UsageError, type CommandResult } from './usage';

const EXPLAIN_HELP = `Usage: ${PROGRAM} explain [--host H] [--path P] [--method M] [--probe-header-env VAR]
                     [--forwarded-host H] [--trust-proxy] [--local-address IP:PORT] [--http10]
                     [--config FILE] [--cwd DIR] [--json] [--allow-missing-token]

Says whether healthChecks() would let a request through, which rule decided it, and what
ctx.state.healthCheck would hold. It loads the configuration as the middleware does and runs the
same decision code.

Options:
  --host H                the Host header (leave out for a request with none)
  --path P                the request target: a path with an optional query string, or an
                          absolute URL as a proxy sends it (default: /)
  --method M              the request method (default: GET)
  --probe-header-env VAR  send the probe header with the token held in the environment variable
                          VAR; the token is never printed
  --probe-header VALUE    the same with the token on the command line, where shell history and
                          the process list keep it: prefer --probe-header-env
  --forwarded-host H      the X-Forwarded-Host header
  --trust-proxy           behave as an app with app.proxy = true
  --local-address IP:PORT the address and port the connection arrives on, to test a local-address
                          probe (probe.localAddress), such as 10.0.3.17:8000 or [fd00::5]:8000
  --http10                send the request as HTTP/1.0, as HAProxy's default check and check_http
                          do; with no --host, it then has no Host header at all
  --config FILE        load this config file instead of searching
  --cwd DIR            where the config search starts
  --json               print one JSON object instead of text
  --allow-missing-token
                       a probe token variable that is not set is a warning, not exit 3: for a
                       CI job with no production token (header probes then cannot pass)
  --help               show this help

Exit codes: 0 the request would pass, 1 it would be rejected, 2 bad command line, 3 invalid configuration.`;

const MISMATCH_WORDS: Record<ProbeMismatch, string> = {
  'bypass-off': 'the probe bypass is off (no token is configured)',
  target: 'the request target is refused',
  method: 'its method is not in probe.methods',
  path: 'its path is not in probe.paths',
  token: 'the value is not a configured token',
};

export function runExplain(args: string[], env: NodeJS.ProcessEnv): CommandResult {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...CONFIG_OPTIONS,
      host: { type: 'string' },
      path: { type: 'string', default: '/' },
      method: { type: 'string', default: 'GET' },
      'probe-header': { type: 'string' },
      'probe-header-env': { type: 'string' },
      'forwarded-host': { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
      'local-address': { type: 'string' },
      http10: { type: 'boolean', default: false },
    },
  });
  if (values.help) return { stdout: EXPLAIN_HELP, exitCode: EXIT.pass };
  const probeToken = probeTokenFrom(values, env);
  const local = localAddressFrom(values['local-address']);

  const loaded = loadForCli(values, env);
  if ('failure' in loaded) return loaded.failure;
  const { resolved, settings } = loaded;
  const { policy } = settings;
  const req = cliRequest(values, policy.probe?.header, probeToken, local);
  // The same pipeline as the middleware's, as an app with app.proxy set per --trust-proxy; resolveHost is not asked.
  const { request, decision } = readAndDecide(settings, req, { proxy: values['trust-proxy'], env: 'production' }, 'whole');
  const mismatch = probeToken === undefined ? undefined : probeMismatch(policy.probe, request);
  const report = {
    allowed: decision.allowed,
    status: decision.allowed ? null : resolved.rejectStatus,
    reportOnly: resolved.reportOnly,
    decidedBy: decidedBy(decision),
    endpoint: decision.allowed && (request.method === 'GET' || request.method === 'HEAD') ? (settings.endpoints.get(request.target?.path ?? '') ?? null) : null,
    probeHeader: probeToken === undefined ? 'not sent' : mismatch === undefined ? 'valid' : `ignored: ${MISMATCH_WORDS[mismatch]}`,
    localAddressProbe: local === undefined ? 'not tested' : localAddressVerdict(policy, request),
    forwardedHost: forwardedHostWords(values['forwarded-host'], request),
    advice: adviceFor(decision, request, values['forwarded-host'], settings),
    validatedHost: request.hostHeader ?? 'Host',
    state: decision.allowed ? decision.state : null,
    config: resolved.filepath ?? null,
  };
  const exitCode = decision.allowed ? EXIT.pass : EXIT.rejected;
  const warnings = [missingTokenWarning(resolved), values['probe-header'] === undefined ? undefined : PROBE_HEADER_ON_COMMAND_LINE];
  const stderr = warnings.filter((line) => line !== undefined).map((line) => `${PROGRAM}: warning: ${line}`).join('\n') || undefined;
  if (values.json) return { stdout: JSON.stringify(report, null, 2), stderr, exitCode };
  return { stdout: formatReport(values.path, request, report), stderr, exitCode };
}

const PROBE_HEADER_ON_COMMAND_LINE =
  `--probe-header puts the token in shell history and the process list; ` +
  'use --probe-header-env VAR to read it from the environment.';

/**
 * The request the command line describes, as Node would hand it over: the headers in `rawHeaders`, and a socket with
 * the local address when one is given.
 */
function cliRequest(
  values: { path: string; method: string; host?: string; 'forwarded-host'?: string; http10: boolean },
  probeHeader: string | undefined,
  probeToken: string | undefined,
  local: { address: string; port: number } | undefined,
): NodeRequest {
  const rawHeaders: string[] = [];
  if (values.host !== undefined) rawHeaders.push('Host', values.host);
  if (values['forwarded-host'] !== undefined) rawHeaders.push('X-Forwarded-Host', values['forwarded-host']);
  if (probeToken !== undefined) rawHeaders.push(probeHeader ?? 'x-health', probeToken);
  const socket = local === undefined ? null : { localAddress: local.address, localPort: local.port };
  return { method: values.method.toUpperCase(), url: values.path, httpVersionMajor: 1, httpVersionMinor: values.http10 ? 0 : 1, rawHeaders, headers: {}, socket } as unknown as NodeRequest;
}

/** The token to test: from the variable named by --probe-header-env, or from --probe-header. */
function probeTokenFrom(values: { 'probe-header'?: string; 'probe-header-env'?: string }, env: NodeJS.ProcessEnv): string | undefined {
  const variable = values['probe-header-env'];
  if (variable === undefined) return values['probe-header'];
  if (values['probe-header'] !== undefined) throw new UsageError('give --probe-header-env or --probe-header, not both');
  const token = env[variable];
  if (token === undefined || token === '') throw new UsageError(`--probe-header-env: the environment variable ${variable} is not set`);
  return token;
}

/** Parses --local-address: an IP address with a port, IPv6 in brackets. */
function localAddressFrom(text: string | undefined): { address: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const parsed = parseHostHeader(text);
  if (parsed?.address === undefined || parsed.port === undefined) {
    throw new UsageError('--local-address must be an IP address and a port, such as 10.0.3.17:8000 or [fd00::5]:8000');
  }
  return { address: parsed.address, port: parsed.port };
}

const LOCAL_ADDRESS_WORDS: Record<LocalAddressMismatch, string> = {
  'no-connection': 'there is no connection to compare with',
  proxied: 'it carries a proxy header (X-Forwarded-For, -Host, -Proto or -Port, X-Real-IP, Via or Forwarded), so it is not a direct connection',
  'host-not-an-address': 'its Host is not an IP address',
  'other-address': 'its Host names another address than the one the connection arrived on',
  'other-port': 'its Host names another port than the one the connection arrived on',
};

/** Whether the request would be a local-address probe, and if not, why. */
function localAddressVerdict(policy: Policy, request: RequestFacts): string {
  const { probe } = policy;
  if (probe === undefined || !probe.localAddress) return 'no: probe.localAddress is off';
  const outOfScope = sharedProbeMismatch(probe, request);
  if (outOfScope !== undefined) return `no: ${MISMATCH_WORDS[outOfScope]}`;
  const mismatch = request.connection === undefined ? 'no-connection' : localAddressMismatch(request.connection);
  return mismatch === undefined ? 'yes' : `no: ${LOCAL_ADDRESS_WORDS[mismatch]}`;
}

const REASON_WORDS: Record<Exclude<RejectReason, 'host-not-allowed'>, string> = {
  'missing-host': 'the request has no host to check',
  'invalid-host': 'the host is not one valid host name or IP literal with an optional port',
  'invalid-target': 'the request target is not a path, an http(s) URL naming the host, or * for OPTIONS',
  'host-mismatch': 'the app would read another host than the one validated (X-Forwarded-Host, or the target URL)',
  'invalid-forwarded-proto': 'X-Forwarded-Proto is neither http nor https, and the app builds URLs from it',
  'resolver-unavailable': 'resolveHost did not answer in time (explain does not call it)',
};

function decidedBy(decision: Decision): string {
  if (!decision.allowed) {
    if (decision.reason === 'host-not-allowed') return `host-not-allowed: "${decision.host}" matches no allowedHosts entry`;
    return `${decision.reason}: ${REASON_WORDS[decision.reason]}`;
  }
  if (decision.state.via === 'header') return 'the probe header: a valid token, on a method and path the bypass allows';
  if (decision.state.via === 'localAddress') {
    if (decision.state.host === null) {
      return 'probe.localAddress: an HTTP/1.0 request with no Host, on a direct connection, on a method and path the bypass allows';
    }
    return 'probe.localAddress: the Host is the address and port the connection arrived on, on a method and path the bypass allows';
  }
  if (decision.state.via === 'exemptPath') return 'exemptPaths: a GET or HEAD of an exempt path';
  return `allowedHosts entry ${JSON.stringify(decision.rule)}`;
}

/** Whether the X-Forwarded-Host given was read, or ignored as the app would ignore it. */
function forwardedHostWords(forwardedHost: string | undefined, request: RequestFacts): string {
  if (forwardedHost === undefined) return 'not sent';
  if (request.hostHeader === 'X-Forwarded-Host') return 'read: the app trusts its proxy (--trust-proxy)';
  return 'ignored: the app does not trust a proxy (app.proxy is off). Pass --trust-proxy to see the app with app.proxy = true';
}

/** The fix for a host no entry matches, as the middleware's warning words it; `null` for any other decision. */
function adviceFor(decision: Decision, request: RequestFacts, forwardedHost: string | undefined, settings: Settings): string | null {
  if (decision.allowed || decision.reason !== 'host-not-allowed' || decision.host === null) return null;
  const from = settings.allowedHostsFrom;
  return hostNotAllowedAdvice(decision.host, request.host, {
    hosts: settings.policy.hosts,
    forwardedHost: request.hostHeader === 'X-Forwarded-Host' ? undefined : forwardedHost,
    proxied: forwardedHost !== undefined,
    hostsVariable: from.kind === 'environment' ? from.variable : undefined,
  }).replace(/^rejected /, 'Rejected ');
}

interface Report {
  allowed: boolean;
  endpoint: string | null;
  forwardedHost: string;
  advice: string | null;
  status: number | null;
  reportOnly: boolean;
  decidedBy: string;
  probeHeader: string;
  localAddressProbe: string;
  validatedHost: string;
  state: object | null;
  config: string | null;
}

function formatReport(target: string, request: RequestFacts, report: Report): string {
  const verdict = report.allowed ? 'PASS' : `REJECT (${report.status})${report.reportOnly ? ', but reportOnly is on: it goes on to the app, flagged' : ''}`;
  const host = request.host === undefined ? 'no host' : `host ${JSON.stringify(request.host)} (from ${report.validatedHost})`;
  const lines = [`${verdict}: ${request.method} ${target} with ${host}`, `  decided by: ${report.decidedBy}`];
  if (report.endpoint !== null) lines.push(`  answered by: the ${report.endpoint} endpoint, which the middleware answers itself`);
  lines.push(`  probe header: ${report.probeHeader}`);
  if (report.forwardedHost !== 'not sent') lines.push(`  X-Forwarded-Host: ${report.forwardedHost}`);
  if (report.localAddressProbe !== 'not tested') lines.push(`  local-address probe: ${report.localAddressProbe}`);
  lines.push(`  ctx.state.healthCheck: ${stateWords(report)}`);
  lines.push(`  config file: ${report.config ?? 'none'}`);
  if (report.advice !== null) lines.push(`  advice: ${report.advice}`);
  return lines.join('\n');
}

function stateWords(report: Report): string {
  if (report.state !== null) return JSON.stringify(report.state);
  return report.reportOnly ? 'set with wouldReject (report-only)' : 'not set (next() is not called)';
}
