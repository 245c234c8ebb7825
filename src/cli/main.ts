#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suggestName } from '../config/did-you-mean';
import { runCheck } from './check';
import { runExplain } from './explain';
import { runProbe } from './probe';
import { EXIT, PROGRAM, UsageError, type CommandResult } from './usage';

const HELP = `Usage: ${PROGRAM} <command> [options]

Commands:
  check    validate the configuration as healthChecks() would, and show it (tokens redacted)
  explain  say whether a request would pass, and which rule decided it
  probe    send a kubelet-style health probe; for Docker HEALTHCHECK

Options:
  --version  print the package version
  --help     show this help

Exit codes, the same for every command:
  0  pass: the configuration is valid, the request would pass, the probe was answered 2xx or 3xx
  1  rejected: the request would be rejected, or the probe failed
  2  bad command line
  3  invalid configuration: the problems healthChecks() would throw at startup

Run "${PROGRAM} <command> --help" for a command's options.`;

type Command = (args: string[], env: NodeJS.ProcessEnv) => CommandResult | Promise<CommandResult>;

const COMMANDS: Record<string, Command> = {
  check: runCheck,
  explain: runExplain,
  probe: runProbe,
};

/** Runs one command line and returns what to print; it never exits the process itself. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') return { stdout: HELP, exitCode: EXIT.pass };
  if (command === '--version' || command === '-v') return { stdout: packageVersion(), exitCode: EXIT.pass };
  const run = COMMANDS[command];
  if (run === undefined) {
    const kind = command.startsWith('-') ? 'option' : 'command';
    return usageFailure(`unknown ${kind} ${JSON.stringify(command)}${didYouMean(command, [...Object.keys(COMMANDS), '--help', '--version'])}`);
  }
  try {
    return await run(args, env);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error.message, command);
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) return usageFailure(await parseFailure(error as Error, run, env), command);
    throw error;
  }
}

/** `; did you mean "x"?` when `name` looks like a typo of one of `known`, or nothing. */
function didYouMean(name: string, known: readonly string[]): string {
  const suggestion = suggestName(name, known);
  return suggestion === undefined ? '' : `; did you mean ${JSON.stringify(suggestion)}?`;
}

/**
 * parseArgs' message, with a suggestion when it is a misspelled option. A command accepts the options its --help lists,
 * so the suggestions come from that text: there is no second list to keep in step with the commands.
 */
async function parseFailure(error: Error & { code?: unknown }, run: Command, env: NodeJS.ProcessEnv): Promise<string> {
  const unknown = error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /^Unknown option '(--[^'=]+)'/.exec(error.message)?.[1] : undefined;
  if (unknown === undefined) return error.message;
  const { stdout: help } = await run(['--help'], env);
  const hint = didYouMean(unknown, [...new Set(help.match(/(?<![\w-])--[a-z0-9][\w-]*/g))]);
  return hint === '' ? error.message : `Unknown option '${unknown}'${hint}`;
}

/** The version in the package's own package.json, two directories up from both src/cli and dist/cli. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function usageFailure(message: string, command?: string): CommandResult {
  const help = command === undefined ? `${PROGRAM} --help` : `${PROGRAM} ${command} --help`;
  return { stdout: '', stderr: `${PROGRAM}: ${message}\nRun "${help}" for usage.`, exitCode: EXIT.usage };
}

if (require.main === module) {
  runCli(process.argv.slice(2), process.env).then(
    ({ stdout, stderr, exitCode }) => {
      if (stdout) process.stdout.write(`${stdout}\n`);
      if (stderr) process.stderr.write(`${stderr}\n`);
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
