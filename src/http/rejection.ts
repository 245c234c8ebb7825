import { STATUS_CODES } from 'node:http';

/** Body of every rejection. It echoes nothing from the request. */
export const REJECT_BODY = 'Host not allowed';

/** A complete HTTP/1.1 rejection, for a raw socket (a refused WebSocket upgrade) that no Koa response will answer. */
export function rawRejection(status: number): string {
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Rejected'}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(REJECT_BODY)}\r\n` +
    `\r\n${REJECT_BODY}`
  );
}
