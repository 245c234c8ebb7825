import { once } from 'node:events';
import { connect as connectHttp2, constants as http2, createServer as createHttp2Server, type ClientHttp2Stream } from 'node:http2';
import { connect, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Middleware } from 'koa';
import { healthChecks } from '../src';
import { Koa, listen, NO_TOKEN, withEnv } from './helpers';

// The faults real traffic brings, against a real server: pipelined requests that mix probes, allowed and rejected hosts
// on one connection, clients that abort, HTTP/2 streams reset mid-request. None may become a 5xx, a crash, or a
// decision, token or state carried from one request to the next. The soak (`npm run soak`) runs them under load too.

const TOKEN = 'faults-token-5d2b';

function middleware(): Middleware {
  return withEnv({ ...NO_TOKEN, HEALTH_CHECK_HEADER_VALUE: TOKEN }, () =>
    healthChecks({ configFile: false, allowedHosts: ['example.com', '.example.org'], probe: { paths: ['/health-check/'] } }),
  );
}

/** What the app saw, per request: its number, the state the middleware set, the host, and any probe header left. */
function echoApp() {
  const app = new Koa();
  const errors: Error[] = [];
  app.on('error', (error: Error) => errors.push(error));
  app.use(middleware());
  app.use((ctx) => {
    if (ctx.path === '/big') {
      ctx.body = Buffer.alloc(512 * 1024, 'x');
      return;
    }
    ctx.body = { n: ctx.query.n, state: ctx.state.healthCheck ?? null, host: ctx.host, probeHeader: ctx.get('x-health') || null };
  });
  return { app, errors };
}

interface Kind {
  name: string;
  request: (n: number) => string;
  status: number;
  probe?: boolean;
  host?: string;
}

const KINDS: Kind[] = [
  { name: 'probe', request: (n) => `GET /health-check/?n=${n} HTTP/1.1\r\nHost: 10.244.1.7:8000\r\nX-Health: ${TOKEN}\r\n\r\n`, status: 200, probe: true, host: '10.244.1.7' },
  { name: 'allowed', request: (n) => `GET /health-check/?n=${n} HTTP/1.1\r\nHost: www.example.org\r\n\r\n`, status: 200, probe: false, host: 'www.example.org' },
  { name: 'wrong token', request: (n) => `GET /health-check/?n=${n} HTTP/1.1\r\nHost: 10.244.1.7:8000\r\nX-Health: not-it\r\n\r\n`, status: 400 },
  { name: 'rejected host', request: (n) => `GET /health-check/?n=${n} HTTP/1.1\r\nHost: 10.244.1.7:8000\r\n\r\n`, status: 400 },
  { name: 'allowed, after a probe', request: (n) => `GET /?n=${n} HTTP/1.1\r\nHost: example.com\r\n\r\n`, status: 200, probe: false, host: 'example.com' },
];

/** Writes everything at once, and splits what comes back into responses, each with its status and body. */
async function pipeline(port: number, bytes: string): Promise<{ status: number; body: string }[]> {
  const socket = connect(port, '127.0.0.1');
  socket.end(bytes);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'close');
  const text = Buffer.concat(chunks).toString('latin1');
  const responses: { status: number; body: string }[] = [];
  for (let offset = 0; offset < text.length; ) {
    const headEnd = text.indexOf('\r\n\r\n', offset);
    const head = text.slice(offset, headEnd);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1]);
    responses.push({ status: Number(head.slice(9, 12)), body: text.slice(headEnd + 4, headEnd + 4 + length) });
    offset = headEnd + 4 + length;
  }
  return responses;
}

describe('faults real traffic brings', () => {
  it('pipelining: every response answers its own request; no decision, token or state leaks to the next', async () => {
    const { app, errors } = echoApp();
    const { server, port } = await listen(app);
    try {
      for (let connection = 0; connection < 20; connection += 1) {
        const sequence = Array.from({ length: 40 }, (_, index) => KINDS[(index * 3 + connection * 7 + ((index * index) % 5)) % KINDS.length] as Kind);
        const bytes = sequence.map((kind, n) => kind.request(n)).join('') + 'GET /?n=last HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n';
        const responses = await pipeline(port, bytes);
        expect(responses).to.have.length(sequence.length + 1);
        sequence.forEach((kind, n) => {
          const response = responses[n] as { status: number; body: string };
          const context = `connection ${connection}, request ${n} (${kind.name})`;
          expect(response.status, context).to.equal(kind.status);
          if (kind.status !== 200) return;
          const seen = JSON.parse(response.body) as { n: string; state: { probe: boolean; host: string }; probeHeader: string | null };
          expect(seen.n, context).to.equal(String(n));
          expect(seen.state, context).to.deep.include({ probe: kind.probe, host: kind.host });
          expect(seen.probeHeader, context).to.equal(null);
        });
      }
      expect(errors).to.deep.equal([]);
    } finally {
      server.close();
    }
  });

  it('clients that abort mid-request and mid-response: no error in the app, and the next request is served', async () => {
    const { app, errors } = echoApp();
    const { server, port } = await listen(app);
    try {
      const aborts = Array.from({ length: 200 }, async (_, index) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => {});
        if (index % 2 === 0) {
          socket.write(`GET /health-check/ HTTP/1.1\r\nHost: 10.244.1.7:8000\r\nX-Health: ${TOKEN.slice(0, 4)}`);
          setImmediate(() => socket.destroy());
        } else {
          socket.write('GET /big HTTP/1.1\r\nHost: example.com\r\n\r\n');
          socket.once('data', () => socket.destroy());
        }
        await once(socket, 'close');
      });
      await Promise.all(aborts);
      const [after] = await pipeline(port, `GET /health-check/?n=1 HTTP/1.1\r\nHost: 10.0.0.1\r\nX-Health: ${TOKEN}\r\nConnection: close\r\n\r\n`);
      expect(after?.status).to.equal(200);
      expect(errors.filter((error) => !/aborted|ECONNRESET|EPIPE|premature close/i.test(error.message))).to.deep.equal([]);
    } finally {
      server.close();
    }
  });

  it('HTTP/2 streams reset mid-request and mid-response: the sessions and the server keep serving, with no 5xx', async () => {
    const { app, errors } = echoApp();
    const server = createHttp2Server(app.callback());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const statuses: number[] = [];
    const reset = (stream: ClientHttp2Stream) => stream.close(http2.NGHTTP2_CANCEL);
    try {
      // Five sessions of 30 streams: within nghttp2's own limits on refused and reset streams, which answer a flood
      // of resets (CVE-2023-44487) with GOAWAY before any middleware runs.
      for (let sessionIndex = 0; sessionIndex < 5; sessionIndex += 1) {
        const session = connectHttp2(url);
        const streams = Array.from({ length: 30 }, async (_, index) => {
          const kind = index % 3;
          const stream = session.request(
            kind === 0
              ? { ':method': 'POST', ':path': '/health-check/', ':authority': '10.244.1.7:8000', 'x-health': TOKEN }
              : { ':path': kind === 1 ? '/big' : '/', ':authority': kind === 1 ? 'example.com' : 'evil.example' },
            { endStream: kind !== 0 },
          );
          stream.on('error', () => {});
          stream.on('response', (headers) => statuses.push(Number(headers[':status'])));
          if (kind === 0) {
            stream.write('partial body');
            setImmediate(() => reset(stream));
          } else if (kind === 1) {
            stream.once('data', () => reset(stream));
          } else {
            stream.resume();
          }
          await once(stream, 'close');
        });
        await Promise.all(streams);
        expect(await probeOn(session), `session ${sessionIndex}, after its resets`).to.deep.include({ n: '9', probeHeader: null });
        session.close();
      }
      expect(statuses.filter((status) => status >= 500)).to.deep.equal([]);
      expect(statuses.filter((status) => status === 400)).to.have.length(50);
      expect(errors.filter((error) => !/aborted|ECONNRESET|EPIPE|premature close|cancel/i.test(error.message))).to.deep.equal([]);
    } finally {
      server.close();
    }
  });
});

/** A probe on the session: it must pass, with the probe header removed before the app. */
async function probeOn(session: ReturnType<typeof connectHttp2>): Promise<unknown> {
  const probe = session.request({ ':path': '/health-check/?n=9', ':authority': '10.244.1.7:8000', 'x-health': TOKEN });
  const [headers] = (await once(probe, 'response')) as [Record<string, unknown>];
  let body = '';
  probe.on('data', (chunk: Buffer) => (body += chunk.toString()));
  await once(probe, 'end');
  expect(headers[':status']).to.equal(200);
  return JSON.parse(body);
}
