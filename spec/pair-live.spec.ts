import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { hostAllowlist, probeBypass, type LiveMiddleware } from '../src';
import { client, Koa, makeProject, NO_TOKEN, removeProjects, withEnv } from './helpers';

// probeBypass() and hostAllowlist() used as a pair, each with a live policy of its own built from one watched config
// file. The token lives in the file's probe.value here (fine for a test); its variable is one nobody sets, so that a
// token in the developer's environment never wins over the file, not even in a reload from the watcher.

const VALUE_ENV = 'KOA_ALLOW_HEALTHCHECKS_PAIR_LIVE_SPEC_TOKEN';
const POD = '10.244.1.7:8000';

function configText(token: string, allowedHosts = ['app.example'], watch = true): string {
  return JSON.stringify({ allowedHosts, watch, probe: { paths: ['/health-check/'], value: token, valueEnv: VALUE_ENV } });
}

interface Pair {
  file: string;
  bypass: LiveMiddleware;
  allowlist: LiveMiddleware;
  /** The status of a probe carrying `token`, from the pod's address, on the probe path. */
  probe(token: string): Promise<number>;
  /** The status of an ordinary request for `host`. */
  visit(host: string): Promise<number>;
}

const pairs: Pair[] = [];

function makePair(text: string): Pair {
  const cwd = makeProject({ '.healthchecksrc.json': text });
  const file = join(cwd, '.healthchecksrc.json');
  const bypass = withEnv({ ...NO_TOKEN, [VALUE_ENV]: undefined }, () => probeBypass({ cwd }));
  const allowlist = withEnv({ ...NO_TOKEN, [VALUE_ENV]: undefined }, () => hostAllowlist({ cwd }));
  const app = new Koa();
  // Production keeps the per-process first-rejection warnings for the specs that test them.
  app.env = 'production';
  app.use(bypass);
  app.use(allowlist);
  app.use((ctx) => {
    // What the app sees: the mark, and never the token.
    ctx.body = { healthCheck: ctx.state.healthCheck ?? null, token: ctx.get('X-Health') };
  });
  const agent = () => client(app);
  const pair: Pair = {
    file,
    bypass,
    allowlist,
    probe: async (token) => {
      const response = await agent().get('/health-check/').set('Host', POD).set('X-Health', token);
      if (response.status === 200) expect(response.body).to.deep.include({ token: '' }).and.nested.include({ 'healthCheck.probe': true, 'healthCheck.via': 'header' });
      return response.status;
    },
    visit: async (host) => (await agent().get('/').set('Host', host)).status,
  };
  pairs.push(pair);
  return pair;
}

/** Polls `condition` until it holds, for at most `ms`: file watching is asynchronous, and this waits for it. */
async function eventually(condition: () => Promise<boolean> | boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('probeBypass() and hostAllowlist() as a live pair', () => {
  afterEach(() => {
    for (const pair of pairs.splice(0)) {
      pair.bypass.close();
      pair.allowlist.close();
    }
    removeProjects();
  });

  it('follows a token rotated in the watched file: the new token passes, the old one is refused, and each half reloads', async () => {
    const pair = makePair(configText('token-one'));
    const reloads: { ok: boolean; trigger: string; filepath: string | null }[] = [];
    const onReload = (message: unknown) => void reloads.push(message as (typeof reloads)[number]);
    subscribe('koa-allow-healthchecks:reload', onReload);
    try {
      expect(await pair.probe('token-one')).to.equal(200);
      expect(await pair.probe('token-two')).to.equal(400);
      writeFileSync(pair.file, configText('token-two'));
      expect(await eventually(async () => (await pair.probe('token-two')) === 200), 'the new token passes').to.equal(true);
      expect(await pair.probe('token-one'), 'the old token').to.equal(400);
      const ours = () => reloads.filter((message) => message.filepath === pair.file && message.trigger === 'watch');
      expect(await eventually(() => ours().length >= 2), 'one reload per half').to.equal(true);
      expect(ours().every((message) => message.ok)).to.equal(true);
      expect(await pair.visit('app.example')).to.equal(200);
    } finally {
      unsubscribe('koa-allow-healthchecks:reload', onReload);
    }
  });

  it('update() on each half swaps its own policy: the token on probeBypass(), the hosts on hostAllowlist()', async () => {
    const pair = makePair(configText('token-one'));
    const cwd = join(pair.file, '..');
    withEnv(NO_TOKEN, () => pair.bypass.update({ cwd, probe: { value: 'token-three' } }));
    expect(await pair.probe('token-three')).to.equal(200);
    expect(await pair.probe('token-one')).to.equal(400);
    expect(await pair.visit('new.example'), 'the allowlist is not updated yet').to.equal(400);
    withEnv(NO_TOKEN, () => pair.allowlist.update({ cwd, allowedHosts: ['new.example'] }));
    expect(await pair.visit('new.example')).to.equal(200);
    expect(await pair.visit('app.example')).to.equal(400);
    expect(await pair.probe('token-three'), 'a marked probe still passes the new allowlist').to.equal(200);
  });

  it('reload() on each half re-reads the file: the token on probeBypass(), the hosts on hostAllowlist()', async () => {
    const pair = makePair(configText('token-one', ['app.example'], false));
    writeFileSync(pair.file, configText('token-two', ['new.example'], false));
    expect(await pair.probe('token-two'), 'not watched: nothing changes before reload()').to.equal(400);
    withEnv(NO_TOKEN, () => pair.bypass.reload());
    expect(await pair.probe('token-two')).to.equal(200);
    expect(await pair.probe('token-one')).to.equal(400);
    expect(await pair.visit('new.example'), 'the allowlist is not reloaded yet').to.equal(400);
    withEnv(NO_TOKEN, () => pair.allowlist.reload());
    expect(await pair.visit('new.example')).to.equal(200);
    expect(await pair.visit('app.example')).to.equal(400);
  });

  it('close() on each half stops its watching: an edit made after it is not applied, and the old policy serves', async () => {
    const pair = makePair(configText('token-one'));
    pair.bypass.close();
    pair.allowlist.close();
    writeFileSync(pair.file, configText('token-two', ['new.example']));
    // A wait, not a timing assertion: longer than the watcher's settling time and its 1 s poll.
    await pause(1500);
    expect(await pair.probe('token-one')).to.equal(200);
    expect(await pair.probe('token-two')).to.equal(400);
    expect(await pair.visit('app.example')).to.equal(200);
    expect(await pair.visit('new.example')).to.equal(400);
  });

  it('stats(): probeBypass() counts the probes it marked, hostAllowlist() the allowed and rejected, not the probes again', async () => {
    const pair = makePair(configText('token-one'));
    for (let index = 0; index < 2; index += 1) expect(await pair.probe('token-one')).to.equal(200);
    for (let index = 0; index < 3; index += 1) expect(await pair.visit('app.example')).to.equal(200);
    expect(await pair.visit('evil.example')).to.equal(400);
    expect(await pair.probe('wrong-token')).to.equal(400);
    const bypass = pair.bypass.stats();
    const allowlist = pair.allowlist.stats();
    expect(bypass.probes).to.deep.equal({ header: 2, localAddress: 0, exemptPath: 0 });
    expect(bypass.allowed, 'probeBypass() leaves ordinary requests to hostAllowlist()').to.equal(0);
    expect(Object.values(bypass.rejected).every((count) => count === 0)).to.equal(true);
    expect(allowlist.allowed).to.equal(3);
    expect(allowlist.probes).to.deep.equal({ header: 0, localAddress: 0, exemptPath: 0 });
    expect(allowlist.rejected['host-not-allowed']).to.equal(2);
  });
});
