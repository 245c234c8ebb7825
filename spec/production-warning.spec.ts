import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';

/** Runs `script` against the built package in a fresh process, so the once-per-process warning starts unsent. */
function stderrOf(script: string, env: Record<string, string>): string {
  const result = spawnSync(process.execPath, ['-e', `${script}; process.stderr.write('done')`], {
    cwd: join(__dirname, '..'),
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return result.stderr;
}

const BUILD_THREE = `
  const { healthChecks } = require('koa-allow-healthchecks');
  healthChecks({ configFile: false, allowedHosts: ['a.com'] });
  healthChecks({ configFile: false });
  healthChecks({ configFile: false });
`;

describe('the default hosts', () => {
  it('warn once, through process.emitWarning, when NODE_ENV=production and allowedHosts is unset', () => {
    const stderr = stderrOf(`process.on('warning', (w) => console.error('WARNING', w.code, w.message)); ${BUILD_THREE}`, { NODE_ENV: 'production' });
    const warnings = stderr.split('\n').filter((line) => line.startsWith('WARNING KOA_ALLOW_HEALTHCHECKS_DEFAULT_HOSTS'));
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include('allowedHosts is not configured');
  });

  it('warn without the token, which sits in the same environment', () => {
    const secret = 'S3CRET-token-in-env-4c1d';
    const stderr = stderrOf(BUILD_THREE, { NODE_ENV: 'production', HEALTH_CHECK_HEADER_VALUE: secret });
    expect(stderr).to.include('KOA_ALLOW_HEALTHCHECKS_DEFAULT_HOSTS').and.not.include(secret);
  });

  it('do not warn outside production', () => {
    const stderr = stderrOf(BUILD_THREE, { NODE_ENV: 'development' });
    expect(stderr).to.equal('done');
  });
});
