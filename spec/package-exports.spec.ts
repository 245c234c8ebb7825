import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
    expect(output.trim()).to.equal(join(ROOT, 'schema.json'));
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

describe('the published package', () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    type: string;
    repository: { url: string };
    homepage: string;
    bugs: { url: string };
    dependencies: Record<string, string>;
  };
  const REPOSITORY = 'https://github.com/koa-allow-healthchecks/koa-allow-healthchecks';

  /** The files `npm pack` would put in the tarball, without running prepare. */
  function packedFiles(): string[] {
    const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const [pack] = JSON.parse(output) as [{ files: { path: string }[] }];
    return pack.files.map((file) => file.path);
  }

  it('says what it is: "type": "commonjs", repository, homepage and bugs', () => {
    expect(manifest.type).to.equal('commonjs');
    expect(manifest.repository.url).to.equal(`git+${REPOSITORY}.git`);
    expect(manifest.homepage).to.equal(`${REPOSITORY}#readme`);
    expect(manifest.bugs.url).to.equal(`${REPOSITORY}/issues`);
  });

  it("links, from its README, to files it ships, or absolutely to the repository's files, which exist", () => {
    const shipped = new Set(packedFiles());
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
    expect(links.length).to.be.greaterThan(10);
    for (const link of links) {
      if (link.startsWith('#') || (/^https:\/\//.test(link) && !link.startsWith(REPOSITORY))) continue;
      if (link.startsWith(`${REPOSITORY}/`)) {
        const path = link.replace(`${REPOSITORY}/`, '').replace(/^(?:blob|tree)\/main\//, '').replace(/#.*$/, '');
        expect(existsSync(join(ROOT, path)), link).to.equal(true);
        continue;
      }
      expect(link, 'a relative link must name a shipped file').not.to.match(/^[a-z]+:/);
      expect(shipped.has(link.replace(/#.*$/, '')), `${link} is not in the tarball`).to.equal(true);
    }
  });

  it('ships the code, the schema and the docs it links to, and no tests', () => {
    const files = packedFiles();
    expect(files).to.include.members(['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'schema.json', 'README.md', 'LICENSE', 'package.json']);
    expect(files.filter((file) => /^(spec|src|bench|scripts)\//.test(file))).to.deep.equal([]);
  });

  it('never loads Ajv at run time: the validator is compiled ahead of time, and ajv is a dev dependency', () => {
    expect(manifest.dependencies).not.to.have.property('ajv');
    const script = `
      const { healthChecks } = require('koa-allow-healthchecks');
      healthChecks({ configFile: false, allowedHosts: ['example.com'] });
      try { healthChecks({ configFile: false, allowedHost: ['example.com'] }); } catch {}
      console.log(Object.keys(require.cache).filter((path) => path.includes('/node_modules/')).join('\\n'));`;
    const loaded = runNode(['-e', script]).trim().split('\n').filter(Boolean);
    expect(loaded.filter((path) => /\/node_modules\/(ajv|fast-uri|json-schema-traverse|fast-deep-equal|require-from-string)\//.test(path))).to.deep.equal([]);
  });
});
