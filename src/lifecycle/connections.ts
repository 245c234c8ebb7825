import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';

/** What a shutdown needs of an http or https server: its connections and the requests in flight on them. */
export interface ConnectionTracker {
  /** Requests whose responses have not finished. */
  inFlight(): number;
  /** Connections open now, idle or not. */
  open(): number;
  /** From now on every response ends its connection, so that clients leave before the drain closes them. */
  closing(): void;
  /**
   * Stops accepting connections, has every response in flight end its connection (`Connection: close`), closes every
   * connection with no response in flight (idle, or with a request that never finished arriving), and resolves once
   * every connection has closed; after `timeout` ms it destroys what is left and resolves with `forced: true`.
   */
  drain(timeout: number): Promise<{ forced: boolean }>;
}

/**
 * Tracks `server`'s connections from now on, and the responses in flight on each. A connection busy with a response
 * is closed by that response, so that no request already being answered is cut off; any other is closed at the
 * drain, which comes after the load balancers have stopped sending (`drainDelay`).
 */
export function trackConnections(server: Server): ConnectionTracker {
  const sockets = new Map<Socket, number>();
  const responses = new Set<ServerResponse>();
  let endAll = false;
  let onEmpty: (() => void) | undefined;

  // Over TLS the request's socket is the TLS socket, which 'secureConnection' hands over; 'connection' gives the TCP one.
  server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
    sockets.set(socket, 0);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) onEmpty?.();
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    responses.add(res);
    sockets.set(socket, (sockets.get(socket) ?? 0) + 1);
    res.once('close', () => {
      responses.delete(res);
      if (sockets.has(socket)) sockets.set(socket, Math.max(0, (sockets.get(socket) ?? 1) - 1));
    });
    if (endAll) endConnectionAfter(res);
  });

  const closing = () => {
    endAll = true;
  };
  return {
    inFlight: () => responses.size,
    open: () => sockets.size,
    closing,
    drain: (timeout) =>
      new Promise((resolve) => {
        const deadline = setTimeout(() => {
          server.closeAllConnections();
          for (const socket of sockets.keys()) socket.destroy();
          resolve({ forced: true });
        }, timeout);
        onEmpty = () => {
          clearTimeout(deadline);
          resolve({ forced: false });
        };
        closing();
        server.close();
        for (const res of responses) endConnectionAfter(res);
        for (const [socket, busy] of sockets) if (busy === 0) socket.destroy();
        if (sockets.size === 0) onEmpty();
      }),
  };
}

/** The response ends its connection: with `Connection: close` if its headers are still to go, else once it is done. */
function endConnectionAfter(res: ServerResponse): void {
  if (!res.headersSent) {
    res.setHeader('Connection', 'close');
    return;
  }
  const socket = res.socket; // Node detaches it from the response by the time 'finish' is emitted
  res.once('finish', () => socket?.end());
}
