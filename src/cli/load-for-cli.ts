import { compileSettings, type Settings } from '../config/build-settings';
import { resolveConfig, type ResolvedConfig } from '../config/resolve-config';
import { HealthChecksConfigError } from '../errors';
import { EXIT, type CommandResult } from './usage';

/** The options every command that reads the configuration takes. */
export const CONFIG_OPTIONS = {
  config: { type: 'string' },
  cwd: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

/**
 * Resolves and compiles the configuration as `healthChecks()` does, with this shell's environment. The search starts
 * in `--cwd` or the shell's directory, and only there: the CLI's own entry module is in node_modules. A configuration
 * error becomes the command's result: its problems, on stderr or as JSON, and exit code 3.
 */
export function loadForCli(
  values: { config?: string; cwd?: string; json: boolean },
  env: NodeJS.ProcessEnv,
): { resolved: ResolvedConfig; settings: Settings } | { failure: CommandResult } {
  try {
    const resolved = resolveConfig({ cwd: values.cwd, configFile: values.config }, env, []);
    return { resolved, settings: compileSettings(resolved) };
  } catch (error) {
    if (!(error instanceof HealthChecksConfigError)) throw error;
    if (!values.json) return { failure: { stdout: '', stderr: error.message, exitCode: EXIT.invalidConfig } };
    const report = { valid: false, filepath: error.filepath ?? null, problems: error.problems, message: error.message };
    return { failure: { stdout: JSON.stringify(report, null, 2), exitCode: EXIT.invalidConfig } };
  }
}
