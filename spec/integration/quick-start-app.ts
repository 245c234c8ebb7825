import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { README_PORT } from './quick-start-readme';

// The reader's side of the Quick start: npm, node server.js and curl, run as child processes and stopped by PID.

const execFileAsync = promisify(execFile);

/** This process's environment without npm's own variables (as `npm run` sets them) or a token of the tester's. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'INIT_CWD'));
  delete env.HEALTH_CHECK_HEADER_VALUE;
  return { ...env, ...extra };
}

/** Runs `command` in `cwd` and gives its output; a failure says what failed, with all it printed. */
export async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, args, { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024, timeout: 240_000 });
    return stdout;
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}\n${stderr}`, { cause: error });
  }
}

/** server.js, started with `env`, and everything it printed. */
export interface App {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once it has exited. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startApp(directory: string, script: string, env: Record<string, string>): App {
  const child = spawn(process.execPath, [script], { cwd: directory, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  return { child, output: () => output, exited, stop };
}

/** Resolves once `app` accepts connections on 127.0.0.1:port; rejects, with its output, if it exits first. */
export async function untilListening(app: App, port: number, ms = 15000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`server.js exited with ${app.child.exitCode} before listening:\n${app.output()}`);
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), done(true)));
      socket.once('error', () => done(false));
    });
    if (open) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`server.js is not listening on ${port} after ${ms} ms:\n${app.output()}`);
}

/** The status curl gets for a README curl line, run by the shell as written, with the port swapped and the body dropped. */
export async function curlStatus(line: string, port: number, env: Record<string, string>): Promise<string> {
  const local = new RegExp(`(https?://(?:localhost|127\\.0\\.0\\.1)):${README_PORT}\\b`, 'g');
  if (!line.match(local)) throw new Error(`the curl line "${line}" calls no http://localhost:${README_PORT} URL`);
  const command = line.replace(local, `$1:${port}`).replace(/^curl /, `curl -s -o /dev/null -w '%{http_code}' --max-time 10 `);
  const { stdout } = await execFileAsync('sh', ['-c', command], { env: cleanEnv(env) }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return stdout.trim();
}
