import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { makeProject, removeProjects } from './helpers';

// A config place the app's user cannot read must stop startup, not give way to the next file: here a permissive
// healthchecks.config.json ("*") waits behind each one. Root reads everything, so the loader runs as the user nobody,
// through setpriv, as an app's user would; CI runs as root.
const DIST = join(__dirname, '..', 'dist');
const AS_NOBODY = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
const OWN = { allowedHosts: ['example.com'] };
const PERMISSIVE = { allowedHosts: ['*'] };

function loadAsNobody(cwd: string): string {
  // Started from /, with the project passed as cwd: Node 24 itself reads the working directory's package.json for -e.
  const script = `try { const found = require(${JSON.stringify(DIST)}).loadConfig({ cwd: ${JSON.stringify(cwd)} }); console.log('loaded ' + (found && found.filepath)); } catch (error) { console.log(error.filepath + ': ' + error.problems[0]); }`;
  const result = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], { cwd: '/', encoding: 'utf8' });
  return result.stdout.trim() || result.stderr;
}

/** A project nobody can enter and read, but for the one place made unreadable by `lock`. */
function project(files: Record<string, object>, lock: (root: string) => void): string {
  const root = makeProject({ ...files, 'healthchecks.config.json': PERMISSIVE });
  chmodSync(root, 0o755);
  lock(root);
  return root;
}

(AS_NOBODY ? describe : describe.skip)('a config place the app cannot read (as the user nobody)', () => {
  afterEach(removeProjects);

  it('an unreadable .healthchecksrc.json', () => {
    const root = project({ '.healthchecksrc.json': OWN }, (dir) => chmodSync(join(dir, '.healthchecksrc.json'), 0o000));
    expect(loadAsNobody(root)).to.equal(`${join(root, '.healthchecksrc.json')}: The file could not be read (EACCES). Make it readable by the app's user, or remove it.`);
  });

  it('an unreadable package.json that may hold the config', () => {
    const root = project({ 'package.json': { name: 'app', healthchecks: OWN } }, (dir) => chmodSync(join(dir, 'package.json'), 0o000));
    expect(loadAsNobody(root)).to.match(new RegExp(`^${join(root, 'package.json')}: The file could not be read \\(EACCES`));
  });

  it('a .config directory that cannot be opened', () => {
    const root = project({ '.config/healthchecksrc.json': OWN }, (dir) => chmodSync(join(dir, '.config'), 0o000));
    expect(loadAsNobody(root)).to.include(`${join(root, '.config')}`).and.include('could not be read (EACCES');
  });

  it('a project directory that can be entered but not listed', () => {
    const root = project({ '.healthchecksrc.json': OWN }, (dir) => {
      chmodSync(join(dir, '.healthchecksrc.json'), 0o000);
      chmodSync(dir, 0o711);
    });
    expect(loadAsNobody(root)).to.include(`${join(root, '.healthchecksrc.json')}: The file could not be read (EACCES)`);
  });

  it('and, for contrast, loads the permissive file when nothing stands before it', () => {
    const root = project({}, () => undefined);
    writeFileSync(join(root, 'server.js'), '');
    mkdirSync(join(root, '.config'));
    expect(loadAsNobody(root)).to.equal(`loaded ${join(root, 'healthchecks.config.json')}`);
  });
});
