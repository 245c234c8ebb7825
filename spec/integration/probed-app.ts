import { spawn, type ChildProcess } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { healthChecks, type HealthCheckState, type HealthChecksMiddleware } from '../../src';
import { Koa, withEnv } from '../helpers';

// Shared by the prober tests: the app a real prober probes, in this process, with a recipe's config file copied as it
// is; a temp dir for the prober's own files; and the prober, started and stopped by PID.

/** The repository's docs/recipes/<name>/ directory. */
export function recipeDir(name: string): string {
  return resolve(__dirname, '..', '..', 'docs', 'recipes', name);
}

/** A request as the app's last handler saw it, after the guard let it through. */
export interface Seen {
  method: string;
  path: string;
  host: string;
  userAgent: string | undefined;
  state: HealthCheckState | undefined;
}

export interface ProbedApp {
  readonly port: number;
  readonly address: string;
  readonly guard: HealthChecksMiddleware;
  /** Every request that reached the app's handler. */
  readonly seen: Seen[];
  /** Stops answering: closes the listener and every connection, so the prober gets refused connections. */
  stop(): Promise<void>;
  /** Listens again on the same address and port. */
  start(): Promise<void>;
}

/**
 * Starts a Koa app behind `healthChecks()` with `configFile` (a recipe's file, read as it is), on `address` and a free
 * port, or `port`. Every path answers 200 `ok`, so that what decides a probe's fate is the guard alone.
 */
export async function startProbedApp(
  configFile: string,
  { address = '127.0.0.1', port = 0, env = {} }: { address?: string; port?: number; env?: Record<string, string | undefined> } = {},
): Promise<ProbedApp> {
  const guard = withEnv({ HEALTH_CHECK_HEADER_VALUE: undefined, ...env }, () => healthChecks({ configFile }));
  const app = new Koa();
  app.env = 'production';
  app.use(guard);
  const seen: Seen[] = [];
  app.use((ctx) => {
    seen.push({ method: ctx.method, path: ctx.path, host: ctx.host, userAgent: ctx.get('User-Agent') || undefined, state: ctx.state.healthCheck });
    ctx.body = 'ok';
  });
  let server: Server | undefined;
  let sockets = new Set<Socket>();
  let listeningOn = port;
  const start = async () => {
    sockets = new Set();
    server = createServer(app.callback());
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.listen(listeningOn, address);
    await once(server, 'listening');
    listeningOn = (server.address() as AddressInfo).port;
  };
  await start();
  return {
    get port() {
      return listeningOn;
    },
    address,
    guard,
    seen,
    async stop() {
      const closing = server;
      if (closing === undefined) return;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => closing.close(done));
    },
    start,
  };
}

/** A temporary directory for a prober's files, with the recipe's files copied in under their own names. */
export function proberDir(prefix: string, recipeFiles: readonly string[] = []): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `koa-allow-healthchecks-${prefix}-`));
  for (const file of recipeFiles) copyFileSync(file, join(dir, basename(file)));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A recipe file with placeholders filled in: each `{{NAME}}` in the file becomes `values.NAME`. A placeholder left
 * unfilled is an error, so that a recipe edited to need another value fails the test.
 */
export function fillTemplate(source: string, target: string, values: Record<string, string | number>): void {
  const text = readFileSync(source, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (match, name: string) => {
    if (!(name in values)) throw new Error(`${source} needs a value for ${match}`);
    return String(values[name]);
  });
  writeFileSync(target, text);
}

/** A prober process, started in the foreground with its output kept, and stopped by PID. */
export interface ProberProcess {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

export function startProber(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ProberProcess {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await once(child, 'exit');
      clearTimeout(killer);
    },
  };
}

/** Polls `condition` until it holds, for at most `ms`; returns whether it did. */
export async function eventually(condition: () => boolean | Promise<boolean>, ms = 20000, every = 200): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((done) => setTimeout(done, every));
  }
  return condition();
}

/**
 * `text` with each `from` replaced by its `to`. Throws when a `from` is missing, so that an edited recipe fails its
 * test rather than run a config it no longer matches. `file` names the recipe file in that error.
 */
export function substitute(text: string, replacements: Record<string, string> | ReadonlyArray<readonly [string, string]>, file = 'the recipe'): string {
  const pairs = Array.isArray(replacements) ? replacements : Object.entries(replacements);
  return pairs.reduce((result, [from, to]) => {
    if (!result.includes(from)) throw new Error(`${file} no longer contains ${JSON.stringify(from)}`);
    return result.split(from).join(to);
  }, text);
}

/** A request as it arrived at the app's socket, before any middleware: what the prober or proxy really sent. */
export interface Arrived {
  method: string;
  url: string;
  version: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Records every request that arrives on `port()`, through Node's `http.server.request.start` channel. */
export function recordArrivals(port: () => number): { arrived: Arrived[]; stop(): void } {
  const arrived: Arrived[] = [];
  const listener = (message: unknown) => {
    const { request: incoming } = message as { request: IncomingMessage };
    if (incoming.socket.localPort !== port()) return;
    arrived.push({ method: incoming.method ?? '', url: incoming.url ?? '', version: incoming.httpVersion, headers: { ...incoming.headers } });
  };
  subscribe('http.server.request.start', listener);
  return { arrived, stop: () => unsubscribe('http.server.request.start', listener) };
}
