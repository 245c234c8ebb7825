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
