import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Server as SocketIoServer, type ServerOptions } from 'socket.io';
import { io as connectSocketIo } from 'socket.io-client';
import { healthChecks } from '../src';
import { Koa, NO_TOKEN, withEnv } from './helpers';

/** The README's socket.io wiring: guardUpgrades() on the server, then socket.io attached to it. */
async function serve(options: Partial<ServerOptions>): Promise<{ server: Server; io: SocketIoServer; url: string }> {
  const guard = withEnv(NO_TOKEN, () => healthChecks({ configFile: false, allowedHosts: ['example.com'] }));
  const app = new Koa();
  app.use(guard);
  const server = createServer(app.callback());
  guard.guardUpgrades(server);
  const io = new SocketIoServer(server, options);
  io.on('connection', (socket) => socket.emit('hello', 'welcome'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, io, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Connects with this Host header: the first message, or the connection error's message. */
function connect(url: string, host: string, transports: ('websocket' | 'polling')[]): Promise<string> {
  return new Promise((resolve) => {
    const socket = connectSocketIo(url, { transports, extraHeaders: { Host: host }, reconnection: false, timeout: 3000 });
    socket.on('hello', (message: string) => {
      resolve(`message: ${message}`);
      socket.close();
    });
    socket.on('connect_error', (error) => {
      resolve(`error: ${error.message}`);
      socket.close();
    });
  });
}

describe('guardUpgrades() with socket.io, as the README wires it', () => {
  it('guards the WebSocket transport', async () => {
    const { server, io, url } = await serve({ transports: ['websocket'] });
    try {
      expect(await connect(url, 'example.com', ['websocket'])).to.equal('message: welcome');
      expect(await connect(url, 'evil.example', ['websocket'])).to.match(/^error: /);
    } finally {
      io.close();
      server.close();
    }
  });

  it('cannot guard HTTP long-polling, which socket.io answers before Koa: why the README keeps to WebSocket', async () => {
    const { server, io, url } = await serve({});
    try {
      expect(await connect(url, 'evil.example', ['polling'])).to.equal('message: welcome');
    } finally {
      io.close();
      server.close();
    }
  });
});
