import { expect } from 'chai';
import { Agent, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { trackConnections } from '../src/lifecycle/connections';
import { Koa, listen } from './helpers';

/** An app whose `/slow` answers only when `release()` is called, and whose other paths answer at once. */
function slowApp() {
  const waiting: (() => void)[] = [];
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.path === '/slow') await new Promise<void>((resolve) => waiting.push(resolve));
    ctx.body = `done ${ctx.path}`;
  });
  return { app, release: () => waiting.splice(0).forEach((resolve) => resolve()), waiting };
}

function get(port: number, path: string, agent: Agent): Promise<IncomingMessage & { text: string; connection: Socket }> {
  return new Promise((resolve, reject) => {
    let connection: Socket | undefined;
    request({ host: '127.0.0.1', port, path, agent }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve(Object.assign(response, { text, connection: connection as Socket })));
    })
      .on('socket', (socket) => (connection = socket))
      .on('error', reject)
      .end();
  });
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('lifecycle: draining a server', () => {
  it('finishes a request in flight with Connection: close, and resolves once its connection has closed', async () => {
    const { app, release, waiting } = slowApp();
    const { server, port } = await listen(app);
    const tracker = trackConnections(server);
    const agent = new Agent({ keepAlive: true });
    const pending = get(port, '/slow', agent);
    await until(() => waiting.length === 1);
    expect(tracker.inFlight()).to.equal(1);
    const drained = tracker.drain(60_000);
    release();
    const response = await pending;
    expect(response.statusCode).to.equal(200);
    expect(response.text).to.equal('done /slow');
    expect(response.headers.connection).to.equal('close');
    expect(await drained).to.deep.equal({ forced: false });
    expect(tracker.open()).to.equal(0);
    agent.destroy();
  });

  it('closes an idle keep-alive connection, and refuses new connections', async () => {
    const { app } = slowApp();
    const { server, port } = await listen(app);
    const tracker = trackConnections(server);
    const agent = new Agent({ keepAlive: true });
    const first = await get(port, '/', agent);
    expect(first.headers.connection).to.equal('keep-alive');
    const idle = first.connection;
    const closed = new Promise((resolve) => idle.once('close', resolve));
    expect(tracker.open()).to.equal(1);
    expect(await tracker.drain(60_000)).to.deep.equal({ forced: false });
    await closed;
    const refused = await new Promise<string>((resolve) => connect(port, '127.0.0.1').once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? '')).once('connect', () => resolve('connected')));
    expect(refused).to.equal('ECONNREFUSED');
    agent.destroy();
  });

  it('after the timeout, destroys what is left and says it was forced', async () => {
    const { app, waiting } = slowApp();
    const { server, port } = await listen(app);
    const tracker = trackConnections(server);
    const agent = new Agent({ keepAlive: true });
    const pending = get(port, '/slow', agent).then(() => 'answered', (error: NodeJS.ErrnoException) => error.code);
    await until(() => waiting.length === 1);
    expect(await tracker.drain(50)).to.deep.equal({ forced: true });
    expect(await pending).to.equal('ECONNRESET');
    await until(() => tracker.open() === 0);
    agent.destroy();
  });
});
