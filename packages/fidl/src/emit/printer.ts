/**
 * A small, deterministic code printer for generated TypeScript.
 *
 * We print by hand instead of running prettier on the output so that
 * `emitTypeScript` is a pure function of the IR: the same IR always gives the
 * same bytes, without a formatter version in the loop. That is what lets the
 * bindings package check in memory that its committed files are up to date.
 */
export class Printer {
  readonly #lines: string[] = [];
  #depth = 0;

  constructor(
    private readonly indentUnit = '  ',
    /** Lines longer than this are wrapped where `wrap` and `list` know how. */
    readonly width = 100,
  ) {}

  /** One line at the current indentation; an empty call prints a blank line. */
  line(text = ''): this {
    this.#lines.push(text === '' ? '' : this.#indent() + text);
    return this;
  }

  /**
   * One statement; when too long, broken after its first ` = ` (or ` => `)
   * with the rest indented on the next line, as prettier would.
   */
  wrap(text: string): this {
    if (this.#indent().length + text.length <= this.width) return this.line(text);
    for (const sep of [' = ', ' => ']) {
      const at = text.indexOf(sep);
      if (at > 0) {
        this.line(text.slice(0, at + sep.length - 1));
        this.#depth++;
        this.line(text.slice(at + sep.length));
        this.#depth--;
        return this;
      }
    }
    return this.line(text);
  }

  /**
   * `open` + items joined by ', ' + `close` on one line when it fits, else
   * one item per line with trailing commas (a long parameter list).
   */
  list(open: string, items: readonly string[], close: string): this {
    const flat = `${open}${items.join(', ')}${close}`;
    if (items.length === 0 || this.#indent().length + flat.length <= this.width)
      return this.line(flat);
    this.line(open);
    this.#depth++;
    for (const item of items) this.line(`${item},`);
    this.#depth--;
    return this.line(close);
  }

  /** Several lines, each at the current indentation. */
  lines(texts: readonly string[]): this {
    for (const t of texts) this.line(t);
    return this;
  }

  /** `open`, the body one level deeper, then `close`. */
  block(open: string, body: () => void, close = '}'): this {
    this.line(open);
    this.#depth++;
    body();
    this.#depth--;
    this.line(close);
    return this;
  }

  /** The body one level deeper, without opening or closing lines. */
  indented(body: () => void): this {
    this.#depth++;
    body();
    this.#depth--;
    return this;
  }

  /** A `/** ... *\/` comment, word-wrapped to the line width; nothing when the text is empty. */
  doc(text: string | undefined): this {
    if (text === undefined || text.trim() === '') return this;
    const body = text
      .replace(/\*\//g, '*\\/')
      .split('\n')
      .map((l) => l.trimEnd().replace(/^ /, ''));
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    while (body.length > 0 && body[0]?.trim() === '') body.shift();
    const room = this.width - this.#indent().length - 3;
    if (body.length === 1 && (body[0] ?? '').length + 4 <= room)
      return this.line(`/** ${body[0]?.trim() ?? ''} */`);
    this.line('/**');
    for (const l of body) {
      if (l.trim() === '') this.line(' *');
      else for (const part of wordWrap(l, room)) this.line(` * ${part}`);
    }
    return this.line(' */');
  }

  /** Collapses runs of blank lines and ends the text with exactly one newline. */
  toString(): string {
    const out: string[] = [];
    for (const l of this.#lines) {
      if (l === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
      out.push(l);
    }
    while (out.length > 0 && out[out.length - 1] === '') out.pop();
    return out.join('\n') + '\n';
  }

  #indent(): string {
    return this.indentUnit.repeat(this.#depth);
  }
}

/** Splits `text` at spaces into lines of at most `width` (a longer word stays whole). */
function wordWrap(text: string, width: number): string[] {
  const indent = /^\s*/.exec(text)?.[0] ?? '';
  const words = text.trim().split(/\s+/);
  const lines: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.trim() !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = indent + w;
    } else {
      line = line.trim() === '' ? indent + w : `${line} ${w}`;
    }
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}

/** A JS string literal with single quotes, as the repo's prettier config writes them. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}
