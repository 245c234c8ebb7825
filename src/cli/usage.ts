/** Thrown for a command line that cannot be run; main prints it with a pointer to --help and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The result of a command: what to print, and the exit code. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr?: string;
  readonly exitCode: number;
}

export const PROGRAM = 'koa-allow-healthchecks';

/** The exit codes of every command, documented in `--help` and the README. */
export const EXIT = {
  /** The configuration is valid, the request would pass, or the probe was answered 2xx or 3xx. */
  pass: 0,
  /** The request would be rejected, or the probe failed. */
  rejected: 1,
  /** The command line cannot be run. */
  usage: 2,
  /** The configuration is invalid: the problems `healthChecks()` would throw at startup. */
  invalidConfig: 3,
} as const;
