import { parseAllDocuments } from 'yaml';
import { sections, type FencedBlock, type Section } from '../markdown-blocks';

// What the README's Quick start and the Kubernetes section after it tell a reader to do, read out of the Markdown.
// Each step that is missing or shaped otherwise is an error that says what was expected.

/** The port the Quick start's server.js listens on and its curl lines call. */
export const README_PORT = 8000;

const SHELL = ['sh', 'bash', 'shell', 'console'];

/** One curl line of the Quick start and the status its comment promises. */
export interface CurlLine {
  readonly line: string;
  readonly status: number;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are walked as the YAML gives them */

export interface QuickStart {
  /** The packages of the `npm install` line, in its order. */
  readonly packages: readonly string[];
  /** The variables the run line sets, and the script it runs. */
  readonly runEnv: Readonly<Record<string, string>>;
  readonly script: string;
  readonly server: string;
  readonly configName: string;
  readonly configText: string;
  readonly curls: readonly CurlLine[];
  /** The Kubernetes section's title, its Deployment, and its Secrets. */
  readonly kubernetesTitle: string;
  readonly containers: any[];
  readonly secrets: readonly any[];
}

function fail(message: string): never {
  throw new Error(`README.md: ${message}`);
}

/** The lines of a shell block, with backslash continuations joined and blank lines and comments left out. */
function shellLines(block: FencedBlock): string[] {
  return block.text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function runLine(quick: Section): { packages: string[]; runEnv: Record<string, string>; script: string } {
  const block = quick.blocks.find((candidate) => SHELL.includes(candidate.lang) && /^npm install /m.test(candidate.text));
  if (block === undefined) fail('the Quick start has no ```sh block with an `npm install` line');
  const lines = shellLines(block);
  const install = lines.find((line) => line.startsWith('npm install '));
  const packages = (install ?? '').split(/\s+/).slice(2);
  const run = lines.map((line) => /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)+)node\s+(\S+)$/.exec(line)).find((match) => match !== null);
  if (run === undefined || run === null) fail(`the Quick start's block at line ${block.line} has no run line, VAR=value node server.js`);
  const runEnv = Object.fromEntries(
    (run[1] as string)
      .trim()
      .split(/\s+/)
      .map((assignment) => {
        const [name, ...value] = assignment.split('=');
        return [name as string, value.join('=').replace(/^(['"])(.*)\1$/, '$2')];
      }),
  );
  return { packages, runEnv, script: run[2] as string };
}

/** The block the prose line just before it names `file` in. */
function blockNaming(quick: Section, langs: readonly string[], file: string): FencedBlock {
  const block = quick.blocks.find((candidate) => langs.includes(candidate.lang) && candidate.before.includes(file));
  if (block === undefined) fail(`the Quick start has no \`\`\`${langs[0]} block after a line naming ${file}`);
  return block;
}

function curlLines(quick: Section): CurlLine[] {
  const blocks = quick.blocks.filter((block) => SHELL.includes(block.lang) && /^curl /m.test(block.text));
  const lines = blocks.flatMap((block) => block.text.replace(/\\\n\s*/g, ' ').split('\n').map((line) => line.trim()));
  const curls = lines.filter((line) => line.startsWith('curl '));
  if (curls.length === 0) fail('the Quick start has no ```sh block of curl lines');
  return curls.map((line) => {
    const status = /#\s*(\d{3})\b/.exec(line);
    if (status === null) fail(`the curl line "${line}" has no "# <status>" comment`);
    return { line, status: Number(status[1]) };
  });
}

function kubernetes(all: readonly Section[], quick: Section): Pick<QuickStart, 'kubernetesTitle' | 'containers' | 'secrets'> {
  const next = all.slice(all.indexOf(quick) + 1).find((section) => section.level <= quick.level);
  if (next === undefined || !/^Kubernetes/i.test(next.title)) fail(`the section after Quick start is "${next?.title}", not Kubernetes`);
  const block = next.blocks.find((candidate) => candidate.lang === 'yaml' || candidate.lang === 'yml');
  if (block === undefined) fail(`the ${next.title} section has no \`\`\`yaml block`);
  const documents = parseAllDocuments(block.text).map((document) => document.toJS() as any);
  // A whole Deployment, or the snippet of its pod template's containers.
  const deployment = documents.find((document) => document?.kind === 'Deployment');
  const containers = deployment?.spec?.template?.spec?.containers ?? documents.find((document) => Array.isArray(document?.containers))?.containers;
  if (containers === undefined) fail(`the ${next.title} section's block at line ${block.line} has no Deployment and no containers`);
  return { kubernetesTitle: next.title, containers, secrets: documents.filter((document) => document?.kind === 'Secret') };
}

/** Reads the Quick start and the Kubernetes section out of the README's text. */
export function readQuickStart(markdown: string): QuickStart {
  const all = sections(markdown);
  const quick = all.find((section) => section.level === 2 && /^Quick start$/i.test(section.title));
  if (quick === undefined) fail('no "## Quick start" section');
  const { packages, runEnv, script } = runLine(quick);
  const server = blockNaming(quick, ['js', 'javascript', 'cjs'], script).text;
  const configName = 'healthchecks.config.json';
  const configText = blockNaming(quick, ['json'], configName).text;
  return { packages, runEnv, script, server, configName, configText, curls: curlLines(quick), ...kubernetes(all, quick) };
}

/** An HTTP probe of the Deployment's container, as the kubelet would send it. */
export interface KubeletProbe {
  path: string;
  port: number;
  headers: { name: string; value: string }[];
  /** `httpGet.host` and `httpGet.scheme`: the kubelet sends to the pod's IP over HTTP when they are unset. */
  host: string | undefined;
  scheme: string | undefined;
}

/** The container's HTTP probes, with a named port resolved to its number. */
export function kubeletProbes(container: any): Record<string, KubeletProbe> {
  const entries = ['startupProbe', 'livenessProbe', 'readinessProbe'].filter((name) => container[name] !== undefined);
  return Object.fromEntries(
    entries.map((name) => {
      const { path, port, httpHeaders = [], host, scheme } = container[name].httpGet ?? {};
      const number = typeof port === 'string' ? container.ports?.find((entry: any) => entry.name === port)?.containerPort : port;
      return [name, { path, port: number, headers: httpHeaders, host, scheme }];
    }),
  );
}

/** The token the container's environment gives `variable`: a plain value, or one from a Secret shown beside it. */
export function containerToken(container: any, variable: string, secrets: readonly any[]): string | undefined {
  const entry = (container.env ?? []).find((candidate: any) => candidate.name === variable);
  if (entry?.value !== undefined) return entry.value;
  const ref = entry?.valueFrom?.secretKeyRef;
  const secret = secrets.find((candidate) => candidate.metadata?.name === ref?.name);
  if (secret?.stringData?.[ref.key] !== undefined) return secret.stringData[ref.key];
  const data = secret?.data?.[ref?.key];
  return data === undefined ? undefined : Buffer.from(data, 'base64').toString('utf8');
}
