import { expect } from 'chai';
import { healthChecks, HealthChecksConfigError, type HealthChecksOptions } from '../src';
import { appWith, client, makeProject, NO_TOKEN, removeProjects, thrownBy, withEnv } from './helpers';

/** A client for an app whose middleware was built with `env` in place and `files` as its project. */
function clientFor(files: Record<string, object>, options: HealthChecksOptions, env: Record<string, string | undefined>) {
  const cwd = makeProject(files);
  const middleware = withEnv({ ...NO_TOKEN, ALLOWED_HOSTS: undefined, ...env }, () => healthChecks({ cwd, ...options }));
  return client(appWith(middleware));
}

function errorFor(files: Record<string, object>, options: HealthChecksOptions, env: Record<string, string | undefined>): HealthChecksConfigError {
  const cwd = makeProject(files);
  const error = thrownBy(() => withEnv({ ...NO_TOKEN, ALLOWED_HOSTS: undefined, ...env }, () => healthChecks({ cwd, ...options })));
  expect(error).to.be.instanceOf(HealthChecksConfigError);
  return error as HealthChecksConfigError;
}

const FILE = { '.healthchecksrc.json': { allowedHosts: ['file.example'] } };

describe('allowedHosts from the environment', () => {
  afterEach(removeProjects);

  it('reads ALLOWED_HOSTS, comma-separated and trimmed, in place of the file', async () => {
    const http = clientFor(FILE, {}, { ALLOWED_HOSTS: 'a.example, .b.example ,10.0.0.0/8' });
    await http.get('/').set('Host', 'a.example').expect(200);
    await http.get('/').set('Host', 'api.b.example:8443').expect(200);
    await http.get('/').set('Host', '10.1.2.3').expect(200);
    await http.get('/').set('Host', 'file.example').expect(400);
    await http.get('/').set('Host', 'localhost').expect(400);
  });

  it('replaces the development defaults when there is no file', async () => {
    const http = clientFor({}, {}, { ALLOWED_HOSTS: 'a.example' });
    await http.get('/').set('Host', 'a.example').expect(200);
    await http.get('/').set('Host', 'localhost').expect(400);
  });

  it('gives way to an allowedHosts option', async () => {
    const http = clientFor(FILE, { allowedHosts: ['opt.example'] }, { ALLOWED_HOSTS: 'a.example' });
    await http.get('/').set('Host', 'opt.example').expect(200);
    await http.get('/').set('Host', 'a.example').expect(400);
  });

  it('reads the variable allowedHostsEnv names, from the file or the options, and none with false', async () => {
    const named = clientFor({ '.healthchecksrc.json': { allowedHosts: ['file.example'], allowedHostsEnv: 'WEB_HOSTS' } }, {}, { WEB_HOSTS: 'web.example', ALLOWED_HOSTS: 'a.example' });
    await named.get('/').set('Host', 'web.example').expect(200);
    await named.get('/').set('Host', 'a.example').expect(400);
    const off = clientFor(FILE, { allowedHostsEnv: false }, { ALLOWED_HOSTS: 'a.example' });
    await off.get('/').set('Host', 'file.example').expect(200);
    await off.get('/').set('Host', 'a.example').expect(400);
  });

  it('refuses an entry that could never match, naming the variable and the entry', () => {
    const error = errorFor(FILE, {}, { ALLOWED_HOSTS: 'example.com,10.0.0.0/33' });
    expect(error.message).to.match(/^Invalid koa-allow-healthchecks configuration in the environment variable ALLOWED_HOSTS:/);
    expect(error.problems).to.have.length(1);
    expect(error.problems[0]).to.match(/^ALLOWED_HOSTS entry 2 "10\.0\.0\.0\/33" /);
  });

  it('refuses an empty value and an empty entry, rather than allow fewer hosts than meant', () => {
    expect(errorFor(FILE, {}, { ALLOWED_HOSTS: ' , ' }).problems[0]).to.equal(
      "ALLOWED_HOSTS is set but empty. Unset it to use the config file's allowedHosts, or list the hosts: ALLOWED_HOSTS=example.com,.example.org",
    );
    expect(errorFor(FILE, {}, { ALLOWED_HOSTS: 'a.example,,b.example' }).problems).to.deep.equal(['ALLOWED_HOSTS entry 2 is empty. Remove the extra comma.']);
  });

  it('refuses the probe token variable as the host variable, and never shows the token', () => {
    const token = 'q8Zk+3/9vR2mXw==';
    for (const file of [{ allowedHostsEnv: 'HEALTH_CHECK_HEADER_VALUE' }, { allowedHostsEnv: 'PROBE_TOKEN', probe: { valueEnv: 'PROBE_TOKEN' } }]) {
      const variable = file.allowedHostsEnv;
      const error = errorFor({ '.healthchecksrc.json': file }, {}, { [variable]: token });
      expect(error.problems[0]).to.include(`allowedHostsEnv names ${variable}, the variable that holds the probe token`);
      expect(error.message + String(error.stack)).not.to.include(token);
    }
  });

  it('refuses a variable name that is not one', () => {
    const error = errorFor({}, { allowedHostsEnv: 'NOT-A-NAME' }, {});
    expect(error.problems.join('\n')).to.include('allowedHostsEnv');
  });
});
