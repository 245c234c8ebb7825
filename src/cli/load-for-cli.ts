import { compileSettings, type Settings } from '../config/build-settings';
import { resolveConfig, type ResolvedConfig } from '../config/resolve-config';
import { HealthChecksConfigError } from '../errors';
import { EXIT, type CommandResult } from './usage';

/** The options every command that reads the configuration takes. */
export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  cwd: { type: 'string' },
  json: { type: 'boolean', default: false },
  'allow-missing-token': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

const MISSING_TOKEN_HINT = 'In a CI job with no production token, add --allow-missing-token to check the rest and report the token as a warning.';

/** What `--allow-missing-token` prints: a missing token is a warning for a CI job, never silence. */
export function missingTokenWarning(resolved: ResolvedConfig): string | undefined {
  if (resolved.probe?.tokenMissing !== true) return undefined;
  return (
    `${resolved.probe.valueEnv} is not set (or empty), so the probe section has no token: healthChecks() would refuse to start ` +
    'without it, and this command exits 3 without --allow-missing-token. The rest of the configuration was checked; ' +
    'header probes cannot pass until the variable is set.'
  );
}

/**
 * Resolves and compiles the configuration as `healthChecks()` does, with this shell's environment. The search starts
 * in `--cwd` or the shell's directory, and only there: the CLI's own entry module is in node_modules. A configuration
 * error becomes the command's result: its problems, on stderr or as JSON, and exit code 3. With
 * `--allow-missing-token`, a probe section whose token is not set is checked as if it were, and reported as a warning.
 */
export function loadForCli(
  values: { config?: string; cwd?: string; json: boolean; 'allow-missing-token'?: boolean },
  env: NodeJS.ProcessEnv,
): { resolved: ResolvedConfig; settings: Settings } | { failure: CommandResult } {
  try {
    const resolved = resolveConfig({ cwd: values.cwd, configFile: values.config }, env, [], { allowMissingToken: values['allow-missing-token'] === true });
    return { resolved, settings: compileSettings(resolved) };
  } catch (error) {
    if (!(error instanceof HealthChecksConfigError)) throw error;
    const hint = values['allow-missing-token'] !== true && error.problems.some((problem) => problem.startsWith('probe is configured but no token is set'))
      ? `\n${MISSING_TOKEN_HINT}`
      : '';
    if (!values.json) return { failure: { stdout: '', stderr: error.message + hint, exitCode: EXIT.invalidConfig } };
    const report = { valid: false, filepath: error.filepath ?? null, problems: error.problems, message: error.message };
    return { failure: { stdout: JSON.stringify(report, null, 2), exitCode: EXIT.invalidConfig } };
  }
}
