// Reads fenced code blocks and sections out of Markdown, for the tests that run or validate what the docs show.

/** A fenced code block: its language, its text (de-indented as far as its fence is), and where it sits. */
export interface FencedBlock {
  /** The first word of the info string, lower-cased: `json`, `yaml`, `sh`; empty when there is none. */
  readonly lang: string;
  readonly text: string;
  /** The line of the opening fence, counting from 1. */
  readonly line: number;
  /** The last non-blank line of prose before the fence, trimmed, or `''`. */
  readonly before: string;
}

/** A heading and the lines under it, up to the next heading of the same or a higher level. */
export interface Section {
  readonly title: string;
  readonly level: number;
  /** The heading's line, counting from 1. */
  readonly line: number;
  readonly blocks: readonly FencedBlock[];
}

const OPENING_FENCE = /^( *)(`{3,}|~{3,})\s*([^`\s]*)/;

/** Every fenced block in `markdown`, in order. A fence left open runs to the end of the text, as CommonMark says. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  return scan(markdown).blocks;
}

/** Every heading in `markdown` outside code blocks, each with the fenced blocks under it. */
export function sections(markdown: string): Section[] {
  const { blocks, headings } = scan(markdown);
  return headings.map((heading, index) => {
    const next = headings.slice(index + 1).find((other) => other.level <= heading.level);
    const end = next === undefined ? Number.POSITIVE_INFINITY : next.line;
    return { ...heading, blocks: blocks.filter((block) => block.line > heading.line && block.line < end) };
  });
}

function scan(markdown: string): { blocks: FencedBlock[]; headings: Omit<Section, 'blocks'>[] } {
  const lines = markdown.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  const headings: Omit<Section, 'blocks'>[] = [];
  let before = '';
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    const opening = OPENING_FENCE.exec(line);
    if (opening === null) {
      const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (heading !== null) headings.push({ title: heading[2] as string, level: (heading[1] as string).length, line: index + 1 });
      if (line.trim() !== '') before = line.trim();
      continue;
    }
    const [, indent = '', fence = '', info = ''] = opening;
    const closing = new RegExp(`^ *${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const content: string[] = [];
    const start = index;
    for (index += 1; index < lines.length && !closing.test(lines[index] as string); index += 1) {
      content.push(dedent(lines[index] as string, indent.length));
    }
    blocks.push({ lang: info.toLowerCase(), text: content.join('\n'), line: start + 1, before });
    before = '';
  }
  return { blocks, headings };
}

/** Removes up to `width` leading spaces: the fence's own indentation, as inside a list item. */
function dedent(line: string, width: number): string {
  const spaces = /^ */.exec(line)?.[0].length ?? 0;
  return line.slice(Math.min(spaces, width));
}
