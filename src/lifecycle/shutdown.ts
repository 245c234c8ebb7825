import type { Server } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ShutdownSettings } from '../config/resolve-config';
import { trackConnections, type ConnectionTracker } from './connections';
import { trackSessions } from './sessions';

/** An http, https or http2 server that `lifecycle()` can drain. */
export type LifecycleServer = Server | Http2Server | Http2SecureServer;

/** What a shutdown needs from the guard around it. */
export interface ShutdownDependencies {
  /** The shutdown settings in force when the signal comes. */
  settings(): ShutdownSettings;
  /** Readiness answers 503 `draining` from now on. */
  drainReadiness(): void;
  /** The WebSocket connections the guard let through, to close with 1001 (going away) after the drain delay. */
  webSockets(): Iterable<Duplex>;
  exit(code: number): void;
}

/** The shutdown of a process: one per guard, for every server given to `add()`. */
export interface Shutdown {
  add(server: LifecycleServer): void;
}

/** A WebSocket close frame, server to client (unmasked), with status 1001 "going away" (RFC 6455 section 7.4.1). */
const GOING_AWAY = Buffer.from([0x88, 0x02, 0x03, 0xe9]);

/**
 * On the first of `signals`: readiness fails at once; every server keeps serving for `drainDelay`; then each stops
 * accepting and drains (see `trackConnections` and `trackSessions`), WebSockets get 1001; `onShutdown` runs once the
 * requests in flight are done; and the process exits 0, or 1 when the `timeout` forced it or `onShutdown` failed. A
 * second signal exits 1 at once.
 */
export function createShutdown(dependencies: ShutdownDependencies): Shutdown {
  const trackers = new Map<LifecycleServer, ConnectionTracker>();
  let listening = false;
  let started = false;

  const onSignal = () => {
    if (started) return dependencies.exit(1);
    started = true;
    void run(dependencies, [...trackers.values()]);
  };

  return {
    add(server) {
      if (trackers.has(server)) throw new TypeError('lifecycle(server) was already called for this server: call it once per server.');
      trackers.set(server, isHttp2(server) ? trackSessions(server) : trackConnections(server as Server));
      if (listening) return;
      listening = true;
      for (const signal of dependencies.settings().signals) process.on(signal, onSignal);
    },
  };
}

/** Every shutdown under way in the process: with two guards, the process exits once both are done. */
const underWay = new Set<Promise<number>>();

async function run(dependencies: ShutdownDependencies, trackers: readonly ConnectionTracker[]): Promise<void> {
  let done: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (done = resolve));
  underWay.add(finished);
  const code = await shutDown(dependencies, trackers);
  done(code);
  const codes = await Promise.all([...underWay]);
  dependencies.exit(Math.max(...codes));
}

async function shutDown(dependencies: ShutdownDependencies, trackers: readonly ConnectionTracker[]): Promise<number> {
  const { drainDelay, timeout, onShutdown } = dependencies.settings();
  dependencies.drainReadiness();
  // Responses now end their connections, so that clients move off them before the drain closes what is left.
  for (const tracker of trackers) tracker.closing();
  await new Promise((resolve) => setTimeout(resolve, drainDelay));
  const deadline = setTimeout(() => dependencies.exit(1), timeout);
  const grace = Math.min(1000, Math.floor(timeout / 4));
  for (const socket of dependencies.webSockets()) {
    if (!socket.writable) continue;
    socket.end(GOING_AWAY);
    // A client that never answers the close frame does not hold the shutdown.
    setTimeout(() => socket.destroy(), grace).unref();
  }
  const drained = await Promise.all(trackers.map((tracker) => tracker.drain(drainBudget(timeout))));
  let code = drained.some((result) => result.forced) ? 1 : 0;
  if (code === 1) {
    process.emitWarning(
      'koa-allow-healthchecks: requests were still in flight when the shutdown timeout came; their connections were closed. ' +
        'Raise shutdown.timeout above the longest request.',
      { code: 'KOA_ALLOW_HEALTHCHECKS_SHUTDOWN_FORCED' },
    );
  }
  try {
    await onShutdown?.();
  } catch {
    code = 1;
  }
  clearTimeout(deadline);
  return code;
}

/** An http or https server can close its idle connections itself; an HTTP/2 server has sessions instead. */
/**
 * How long the requests in flight may take: `timeout` less what `onShutdown` is left to run in, 1 s or a quarter of
 * `timeout` if that is less, so that a request that hangs never keeps `onShutdown` from running.
 */
function drainBudget(timeout: number): number {
  return timeout - Math.min(1000, Math.floor(timeout / 4));
}

function isHttp2(server: LifecycleServer): server is Http2Server | Http2SecureServer {
  return !('closeIdleConnections' in server);
}
