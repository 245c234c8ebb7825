import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { expect } from 'chai';

// The README and the pages under docs/ link to each other, to repository files and to headings. A page that moves or
// a heading that is renamed must not leave a link pointing nowhere.
const ROOT = join(__dirname, '..');
const REPOSITORY = 'https://github.com/koa-allow-healthchecks/koa-allow-healthchecks';

/** The Markdown files whose links are checked: those at the root and every one under docs/. */
function markdownFiles(): string[] {
  const atRoot = readdirSync(ROOT).filter((name) => name.endsWith('.md')).map((name) => join(ROOT, name));
  const underDocs = (readdirSync(join(ROOT, 'docs'), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.md'))
    .map((name) => join(ROOT, 'docs', name));
  return [...atRoot, ...underDocs];
}

/** The text outside fenced code blocks, where headings and links are read. */
function prose(file: string): string {
  return readFileSync(file, 'utf8').replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');
}

/** GitHub's heading slug: lowercase, punctuation dropped, each space a hyphen. */
function slugOf(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const anchorCache = new Map<string, Set<string>>();

/** The anchors a Markdown file offers: one per heading (a repeated one numbered, as GitHub does) and per `<a id>`. */
function anchorsOf(file: string): Set<string> {
  const cached = anchorCache.get(file);
  if (cached !== undefined) return cached;
  const text = prose(file);
  const anchors = new Set<string>();
  for (const [, heading] of text.matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const slug = slugOf(heading as string);
    let unique = slug;
    for (let n = 1; anchors.has(unique); n++) unique = `${slug}-${n}`;
    anchors.add(unique);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id as string);
  anchorCache.set(file, anchors);
  return anchors;
}

/** The targets of the Markdown links of a file, outside code. */
function linksOf(file: string): string[] {
  const text = prose(file).replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] as string);
}

interface Target {
  /** The absolute path the link names, a file or a directory. */
  readonly path: string;
  readonly anchor: string | undefined;
  /** What GitHub's URL says it is, for an absolute link: `blob/` a file, `tree/` a directory. */
  readonly kind?: 'file' | 'directory';
}

/** Where a link points, or `undefined` for one outside the repository (another site, `mailto:`). */
function targetOf(file: string, link: string): Target | undefined {
  const [location = '', anchor] = link.split('#', 2) as [string, string | undefined];
  if (link.startsWith(`${REPOSITORY}/`)) {
    const match = /^(blob|tree)\/main\/(.+)$/.exec(link.slice(REPOSITORY.length + 1).replace(/#.*$/, ''));
    expect(match, `${link} in ${relative(ROOT, file)}: a repository link names blob/main/ or tree/main/`).not.to.equal(null);
    const [, view, path] = match as RegExpExecArray;
    return { path: join(ROOT, path as string), anchor, kind: view === 'blob' ? 'file' : 'directory' };
  }
  if (/^[a-z]+:/i.test(link)) return undefined;
  return { path: location === '' ? file : resolve(dirname(file), location), anchor };
}

/** The Markdown file an anchor refers to: the file itself, or the README GitHub shows for a directory. */
function pageOf(path: string): string | undefined {
  if (statSync(path).isDirectory()) return existsSync(join(path, 'README.md')) ? join(path, 'README.md') : undefined;
  return path.endsWith('.md') ? path : undefined;
}

describe('the links of the README and the docs pages', () => {
  const files = markdownFiles();

  it('finds the README, SECURITY.md and the pages under docs/', () => {
    const names = files.map((file) => relative(ROOT, file).split(sep).join('/'));
    expect(names).to.include.members(['README.md', 'SECURITY.md', 'docs/cli.md', 'docs/one-host.md', 'docs/recipes/README.md']);
  });

  for (const file of files) {
    it(`${relative(ROOT, file)}: every file, directory and #anchor it links to exists`, () => {
      for (const link of linksOf(file)) {
        const target = targetOf(file, link);
        if (target === undefined) continue;
        const where = `${link} in ${relative(ROOT, file)}`;
        expect(target.path.startsWith(ROOT + sep) || target.path === ROOT, `${where} leaves the repository`).to.equal(true);
        expect(existsSync(target.path), `${where}: no such file`).to.equal(true);
        if (target.kind !== undefined) {
          expect(statSync(target.path).isDirectory() ? 'directory' : 'file', `${where}: blob/ names a file, tree/ a directory`).to.equal(target.kind);
        }
        if (target.anchor === undefined) continue;
        const page = pageOf(target.path);
        expect(page, `${where}: an #anchor needs a Markdown page`).not.to.equal(undefined);
        expect([...anchorsOf(page as string)], `${where}: no such heading in ${relative(ROOT, page as string)}`).to.include(target.anchor);
      }
    });
  }

  it('reaches every page under docs/ from the README, following links', () => {
    const reached = new Set<string>();
    const queue = [join(ROOT, 'README.md')];
    while (queue.length > 0) {
      const file = queue.pop() as string;
      if (reached.has(file)) continue;
      reached.add(file);
      for (const link of linksOf(file)) {
        const target = targetOf(file, link);
        if (target === undefined || !existsSync(target.path)) continue;
        const page = pageOf(target.path);
        if (page !== undefined && !reached.has(page)) queue.push(page);
      }
    }
    const orphans = files.filter((file) => file.startsWith(join(ROOT, 'docs') + sep) && !reached.has(file));
    expect(orphans.map((file) => relative(ROOT, file))).to.deep.equal([]);
  });
});

describe('slugOf(), as GitHub writes heading anchors', () => {
  for (const [heading, slug] of [
    ['Probes that need no secret: local-address probes', 'probes-that-need-no-secret-local-address-probes'],
    ['`ctx.state.healthCheck`', 'ctxstatehealthcheck'],
    ['Compared with Django, Rails and ASP.NET Core', 'compared-with-django-rails-and-aspnet-core'],
    ['Live policies, `resolveHost` and Caddy', 'live-policies-resolvehost-and-caddy'],
    ['`update()`, `reload()` and `watch`', 'update-reload-and-watch'],
    ['Unreleased changes, after 0.1.0', 'unreleased-changes-after-010'],
    ['Node_modules and [a link](x.md)', 'node_modules-and-a-link'],
  ] as const) {
    it(`${heading} -> #${slug}`, () => expect(slugOf(heading)).to.equal(slug));
  }
});
