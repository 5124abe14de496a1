/**
 * Tokenizer for FIDL source. FIDL has no reserved words, so keywords are
 * plain identifiers here and the parser decides by context. `//` comments
 * vanish; `///` doc comments are attached to the next token, which is how
 * the parser finds the documentation of the element that token starts.
 */
import type { DiagnosticSink, Span } from './diagnostics.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'eof';

export interface DocComment {
  /** Text after `///`, one entry per line, one leading space removed. */
  lines: string[];
  span: Span;
}

export interface Token {
  kind: TokenKind;
  text: string;
  span: Span;
  /** First token on its line: lets recovery resynchronize at declaration starts. */
  startsLine: boolean;
  doc?: DocComment;
}

const PUNCT = new Set([';', ':', ',', '.', '{', '}', '(', ')', '<', '>', '=', '|', '@']);

function isIdentStart(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
}

function isIdentPart(c: string): boolean {
  return isIdentStart(c) || (c >= '0' && c <= '9');
}

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}

function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

export function tokenize(file: string, text: string, sink: DiagnosticSink): Token[] {
  const tokens: Token[] = [];
  // A UTF-8 byte order mark is not part of the source.
  let pos = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  let col = 1;
  let lineHasToken = false;
  let pendingDoc: DocComment | undefined;

  const peek = (k = 0): string => text[pos + k] ?? '';
  const advance = (): void => {
    if (text[pos] === '\n') {
      line++;
      col = 1;
      lineHasToken = false;
    } else {
      col++;
    }
    pos++;
  };
  const spanFrom = (l: number, c: number): Span => ({
    file,
    line: l,
    column: c,
    endLine: line,
    endColumn: col,
  });

  const push = (kind: TokenKind, tokText: string, span: Span, startsLine: boolean): void => {
    const tok: Token = { kind, text: tokText, span, startsLine };
    if (pendingDoc) {
      tok.doc = pendingDoc;
      pendingDoc = undefined;
    }
    tokens.push(tok);
  };

  while (pos < text.length) {
    const c = peek();
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      advance();
      continue;
    }
    const startLine = line;
    const startCol = col;
    const startsLine = !lineHasToken;

    if (c === '/' && peek(1) === '/') {
      const isDoc = peek(2) === '/' && peek(3) !== '/';
      const begin = pos;
      while (pos < text.length && peek() !== '\n') advance();
      if (isDoc) {
        let body = text.slice(begin + 3, pos).replace(/\r$/, '');
        if (body.startsWith(' ')) body = body.slice(1);
        const span = spanFrom(startLine, startCol);
        if (pendingDoc) {
          pendingDoc.lines.push(body);
          pendingDoc.span = {
            ...pendingDoc.span,
            endLine: span.endLine,
            endColumn: span.endColumn,
          };
        } else {
          pendingDoc = { lines: [body], span };
        }
      }
      continue;
    }
    if (c === '/' && peek(1) === '*') {
      // Not FIDL, but a clear message beats a cascade of "unexpected '/'".
      advance();
      advance();
      while (pos < text.length && !(peek() === '*' && peek(1) === '/')) advance();
      sink.error(
        'FIDL-INVALID-CHARACTER',
        spanFrom(startLine, startCol),
        'block comments `/* */` are not FIDL; use `//` for comments and `///` for documentation',
      );
      if (pos < text.length) {
        advance();
        advance();
      }
      continue;
    }

    lineHasToken = true;

    if (isIdentStart(c)) {
      const begin = pos;
      while (pos < text.length && isIdentPart(peek())) advance();
      push('ident', text.slice(begin, pos), spanFrom(startLine, startCol), startsLine);
      continue;
    }

    if (isDigit(c) || (c === '-' && isDigit(peek(1)))) {
      const begin = pos;
      if (c === '-') advance();
      if (peek() === '0' && (peek(1) === 'x' || peek(1) === 'X')) {
        advance();
        advance();
        while (isHexDigit(peek()) || peek() === '_') advance();
      } else if (peek() === '0' && (peek(1) === 'b' || peek(1) === 'B')) {
        advance();
        advance();
        while (peek() === '0' || peek() === '1' || peek() === '_') advance();
      } else {
        while (isDigit(peek())) advance();
        if (peek() === '.' && isDigit(peek(1))) {
          advance();
          while (isDigit(peek())) advance();
        }
        if (
          (peek() === 'e' || peek() === 'E') &&
          (isDigit(peek(1)) || ((peek(1) === '-' || peek(1) === '+') && isDigit(peek(2))))
        ) {
          advance();
          if (peek() === '-' || peek() === '+') advance();
          while (isDigit(peek())) advance();
        }
      }
      // Trailing identifier characters (`12ab`) make a malformed number.
      const bad = isIdentPart(peek());
      while (isIdentPart(peek())) advance();
      const span = spanFrom(startLine, startCol);
      if (bad) {
        sink.error(
          'FIDL-INVALID-NUMBER',
          span,
          `'${text.slice(begin, pos)}' is not a valid number; write decimal, 0x hex, 0b binary or a float such as 1.5e3`,
        );
      }
      push('number', text.slice(begin, pos), span, startsLine);
      continue;
    }

    if (c === '"') {
      const begin = pos;
      advance();
      let closed = false;
      while (pos < text.length && peek() !== '\n') {
        if (peek() === '\\') {
          advance();
          if (pos < text.length && peek() !== '\n') advance();
          continue;
        }
        if (peek() === '"') {
          advance();
          closed = true;
          break;
        }
        advance();
      }
      const span = spanFrom(startLine, startCol);
      if (!closed) {
        sink.error(
          'FIDL-UNTERMINATED-STRING',
          span,
          'string literal is not terminated; close it with `"` on the same line',
        );
        push('string', text.slice(begin, pos) + '"', span, startsLine);
      } else {
        push('string', text.slice(begin, pos), span, startsLine);
      }
      continue;
    }

    if (c === '-' && peek(1) === '>') {
      advance();
      advance();
      push('punct', '->', spanFrom(startLine, startCol), startsLine);
      continue;
    }

    if (PUNCT.has(c)) {
      advance();
      push('punct', c, spanFrom(startLine, startCol), startsLine);
      continue;
    }

    advance();
    sink.error(
      'FIDL-INVALID-CHARACTER',
      spanFrom(startLine, startCol),
      `unexpected character '${c}'; FIDL uses identifiers, numbers, strings and ; : , . { } ( ) < > = | @ ->`,
    );
  }

  const eofSpan: Span = { file, line, column: col, endLine: line, endColumn: col };
  const eof: Token = { kind: 'eof', text: '', span: eofSpan, startsLine: true };
  if (pendingDoc) eof.doc = pendingDoc;
  tokens.push(eof);
  return tokens;
}

/**
 * Decodes a string literal token (quotes included). Returns null and reports
 * when an escape is invalid.
 */
export function decodeStringLiteral(
  token: string,
  span: Span,
  sink: DiagnosticSink,
): string | null {
  const body = token.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? '';
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = body[i + 1] ?? '';
    i++;
    switch (next) {
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        const m = /^\{([0-9a-fA-F]{1,6})\}/.exec(body.slice(i + 1));
        const cp = m?.[1] !== undefined ? parseInt(m[1], 16) : NaN;
        if (!m || Number.isNaN(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          sink.error(
            'FIDL-INVALID-ESCAPE',
            span,
            'invalid unicode escape; write \\u{X} with 1 to 6 hex digits naming a Unicode scalar value',
          );
          return null;
        }
        out += String.fromCodePoint(cp);
        i += m[0].length;
        break;
      }
      default:
        sink.error(
          'FIDL-INVALID-ESCAPE',
          span,
          `invalid escape '\\${next}' in string literal; allowed escapes are \\\\ \\" \\n \\r \\t \\u{X}`,
        );
        return null;
    }
  }
  return out;
}
