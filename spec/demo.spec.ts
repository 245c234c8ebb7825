import { expect } from 'chai';
import WebSocket from 'ws';
import { get, startDemo, type Demo } from './demo-server';

/** Opens a WebSocket with this Host: the first message, or the status of a refused upgrade. */
function openLive(url: string, host: string): Promise<string | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers: { Host: host } });
    socket.on('message', (data) => {
      resolve(String(data));
      socket.close();
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.destroy();
    });
    socket.on('error', reject);
  });
}

const DEMO_TOKEN = 'demo-token-not-a-secret';
const KUBELET = { Host: '10.244.1.7:8000', 'User-Agent': 'kube-probe/1.31' };

describe('the demo server (npm start)', () => {
  let demo: Demo | undefined;
  afterEach(() => demo?.stop());

  it('serves the example config with its public demo token', async () => {
    demo = await startDemo();
    expect((await get(`${demo.base}/`, { Host: 'example.com' })).status).to.equal(200);
    expect((await get(`${demo.base}/`, { Host: 'evil.example' })).status).to.equal(400);
    expect((await get(`${demo.base}/health-check/`, { ...KUBELET, 'X-Health': DEMO_TOKEN })).status).to.equal(200);
    expect((await get(`${demo.base}/health-check/`, KUBELET)).status).to.equal(400);
  });

  it('builds absolute links only from allowed hosts', async () => {
    demo = await startDemo();
    expect((await get(`${demo.base}/password-reset`, { Host: 'www.example.org' })).body).to.include('http://www.example.org/reset?token=');
    const forged = await get(`${demo.base}/password-reset`, { Host: 'evil.example' });
    expect(forged.status).to.equal(400);
    expect(forged.body).not.to.include('evil.example');
  });

  it('checks the host of WebSocket upgrades too', async () => {
    demo = await startDemo();
    const url = `ws://127.0.0.1:${demo.port}/live`;
    expect(await openLive(url, 'example.com')).to.equal('hello from the demo');
    expect(await openLive(url, 'evil.example')).to.equal(400);
  });

  it('answers readiness 503 while starting, then 200', async () => {
    demo = await startDemo({ READY_DELAY_MS: '1500' });
    const probe = { ...KUBELET, 'X-Health': DEMO_TOKEN };
    expect((await get(`${demo.base}/ready`, probe)).status).to.equal(503);
    let status = 503;
    for (let attempt = 0; attempt < 50 && status === 503; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await get(`${demo.base}/ready`, probe)).status;
    }
    expect(status).to.equal(200);
  });

  it('uses the token from the environment, and never prints it', async () => {
    const secret = 'real-secret-token-7f3a';
    demo = await startDemo({ HEALTH_CHECK_HEADER_VALUE: secret });
    expect((await get(`${demo.base}/health-check/`, { ...KUBELET, 'X-Health': secret })).status).to.equal(200);
    expect((await get(`${demo.base}/health-check/`, { ...KUBELET, 'X-Health': DEMO_TOKEN })).status).to.equal(400);
    expect(demo.output()).to.include('$HEALTH_CHECK_HEADER_VALUE').and.not.include(secret);
  });

  it('stops cleanly on SIGTERM', async () => {
    demo = await startDemo();
    await demo.stop();
    expect(demo.child.exitCode).to.equal(0);
  });
});
