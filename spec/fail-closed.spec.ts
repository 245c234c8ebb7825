import { expect } from 'chai';
import { HealthChecksConfigError, healthChecks, type HealthChecksOptions } from '../src';
import { appWith, client, makeProject, NO_TOKEN, removeProjects, thrownBy, withEnv } from './helpers';

function build(options: HealthChecksOptions, env: Record<string, string | undefined> = {}) {
  return withEnv({ ...NO_TOKEN, ...env }, () => healthChecks(options));
}

describe('the probe fails closed', () => {
  afterEach(removeProjects);

  it('refuses a probe section in a file with no token, naming the file and the variable', () => {
    const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['a.com'], probe: { header: 'X-Health' } } });
    const error = thrownBy(() => build({ cwd }));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect((error as HealthChecksConfigError).filepath).to.match(/\.healthchecksrc\.json$/);
    expect(error.message).to.include('no token is set').and.include('Set the environment variable HEALTH_CHECK_HEADER_VALUE');
  });

  it('refuses a probe section in options with no token, naming probe.valueEnv', () => {
    const error = thrownBy(() => build({ configFile: false, probe: { valueEnv: 'MY_PROBE_TOKEN' } }));
    expect(error.message).to.include('in the programmatic options').and.include('MY_PROBE_TOKEN');
  });

  for (const [what, value] of [['empty', ''], ['blank', '   '], ['only commas', ' , ,']] as const) {
    it(`refuses a probe section when the variable is ${what}`, () => {
      expect(() => build({ configFile: false, probe: {} }, { HEALTH_CHECK_HEADER_VALUE: value })).to.throw(HealthChecksConfigError, 'no token is set');
    });
  }

  it('refuses an empty probe.value', () => {
    expect(() => build({ configFile: false, probe: { value: '' } })).to.throw(HealthChecksConfigError, 'probe.value must be');
    expect(() => build({ configFile: false, probe: { value: [] } })).to.throw(HealthChecksConfigError, 'probe.value must be');
  });

  it('refuses a token a header cannot carry, without quoting it', () => {
    const error = thrownBy(() => build({ configFile: false }, { HEALTH_CHECK_HEADER_VALUE: 'good,bad\u0001SECRET' }));
    expect(error.message).to.include('HEALTH_CHECK_HEADER_VALUE').and.include('cannot carry').and.not.include('SECRET');
  });

  it('runs the allowlist alone when there is no probe section and no variable', async () => {
    const http = client(appWith(build({ configFile: false, allowedHosts: ['a.com'] })));
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', '').expect(400);
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'undefined').expect(400);
    await http.get('/').set('Host', 'a.com').expect(200);
  });

  it('turns the bypass on from the variable alone, with the default header', async () => {
    const http = client(appWith(build({ configFile: false, allowedHosts: ['a.com'] }, { HEALTH_CHECK_HEADER_VALUE: 'XYZ-123' })));
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'XYZ-123').expect(200);
  });

  it('reads the token once, at startup: a later change to the environment changes nothing', async () => {
    const middleware = build({ configFile: false, allowedHosts: ['a.com'] }, { HEALTH_CHECK_HEADER_VALUE: 'XYZ-123' });
    const http = client(appWith(middleware));
    const saved = process.env.HEALTH_CHECK_HEADER_VALUE;
    process.env.HEALTH_CHECK_HEADER_VALUE = 'CHANGED';
    try {
      await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'CHANGED').expect(400);
      await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'XYZ-123').expect(200);
    } finally {
      if (saved === undefined) delete process.env.HEALTH_CHECK_HEADER_VALUE;
      else process.env.HEALTH_CHECK_HEADER_VALUE = saved;
    }
  });
});
