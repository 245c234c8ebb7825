/* Generated from schema.json by `npm run generate:types`. Do not edit by hand. */

/**
 * Configuration for koa-allow-healthchecks: which Host headers a Koa app accepts, and how authenticated health probes get past that check.
 */
export interface HealthChecksConfig {
  /**
   * The JSON Schema this file follows, for editor autocompletion. Ignored at runtime.
   */
  $schema?: string;
  /**
   * Host patterns the app answers to. "example.com" matches that name on any port; ".example.com" the domain and all its subdomains; "*.example.com" subdomains only; "example.com:8443" that host on that port only; "10.1.2.3" and "[::1]" an IP literal; "10.0.0.0/8" and "fd00::/8" an IP range; "*" any valid host. Defaults to [".localhost", "127.0.0.1", "[::1]"].
   *
   * @minItems 1
   */
  allowedHosts?: string[];
  /**
   * Name of the environment variable that can hold allowedHosts as a comma-separated list (ALLOWED_HOSTS=example.com,.example.org). When it is set, it replaces the config file's allowedHosts; an allowedHosts option in code replaces both. false: read no variable.
   */
  allowedHostsEnv?: string | false;
  /**
   * The probe bypass: a request carrying a configured token in the probe header passes whatever its Host, and with localAddress on, so does a request whose Host is the address it arrived on.
   */
  probe?: {
    /**
     * Name of the request header that carries the probe token, case-insensitive.
     */
    header?: string;
    /**
     * The accepted token, or several for rotation. Prefer the environment variable named by valueEnv: a token in a config file is a secret in source control.
     */
    value?: string | string[];
    /**
     * Name of the environment variable that holds the token. A comma-separated value gives several tokens.
     */
    valueEnv?: string;
    /**
     * When set, the bypass works only on these exact paths; the query string is ignored.
     *
     * @minItems 1
     */
    paths?: string[];
    /**
     * HTTP methods that may use the bypass.
     *
     * @minItems 1
     */
    methods?: ('GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS')[];
    /**
     * Also treat as a probe, with no token, a request whose Host is the very IP address (and port, if it names one) the connection arrived on, and which carries no X-Forwarded-Host or Forwarded header: what the kubelet, AWS ALB and Google Cloud health checks send. Requires probe.paths.
     */
    localAddress?: boolean;
  };
  /**
   * Paths that skip the host check with no header at all, for probers that cannot send one (AWS ALB, GCP). GET and HEAD only, exact path, query string ignored.
   */
  exemptPaths?: string[];
  /**
   * Probe endpoints the package answers itself, GET and HEAD, with JSON and Cache-Control: no-store: liveness (200 while the process answers), readiness (200 when every critical check passes; 503 starting, unready or draining) and startup (503 until every critical check has first passed). Their paths join probe.paths. A request to them still passes the host policy only as a probe or with an allowed host.
   */
  endpoints?: {
    /**
     * The liveness endpoint's path.
     */
    liveness?: string;
    /**
     * The readiness endpoint's path.
     */
    readiness?: string;
    /**
     * The startup endpoint's path.
     */
    startup?: string;
  };
  /**
   * What guard.lifecycle(server) does on a signal: readiness turns 503 draining at once; the server keeps serving for drainDelay ms, then stops accepting, ends each connection after its response in flight, closes idle keep-alive connections, waits up to timeout ms for the rest and for onShutdown, and the process exits 0 (1 when timeout forced it). A second signal exits 1 at once.
   */
  shutdown?: {
    /**
     * The signals that start a shutdown.
     *
     * @minItems 1
     */
    signals?: ('SIGTERM' | 'SIGINT' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR1' | 'SIGUSR2')[];
    /**
     * Milliseconds to keep serving after the signal, while load balancers see readiness fail and stop sending.
     */
    drainDelay?: number;
    /**
     * Milliseconds, after drainDelay, to wait for the requests in flight and onShutdown before the exit is forced (exit code 1).
     */
    timeout?: number;
  };
  /**
   * Validate X-Forwarded-Host instead of Host. Defaults to the Koa app's `proxy` setting.
   */
  trustProxy?: boolean;
  /**
   * HTTP status code sent when the host is not allowed.
   */
  rejectStatus?: number;
  /**
   * Report-only mode, for rolling out: a request the allowlist would reject goes on to the app, with ctx.state.healthCheck.wouldReject set to the reason, and is reported to onReject, the diagnostics channel and the counters.
   */
  reportOnly?: boolean;
  /**
   * Reload when this config file changes, debounced. A file that fails to load keeps the last good policy and is reported as a warning (KOA_ALLOW_HEALTHCHECKS_RELOAD_FAILED) and on the koa-allow-healthchecks:reload diagnostics channel. The watcher never keeps the process alive.
   */
  watch?: boolean;
}
