import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { healthChecks } from '../src';
import { appWith, NO_TOKEN, withEnv } from './helpers';

const run = promisify(execFile);
const TOKEN = 'e2e-token-5d1c';

/** Sends a request with the real curl binary and returns the status code it saw. */
async function curlStatus(url: string, headers: Record<string, string>): Promise<number> {
  const args = ['--silent', '--output', '/dev/null', '--write-out', '%{http_code}', '--max-time', '5'];
  for (const [name, value] of Object.entries(headers)) args.push('--header', `${name}: ${value}`);
  const { stdout } = await run('curl', [...args, url]);
  return Number(stdout);
}

describe('end to end, over a real socket with curl', () => {
  let server: Server;
  let url: string;

  before(async () => {
    const middleware = withEnv({ ...NO_TOKEN, HEALTH_CHECK_HEADER_VALUE: TOKEN }, () =>
      healthChecks({ configFile: false, allowedHosts: ['example.com'], probe: { paths: ['/health-check/'] } }),
    );
    server = createServer(appWith(middleware).callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health-check/`;
  });

  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const kubelet = { Host: '10.244.1.7:8000', 'User-Agent': 'kube-probe/1.31', Accept: '*/*' };

  it('answers a kubelet-style probe with the token: 200', async () => {
    expect(await curlStatus(url, { ...kubelet, 'X-Health': TOKEN })).to.equal(200);
  });

  it('rejects the same request without the header: 400', async () => {
    expect(await curlStatus(url, kubelet)).to.equal(400);
  });

  it('answers an allowed host: 200', async () => {
    expect(await curlStatus(url, { Host: 'example.com' })).to.equal(200);
  });
});
