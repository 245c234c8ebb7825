import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import type KoaType from 'koa';
import type { Middleware } from 'koa';
import request from 'supertest';

/**
 * The Koa under test: `koa` (3.x) by default, or the package named by KOA_MODULE, so that .ci/run can run the same
 * suite once more against Koa 2 (`KOA_MODULE=koa2`).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const Koa: typeof KoaType = require(process.env.KOA_MODULE ?? 'koa');

/** An app with `middleware` first and a last handler that answers 200 with `ctx.state.healthCheck` as JSON. */
export function appWith(middleware: Middleware | Middleware[], configure?: (app: KoaType) => void): KoaType {
  const app = new Koa();
  configure?.(app);
  for (const layer of Array.isArray(middleware) ? middleware : [middleware]) app.use(layer);
  app.use((ctx) => {
    ctx.body = { healthCheck: ctx.state.healthCheck ?? null };
  });
  return app;
}

/** A supertest agent over the app's callback: no listening socket. */
export function client(app: KoaType) {
  return request(app.callback());
}

/** Runs `fn` with the environment variables set (or unset, for `undefined`), then restores them. */
export function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const restore = setEnv(vars);
  try {
    return fn();
  } finally {
    restore();
  }
}

/** {@link withEnv} for the whole of an async `fn`: a watch reload reads the environment when it happens, later. */
export async function withEnvDuring(vars: Record<string, string | undefined>, fn: () => Promise<void>): Promise<void> {
  const restore = setEnv(vars);
  try {
    await fn();
  } finally {
    restore();
  }
}

function setEnv(vars: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  return () => apply(saved);
}

/** Collects the warnings emitted while `fn` runs, with the given code. */
export async function warnings(code: string, fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (warning: Error & { code?: string }) => {
    if (warning.code === code) seen.push(warning.message);
  };
  process.on('warning', listener);
  try {
    await fn();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

/** The token variable, unset: most tests must not inherit a token from the developer's shell. */
export const NO_TOKEN = { HEALTH_CHECK_HEADER_VALUE: undefined };

/**
 * Makes a temporary project directory holding `files` (path → content; objects are written as JSON) and returns its
 * path. A package.json is added unless given, so that the config search stops there. `removeProjects()` deletes them.
 */
export function makeProject(files: Record<string, string | object>, { packageJson = true } = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'koa-allow-healthchecks-'));
  createdProjects.push(root);
  const withPackage = !packageJson || 'package.json' in files ? files : { 'package.json': { name: 'fixture' }, ...files };
  for (const [relative, content] of Object.entries(withPackage)) {
    const path = join(root, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

/** Like {@link makeProject}, with no package.json added: a directory outside any project. */
export function makeDirectory(files: Record<string, string | object>): string {
  return makeProject(files, { packageJson: false });
}

const createdProjects: string[] = [];

export function removeProjects(): void {
  for (const root of createdProjects.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Calls `fn` and returns what it threw, failing if it threw nothing. */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`, { cause: error });
  }
  throw new Error('expected a throw, but nothing was thrown');
}

/** A real HTTP server for the app on a loopback address (127.0.0.1 unless given), on a free port. Close it when done. */
export async function listen(app: KoaType, address = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  const server = createServer(app.callback());
  server.listen(0, address);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port };
}

/** A raw response: the status code (0 when the server closed without one), and the whole text. */
export interface RawResponse {
  status: number;
  text: string;
}

/**
 * Writes `bytes` to a fresh socket exactly as given, and reads until the server closes the connection or `timeoutMs`
 * passes. Send `Connection: close` (or HTTP/1.0) so the server closes it.
 */
export async function sendRaw(port: number, bytes: string | Buffer, timeoutMs = 3000, address = '127.0.0.1'): Promise<RawResponse> {
  const socket = connect(port, address);
  await once(socket, 'connect');
  socket.setTimeout(timeoutMs, () => socket.destroy());
  socket.end(bytes);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of socket) chunks.push(chunk as Buffer);
  } catch {
    // A reset after the response still leaves what was read.
  }
  const text = Buffer.concat(chunks).toString('latin1');
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0), text };
}

/** What Koa hands the app about the request's host and URL, read by the last handler after the middleware ran. */
export interface HostView {
  healthCheck: { probe: boolean; via: string | null; host: string | null } | null;
  host: string;
  hostname: string;
  urlHostname: string | null;
  requestUrlHostname: string | null;
  href: string;
  url: string;
  originalUrl: string;
}

/** A last handler that answers 200 with the {@link HostView}. */
export const reportHostView: Middleware = (ctx) => {
  const view: HostView = {
    healthCheck: ctx.state.healthCheck ?? null,
    host: ctx.host,
    hostname: ctx.hostname,
    // Koa leaves an empty object as ctx.URL when it cannot build one.
    urlHostname: (ctx.URL as URL | Record<string, never>).hostname ?? null,
    requestUrlHostname: (ctx.request.URL as URL | Record<string, never>).hostname ?? null,
    href: ctx.href,
    url: ctx.url,
    originalUrl: ctx.originalUrl,
  };
  ctx.body = view;
};

/** An app of the Koa under test (or `Koa`, when given) with `middleware` first and {@link reportHostView} last. */
export function viewingApp(middleware: Middleware | Middleware[], configure?: (app: KoaType) => void, KoaClass: typeof KoaType = Koa): KoaType {
  const app = new KoaClass();
  configure?.(app);
  for (const layer of Array.isArray(middleware) ? middleware : [middleware]) app.use(layer);
  app.use(reportHostView);
  return app;
}

/**
 * The invariant, checked where the app consumes it: for an ordinary request that passed, `ctx.hostname`,
 * `ctx.host`, `ctx.URL`, `ctx.request.URL` and `ctx.href` all name the validated host (`ctx.state.healthCheck.host`),
 * compared lowercase and without one trailing dot. Written apart from src/, with the WHATWG URL parser as the judge.
 */
export function expectOneHost(view: HostView, context = ''): void {
  const where = `${context} ${JSON.stringify(view)}`;
  const validated = view.healthCheck?.host;
  expect(validated, `validated host ${where}`).to.be.a('string');
  const normal = (value: string | null) => (value ?? '').toLowerCase().replace(/\.$/, '');
  const hostOnly = view.host.startsWith('[') ? view.host.slice(0, view.host.indexOf(']') + 1) : view.host.split(':')[0];
  expect(normal(view.hostname), `ctx.hostname ${where}`).to.equal(validated);
  expect(normal(hostOnly ?? ''), `ctx.host ${where}`).to.equal(validated);
  expect(normal(view.urlHostname), `ctx.URL.hostname ${where}`).to.equal(validated);
  expect(normal(view.requestUrlHostname), `ctx.request.URL.hostname ${where}`).to.equal(validated);
  expect(normal(new URL(view.href).hostname), `ctx.href ${where}`).to.equal(validated);
}

/**
 * Whether this Node's WHATWG URL parser keeps a host as it is. Node 20 and 22 refuse an "xn--" label that is not valid
 * punycode; Node 24 keeps it. The middleware follows the running parser, so tests of such hosts ask it too.
 */
export function urlKeepsHost(host: string): boolean {
  try {
    return new URL(`http://${host}/`).hostname === host;
  } catch {
    return false;
  }
}
