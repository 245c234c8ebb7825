import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join } from 'node:path';
import { expect } from 'chai';
import type KoaType from 'koa';
import { HealthChecksConfigError, healthChecks, RELOAD_CHANNEL, type HealthChecksMiddleware, type HealthChecksOptions, type ReloadMessage } from '../src';
import { appWith, listen, makeDirectory, makeProject, NO_TOKEN, removeProjects, sendRaw, thrownBy, withEnv, withEnvDuring } from './helpers';

const TOKEN = 'watch-layouts-token-5d1e';
const WITH_TOKEN = { HEALTH_CHECK_HEADER_VALUE: TOKEN };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const json = (hosts: string[], watch = true) => JSON.stringify({ allowedHosts: hosts, ...(watch ? { watch: true } : {}) });

/** Polls `condition` until it holds, for at most `ms`: the watcher is asynchronous, and this waits for it. */
async function eventually(condition: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await sleep(10);
  }
  return condition();
}

/**
 * The status Koa has set when the app's callback returns, for `GET /` with this Host. Koa runs the middleware chain
 * synchronously up to its first await, so this is what the policy in force at this very moment decides.
 */
function statusNow(app: KoaType, host: string): number {
  const req = new IncomingMessage(new Socket());
  Object.assign(req, { method: 'GET', url: '/', headers: { host }, rawHeaders: ['Host', host] });
  const res = new ServerResponse(req);
  void app.callback()(req, res);
  return res.statusCode;
}

/** A middleware served on loopback, what it published, and the status a real client gets. */
interface Site {
  middleware: HealthChecksMiddleware;
  app: KoaType;
  reloads: ReloadMessage[];
  /** KOA_ALLOW_HEALTHCHECKS_RELOAD_FAILED warnings. */
  warnings: string[];
  status(host: string, path?: string, token?: string): Promise<number>;
  /** Polls until `allowed` gets 200 and `removed` gets 400. */
  serves(allowed: string, removed: string): Promise<boolean>;
}

async function serving(options: HealthChecksOptions, env: Record<string, string | undefined>, test: (site: Site) => Promise<void>): Promise<void> {
  await withEnvDuring(env, async () => {
    const middleware = healthChecks(options);
    const app = appWith(middleware);
    const { server, port } = await listen(app);
    const reloads: ReloadMessage[] = [];
    const warnings: string[] = [];
    const onReload = (message: unknown) => reloads.push(message as ReloadMessage);
    const onWarning = (warning: Error & { code?: string }) => warning.code === 'KOA_ALLOW_HEALTHCHECKS_RELOAD_FAILED' && warnings.push(warning.message);
    subscribe(RELOAD_CHANNEL, onReload);
    process.on('warning', onWarning);
    const status = async (host: string, path = '/', token?: string) => {
      const probe = token === undefined ? '' : `X-Health: ${token}\r\n`;
      return (await sendRaw(port, `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${probe}Connection: close\r\n\r\n`)).status;
    };
    const serves = (allowed: string, removed: string) => eventually(async () => (await status(allowed)) === 200 && (await status(removed)) === 400);
    try {
      await test({ middleware, app, reloads, warnings, status, serves });
    } finally {
      middleware.close();
      unsubscribe(RELOAD_CHANNEL, onReload);
      process.off('warning', onWarning);
      await new Promise((resolve) => server.close(resolve));
    }
  });
}

/** Runs `onApplied` inside the publisher, for each `ok: true` message, for the duration of `fn`. */
async function whenApplied(onApplied: (message: ReloadMessage) => void, fn: () => Promise<void>): Promise<void> {
  const listener = (message: unknown) => (message as ReloadMessage).ok && onApplied(message as ReloadMessage);
  subscribe(RELOAD_CHANNEL, listener);
  try {
    await fn();
  } finally {
    unsubscribe(RELOAD_CHANNEL, listener);
  }
}

const FILE = 'healthchecks.config.json';

/** A ConfigMap volume as the kubelet writes it: FILE -> ..data/FILE, ..data -> a timestamped revision directory. */
function configMapVolume(content: string): { file: string; update(content: string): void } {
  const volume = makeDirectory({});
  let revisions = 0;
  const writeRevision = (text: string) => {
    const name = `..2026_12_01_20_0${revisions}_00.${revisions + 1}`;
    revisions += 1;
    mkdirSync(join(volume, name));
    writeFileSync(join(volume, name, FILE), text);
    return name;
  };
  let current = writeRevision(content);
  symlinkSync(current, join(volume, '..data'));
  symlinkSync(`..data/${FILE}`, join(volume, FILE));
  return {
    file: join(volume, FILE),
    update(text) {
      const next = writeRevision(text);
      symlinkSync(next, join(volume, '..data_tmp'));
      renameSync(join(volume, '..data_tmp'), join(volume, '..data'));
      rmSync(join(volume, current), { recursive: true });
      current = next;
    },
  };
}

interface Layout {
  name: string;
  /** Writes a config allowing `hosts`, and returns the options that load it with watch on, and how to change it. */
  make(hosts: string[]): { options: HealthChecksOptions; change(hosts: string[]): void };
}

const LAYOUTS: Layout[] = [
  {
    name: 'a Kubernetes ConfigMap volume, whose ..data link the kubelet swaps (watch in the options)',
    make(hosts) {
      const volume = configMapVolume(json(hosts, false));
      return { options: { cwd: makeProject({}), configFile: volume.file, watch: true }, change: (next) => volume.update(json(next, false)) };
    },
  },
  {
    name: 'a symlinked config file whose target, in another directory, is edited in place',
    make(hosts) {
      const target = join(makeDirectory({ 'real.json': json(hosts) }), 'real.json');
      const cwd = makeProject({});
      symlinkSync(target, join(cwd, FILE));
      return { options: { cwd }, change: (next) => writeFileSync(target, json(next)) };
    },
  },
  {
    name: "an editor's rename-and-replace",
    make(hosts) {
      const cwd = makeProject({ [FILE]: json(hosts) });
      return {
        options: { cwd },
        change(next) {
          writeFileSync(join(cwd, `${FILE}.tmp`), json(next));
          renameSync(join(cwd, `${FILE}.tmp`), join(cwd, FILE));
        },
      };
    },
  },
  {
    name: 'a file written in place',
    make(hosts) {
      const cwd = makeProject({ [FILE]: json(hosts) });
      return { options: { cwd }, change: (next) => writeFileSync(join(cwd, FILE), json(next)) };
    },
  },
];

describe('watch, where config files really live', () => {
  afterEach(removeProjects);

  for (const layout of LAYOUTS) {
    it(`applies ${layout.name}, twice in a row: the new host gets 200 and the removed one 400`, async () => {
      const { options, change } = layout.make(['v1.example']);
      await serving(options, NO_TOKEN, async (site) => {
        expect(await site.status('v1.example')).to.equal(200);
        for (const [from, to] of [['v1.example', 'v2.example'], ['v2.example', 'v3.example']] as const) {
          const started = Date.now();
          change([to]);
          expect(await site.serves(to, from), `${to} allowed and ${from} refused`).to.equal(true);
          if (layout === LAYOUTS[0]) console.log(`      (ConfigMap update ${to}: in force after ${Date.now() - started} ms)`);
        }
        expect(site.reloads.map(({ ok, trigger }) => ({ ok, trigger }))).to.deep.equal([{ ok: true, trigger: 'watch' }, { ok: true, trigger: 'watch' }]);
      });
    });
  }

  for (const pause of [40, 400]) {
    it(`never applies a YAML file still being written, with a ${pause} ms pause in the write: a token for /admin from evil.example is never let through`, async () => {
      const yaml = (host: string) => `watch: true\nallowedHosts:\n  - ${host}\nprobe:\n  header: X-Health\n  paths:\n    - /health-check/\n`;
      const final = yaml('new.example');
      const cut = final.indexOf('  paths:');
      // The control: the first part alone is a valid config whose probe has no paths, which opens every route to a token.
      await serving({ cwd: makeProject({ '.healthchecksrc.yaml': final.slice(0, cut) }) }, WITH_TOKEN, async (half) => {
        expect(await half.status('evil.example', '/admin', TOKEN)).to.equal(200);
      });

      const cwd = makeProject({ '.healthchecksrc.yaml': yaml('old.example') });
      const file = join(cwd, '.healthchecksrc.yaml');
      await serving({ cwd }, WITH_TOKEN, async (site) => {
        const contentWhenApplied: string[] = [];
        const sampled: number[] = [];
        await whenApplied(() => contentWhenApplied.push(readFileSync(file, 'utf8')), async () => {
          let sampling = true;
          const sampler = (async () => {
            while (sampling) {
              sampled.push(await site.status('evil.example', '/admin', TOKEN));
              await sleep(2);
            }
          })();
          try {
            const fd = openSync(file, 'w');
            try {
              writeSync(fd, final.slice(0, cut));
              await sleep(pause);
              writeSync(fd, final.slice(cut));
            } finally {
              closeSync(fd);
            }
            expect(await site.serves('new.example', 'old.example')).to.equal(true);
            await sleep(300); // Keep sampling past another settling time.
          } finally {
            sampling = false;
            await sampler;
          }
        });
        expect(sampled.length).to.be.greaterThan(10);
        expect(sampled.filter((status) => status !== 400), 'token requests for /admin from evil.example let through').to.deep.equal([]);
        expect(site.reloads.filter(({ ok }) => ok)).to.deep.equal([{ ok: true, trigger: 'watch', filepath: file, problems: [] }]);
        expect(contentWhenApplied).to.deep.equal([final]);
        expect(await site.status('evil.example', '/health-check/', TOKEN), 'the token still opens the probe path').to.equal(200);
      });
    });
  }

  it('keeps the options of update() when the watcher later applies an unrelated edit of the file', async () => {
    const cwd = makeProject({ [FILE]: json(['a.example']) });
    await serving({ cwd }, NO_TOKEN, async (site) => {
      expect(await site.status('unknown.example', '/alb')).to.equal(400);
      site.middleware.update({ cwd, exemptPaths: ['/alb'] });
      expect(await site.status('unknown.example', '/alb')).to.equal(200);
      writeFileSync(join(cwd, FILE), json(['a.example', 'b.example']));
      expect(await site.serves('b.example', 'unknown.example')).to.equal(true);
      expect(await site.status('unknown.example', '/alb'), '/alb still exempt after the file reload').to.equal(200);
    });
  });

  it('keeps the last good policy when the watched file is removed, and warns that it was removed', async () => {
    const cwd = makeProject({ [FILE]: json(['a.example']) });
    const file = join(cwd, FILE);
    await serving({ cwd }, NO_TOKEN, async (site) => {
      unlinkSync(file);
      expect(await eventually(() => site.warnings.length > 0)).to.equal(true);
      expect(site.warnings[0]).to.include(`reloading ${file} failed`).and.include('was removed');
      expect(site.reloads).to.have.length(1);
      expect(site.reloads[0]).to.deep.include({ ok: false, trigger: 'watch', filepath: file });
      expect(await site.status('a.example')).to.equal(200);
      expect(await site.status('localhost'), 'not the development defaults').to.equal(400);
    });
  });

  it('refuses an update() that names no file once the file in force is gone, and takes one that does', async () => {
    const cwd = makeProject({ [FILE]: json(['a.example'], false) });
    const file = join(cwd, FILE);
    await serving({ cwd }, NO_TOKEN, async (site) => {
      unlinkSync(file);
      const error = thrownBy(() => site.middleware.update({ cwd, rejectStatus: 421 }));
      expect(error.message).to.include('was removed').and.include('configFile');
      expect(await site.status('a.example')).to.equal(200);
      expect(await site.status('localhost'), 'not the development defaults').to.equal(400);
      site.middleware.update({ configFile: false, allowedHosts: ['b.example'] });
      expect(await site.status('b.example')).to.equal(200);
    });
  });

  it('reports a bad file once, not again at every poll, and applies the next good one', async () => {
    const cwd = makeProject({ [FILE]: json(['a.example']) });
    const file = join(cwd, FILE);
    await serving({ cwd }, NO_TOKEN, async (site) => {
      writeFileSync(file, '{ "allowedHosts": [');
      expect(await eventually(() => site.warnings.length > 0)).to.equal(true);
      // Two poll intervals and more: a content already refused is not refused again.
      await sleep(2500);
      expect(site.warnings).to.have.length(1);
      expect(site.reloads).to.have.length(1);
      writeFileSync(file, json(['b.example']));
      expect(await site.serves('b.example', 'a.example')).to.equal(true);
    });
  });
});

describe('the reload channel', () => {
  afterEach(removeProjects);

  it('publishes ok: true for watch only once the new content is in force: the status Koa sets right then is new', async () => {
    const cwd = makeProject({ [FILE]: json(['a.example']) });
    const file = join(cwd, FILE);
    await serving({ cwd }, NO_TOKEN, async (site) => {
      const seen: Array<{ trigger: string; b: number; a: number }> = [];
      await whenApplied(({ trigger }) => seen.push({ trigger, b: statusNow(site.app, 'b.example'), a: statusNow(site.app, 'a.example') }), async () => {
        writeFileSync(file, json(['b.example']));
        expect(await eventually(() => seen.length > 0)).to.equal(true);
      });
      expect(seen).to.deep.equal([{ trigger: 'watch', b: 200, a: 400 }]);
      expect(site.reloads).to.deep.equal([{ ok: true, trigger: 'watch', filepath: file, problems: [] }]);

      writeFileSync(file, '{ "allowedHosts": ["c.example"], ');
      expect(await eventually(() => site.reloads.length > 1)).to.equal(true);
      expect(site.reloads[1]).to.deep.include({ ok: false, trigger: 'watch', filepath: file });
      expect(site.reloads[1]?.problems[0]).to.include('not valid JSON');
      expect(site.warnings).to.have.length(1);
      expect(await site.status('b.example'), 'the old policy keeps serving').to.equal(200);
      expect(await site.status('c.example')).to.equal(400);
    });
  });

  it('publishes reload() and update() with their trigger, once in force', async () => {
    const cwd = makeProject({ [FILE]: json(['a.example'], false) });
    const file = join(cwd, FILE);
    await serving({ cwd }, NO_TOKEN, async (site) => {
      const seen: Array<{ trigger: string; b: number; c: number }> = [];
      await whenApplied(({ trigger }) => seen.push({ trigger, b: statusNow(site.app, 'b.example'), c: statusNow(site.app, 'c.example') }), async () => {
        writeFileSync(file, json(['b.example'], false));
        site.middleware.reload();
        site.middleware.update({ cwd, allowedHosts: ['c.example'] });
      });
      expect(seen).to.deep.equal([{ trigger: 'reload', b: 200, c: 400 }, { trigger: 'update', b: 400, c: 200 }]);
      expect(site.reloads.map(({ trigger, filepath }) => ({ trigger, filepath }))).to.deep.equal([{ trigger: 'reload', filepath: file }, { trigger: 'update', filepath: file }]);
    });
  });
});

describe('module configs', () => {
  afterEach(removeProjects);
  const CJS = (watch: boolean) => `module.exports = { allowedHosts: require('./hosts.cjs')${watch ? ', watch: true' : ''} };\n`;
  const hostsModule = (hosts: string[]) => `module.exports = ${JSON.stringify(hosts)};\n`;
  const esModule = (hosts: string[], watch = false) => `export default ${json(hosts, watch)};\n`;

  it('reads a .cjs config again with the sibling it requires: reload() applies an edit of the sibling alone', async () => {
    const cwd = makeProject({ 'healthchecks.config.cjs': CJS(false), 'hosts.cjs': hostsModule(['a.example']) });
    await serving({ cwd }, NO_TOKEN, async (site) => {
      writeFileSync(join(cwd, 'hosts.cjs'), hostsModule(['b.example']));
      expect(await site.status('b.example'), 'not before reload()').to.equal(400);
      site.middleware.reload();
      expect(await site.status('b.example')).to.equal(200);
      expect(await site.status('a.example')).to.equal(400);
    });
  });

  it('watches the files a .cjs config required: an edit of the sibling alone is applied, twice in a row', async () => {
    const cwd = makeProject({ 'healthchecks.config.cjs': CJS(true), 'hosts.cjs': hostsModule(['a.example']) });
    await serving({ cwd }, NO_TOKEN, async (site) => {
      writeFileSync(join(cwd, 'hosts.cjs'), hostsModule(['b.example']));
      expect(await site.serves('b.example', 'a.example')).to.equal(true);
      writeFileSync(join(cwd, 'hosts.cjs'), hostsModule(['c.example']));
      expect(await site.serves('c.example', 'b.example')).to.equal(true);
    });
  });

  it("watches the files a config's $import names: an edit of the imported file alone is applied", async () => {
    const cwd = makeProject({ '.healthchecksrc.json': '{"$import": "./hosts.json", "watch": true}', 'hosts.json': json(['a.example'], false) });
    await serving({ cwd }, NO_TOKEN, async (site) => {
      expect(await site.status('a.example')).to.equal(200);
      writeFileSync(join(cwd, 'hosts.json'), json(['b.example'], false));
      expect(await site.serves('b.example', 'a.example')).to.equal(true);
    });
  });

  it('applies a .cjs config that starts or stops requiring a file, and watches what it requires then', async () => {
    const cwd = makeProject({ 'healthchecks.config.cjs': CJS(true), 'hosts.cjs': hostsModule(['a.example']), 'more.cjs': hostsModule(['m.example']) });
    const config = join(cwd, 'healthchecks.config.cjs');
    await serving({ cwd }, NO_TOKEN, async (site) => {
      writeFileSync(config, `module.exports = { allowedHosts: [...require('./hosts.cjs'), ...require('./more.cjs')], watch: true };\n`);
      expect(await site.serves('m.example', 'unknown.example')).to.equal(true);
      writeFileSync(join(cwd, 'more.cjs'), hostsModule(['n.example']));
      expect(await site.serves('n.example', 'm.example'), 'the newly required file is watched').to.equal(true);
      writeFileSync(config, CJS(true));
      expect(await site.serves('a.example', 'n.example')).to.equal(true);
      expect(site.warnings).to.deep.equal([]);
      expect(site.reloads.map(({ ok }) => ok)).to.deep.equal([true, true, true]);
    });
  });

  for (const [where, files, options] of [
    ['the file', { 'healthchecks.config.mjs': esModule(['a.example'], true) }, {}],
    ['the options', { 'healthchecks.config.mjs': esModule(['a.example']) }, { watch: true }],
  ] as const) {
    it(`refuses watch (in ${where}) for an .mjs config at startup, naming the file, the reason and the fixes`, () => {
      const cwd = makeProject(files);
      const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ cwd, ...options })));
      expect(error).to.be.instanceOf(HealthChecksConfigError);
      expect((error as HealthChecksConfigError).filepath).to.equal(join(cwd, 'healthchecks.config.mjs'));
      expect(error.message).to.include(join(cwd, 'healthchecks.config.mjs')).and.include('ES module');
      expect(error.message).to.include('.json, .yaml or .cjs').and.include('Restart the process');
    });
  }

  it('refuses reload() of an .mjs config loudly, edited or not, and applies update() over an unedited one', async () => {
    const cwd = makeProject({ 'healthchecks.config.mjs': esModule(['a.example']) });
    const file = join(cwd, 'healthchecks.config.mjs');
    await serving({ cwd }, NO_TOKEN, async (site) => {
      const unedited = thrownBy(() => site.middleware.reload());
      expect(unedited).to.be.instanceOf(HealthChecksConfigError);
      expect(unedited.message).to.include(file).and.include('ES module').and.include('Restart the process');
      site.middleware.update({ cwd, exemptPaths: ['/alb'] });
      expect(await site.status('unknown.example', '/alb')).to.equal(200);
      writeFileSync(file, esModule(['b.example']));
      const edited = thrownBy(() => site.middleware.update({ cwd }));
      expect(edited.message).to.include('changed since it was loaded');
      expect(site.reloads.map(({ ok, trigger }) => [ok, trigger])).to.deep.equal([
        [false, 'reload'],
        [true, 'update'],
        [false, 'update'],
      ]);
      expect(await site.status('a.example')).to.equal(200);
      expect(await site.status('b.example')).to.equal(400);
    });
  });

  it('treats a .cjs config that requires an ES module as one: watch refused, and an edit of the module refused', async () => {
    const files = {
      'healthchecks.config.cjs': "module.exports = { allowedHosts: require('./hosts.mjs').default };\n",
      'hosts.mjs': 'export default ["a.example"];\n',
    };
    const watched = makeProject(files);
    const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ cwd: watched, watch: true })));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect(error.message).to.include('is, or loads, an ES module');
    const cwd = makeProject(files);
    await serving({ cwd }, NO_TOKEN, async (site) => {
      writeFileSync(join(cwd, 'hosts.mjs'), 'export default ["b.example"];\n');
      expect(thrownBy(() => site.middleware.reload()).message).to.include('ES module');
      expect(thrownBy(() => site.middleware.update({ cwd })).message).to.include('hosts.mjs is an ES module and changed since it was loaded');
      expect(site.reloads.every(({ ok }) => !ok)).to.equal(true);
      expect(await site.status('a.example')).to.equal(200);
      expect(await site.status('b.example')).to.equal(400);
    });
  });
});
