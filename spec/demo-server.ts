import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** A running demo server (examples/server.js, what `npm start` runs). */
export interface Demo {
  readonly child: ChildProcess;
  readonly port: number;
  /** The address it listens on, as it appears in a URL: `127.0.0.1`, `127.0.0.7`, `[::1]`. */
  readonly address: string;
  readonly base: string;
  output(): string;
  stop(): Promise<void>;
}

/** Starts the demo on a free port with `env` and resolves once it listens. */
export function startDemo(env: Record<string, string> = {}): Promise<Demo> {
  const child = spawn(process.execPath, [join(ROOT, 'examples', 'server.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', READY_DELAY_MS: '0', ...env },
  });
  let output = '';
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/(\S+):(\d+))/.exec(output);
      if (listening !== null) {
        resolve({ child, port: Number(listening[3]), base: listening[1] as string, address: listening[2] as string, output: () => output, stop });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${output}`)));
  });
}

/** A GET with exactly these headers (Host included), and its status and body. */
export function get(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}
