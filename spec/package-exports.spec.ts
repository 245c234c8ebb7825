import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';

// These run the built package (dist/, built by `npm test`'s pretest) through its own name, as users load it.
const ROOT = join(__dirname, '..');
const EXPORTS = ['healthChecks', 'probeBypass', 'hostAllowlist', 'loadConfig', 'HealthChecksConfigError'];

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
}

describe('the package', () => {
  it('loads with require()', () => {
    const output = runNode(['-e', 'const m = require("koa-allow-healthchecks"); console.log(JSON.stringify(Object.keys(m).sort()))']);
    expect(JSON.parse(output)).to.include.members(EXPORTS);
  });

  it('loads with import, named exports included', () => {
    const script = `import { ${EXPORTS.join(', ')} } from 'koa-allow-healthchecks'; console.log([${EXPORTS.join(', ')}].map((x) => typeof x).join(','));`;
    const output = runNode(['--input-type=module', '-e', script]);
    expect(output.trim()).to.equal('function,function,function,function,function');
  });

  it('exposes the schema as koa-allow-healthchecks/schema.json', () => {
    const output = runNode(['-e', 'console.log(require.resolve("koa-allow-healthchecks/schema.json"))']);
    expect(output.trim()).to.equal(join(ROOT, 'schema', 'healthchecks.schema.json'));
  });

  it('lists types first in its exports map', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: { '.': object } };
    expect(Object.keys(manifest.exports['.'])[0]).to.equal('types');
  });

  it('declares Koa 2.13+ and 3 as its peer', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
    expect(manifest.peerDependencies.koa).to.equal('^2.13 || ^3');
  });
});
