import { once } from 'node:events';
import { createServer, get as httpGet, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { healthChecks, type HealthChecksMiddleware, type HealthChecksOptions } from '../src';
import { appWith, client, NO_TOKEN, withEnv } from './helpers';

const RECIPE = join(__dirname, '..', 'docs', 'recipes', 'prometheus');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { registerHealthChecksMetrics } = require(join(RECIPE, 'healthchecks-metrics.js')) as {
  registerHealthChecksMetrics(middleware: HealthChecksMiddleware, options: { registry: Registry }): void;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { observeHealthChecks } = require(join(RECIPE, 'healthchecks-otel.js')) as {
  observeHealthChecks(middleware: HealthChecksMiddleware, meter: unknown): void;
};

const TOKEN = 'metrics-recipe-token-51aa';

function build(options: HealthChecksOptions = {}): HealthChecksMiddleware {
  return withEnv(NO_TOKEN, () =>
    healthChecks({ configFile: false, allowedHosts: ['example.com'], probe: { value: TOKEN, paths: ['/healthz'] }, ...options }),
  );
}

/** The scripted mix: 3 allowed, 2 header probes, 2 hosts not allowed, 1 invalid host. */
async function sendMix(middleware: HealthChecksMiddleware): Promise<void> {
  const agent = client(appWith(middleware));
  for (let index = 0; index < 3; index += 1) await agent.get('/').set('Host', 'example.com');
  for (let index = 0; index < 2; index += 1) await agent.get('/healthz').set('Host', '10.0.0.1').set('X-Health', TOKEN);
  await agent.get('/').set('Host', 'evil.example');
  await agent.get('/').set('Host', 'other.example');
  await agent.get('/').set('Host', 'a b');
}

/** Serves the registry's /metrics on its own loopback port, as the recipe shows, and scrapes it once. */
async function scrape(registry: Registry): Promise<string> {
  const server: Server = createServer(async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.end(await registry.metrics());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    return await new Promise((resolve, reject) => {
      httpGet(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      }).on('error', reject);
    });
  } finally {
    server.close();
  }
}

describe('the Prometheus recipe (prom-client)', () => {
  it('exposes the counters of a scripted mix on /metrics', async () => {
    const middleware = build();
    const registry = new Registry();
    registerHealthChecksMetrics(middleware, { registry });
    await sendMix(middleware);
    const text = await scrape(registry);
    expect(text).to.include('# TYPE koa_allow_healthchecks_allowed_total counter');
    expect(text).to.match(/^koa_allow_healthchecks_allowed_total 3$/m);
    expect(text).to.match(/^koa_allow_healthchecks_probes_total\{via="header"\} 2$/m);
    expect(text).to.match(/^koa_allow_healthchecks_probes_total\{via="localAddress"\} 0$/m);
    expect(text).to.match(/^koa_allow_healthchecks_rejected_total\{reason="host-not-allowed"\} 2$/m);
    expect(text).to.match(/^koa_allow_healthchecks_rejected_total\{reason="invalid-host"\} 1$/m);
    expect(text).to.match(/^koa_allow_healthchecks_would_reject_total\{reason="host-not-allowed"\} 0$/m);
    expect(text).not.to.include(TOKEN);
  });

  it('counts on between scrapes, and shows would-be rejections in report-only mode', async () => {
    const middleware = build({ reportOnly: true });
    const registry = new Registry();
    registerHealthChecksMetrics(middleware, { registry });
    await client(appWith(middleware)).get('/').set('Host', 'evil.example').expect(200);
    expect(await scrape(registry)).to.match(/^koa_allow_healthchecks_would_reject_total\{reason="host-not-allowed"\} 1$/m);
    await client(appWith(middleware)).get('/').set('Host', 'evil.example').expect(200);
    expect(await scrape(registry)).to.match(/^koa_allow_healthchecks_would_reject_total\{reason="host-not-allowed"\} 2$/m);
  });
});

/** A reader that collects on demand, as an exporter's would on its schedule. */
class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('the OpenTelemetry recipe (@opentelemetry/api)', () => {
  it('reports the counters of a scripted mix through the SDK', async () => {
    const middleware = build();
    const reader = new CollectingReader();
    const provider = new MeterProvider({ readers: [reader] });
    observeHealthChecks(middleware, provider.getMeter('test'));
    await sendMix(middleware);
    const { resourceMetrics } = await reader.collect();
    const points = new Map<string, number>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const point of metric.dataPoints) {
          const label = Object.values(point.attributes)[0];
          points.set(`${metric.descriptor.name}${label === undefined ? '' : ` ${String(label)}`}`, point.value as number);
        }
      }
    }
    expect(points.get('koa_allow_healthchecks.allowed')).to.equal(3);
    expect(points.get('koa_allow_healthchecks.probes header')).to.equal(2);
    expect(points.get('koa_allow_healthchecks.rejected host-not-allowed')).to.equal(2);
    expect(points.get('koa_allow_healthchecks.rejected invalid-host')).to.equal(1);
    expect(points.get('koa_allow_healthchecks.would_reject host-not-allowed')).to.equal(0);
    await provider.shutdown();
  });
});
