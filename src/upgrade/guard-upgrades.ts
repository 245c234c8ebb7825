import type { IncomingHttpHeaders } from 'node:http';
import type { ServerHttp2Stream } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { Guard, Verdict } from '../guard/guard';
import type { Reader } from '../guard/pipeline';
import type { NodeRequest } from '../http/read-request';
import { rawRejection, REJECT_BODY } from '../http/rejection';

/** Options of `guardUpgrades()`. */
export interface GuardUpgradesOptions {
  /**
   * What `app.proxy` is for the Koa requests: whether to validate X-Forwarded-Host instead of Host. Upgrades never
   * reach Koa, so the app's setting cannot be read here. The `trustProxy` option, when set, wins, as it does for Koa
   * requests. Default: `false`.
   */
  proxy?: boolean;
}

/** Any server that emits `'upgrade'` or `'stream'`: `http.Server`, `https.Server`, `http2` servers. */
export interface UpgradeServer {
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

const GUARDED = Symbol.for('koa-allow-healthchecks.guardUpgrades');

/**
 * Makes every `'upgrade'` listener of `server`, and every `'stream'` listener for an HTTP/2 extended CONNECT
 * (RFC 8441, `:protocol` set, as WebSockets over HTTP/2 are), run only for what the guard allows. It wraps the
 * server's `emit` rather than its listeners, so listeners added before the call, after it, by
 * `new WebSocketServer({ server })` or by socket.io are all covered, and `noServer` setups that call `handleUpgrade`
 * from their own listener too. Node's HTTP/2 compatibility layer, and so `'connect'` listeners, sit behind
 * `'stream'`.
 *
 * It decides nothing itself: the guard decides, counts and reports, and this carries the verdict out. An upgrade
 * passes only with an allowed host: it is never a health probe, so the probe header, local-address probes and exempt
 * paths do not let one through, whatever its path (a WebSocket server often listens on every path). A refused
 * upgrade is answered with the reject status and `Host not allowed` and closed before any listener runs, so nothing
 * can answer 101 (or 200 to a CONNECT). In report-only mode it goes on to the listeners. The guard removes the probe
 * header before any listener sees the request, and an absolute-form target is handed over in origin-form.
 *
 * @throws {TypeError} when `server` is not an event emitter, `options.proxy` is not a boolean, or the server is
 * already guarded.
 */
export function guardUpgrades(server: UpgradeServer, guard: Guard, options: GuardUpgradesOptions = {}): void {
  checkArguments(server, options);
  const reader: Reader = { proxy: options.proxy ?? false, env: process.env.NODE_ENV ?? 'development', upgradeListener: true };
  const emit = server.emit;

  server.emit = function emitWithUpgradeGuard(this: UpgradeServer, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'upgrade') {
      const [req, socket] = args as [NodeRequest, Duplex];
      return carryOut(guard.check(req, reader, 'upgrade'), socket, (verdict) => admitUpgrade(req, socket, verdict, guard), () => emit.call(this, event, ...args));
    }
    if (event === 'stream' && isExtendedConnect(args[1])) {
      const [stream, headers, , rawHeaders] = args as [ServerHttp2Stream, IncomingHttpHeaders, number, string[]];
      const req = streamRequest(stream, headers, rawHeaders);
      return carryOut(guard.check(req, reader, 'upgrade'), stream, (verdict) => admitStream(stream, verdict), () => emit.call(this, event, ...args));
    }
    return emit.call(this, event, ...args);
  };
  Object.defineProperty(server, GUARDED, { value: true });
}

/**
 * Goes on to the listeners when `admit` lets the verdict through. While `resolveHost` is asked, Node leaves the socket
 * or stream to the listeners, so it waits, and a client that goes away must not raise an 'error' nobody listens for.
 */
function carryOut(verdict: Verdict | Promise<Verdict>, channel: Duplex, admit: (verdict: Verdict) => boolean, goOn: () => boolean): boolean {
  if (!(verdict instanceof Promise)) return admit(verdict) ? goOn() : true;
  const onWaitError = () => channel.destroy();
  channel.on('error', onWaitError);
  void verdict.then((final) => {
    channel.off('error', onWaitError);
    if (!channel.destroyed && admit(final)) goOn();
  });
  return true;
}

/** Lets an HTTP/1.1 upgrade go on, with its target in origin-form, or answers it and closes the socket. */
function admitUpgrade(req: NodeRequest, socket: Duplex, { decision, request, reportOnly, status }: Verdict, guard: Guard): boolean {
  if (decision.allowed || reportOnly) {
    if (decision.allowed && request.target?.form === 'absolute') req.url = request.target.originForm;
    if (String(req.headers.upgrade).toLowerCase() === 'websocket') guard.trackWebSocket(socket);
    return true;
  }
  socket.on('error', () => socket.destroy());
  socket.end(rawRejection(status), () => socket.destroy());
  return false;
}

/** Lets an extended CONNECT go on, or answers it with the reject status and ends the stream. */
function admitStream(stream: ServerHttp2Stream, { decision, reportOnly, status }: Verdict): boolean {
  if (decision.allowed || reportOnly) return true;
  stream.on('error', () => stream.destroy());
  stream.respond({ ':status': status, 'content-type': 'text/plain; charset=utf-8' });
  stream.end(REJECT_BODY);
  return false;
}

function isExtendedConnect(headers: unknown): boolean {
  const fields = headers as IncomingHttpHeaders | undefined;
  return fields?.[':method'] === 'CONNECT' && fields[':protocol'] !== undefined;
}

/**
 * The request as the guard reads it, over the stream's own header objects, so that removing the probe header removes
 * it from what the listeners get.
 */
function streamRequest(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, rawHeaders: string[] | undefined): NodeRequest {
  return {
    method: 'CONNECT',
    url: headers[':path'],
    httpVersionMajor: 2,
    headers,
    rawHeaders: rawHeaders ?? flatten(headers),
    socket: stream.session?.socket,
  } as unknown as NodeRequest;
}

function flatten(headers: IncomingHttpHeaders): string[] {
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value.flatMap((item) => [name, item]) : value === undefined ? [] : [name, value]));
}

function checkArguments(server: UpgradeServer, options: GuardUpgradesOptions): void {
  if (typeof (server as Partial<UpgradeServer> | null)?.emit !== 'function') {
    throw new TypeError('guardUpgrades() expects the `http`, `https` or `http2` server that app.callback() is attached to.');
  }
  if (typeof options !== 'object' || options === null || (options.proxy !== undefined && typeof options.proxy !== 'boolean')) {
    throw new TypeError('guardUpgrades() options must be an object such as { proxy: true }; `proxy` is a boolean.');
  }
  if ((server as unknown as Record<symbol, unknown>)[GUARDED] === true) {
    throw new TypeError('guardUpgrades() was already called on this server. Call it once per server.');
  }
}
