import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { freePort, waitForPort } from './free-port';
import { eventually, proberDir, recipeDir, startProbedApp, startProber, type ProbedApp, type ProberProcess, substitute } from './probed-app';

// Prometheus blackbox_exporter 0.23 (Debian's prometheus-blackbox-exporter) probing the app with
// docs/recipes/blackbox-exporter's own files. The verdict is the exporter's: probe_success (and probe_http_status_code)
// in the metrics /probe answers. .ci/run installs the package when it is missing.

const RECIPE = recipeDir('blackbox-exporter');
const BINARY = '/usr/bin/prometheus-blackbox-exporter';
const TOKEN = 'blackbox-probe-token-7d41e0';

/** The README's Prometheus scrape config (not run): its module and its first target. */
function scrapeConfig(): { module: string; target: string } {
  const block = /```yaml\n([\s\S]*?)```/.exec(readFileSync(join(RECIPE, 'README.md'), 'utf8'));
  const job = (parse(block?.[1] ?? '') as { scrape_configs?: { params?: { module?: string[] }; static_configs?: { targets?: string[] }[] }[] } | null)
    ?.scrape_configs?.[0];
  const module = job?.params?.module?.[0];
  const target = job?.static_configs?.[0]?.targets?.[0];
  if (module === undefined || target === undefined) throw new Error("the README's scrape config has no module or no target");
  return { module, target };
}

interface Module {
  http: { headers?: Record<string, string> };
}

/** Test-only modules: the recipe's module with its `headers` replaced, to send what a wrong prober would. */
function withVariants(config: string, module: string, variants: Record<string, Record<string, string>>): string {
  const parsed = parse(config) as { modules: Record<string, Module> };
  const base = parsed.modules[module];
  if (base === undefined) throw new Error(`the recipe has no module ${module}`);
  for (const [name, headers] of Object.entries(variants)) parsed.modules[name] = { ...base, http: { ...base.http, headers } };
  return stringify(parsed);
}

/** A listener that records each request head as sent, and answers 200: what the prober sends, byte for byte. */
async function recorder(): Promise<{ port: number; heads: string[]; close(): Promise<void> }> {
  const heads: string[] = [];
  const server: Server = createServer((socket) => {
    let data = '';
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (!data.includes('\r\n\r\n')) return;
      heads.push(data.slice(0, data.indexOf('\r\n\r\n')));
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok');
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, heads, close: () => new Promise((done) => server.close(() => done())) };
}

/** Header names and values of a recorded head, after its request line. */
function headersOf(head: string): { line: string; headers: [string, string][] } {
  const [line, ...rest] = head.split('\r\n');
  return { line: line ?? '', headers: rest.map((field) => [field.slice(0, field.indexOf(':')), field.slice(field.indexOf(':') + 1).trim()]) };
}

interface Blackbox {
  prober: ProberProcess;
  /** Asks the exporter to probe `target` with `module`, and reads its verdict. */
  probe(target: string, module: string): Promise<{ success: number; status: number }>;
  stop(): Promise<void>;
}

async function startBlackbox(config: string): Promise<Blackbox> {
  const { dir, remove } = proberDir('blackbox');
  writeFileSync(join(dir, 'blackbox.yml'), config);
  const port = await freePort();
  const prober = startProber(BINARY, [`--config.file=${join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${port}`], { cwd: dir });
  const stop = async () => (await prober.stop(), remove());
  try {
    await waitForPort(port);
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n${prober.output()}`, { cause: error });
  }
  const probe = async (target: string, module: string) => {
    const response = await fetch(`http://127.0.0.1:${port}/probe?${new URLSearchParams({ target, module }).toString()}`);
    const text = await response.text();
    const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    return { success: metric('probe_success'), status: metric('probe_http_status_code') };
  };
  return { prober, probe, stop };
}

describe('blackbox_exporter 0.23 with docs/recipes/blackbox-exporter: local-address probes', function () {
  this.timeout(60000);
  const { module, target: example } = scrapeConfig();
  let app: ProbedApp;
  let blackbox: Blackbox;
  let target: string;

  before(async () => {
    app = await startProbedApp(join(RECIPE, '.healthchecksrc.json'));
    target = substitute(example, { '10.0.3.17:8000': `127.0.0.1:${app.port}` });
    const config = withVariants(readFileSync(join(RECIPE, 'blackbox.yml'), 'utf8'), module, {
      as_a_name: { Host: `localhost:${app.port}` },
      another_address: { Host: `127.0.0.2:${app.port}` },
      evil_host: { Host: 'evil.example' },
    });
    blackbox = await startBlackbox(config);
  });
  after(async () => {
    await blackbox?.stop();
    await app?.stop();
  });

  it("is healthy: probe_success 1, and the app saw a local-address probe with blackbox's User-Agent", async () => {
    expect(await blackbox.probe(target, module)).to.deep.equal({ success: 1, status: 200 });
    expect(app.seen.at(-1)).to.deep.equal({
      method: 'GET',
      path: '/health-check/',
      host: `127.0.0.1:${app.port}`,
      userAgent: 'Blackbox Exporter/0.23.0',
      state: { probe: true, via: 'localAddress', host: '127.0.0.1' },
    });
  });

  it("sends GET HTTP/1.1, Host as the target URL writes it, its User-Agent, Connection: close, and nothing else", async () => {
    const seen = await recorder();
    try {
      const at = substitute(example, { '10.0.3.17:8000': `127.0.0.1:${seen.port}` });
      expect((await blackbox.probe(at, module)).success).to.equal(1);
      expect(headersOf(seen.heads[0] ?? '')).to.deep.equal({
        line: 'GET /health-check/ HTTP/1.1',
        headers: [
          ['Host', `127.0.0.1:${seen.port}`],
          ['User-Agent', 'Blackbox Exporter/0.23.0'],
          ['Connection', 'close'],
        ],
      });
    } finally {
      await seen.close();
    }
  });

  it('is unhealthy (400) when the Host is a name, another address or evil.example, and the handler never runs', async () => {
    const before = app.seen.length;
    for (const variant of ['as_a_name', 'another_address', 'evil_host']) {
      expect(await blackbox.probe(target, variant), variant).to.deep.equal({ success: 0, status: 400 });
    }
    expect(app.seen.length).to.equal(before);
  });

  it('goes unhealthy when the app stops answering, and healthy again once it is back', async () => {
    await app.stop();
    expect(await eventually(async () => (await blackbox.probe(target, module)).success === 0)).to.equal(true);
    expect((await blackbox.probe(target, module)).status).to.equal(0);
    await app.start();
    expect(await eventually(async () => (await blackbox.probe(target, module)).success === 1)).to.equal(true);
  });
});

describe('blackbox_exporter 0.23 with docs/recipes/blackbox-exporter/token: the probe token', function () {
  this.timeout(60000);
  const module = 'http_health_token';
  let app: ProbedApp;
  let blackbox: Blackbox;
  let target: string;

  before(async () => {
    app = await startProbedApp(join(RECIPE, 'token', '.healthchecksrc.json'), { env: { HEALTH_CHECK_HEADER_VALUE: TOKEN } });
    target = `http://127.0.0.1:${app.port}/health-check/`;
    // The token is the recipe's example value, replaced by the one the app is given.
    const recipe = substitute(readFileSync(join(RECIPE, 'token', 'blackbox.yml'), 'utf8'), { 'change-me-to-a-long-random-value': TOKEN });
    const config = withVariants(recipe, module, { no_token: {}, wrong_token: { 'X-Health': 'not-the-token' }, evil_host_no_token: { Host: 'evil.example' } });
    blackbox = await startBlackbox(config);
  });
  after(async () => {
    await blackbox?.stop();
    await app?.stop();
  });

  it('is healthy: probe_success 1, let through by the header although its Host (the IP) is not allowed', async () => {
    expect(await blackbox.probe(target, module)).to.deep.equal({ success: 1, status: 200 });
    expect(app.seen.at(-1)).to.deep.include({ method: 'GET', path: '/health-check/', userAgent: 'Blackbox Exporter/0.23.0' });
    expect(app.seen.at(-1)?.state).to.deep.equal({ probe: true, via: 'header', host: '127.0.0.1' });
  });

  it('sends the token in X-Health, from blackbox.yml', async () => {
    const seen = await recorder();
    try {
      expect((await blackbox.probe(`http://127.0.0.1:${seen.port}/health-check/`, module)).success).to.equal(1);
      expect(headersOf(seen.heads[0] ?? '').headers).to.deep.include(['X-Health', TOKEN]);
    } finally {
      await seen.close();
    }
  });

  it('is unhealthy (400) with no token, a wrong token, or Host: evil.example and no token, and the handler never runs', async () => {
    const before = app.seen.length;
    for (const variant of ['no_token', 'wrong_token', 'evil_host_no_token']) {
      expect(await blackbox.probe(target, variant), variant).to.deep.equal({ success: 0, status: 400 });
    }
    expect(app.seen.length).to.equal(before);
  });

  it('goes unhealthy when the app stops answering, and healthy again once it is back', async () => {
    await app.stop();
    expect(await eventually(async () => (await blackbox.probe(target, module)).success === 0)).to.equal(true);
    await app.start();
    expect(await eventually(async () => (await blackbox.probe(target, module)).success === 1)).to.equal(true);
  });
});
