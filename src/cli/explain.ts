import { parseArgs } from 'node:util';
import { decide, probeMismatch, type Decision, type ProbeMismatch, type RequestFacts } from '../core/decide';
import { selectHost } from '../core/select-host';
import { CONFIG_OPTIONS, loadForCli } from './load-for-cli';
import { PROGRAM, UsageError, type CommandResult } from './usage';

const EXPLAIN_HELP = `Usage: ${PROGRAM} explain [--host H] [--path P] [--method M] [--probe-header VALUE]
                     [--forwarded-host H] [--trust-proxy] [--config FILE] [--cwd DIR] [--json]

Says whether healthChecks() would let a request through, which rule decided it, and what
ctx.state.healthCheck would hold. It loads the configuration as the middleware does and runs the
same decision code.

Options:
  --host H             the Host header (leave out for a request with none)
  --path P             the request path, query string allowed (default: /)
  --method M           the request method (default: GET)
  --probe-header VALUE the probe header's value; it is never printed
  --forwarded-host H   the X-Forwarded-Host header
  --trust-proxy        behave as an app with app.proxy = true (when trustProxy is not configured)
  --config FILE        load this config file instead of searching
  --cwd DIR            where the config search starts
  --json               print one JSON object instead of text
  --help               show this help

Exit codes: 0 the request would pass, 1 it would be rejected or the config is invalid, 2 bad command line.`;

const MISMATCH_WORDS: Record<ProbeMismatch, string> = {
  'bypass-off': 'the probe bypass is off (no token is configured)',
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
      'forwarded-host': { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
    },
  });
  if (values.help) return { stdout: EXPLAIN_HELP, exitCode: 0 };
  if (!values.path.startsWith('/')) throw new UsageError('--path must start with "/"');

  const loaded = loadForCli(values, env);
  if ('failure' in loaded) return loaded.failure;
  const { resolved, settings } = loaded;
  const { policy } = settings;
  const trusted = settings.trustProxy ?? values['trust-proxy'];
  const request: RequestFacts = {
    method: values.method.toUpperCase(),
    path: values.path.split('?')[0] as string,
    host: selectHost({ host: values.host, forwardedHost: values['forwarded-host'], target: values.path }, trusted),
    probeToken: values['probe-header'],
  };
  const decision = decide(policy, request);
  const mismatch = values['probe-header'] === undefined ? undefined : probeMismatch(policy.probe, request);
  const report = {
    allowed: decision.allowed,
    status: decision.allowed ? null : resolved.rejectStatus,
    decidedBy: decidedBy(decision),
    probeHeader: values['probe-header'] === undefined ? 'not sent' : mismatch === undefined ? 'valid' : `ignored: ${MISMATCH_WORDS[mismatch]}`,
    validatedHost: trusted && values['forwarded-host'] ? 'X-Forwarded-Host' : 'Host',
    state: decision.allowed ? decision.state : null,
    config: resolved.filepath ?? null,
  };
  const exitCode = decision.allowed ? 0 : 1;
  if (values.json) return { stdout: JSON.stringify(report, null, 2), exitCode };
  return { stdout: formatReport(request, report), exitCode };
}

function decidedBy(decision: Decision): string {
  if (!decision.allowed) {
    if (decision.reason === 'missing-host') return 'missing-host: the request has no host to check';
    if (decision.reason === 'invalid-host') return 'invalid-host: the host is not one valid host name or IP literal with an optional port';
    return `host-not-allowed: "${decision.host}" matches no allowedHosts entry`;
  }
  if (decision.state.via === 'header') return 'the probe header: a valid token, on a method and path the bypass allows';
  if (decision.state.via === 'exemptPath') return 'exemptPaths: a GET or HEAD of an exempt path';
  return `allowedHosts entry ${JSON.stringify(decision.rule)}`;
}

function formatReport(request: RequestFacts, report: { allowed: boolean; status: number | null; decidedBy: string; probeHeader: string; validatedHost: string; state: object | null; config: string | null }): string {
  const verdict = report.allowed ? 'PASS' : `REJECT (${report.status})`;
  const host = request.host === undefined ? 'no host' : `host ${JSON.stringify(request.host)} (from ${report.validatedHost})`;
  const lines = [`${verdict}: ${request.method} ${request.path} with ${host}`, `  decided by: ${report.decidedBy}`];
  lines.push(`  probe header: ${report.probeHeader}`);
  lines.push(`  ctx.state.healthCheck: ${report.state === null ? 'not set (next() is not called)' : JSON.stringify(report.state)}`);
  lines.push(`  config file: ${report.config ?? 'none'}`);
  return lines.join('\n');
}
