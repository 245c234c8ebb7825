import { join } from 'node:path';
import { expect } from 'chai';
import { HealthChecksConfigError, healthChecks, hostAllowlist, probeBypass, type HealthChecksOptions } from '../src';
import { makeProject, NO_TOKEN, removeProjects, thrownBy, urlKeepsHost, withEnv } from './helpers';

/** The HealthChecksConfigError that `healthChecks(options)` throws, with no config file and no token in the env. */
function configError(options: unknown): HealthChecksConfigError {
  const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ configFile: false, ...(options as object) })));
  expect(error).to.be.instanceOf(HealthChecksConfigError);
  return error as HealthChecksConfigError;
}

describe('config errors', () => {
  afterEach(removeProjects);

  // [options, the problem line expected]. Each problem names its key path and what to do.
  const cases: [name: string, options: object, problem: string][] = [
    ['a misspelled key', { allowedHost: ['a.com'] }, 'allowedHost is not a known option. Did you mean allowedHosts?'],
    ['a key in the wrong case', { AllowedHosts: ['a.com'] }, 'AllowedHosts is not a known option. Did you mean allowedHosts?'],
    ['a misspelled programmatic key', { onreject: () => undefined }, 'onreject is not a known option. Did you mean onReject?'],
    ['a misspelled nested key', { probe: { heder: 'X-Health', value: 't' } }, 'probe.heder is not a known option. Did you mean header?'],
    ['a key under probe that is no near miss, as a pasted token would be', { probe: { 'Zq81-kd02-LmWx-77': 'x', value: 't' } }, 'probe has a key that is not a known option. Known options here:'],
    ['an unknown key with no near match', { zzzzzz: 1 }, 'zzzzzz is not a known option. Known options here: $schema, allowedHosts'],
    ['allowedHosts as a string', { allowedHosts: 'example.com' }, 'allowedHosts must be an array, not a string.'],
    ['an empty allowedHosts', { allowedHosts: [] }, 'allowedHosts is empty, which would reject every request.'],
    ['an empty host entry', { allowedHosts: ['a.com', ''] }, 'allowedHosts[1] must not be an empty string.'],
    ['a number as a host', { allowedHosts: [8080] }, 'allowedHosts[0] must be a string, not a number.'],
    ['a bad CIDR', { allowedHosts: ['10.0.0.0/33'] }, 'allowedHosts[0] "10.0.0.0/33" is not a valid IP range'],
    ['a URL', { allowedHosts: ['https://Example.com/'] }, 'allowedHosts[0] "https://Example.com/" is a URL. Write the host alone, without the scheme and path: "example.com".'],
    ['a URL with a port and a path', { allowedHosts: ['http://app.example:8080/login'] }, 'allowedHosts[0] "http://app.example:8080/login" is a URL. Write the host alone, without the scheme and path: "app.example:8080".'],
    ['a URL with a wildcard', { allowedHosts: ['https://*.example.com'] }, 'without the scheme and path: "*.example.com".'],
    ['a host with a trailing slash', { allowedHosts: ['example.com/'] }, 'allowedHosts[0] "example.com/" has a path. Write the host alone, without the path: "example.com".'],
    ['a host with a path', { allowedHosts: ['api.example.com/v1'] }, 'has a path. Write the host alone, without the path: "api.example.com".'],
    ['a scheme and nothing else', { allowedHosts: ['https://'] }, 'is a URL. Write the host alone, without the scheme and path, such as "example.com".'],
    ['an unbracketed IPv6 address', { allowedHosts: ['::1'] }, 'allowedHosts[0] "::1" is an IPv6 address without brackets'],
    ['an invalid port', { allowedHosts: ['a.com:99999'] }, 'allowedHosts[0] "a.com:99999" has an invalid port'],
    ['a lowercase method', { probe: { value: 't', methods: ['GET', 'get'] } }, 'probe.methods[1] must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS. Did you mean GET?'],
    ['an unknown method', { probe: { value: 't', methods: ['FETCH'] } }, 'probe.methods[0] must be one of GET, HEAD'],
    ['no methods', { probe: { value: 't', methods: [] } }, 'probe.methods must not be empty. Remove the key to use the default.'],
    ['a header name with a space', { probe: { value: 't', header: 'X Health' } }, 'probe.header must be an HTTP header name'],
    ['an empty header name', { probe: { value: 't', header: '' } }, 'probe.header must be an HTTP header name'],
    ['a bad env var name', { probe: { valueEnv: '1TOKEN' } }, 'probe.valueEnv must be an environment variable name'],
    ['a relative probe path', { probe: { value: 't', paths: ['health'] } }, 'probe.paths[0] must be an absolute path starting with "/"'],
    ['a probe path with a query', { probe: { value: 't', paths: ['/health?x=1'] } }, 'probe.paths[0] must be an absolute path'],
    ['an exempt path with a fragment', { exemptPaths: ['/h#x'] }, 'exemptPaths[0] must be an absolute path'],
    ['trustProxy as a string', { trustProxy: 'yes' }, 'trustProxy must be a boolean, not a string.'],
    ['rejectStatus of 500', { rejectStatus: 500 }, 'rejectStatus must be a 4xx status code, from 400 to 499 (got 500).'],
    ['rejectStatus of 200', { rejectStatus: 200 }, 'rejectStatus must be a 4xx status code, from 400 to 499 (got 200).'],
    ['rejectStatus of NaN', { rejectStatus: Number.NaN }, 'rejectStatus must be an integer, not NaN.'],
    ['rejectStatus as a string', { rejectStatus: '404' }, 'rejectStatus must be an integer, not a string.'],
    ['probe as an array', { probe: [] }, 'probe must be an object, not an array.'],
    ['cwd as a number', { cwd: 1 }, 'cwd must be a directory path'],
    ['configFile as true', { configFile: true }, 'configFile must be a file path, or false'],
    ['onReject as a string', { onReject: 'log' }, 'onReject must be a function'],
  ];
  for (const [name, options, problem] of cases) {
    it(`explains ${name}`, () => {
      const error = configError(options);
      expect(error.problems.join('\n')).to.include(problem);
      expect(error.message).to.include('in the programmatic options').and.include(problem);
      expect(error.filepath).to.equal(undefined);
    });
  }

  it('lists every problem at once, schema and host patterns alike', () => {
    const error = configError({ allowedHost: [], rejectStatus: 1, trustProxy: 1, allowedHosts: ['::1', 'a.com:0'] });
    expect(error.problems).to.have.length(5);
  });

  it('reports 140,000 invalid allowedHosts entries as one error, listing the first 50 in the message', () => {
    const allowedHosts = Array.from({ length: 140_000 }, (_, index) => `host ${index}.example`);
    const error = configError({ allowedHosts });
    expect(error.problems).to.have.length(140_000);
    expect(error.problems[139_999]).to.equal('allowedHosts[139999] "host 139999.example" contains whitespace. Remove it.');
    const lines = error.message.split('\n');
    expect(lines).to.have.length(52);
    expect(lines[50]).to.include('allowedHosts[49]');
    expect(lines[51]).to.equal("  … and 139950 more problems, listed in the error's `problems`.");
  });

  it('says how to write an entry that ends in a number, or holds broken punycode', () => {
    expect(configError({ allowedHosts: ['10.0.1'] }).problems[0]).to.include('ends in a number but is not an IPv4 address');
    if (!urlKeepsHost('xn--')) expect(configError({ allowedHosts: ['*.xn--'] }).problems[0]).to.include('punycode');
  });

  it('never quotes a token, even a malformed one', () => {
    const error = configError({ probe: { value: ['ok-token', ' SECRET-WITH-SPACE '] } });
    expect(error.message).to.include('probe.value must be').and.not.include('SECRET');
  });

  it('refuses options that are not an object', () => {
    for (const options of ['example.com', ['example.com'], null]) {
      const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks(options as unknown as HealthChecksOptions)));
      expect(error.message).to.include('The options must be an object');
    }
  });

  it('names the config file and its key paths', () => {
    const cwd = makeProject({ '.healthchecksrc.json': { allowedHosts: ['example.com', 'bad host'], probe: { methods: ['get'] } } });
    const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ cwd })));
    expect(error).to.be.instanceOf(HealthChecksConfigError);
    expect((error as HealthChecksConfigError).filepath).to.equal(join(cwd, '.healthchecksrc.json'));
    expect(error.message).to.match(/^Invalid koa-allow-healthchecks configuration in config file .*\.healthchecksrc\.json:\n/);
    expect(error.message).to.include('probe.methods[0] must be one of GET');
  });

  it('checks host patterns in a file', () => {
    const cwd = makeProject({ '.healthchecksrc.yaml': 'allowedHosts:\n  - example.com\n  - "10.0.0.0/40"\n' });
    const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ cwd })));
    expect(error.message).to.include('.healthchecksrc.yaml').and.include('allowedHosts[1] "10.0.0.0/40" is not a valid IP range');
  });

  it('refuses a file whose content is not an object', () => {
    const cwd = makeProject({ '.healthchecksrc.json': '["example.com"]' });
    const error = withEnv(NO_TOKEN, () => thrownBy(() => healthChecks({ cwd })));
    expect(error.message).to.include('The configuration must be an object, not an array.');
  });

  it('allows a $schema key for editors', () => {
    const cwd = makeProject({ '.healthchecksrc.json': { $schema: './node_modules/koa-allow-healthchecks/schema.json', allowedHosts: ['a.com'] } });
    expect(withEnv(NO_TOKEN, () => healthChecks({ cwd }))).to.be.a('function');
  });

  it('checks the options of probeBypass() and hostAllowlist() the same way', () => {
    for (const factory of [probeBypass, hostAllowlist]) {
      const error = withEnv(NO_TOKEN, () => thrownBy(() => factory({ configFile: false, allowedHosts: [] })));
      expect(error).to.be.instanceOf(HealthChecksConfigError);
    }
  });
});
