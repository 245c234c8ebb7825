import { parseArgs } from 'node:util';
import { adviceFor, formatConfig, redactConfig } from './describe-config';
import { PUBLIC_SUFFIX_CHECK_SKIPPED, publicSuffixWarnings } from './public-suffix-warnings';
import { CONFIG_OPTIONS, loadForCli, missingTokenWarning } from './load-for-cli';
import { EXIT, PROGRAM, type CommandResult } from './usage';

const CHECK_HELP = `Usage: ${PROGRAM} check [--config FILE] [--cwd DIR] [--json] [--allow-missing-token]

Finds and validates the configuration exactly as healthChecks() does at startup, with the environment
of this shell, and prints where it came from and what it resolves to. Tokens are never printed.

Options:
  --config FILE  load this config file instead of searching (relative to --cwd)
  --cwd DIR      where the search starts (default: the current directory); it goes up to the
                 nearest directory with a package.json, and the directories searched are listed
  --json         print one JSON object instead of text
  --allow-missing-token
                 a probe token variable that is not set is a warning, not exit 3: for a CI job
                 that has no production token. Without it, check is as strict as healthChecks()
  --help         show this help

It warns about a .suffix or *.suffix entry whose suffix is on the Public Suffix List (".vercel.app",
".github.io", ".co.uk"): anyone can register names under it. Warnings do not change the exit code.
That check needs tldts, an optional peer dependency: without it, check says that it was skipped.

Exit codes: 0 valid, 2 bad command line, 3 invalid configuration (1, rejected, is explain's and probe's).`;

export function runCheck(args: string[], env: NodeJS.ProcessEnv): CommandResult {
  const { values } = parseArgs({ args, options: CONFIG_OPTIONS, strict: true });
  if (values.help) return { stdout: CHECK_HELP, exitCode: EXIT.pass };
  const loaded = loadForCli(values, env);
  if ('failure' in loaded) return loaded.failure;
  const { resolved } = loaded;
  const config = redactConfig(resolved);
  const advice = adviceFor(resolved);
  const suffixWarnings = publicSuffixWarnings(resolved.allowedHosts);
  const tokenWarning = missingTokenWarning(resolved);
  const warnings = [...(tokenWarning === undefined ? [] : [tokenWarning]), ...(suffixWarnings ?? [])];
  const notes = suffixWarnings === undefined ? [...advice, PUBLIC_SUFFIX_CHECK_SKIPPED] : advice;
  if (values.json) {
    const report = { valid: true, filepath: resolved.filepath ?? null, searched: resolved.searched, passedOver: resolved.passedOver, config, warnings, advice: notes };
    return { stdout: JSON.stringify(report, null, 2), exitCode: EXIT.pass };
  }
  const lines = [...warnings.map((line) => `Warning: ${line}`), ...notes.map((line) => `Note: ${line}`)];
  return { stdout: [formatConfig(resolved.filepath, resolved.searched, config, resolved.passedOver), ...lines, 'The configuration is valid.'].join('\n'), exitCode: EXIT.pass };
}
