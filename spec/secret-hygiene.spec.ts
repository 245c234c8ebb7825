import { expect } from 'chai';
import { HealthChecksConfigError, healthChecks, type HealthChecksOptions, type RejectInfo } from '../src';
import { runCli } from '../src/cli/main';
import { appWith, client, makeProject, NO_TOKEN, removeProjects, thrownBy, withEnv } from './helpers';

const SECRET = 'S3CRET-token-do-not-leak-81f2';

/** Everything an error carries that a log line could print. */
function printable(error: Error): string {
  const config = error as HealthChecksConfigError;
  return JSON.stringify([error.message, error.stack, String(error.cause ?? ''), config.problems, config.filepath]);
}

describe('secret hygiene: the token never leaks', () => {
  afterEach(removeProjects);

  it('into response bodies or headers, whatever the request', async () => {
    const reasons: RejectInfo[] = [];
    const middleware = withEnv({ ...NO_TOKEN, HEALTH_CHECK_HEADER_VALUE: SECRET }, () =>
      healthChecks({ configFile: false, allowedHosts: ['example.com'], probe: { paths: ['/health'] }, onReject: (_ctx, info) => void reasons.push(info) }),
    );
    const http = client(appWith(middleware));
    const responses = await Promise.all([
      http.get('/health').set('Host', '10.0.0.1').set('X-Health', SECRET),
      http.get('/other').set('Host', '10.0.0.1').set('X-Health', SECRET),
      http.post('/health').set('Host', '10.0.0.1').set('X-Health', SECRET),
      http.get('/health').set('Host', SECRET).set('X-Health', `${SECRET}x`),
      http.get('/').set('Host', 'example.com').set('X-Health', SECRET.slice(0, -1)),
    ]);
    expect(responses.map((response) => response.status)).to.deep.equal([200, 400, 400, 400, 200]);
    for (const response of responses) {
      expect(response.text).not.to.include(SECRET.slice(0, 12));
      expect(JSON.stringify(response.headers)).not.to.include(SECRET.slice(0, 12));
    }
    expect(reasons).to.have.length(3);
    expect(JSON.stringify(reasons)).not.to.include(SECRET.slice(0, 12));
  });

  it('into config errors about the file that holds it', () => {
    const cwd = makeProject({ '.healthchecksrc.json': { allowedHost: ['a.com'], probe: { value: SECRET, header: 'bad header' } } });
    const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ cwd })));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect(printable(error)).not.to.include(SECRET);
  });

  it('into config errors about a malformed token', () => {
    for (const value of [` ${SECRET}`, [SECRET, `${SECRET}\u0007`], [SECRET, '']]) {
      const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ configFile: false, probe: { value } })));
      expect(printable(error)).not.to.include(SECRET);
    }
  });

  it('into config errors about a malformed token in the environment', () => {
    const error = withEnv({ HEALTH_CHECK_HEADER_VALUE: `${SECRET},bad\u0001${SECRET}` }, () => thrownBy(() => healthChecks({ configFile: false })));
    expect(error.message).to.include('HEALTH_CHECK_HEADER_VALUE');
    expect(printable(error)).not.to.include(SECRET);
  });

  it('into config errors or check output when the token is pasted under the wrong key', async () => {
    const misplaced: Record<string, unknown>[] = [
      { valueEnv: SECRET },
      { header: `X-Health: ${SECRET}` },
      { paths: [`/health?token=${SECRET}`] },
      { methods: [SECRET] },
      { [SECRET]: true },
    ];
    for (const probe of misplaced) {
      const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ configFile: false, probe: { value: 't', ...probe } } as HealthChecksOptions)));
      expect(error, JSON.stringify(Object.keys(probe))).to.be.instanceOf(HealthChecksConfigError);
      expect(printable(error)).not.to.include(SECRET.slice(0, 12));
      const cwd = makeProject({ '.healthchecksrc.json': { probe: { value: 't', ...probe } } });
      const check = await runCli(['check', '--cwd', cwd], {});
      expect(check.exitCode).to.equal(3);
      expect(`${check.stdout}${check.stderr ?? ''}`).to.include('probe').and.not.include(SECRET.slice(0, 12));
    }
  });

  it('into config errors raised while a valid token is set', () => {
    const error = withEnv({ HEALTH_CHECK_HEADER_VALUE: SECRET }, () => thrownBy(() => healthChecks({ configFile: false, allowedHosts: [] })));
    expect(printable(error)).not.to.include(SECRET);
  });
});
