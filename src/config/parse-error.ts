/**
 * Describes why a config file could not be parsed, by kind and position only. Parsers quote the file's text in their
 * messages, and that text may hold the probe token, so neither their messages nor the original error are passed on.
 */
export function describeParseError(error: unknown, content: string): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : '';
  const position = locate(error, content);
  const at = position === undefined ? '' : ` at line ${position.line}, column ${position.column}`;
  const fix = position === undefined ? 'Fix its syntax.' : 'Fix the syntax there.';
  if (name === 'SyntaxError' && message.includes('JSON')) return `The file is not valid JSON${at}. ${fix}`;
  if (name === 'YAMLException') return `The file is not valid YAML${at}. ${fix}`;
  if (name === 'SyntaxError') return `The module has a syntax error${at}. ${fix}`;
  return `The module threw ${withArticle(name)} while loading${at}. Make it export the configuration without throwing.`;
}

interface Position {
  line: number;
  column: number;
}

function locate(error: unknown, content: string): Position | undefined {
  const mark = (error as { mark?: { line?: unknown; column?: unknown } }).mark;
  if (typeof mark?.line === 'number' && typeof mark.column === 'number') {
    return { line: mark.line + 1, column: mark.column + 1 };
  }
  const message = error instanceof Error ? error.message : '';
  const offset = /at position (\d+)/.exec(message)?.[1];
  if (offset !== undefined) return positionOfOffset(content, Number(offset));
  const stackLine = /:(\d+)(?::(\d+))?\n/.exec(error instanceof Error ? (error.stack ?? '') : '');
  if (stackLine?.[1] !== undefined) return { line: Number(stackLine[1]), column: Number(stackLine[2] ?? 1) };
  return undefined;
}

function positionOfOffset(content: string, offset: number): Position {
  const before = content.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

function withArticle(name: string): string {
  return /^[AEIOU]/.test(name) ? `an ${name}` : `a ${name}`;
}
