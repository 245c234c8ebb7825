/**
 * Finds where a JSON text stops being valid, and says why, in words that quote none of it.
 *
 * `JSON.parse` decides whether a file is valid; this runs only after it failed, to say where. V8's messages give an
 * offset for some errors and not for others (an unquoted value, a truncated file), and the ones without an offset quote
 * the text, which may hold a probe token. So the position is computed here, the same way on every Node version, by a
 * scanner that follows the grammar of RFC 8259 sections 2 to 7.
 */

/** Where the JSON text is invalid: an offset into it (UTF-16 code units), and the reason. */
export interface JsonSyntaxError {
  readonly offset: number;
  readonly reason: string;
}

/** The first syntax error in `text`, or `undefined` when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.value();
    scanner.whitespace();
    if (scanner.position < text.length) scanner.fail('there is more after the end of the JSON value');
    return undefined;
  } catch (error) {
    if (error instanceof JsonSyntaxFailure) return { offset: error.offset, reason: error.reason };
    throw error;
  }
}

class JsonSyntaxFailure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const EXPECTED_VALUE = 'a value is expected here: a "string", a number, true, false, null, an {object} or an [array]';
const LITERALS = ['true', 'false', 'null'];

class Scanner {
  position = 0;

  constructor(private readonly text: string) {}

  fail(reason: string, offset = this.position): never {
    throw new JsonSyntaxFailure(offset, reason);
  }

  whitespace(): void {
    while (' \t\n\r'.includes(this.text[this.position] ?? '#')) this.position += 1;
    const next = this.text.slice(this.position, this.position + 2);
    if (next === '//' || next === '/*') this.fail('JSON has no comments: remove it, or write the config as YAML or JavaScript');
  }

  value(): void {
    this.whitespace();
    const char = this.text[this.position];
    if (char === undefined) this.fail('the file ends where a value is expected: it looks cut short');
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    if (char === "'") this.fail('strings need double quotes in JSON, not single quotes');
    if (char === '-' || (char >= '0' && char <= '9')) return this.number();
    const literal = LITERALS.find((word) => this.text.startsWith(word, this.position));
    if (literal === undefined) this.fail(`${EXPECTED_VALUE}; an unquoted word is not a string in JSON`);
    this.position += literal.length;
  }

  private object(): void {
    if (this.opensEmpty('}')) return;
    for (;;) {
      this.whitespace();
      this.propertyName();
      this.whitespace();
      if (this.text[this.position] !== ':') this.fail('a ":" is expected after the property name');
      this.position += 1;
      this.value();
      if (this.listContinues('}')) continue;
      return;
    }
  }

  /** Steps over an opening bracket, and over the closing one when the list is empty: then it returns true. */
  private opensEmpty(close: string): boolean {
    this.position += 1;
    this.whitespace();
    if (this.text[this.position] !== close) return false;
    this.position += 1;
    return true;
  }

  private propertyName(): void {
    const char = this.text[this.position];
    if (char === '"') return this.string();
    if (char === '}') this.fail('a trailing comma: remove the comma before the "}"', this.lastComma());
    if (char === "'") this.fail('property names need double quotes in JSON, not single quotes');
    if (char === undefined) this.fail('the file ends inside an object: it looks cut short');
    this.fail('property names need double quotes in JSON');
  }

  private array(): void {
    if (this.opensEmpty(']')) return;
    for (;;) {
      this.whitespace();
      if (this.text[this.position] === ']') this.fail('a trailing comma: remove the comma before the "]"', this.lastComma());
      this.value();
      if (this.listContinues(']')) continue;
      return;
    }
  }

  /** After a member: true after a comma, false after the closing bracket. */
  private listContinues(close: '}' | ']'): boolean {
    this.whitespace();
    const char = this.text[this.position];
    this.position += 1;
    if (char === ',') return true;
    if (char === close) return false;
    if (char === undefined) this.fail(`the file ends before the closing "${close}": it looks cut short`, this.text.length);
    return this.fail(`a "," or "${close}" is expected here: is a comma missing?`, this.position - 1);
  }

  private lastComma(): number {
    return this.text.lastIndexOf(',', this.position);
  }

  private string(): void {
    const start = this.position;
    this.position += 1;
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) this.fail('a string is not closed: a double quote is missing', start);
      if (char === '"') break;
      if (char < ' ') this.fail('a string holds a line break or another control character: write it as an escape such as \\n');
      if (char === '\\') this.escape();
      else this.position += 1;
    }
    this.position += 1;
  }

  private escape(): void {
    const code = this.text[this.position + 1] ?? '';
    if ('"\\/bfnrt'.includes(code) && code !== '') {
      this.position += 2;
    } else if (code === 'u' && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position + 2, this.position + 6))) {
      this.position += 6;
    } else {
      this.fail('an invalid escape in a string: a backslash must start \\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX');
    }
  }

  private number(): void {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.position));
    if (match === null) this.fail('an invalid number: JSON numbers have digits after a "-", and no leading "+" or "."');
    this.position += match[0].length;
  }
}

/** The 1-based line and column of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
