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

  constructor(private readonly indentUnit = '  ') {}

  /** One line at the current indentation; an empty call prints a blank line. */
  line(text = ''): this {
    this.#lines.push(text === '' ? '' : this.#indent() + text);
    return this;
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

  /** A `/** ... *\/` comment; nothing when the text is empty. */
  doc(text: string | undefined): this {
    if (text === undefined || text.trim() === '') return this;
    const body = text
      .replace(/\*\//g, '*\\/')
      .split('\n')
      .map((l) => l.trimEnd());
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    while (body.length > 0 && body[0]?.trim() === '') body.shift();
    if (body.length === 1) return this.line(`/** ${body[0]?.trim() ?? ''} */`);
    this.line('/**');
    for (const l of body) this.line(l.trim() === '' ? ' *' : ` * ${l.replace(/^ /, '')}`);
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

/** A JS string literal with single quotes, as the repo's prettier config writes them. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}
