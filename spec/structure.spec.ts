import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect } from 'chai';

// The layers of src/, lowest first, as docs/architecture.md describes them. A module may import from its own layer
// and the ones below, never from above.
const LAYERS: readonly (readonly string[])[] = [
  ['core', 'errors.ts', 'config-types.generated.ts'],
  ['config', 'options.ts'],
  ['http', 'observe'],
  ['live', 'lifecycle'],
  ['guard'],
  ['koa', 'upgrade', 'cli'],
  ['index.ts'],
];

/** The steps of the pipeline: only src/guard may call them, so that no entry point re-implements one. */
const PIPELINE_STEPS: readonly string[] = [
  'http/read-request',
  'http/strip-header',
  'live/resolve-decision',
  'observe/report-decision',
  'core/decide',
  'core/certificate',
];
/** What an adapter may take from those modules: types, and the explanations `explain` prints beside the verdict. */
const ADAPTER_ALLOWANCES: Readonly<Record<string, readonly string[]>> = {
  'cli/explain.ts': ['core/decide'],
};

const SRC = resolve(__dirname, '..', 'src');

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Each relative import of a file: the target, relative to src/ without extension, and whether it imports types only. */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)(\s+type)?\s[^;]*?from '(\.[^']+)'/gms)].map((match) => ({
    target: relative(SRC, resolve(dirname(file), match[2] as string)),
    typeOnly: match[1] !== undefined,
  }));
}

function layerOf(path: string): number {
  const top = path.split('/')[0] as string;
  const index = LAYERS.findIndex((layer) => layer.includes(top) || layer.includes(`${top}.ts`));
  if (index === -1) throw new Error(`${path} is in no layer: add it to LAYERS and to docs/architecture.md`);
  return index;
}

describe('the structure of src/', () => {
  const files = sourceFiles(SRC).map((file) => ({ file, path: relative(SRC, file) }));

  it('imports downward only: no module imports from a higher layer', () => {
    const upward = files.flatMap(({ file, path }) =>
      importsOf(file)
        .filter(({ target }) => layerOf(target) > layerOf(path))
        .map(({ target }) => `${path} imports ${target}`),
    );
    expect(upward).to.deep.equal([]);
  });

  it('has the pipeline steps called by src/guard alone: the adapters import no step but types', () => {
    const adapters = files.filter(({ path }) => ['koa', 'upgrade', 'cli'].includes(path.split('/')[0] as string));
    expect(adapters.length).to.be.greaterThan(5);
    const reimplemented = adapters.flatMap(({ file, path }) =>
      importsOf(file)
        .filter(({ target, typeOnly }) => !typeOnly && PIPELINE_STEPS.includes(target) && !(ADAPTER_ALLOWANCES[path] ?? []).includes(target))
        .map(({ target }) => `${path} imports ${target}`),
    );
    expect(reimplemented).to.deep.equal([]);
  });

  it('has explain take only the explanations from the decision core, and decide through the pipeline', () => {
    const explain = readFileSync(join(SRC, 'cli', 'explain.ts'), 'utf8');
    expect(explain).to.match(/readAndDecide\(/);
    expect(explain).to.not.match(/\bdecide\(|\bcheckHost\(|\bprobeVia\(|\breadHost\(|\bparseRequestTarget\(/);
  });
});
