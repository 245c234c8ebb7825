import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';

const ROOT = join(__dirname, '..');

/** Starts the `npm start` demo on a free port and resolves with its base URL once it listens. */
function startDemo(env: Record<string, string>): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, [join(ROOT, 'examples', 'server.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1];
      if (port !== undefined) resolve({ child, base: `http://127.0.0.1:${port}`, output: () => output });
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${output}`)));
  });
}

async function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

describe('the demo server (npm start)', () => {
  it('serves the example config with its public demo token', async () => {
    const demo = await startDemo({});
    try {
      expect(await statusOf(`${demo.base}/`, { Host: 'example.com' })).to.equal(200);
      expect(await statusOf(`${demo.base}/`, { Host: 'evil.example' })).to.equal(400);
      const probe = { Host: '10.244.1.7:8000', 'X-Health': 'demo-token-not-a-secret' };
      expect(await statusOf(`${demo.base}/health-check/`, probe)).to.equal(200);
    } finally {
      demo.child.kill();
    }
  });

  it('uses the token from the environment, and never prints it', async () => {
    const secret = 'real-secret-token-7f3a';
    const demo = await startDemo({ HEALTH_CHECK_HEADER_VALUE: secret });
    try {
      const probe = { Host: '10.244.1.7:8000' };
      expect(await statusOf(`${demo.base}/health-check/`, { ...probe, 'X-Health': secret })).to.equal(200);
      expect(await statusOf(`${demo.base}/health-check/`, { ...probe, 'X-Health': 'demo-token-not-a-secret' })).to.equal(400);
      expect(demo.output()).to.include('$HEALTH_CHECK_HEADER_VALUE').and.not.include(secret);
    } finally {
      demo.child.kill();
    }
  });
});
