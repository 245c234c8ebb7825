import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What a shutdown needs of an http or https server: its connections and the requests in flight on them. */
export interface ConnectionTracker {
  /** Requests whose responses have not finished. */
  inFlight(): number;
  /** Connections open now, idle or not. */
  open(): number;
  /**
   * Stops accepting connections, has every response in flight end its connection (`Connection: close`), closes the
   * idle keep-alive connections, and resolves once every connection has closed; after `timeout` ms it destroys what
   * is left and resolves with `forced: true`.
   */
  drain(timeout: number): Promise<{ forced: boolean }>;
}

/**
 * Tracks `server`'s connections from now on. Idle connections are closed by Node's own `closeIdleConnections()`,
 * which knows whether a request has begun on one; a connection busy with a request is closed by that response, so
 * that no request is cut off.
 */
export function trackConnections(server: Server): ConnectionTracker {
  const sockets = new Set<Socket>();
  const responses = new Set<ServerResponse>();
  let draining = false;
  let onEmpty: (() => void) | undefined;

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) onEmpty?.();
    });
  });
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    responses.add(res);
    res.once('close', () => responses.delete(res));
    if (draining) endConnectionAfter(res);
  });

  return {
    inFlight: () => responses.size,
    open: () => sockets.size,
    drain: (timeout) =>
      new Promise((resolve) => {
        const deadline = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
          resolve({ forced: true });
        }, timeout);
        onEmpty = () => {
          clearTimeout(deadline);
          resolve({ forced: false });
        };
        draining = true;
        server.close();
        server.closeIdleConnections();
        for (const res of responses) endConnectionAfter(res);
        if (sockets.size === 0) onEmpty();
      }),
  };
}

/** The response ends its connection: with `Connection: close` if its headers are still to go, else once it is done. */
function endConnectionAfter(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  else res.once('finish', () => res.socket?.end());
}
