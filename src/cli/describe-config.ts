import { nearMissNames } from '../config/near-miss-names';
import type { ResolvedConfig } from '../config/resolve-config';

/** A resolved configuration as the CLI shows it: every token replaced by a count and where they came from. */
export interface RedactedConfig {
  allowedHosts: readonly string[];
  usesDefaultHosts: boolean;
  /** Where each `allowedHosts` entry came from, in order. */
  allowedHostsFrom: readonly { host: string; from: string }[];
  probe:
    | { enabled: false }
    | {
        enabled: true;
        header: string;
        tokens: string;
        tokenCount: number;
        tokenSource: string;
        /** The token variable is not set (`--allow-missing-token`). */
        tokenMissing: boolean;
        valueEnv: string;
        paths: readonly string[] | null;
        methods: readonly string[];
        localAddress: boolean;
      };
  exemptPaths: readonly string[];
  /** The probe endpoints by kind, and the names of the checks given in code (none from the command line). */
  endpoints: Record<string, string>;
  /** What `lifecycle(server)` does on a signal. */
  shutdown: { signals: readonly string[]; drainDelay: number; timeout: number };
  trustProxy: boolean | 'app.proxy';
  rejectStatus: number;
  reportOnly: boolean;
}

const REDACTED = '[redacted]';

export function redactConfig(resolved: ResolvedConfig): RedactedConfig {
  const { probe } = resolved;
  return {
    allowedHosts: resolved.allowedHosts,
    usesDefaultHosts: resolved.usesDefaultHosts,
    allowedHostsFrom: hostOrigins(resolved),
    probe:
      probe === undefined
        ? { enabled: false }
        : {
            enabled: true,
            header: probe.header,
            tokens: REDACTED,
            tokenCount: probe.tokens.length,
            tokenSource: probe.tokenSource === 'environment' ? `environment variable ${probe.valueEnv}` : probe.tokenSource,
            tokenMissing: probe.tokenMissing,
            valueEnv: probe.valueEnv,
            paths: probe.paths ?? null,
            methods: probe.methods,
            localAddress: probe.localAddress,
          },
    exemptPaths: resolved.exemptPaths,
    endpoints: Object.fromEntries([...resolved.endpoints].map(([path, kind]) => [kind, path])),
    shutdown: { signals: resolved.shutdown.signals, drainDelay: resolved.shutdown.drainDelay, timeout: resolved.shutdown.timeout },
    trustProxy: resolved.trustProxy ?? 'app.proxy',
    rejectStatus: resolved.rejectStatus,
    reportOnly: resolved.reportOnly,
  };
}

/** Where each `allowedHosts` entry came from: one place gave the whole list, since each layer replaces the one below. */
function hostOrigins({ allowedHosts, allowedHostsFrom: origin }: ResolvedConfig): { host: string; from: string }[] {
  return allowedHosts.map((host, index) => {
    switch (origin.kind) {
      case 'environment':
        return { host, from: `the environment variable ${origin.variable}, entry ${index + 1}` };
      case 'file':
        return { host, from: `config file ${origin.filepath}, allowedHosts[${index}]` };
      case 'options':
        return { host, from: `the options, allowedHosts[${index}]` };
      case 'defaults':
        return { host, from: 'the development defaults' };
    }
  });
}

/**
 * Entries pinned to port 80 or 443: browsers and most clients leave the default port out of Host, so such an entry
 * matches almost no request, and the name seems listed when it is not.
 */
function defaultPortPins(resolved: ResolvedConfig): string[] {
  return resolved.hostPatterns.flatMap((pattern) => {
    if (pattern.kind === 'any' || pattern.kind === 'range' || (pattern.port !== 80 && pattern.port !== 443)) return [];
    const unpinned = pattern.text.replace(/:\d+$/, '');
    const sample = pattern.kind === 'address' ? unpinned : pattern.kind === 'subdomains' ? `www.${pattern.name}` : pattern.name;
    return [
      `allowedHosts entry ${JSON.stringify(pattern.text)} allows a host only with ":${pattern.port}" in the Host, and ` +
        `browsers leave the default port out: a browser at ${pattern.port === 443 ? 'https' : 'http'}://${sample}/ ` +
        `sends "${sample}", which it does not match. List ${JSON.stringify(unpinned)} to allow it on any port.`,
    ];
  });
}

/** Advice about a valid configuration that is still weaker than it could be. */
export function adviceFor(resolved: ResolvedConfig): string[] {
  const advice: string[] = [];
  if (resolved.usesDefaultHosts) {
    advice.push('allowedHosts is not set: only the development defaults (.localhost, 127.0.0.1, [::1]) are allowed.');
  }
  if (resolved.allowedHosts.includes('*')) advice.push('allowedHosts contains "*", which turns the host check off.');
  advice.push(...defaultPortPins(resolved));
  if (resolved.probe !== undefined && resolved.probe.paths === undefined) {
    advice.push('probe.paths is not set: a request with the token can reach every route. List your health endpoints.');
  }
  if (resolved.reportOnly) {
    advice.push('reportOnly is on: nothing is rejected yet. Watch wouldReject in stats() or on the diagnostics channel, fix allowedHosts, then enforce.');
  }
  if (resolved.probe?.tokenSource === 'config file') {
    advice.push('The probe token is in the config file. Prefer the environment variable, to keep it out of source control.');
  }
  return advice;
}

/** The human form of `check`'s report. */
export function formatConfig(filepath: string | undefined, searched: readonly string[], config: RedactedConfig, passedOver: readonly string[] = []): string {
  const lines = [`Config file: ${filepath ?? 'none found (defaults and environment only)'}`];
  if (searched.length > 0) lines.push(`Searched: ${searched.join(', ')}`);
  if (passedOver.length > 0) lines.push(`Not searched, since anyone can write there: ${passedOver.join(', ')}`);
  if (filepath === undefined) {
    for (const { filepath: near, rename } of nearMissNames(searched)) lines.push(`  ${near} is not a name the search reads: rename it ${rename}.`);
  }
  if (filepath === undefined && searched.length > 0) {
    lines.push('  Put healthchecks.config.json next to your package.json, or name the file with --config.');
  }
  lines.push(`allowedHosts: ${config.allowedHosts.join(', ')}${config.usesDefaultHosts ? ' (defaults)' : ''}`);
  for (const { host, from } of config.allowedHostsFrom) lines.push(`  ${host}: from ${from}`);
  if (config.probe.enabled) {
    lines.push('probe: on');
    lines.push(`  header: ${config.probe.header}`);
    const { tokenCount, tokenSource } = config.probe;
    const none = config.probe.tokenMissing ? `none: ${config.probe.valueEnv} is not set` : 'none (local-address probes only)';
    lines.push(tokenCount === 0 ? `  tokens: ${none}` : `  tokens: ${config.probe.tokens} (${tokenCount}, from the ${tokenSource})`);
    lines.push(`  localAddress: ${config.probe.localAddress ? 'on (a request whose Host is the address it arrived on is a probe)' : 'off'}`);
    lines.push(`  paths: ${config.probe.paths === null ? 'any path' : config.probe.paths.join(', ')}`);
    lines.push(`  methods: ${config.probe.methods.join(', ')}`);
  } else {
    lines.push('probe: off (no probe section and no token)');
  }
  lines.push(`exemptPaths: ${config.exemptPaths.length === 0 ? 'none' : config.exemptPaths.join(', ')}`);
  const endpoints = Object.entries(config.endpoints);
  if (endpoints.length > 0) lines.push(`endpoints: ${endpoints.map(([kind, path]) => `${kind} ${path}`).join(', ')} (answered by the middleware; they are probe paths)`);
  const { signals, drainDelay, timeout } = config.shutdown;
  lines.push(`shutdown (with guard.lifecycle(server)): on ${signals.join(', ')}, drain for ${drainDelay} ms, then wait up to ${timeout} ms`);
  lines.push(`trustProxy: ${config.trustProxy === 'app.proxy' ? "follows the Koa app's proxy setting" : String(config.trustProxy)}`);
  lines.push(`rejectStatus: ${config.rejectStatus}`);
  if (config.reportOnly) lines.push('reportOnly: on (requests that would be rejected go on to the app, flagged)');
  return lines.join('\n');
}
