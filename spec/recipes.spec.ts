import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { parse, parseAllDocuments } from 'yaml';
import { get, startDemo, type Demo } from './demo-server';

// Each test reads a recipe's files and sends the demo server exactly the request the platform would send.
const RECIPES = join(__dirname, '..', 'docs', 'recipes');
const BUILT_CLI = join(__dirname, '..', 'dist', 'cli', 'main.js');

function recipe(...path: string[]): string {
  return join(RECIPES, ...path);
}

function yamlDocuments(...path: string[]): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(recipe(...path), 'utf8')).map((document) => document.toJS() as Record<string, unknown>);
}

/**
 * Whether a .dockerignore with these patterns leaves `path` out of the build context: Docker's rules, for the patterns
 * a recipe uses (`*`, `**`, `?`, `!` exceptions, the last match wins, a matched folder takes its contents with it).
 */
function dockerIgnores(patterns: readonly string[], path: string): boolean {
  let ignored = false;
  for (const line of patterns) {
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const glob = (part: string) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
    if (new RegExp(`^${pattern.split('**').map(glob).join('.*')}(/.*)?$`).test(path)) ignored = !negated;
  }
  return ignored;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are walked as the YAML gives them */

describe('recipes', () => {
  let demo: Demo | undefined;
  afterEach(() => demo?.stop());

  describe('Kubernetes', () => {
    const documents = yamlDocuments('kubernetes', 'deployment.yaml');
    const secret = documents.find((document) => document.kind === 'Secret') as any;
    const deployment = documents.find((document) => document.kind === 'Deployment') as any;
    const container = deployment.spec.template.spec.containers[0];
    const tokenRef = container.env.find((entry: any) => entry.name === 'HEALTH_CHECK_HEADER_VALUE').valueFrom.secretKeyRef;
    const token: string = secret.stringData[tokenRef.key];
    const port: number = container.ports[0].containerPort;
    const probes = { startupProbe: container.startupProbe, livenessProbe: container.livenessProbe, readinessProbe: container.readinessProbe };

    it('is valid against the Kubernetes API schema', async () => {
      const { Deployment } = await import('kubernetes-models/apps/v1');
      const { Secret } = await import('kubernetes-models/v1');
      expect(tokenRef.name).to.equal(secret.metadata.name);
      new Secret(secret).validate();
      new Deployment(deployment).validate();
    });

    it('gives every probe the token the app reads from the Secret', () => {
      for (const [name, probe] of Object.entries(probes)) {
        expect(probe.httpGet.httpHeaders, name).to.deep.equal([{ name: 'X-Health', value: token }]);
      }
    });

    for (const name of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
      it(`${name}: the kubelet's request passes, and fails without its header`, async () => {
        const { httpGet } = probes[name];
        demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('kubernetes', '.healthchecksrc.json'), HEALTH_CHECK_HEADER_VALUE: token });
        const kubelet = { Host: `10.244.1.7:${httpGet.port}`, 'User-Agent': 'kube-probe/1.31', Accept: '*/*' };
        const headers = Object.fromEntries(httpGet.httpHeaders.map((header: any) => [header.name, header.value]));
        expect((await get(`${demo.base}${httpGet.path}`, { ...kubelet, ...headers })).status).to.equal(200);
        expect((await get(`${demo.base}${httpGet.path}`, kubelet)).status).to.equal(400);
        expect(httpGet.port).to.equal(port);
      });
    }

    describe('with no secret: local-address probes', () => {
      const [localDeployment] = yamlDocuments('kubernetes', 'deployment.local-address.yaml') as any[];
      const localContainer = localDeployment.spec.template.spec.containers[0];
      const config = recipe('kubernetes', 'local-address', '.healthchecksrc.json');

      it('is valid against the Kubernetes API schema, and its probes send no header', async () => {
        const { Deployment } = await import('kubernetes-models/apps/v1');
        new Deployment(localDeployment).validate();
        for (const name of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          expect(localContainer[name].httpGet.httpHeaders, name).to.equal(undefined);
          expect(localContainer[name].httpGet.port, name).to.equal(localContainer.ports[0].containerPort);
        }
        expect(localContainer.env.map((entry: any) => entry.name)).not.to.include('HEALTH_CHECK_HEADER_VALUE');
      });

      it("passes the kubelet's probes, sent to the pod's own address and naming it, and nothing near them", async () => {
        // The demo listens on its own loopback address, as a pod does on its IP; the kubelet names that address.
        demo = await startDemo({ HEALTHCHECKS_CONFIG: config, HOST: '127.0.0.7' });
        const kubelet = (host: string) => ({ Host: host, 'User-Agent': 'kube-probe/1.31', Accept: '*/*' });
        const self = `${demo.address}:${demo.port}`;
        for (const name of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
          const response = await get(`${demo.base}${localContainer[name].httpGet.path}`, kubelet(self));
          expect(response.status, name).to.equal(200);
          expect(JSON.parse(response.body).healthCheck, name).to.deep.equal({ probe: true, via: 'localAddress', host: '127.0.0.7' });
        }
        expect((await get(`${demo.base}/health-check/`, kubelet(`127.0.0.8:${demo.port}`))).status).to.equal(400);
        expect((await get(`${demo.base}/`, kubelet(self))).status).to.equal(400);
        expect((await get(`${demo.base}/health-check/`, { ...kubelet(self), 'X-Forwarded-Host': self })).status).to.equal(400);
      });
    });

    it("probes the middleware's own endpoints, and times a rollout so that no request is lost", () => {
      const config = JSON.parse(readFileSync(recipe('kubernetes', '.healthchecksrc.json'), 'utf8')) as {
        endpoints: Record<string, string>;
        shutdown: { drainDelay: number; timeout: number };
      };
      expect(probes.startupProbe.httpGet.path).to.equal(config.endpoints.startup);
      expect(probes.livenessProbe.httpGet.path).to.equal(config.endpoints.liveness);
      expect(probes.readinessProbe.httpGet.path).to.equal(config.endpoints.readiness);
      const { periodSeconds, failureThreshold = 3 } = probes.readinessProbe;
      expect(config.shutdown.drainDelay, 'drainDelay outlasts the readiness probe giving up').to.be.above(periodSeconds * failureThreshold * 1000);
      const grace = deployment.spec.template.spec.terminationGracePeriodSeconds * 1000;
      expect(grace, 'terminationGracePeriodSeconds above drainDelay + timeout').to.be.above(config.shutdown.drainDelay + config.shutdown.timeout);
    });

    it('serves the public host and refuses others', async () => {
      demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('kubernetes', '.healthchecksrc.json'), HEALTH_CHECK_HEADER_VALUE: token });
      expect((await get(`${demo.base}/`, { Host: 'www.shop.example.com' })).status).to.equal(200);
      expect((await get(`${demo.base}/`, { Host: 'evil.example' })).status).to.equal(400);
      expect((await get(`${demo.base}/`, { Host: '10.244.1.7:8000', 'X-Health': token })).status).to.equal(400);
    });
  });

  describe('AWS ALB', () => {
    const [template] = yamlDocuments('aws-alb', 'target-group.yaml') as any[];
    const group = template.Resources.ApiTargetGroup.Properties;
    const port = group.HealthCheckPort === 'traffic-port' ? group.Port : Number(group.HealthCheckPort);
    const albCheck = { Host: `10.0.12.34:${port}`, 'User-Agent': 'ELB-HealthChecker/2.0' };

    for (const config of ['vpc-cidr', 'exempt-path']) {
      it(`${config}: the ALB's health check, with no header, gets the matcher's code`, async () => {
        demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('aws-alb', config, '.healthchecksrc.json') });
        const response = await get(`${demo.base}${group.HealthCheckPath}`, albCheck);
        expect(String(response.status)).to.equal(group.Matcher.HttpCode);
        expect((await get(`${demo.base}/`, { Host: 'evil.example' })).status).to.equal(400);
      });
    }

    it('target-group.yaml names each config folder beside it, and counts them right', () => {
      const comment = readFileSync(recipe('aws-alb', 'target-group.yaml'), 'utf8').split('\n').filter((line) => line.startsWith('#')).join(' ');
      const folders = readdirSync(recipe('aws-alb'), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(recipe('aws-alb', entry.name, '.healthchecksrc.json')))
        .map((entry) => entry.name);
      const named = [...comment.matchAll(/(?<=\s)([\w-]+)\/(?=[\s,.)])/g)].map((match) => match[1]);
      expect(named).to.have.members(folders);
      expect(/one of the (\w+) configs/.exec(comment)?.[1]).to.equal(['none', 'one', 'two', 'three', 'four'][folders.length]);
    });

    it("local-address: the ALB's health check, sent to the target's own address and naming it, gets the matcher's code", async () => {
      // The demo listens on its own loopback address, as a target does on its private IP.
      demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('aws-alb', 'local-address', '.healthchecksrc.json'), HOST: '127.0.0.7' });
      const check = { Host: `${demo.address}:${demo.port}`, 'User-Agent': 'ELB-HealthChecker/2.0' };
      const response = await get(`${demo.base}${group.HealthCheckPath}`, check);
      expect(String(response.status)).to.equal(group.Matcher.HttpCode);
      expect(JSON.parse(response.body).healthCheck.via).to.equal('localAddress');
      expect((await get(`${demo.base}/`, check)).status).to.equal(400);
      expect((await get(`${demo.base}${group.HealthCheckPath}`, { ...check, Host: `10.0.12.35:${demo.port}` })).status).to.equal(400);
      expect((await get(`${demo.base}/`, { Host: 'api.example.com' })).status).to.equal(200);
    });

    it('exempt-path opens only the health path; vpc-cidr opens private IPs on every path, as its README says', async () => {
      demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('aws-alb', 'exempt-path', '.healthchecksrc.json') });
      expect((await get(`${demo.base}/`, albCheck)).status).to.equal(400);
      await demo.stop();
      demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('aws-alb', 'vpc-cidr', '.healthchecksrc.json') });
      expect((await get(`${demo.base}/`, albCheck)).status).to.equal(200);
    });
  });

  describe('Google Cloud', () => {
    const documents = yamlDocuments('gcp', 'health-check.yaml') as any[];
    const check = documents.find((document) => document.kind === 'ComputeHealthCheck').spec.httpHealthCheck;
    const firewall = documents.find((document) => document.kind === 'ComputeFirewall').spec;

    it('admits Google\'s probe ranges in the firewall, on the health check port', () => {
      expect(firewall.sourceRanges).to.deep.equal(['35.191.0.0/16', '130.211.0.0/22']);
      expect(firewall.allow[0].ports).to.deep.equal([String(check.port)]);
    });

    it('host field: the prober\'s request, with its Host, passes', async () => {
      demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('gcp', 'host-field', '.healthchecksrc.json') });
      const response = await get(`${demo.base}${check.requestPath}`, { Host: check.host, 'User-Agent': 'GoogleHC/1.0' });
      expect(response.status).to.equal(200);
      expect((await get(`${demo.base}${check.requestPath}`, { Host: '10.128.0.7:8000', 'User-Agent': 'GoogleHC/1.0' })).status).to.equal(400);
    });

    it("local-address: with host empty, the prober's request to the backend's own address passes, and nothing near it", async () => {
      const [localCheck] = yamlDocuments('gcp', 'health-check.local-address.yaml') as any[];
      const probe = localCheck.spec.httpHealthCheck;
      expect(probe.host).to.equal(undefined);
      expect(probe.port).to.equal(check.port);
      demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('gcp', 'local-address', '.healthchecksrc.json'), HOST: '127.0.0.7' });
      const prober = { Host: `${demo.address}:${demo.port}`, 'User-Agent': 'GoogleHC/1.0' };
      expect((await get(`${demo.base}${probe.requestPath}`, prober)).status).to.equal(200);
      expect((await get(`${demo.base}/`, prober)).status).to.equal(400);
      expect((await get(`${demo.base}${probe.requestPath}`, { ...prober, Host: `127.0.0.8:${demo.port}` })).status).to.equal(400);
    });

    it('exempt path: the prober\'s request passes whatever address it uses as Host', async () => {
      demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('gcp', 'exempt-path', '.healthchecksrc.json') });
      const response = await get(`${demo.base}${check.requestPath}`, { Host: `10.128.0.7:${check.port}`, 'User-Agent': 'GoogleHC/1.0' });
      expect(response.status).to.equal(200);
    });
  });

  describe('Docker', () => {
    /** The HEALTHCHECK command as written, pointed at the built CLI and the demo's port. */
    function runnable(command: string[], port: number): [string, string[]] {
      expect(command[1]).to.equal('node_modules/koa-allow-healthchecks/dist/cli/main.js');
      const args = command.slice(2).map((arg) => arg.replace('127.0.0.1:8000', `127.0.0.1:${port}`));
      return [process.execPath, [BUILT_CLI, ...args]];
    }

    async function exitCode(command: string[], port: number, env: Record<string, string>): Promise<number> {
      const [file, args] = runnable(command, port);
      try {
        await promisify(execFile)(file, args, { env: { PATH: process.env.PATH ?? '', ...env } });
        return 0;
      } catch (error) {
        return (error as { code: number }).code;
      }
    }

    const token = 'docker-recipe-token-6a1f';
    const dockerfile = readFileSync(recipe('docker', 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, '');
    const healthcheck = JSON.parse(/^HEALTHCHECK .*?CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? 'null') as string[];
    const compose = parse(readFileSync(recipe('docker', 'docker-compose.yaml'), 'utf8')) as any;
    const composeTest = compose.services.web.healthcheck.test as string[];

    for (const [name, command] of [
      ['Dockerfile HEALTHCHECK', healthcheck],
      ['docker-compose healthcheck', composeTest.slice(1)],
    ] as const) {
      it(`${name}: exits 0 with the token, 1 without it`, async () => {
        demo = await startDemo({ HEALTHCHECKS_CONFIG: recipe('docker', '.healthchecksrc.json'), HEALTH_CHECK_HEADER_VALUE: token });
        expect(await exitCode(command, demo.port, { HEALTH_CHECK_HEADER_VALUE: token })).to.equal(0);
        expect(await exitCode(command, demo.port, { HEALTH_CHECK_HEADER_VALUE: 'wrong-token' })).to.equal(1);
        expect(await exitCode(command, demo.port, {})).to.equal(1);
      });
    }

    it('.dockerignore keeps node_modules, .git and .env out of the COPY . . that follows npm ci, and the app in', () => {
      const patterns = readFileSync(recipe('docker', '.dockerignore'), 'utf8')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#'));
      for (const path of ['node_modules', 'node_modules/koa/package.json', '.git/HEAD', '.env', 'npm-debug.log']) {
        expect(dockerIgnores(patterns, path), path).to.equal(true);
      }
      for (const path of ['package.json', 'package-lock.json', '.healthchecksrc.json', 'server.js']) {
        expect(dockerIgnores(patterns, path), path).to.equal(false);
      }
      const steps = dockerfile.split('\n').filter((line) => /^(COPY|RUN) /.test(line));
      expect(steps.slice(0, 3)).to.deep.equal(['COPY package.json package-lock.json ./', 'RUN npm ci --omit=dev', 'COPY . .']);
      expect(readFileSync(recipe('docker', 'README.md'), 'utf8')).to.include('[`.dockerignore`](.dockerignore)');
    });

    it('docker compose passes the token into the container', () => {
      expect(composeTest[0]).to.equal('CMD');
      expect(compose.services.web.environment.HEALTH_CHECK_HEADER_VALUE).to.match(/^\$\{HEALTH_CHECK_HEADER_VALUE/);
    });
  });
});
