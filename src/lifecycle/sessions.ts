import type { Http2Server, Http2SecureServer, ServerHttp2Session } from 'node:http2';
import type { ConnectionTracker } from './connections';

/**
 * Tracks an HTTP/2 server's sessions from now on. A drain stops accepting and sends each session GOAWAY, so that the
 * client opens no new stream on it, while the streams in flight finish; after `timeout` ms what is left is destroyed.
 */
export function trackSessions(server: Http2Server | Http2SecureServer): ConnectionTracker {
  const sessions = new Set<ServerHttp2Session>();
  let onEmpty: (() => void) | undefined;
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once('close', () => {
      sessions.delete(session);
      if (sessions.size === 0) onEmpty?.();
    });
  });
  return {
    inFlight: () => [...sessions].reduce((streams, session) => streams + ((session.state as { streamCount?: number }).streamCount ?? 0), 0),
    open: () => sessions.size,
    // HTTP/2 has no per-response close: the sessions get GOAWAY at the drain.
    closing: () => undefined,
    drain: (timeout) =>
      new Promise((resolve) => {
        const deadline = setTimeout(() => {
          for (const session of sessions) session.destroy();
          resolve({ forced: true });
        }, timeout);
        onEmpty = () => {
          clearTimeout(deadline);
          resolve({ forced: false });
        };
        server.close();
        for (const session of sessions) session.close(); // GOAWAY, then closed once its streams are done
        if (sessions.size === 0) onEmpty();
      }),
  };
}
