import { healthChecks, type HealthChecksOptions } from '../src';
import { appWith, client, makeProject, NO_TOKEN, removeProjects, withEnv } from './helpers';

/** A client for an app whose middleware was built with `env` in place and `files` as its project. */
function clientFor(files: Record<string, object>, options: HealthChecksOptions, env: Record<string, string | undefined> = {}) {
  const cwd = makeProject(files);
  const middleware = withEnv({ ...NO_TOKEN, ...env }, () => healthChecks({ cwd, ...options }));
  return client(appWith(middleware));
}

describe('precedence: defaults < config file < environment < options', () => {
  afterEach(removeProjects);

  it('uses Django-style development defaults when nothing is configured', async () => {
    const http = clientFor({}, {});
    await http.get('/').set('Host', 'localhost:8000').expect(200);
    await http.get('/').set('Host', 'app.localhost').expect(200);
    await http.get('/').set('Host', '127.0.0.1:3000').expect(200);
    await http.get('/').set('Host', '[::1]').expect(200);
    await http.get('/').set('Host', 'example.com').expect(400);
  });

  it('lets the file replace the default hosts', async () => {
    const http = clientFor({ '.healthchecksrc.json': { allowedHosts: ['file.example'] } }, {});
    await http.get('/').set('Host', 'file.example').expect(200);
    await http.get('/').set('Host', 'localhost').expect(400);
  });

  it('lets options replace the file, arrays included', async () => {
    const http = clientFor({ '.healthchecksrc.json': { allowedHosts: ['file.example'], rejectStatus: 404 } }, { allowedHosts: ['opt.example'] });
    await http.get('/').set('Host', 'opt.example').expect(200);
    await http.get('/').set('Host', 'file.example').expect(404);
  });

  it('merges the probe section key by key', async () => {
    const http = clientFor(
      { '.healthchecksrc.json': { probe: { header: 'X-File-Probe', paths: ['/from-file'] } } },
      { probe: { paths: ['/from-options'] } },
      { HEALTH_CHECK_HEADER_VALUE: 'env-token' },
    );
    await http.get('/from-options').set('Host', '10.0.0.1').set('X-File-Probe', 'env-token').expect(200);
    await http.get('/from-file').set('Host', '10.0.0.1').set('X-File-Probe', 'env-token').expect(400);
    await http.get('/from-options').set('Host', '10.0.0.1').set('X-Health', 'env-token').expect(400);
  });

  it('takes the token from the environment over the file', async () => {
    const http = clientFor({ '.healthchecksrc.json': { probe: { value: 'file-token' } } }, {}, { HEALTH_CHECK_HEADER_VALUE: 'env-token' });
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'env-token').expect(200);
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'file-token').expect(400);
  });

  it('takes the token from the file when the environment has none', async () => {
    const http = clientFor({ '.healthchecksrc.json': { probe: { value: 'file-token' } } }, {});
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'file-token').expect(200);
  });

  it('takes the token from options over the environment', async () => {
    const http = clientFor({}, { probe: { value: ['opt-token', 'opt-next'] } }, { HEALTH_CHECK_HEADER_VALUE: 'env-token' });
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'opt-next').expect(200);
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'env-token').expect(400);
  });

  it('reads the variable named by probe.valueEnv', async () => {
    const http = clientFor({ '.healthchecksrc.json': { probe: { valueEnv: 'PROBE_TOKEN' } } }, {}, { PROBE_TOKEN: 'named-token' });
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'named-token').expect(200);
  });

  it('reads several comma-separated tokens from the environment, for rotation', async () => {
    const http = clientFor({}, {}, { HEALTH_CHECK_HEADER_VALUE: 'old-token, new-token-longer,,' });
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'old-token').expect(200);
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'new-token-longer').expect(200);
    await http.get('/').set('Host', '10.0.0.1').set('X-Health', 'old-token, new-token-longer').expect(400);
  });

  it('treats an option set to undefined as absent', async () => {
    const http = clientFor({ '.healthchecksrc.json': { allowedHosts: ['file.example'] } }, { allowedHosts: undefined, trustProxy: undefined });
    await http.get('/').set('Host', 'file.example').expect(200);
  });
});
