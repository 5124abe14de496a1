/**
 * Tokens of the bind language. The lexer never stops at the first problem:
 * it reports it, produces the most plausible token, and goes on, so a file's
 * errors come out together.
 */
import type { Diagnostic } from '../diagnostics.js';
import { compoundIdentifierProblem, MAX_PROPERTY_INT } from '../node/nodeProperty.js';

export type TokenKind = 'ident' | 'string' | 'number' | '==' | '!=' | ';' | '{' | '}' | ',' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for strings, without the quotes). */
  readonly text: string;
  /** For numbers, the parsed value. */
  readonly number?: number;
  readonly line: number;
  readonly col: number;
}

const PUNCTUATION: Readonly<Record<string, TokenKind>> = { ';': ';', '{': '{', '}': '}', ',': ',' };

function isIdentStart(ch: string): boolean {
  return /[A-Za-z]/.test(ch);
}

function isIdentPart(ch: string): boolean {
  // '-' is taken in so that `partition-type` gets one clear error instead of three.
  return /[A-Za-z0-9_.-]/.test(ch);
}

export function tokenize(source: string, file: string, diagnostics: Diagnostic[]): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;

  const error = (atLine: number, atCol: number, message: string, fix?: string): void => {
    diagnostics.push(
      fix === undefined
        ? { file, line: atLine, col: atCol, message }
        : { file, line: atLine, col: atCol, message, fix },
    );
  };
  const advance = (n = 1): void => {
    for (let k = 0; k < n && i < source.length; k++) {
      if (source[i] === '\n') {
        line++;
        col = 1;
      } else {
        col++;
      }
      i++;
    }
  };
  const push = (
    kind: TokenKind,
    text: string,
    atLine: number,
    atCol: number,
    number?: number,
  ): void => {
    tokens.push(
      number === undefined
        ? { kind, text, line: atLine, col: atCol }
        : { kind, text, number, line: atLine, col: atCol },
    );
  };

  while (i < source.length) {
    const ch = source[i] ?? '';
    const next = source[i + 1] ?? '';
    const startLine = line;
    const startCol = col;

    if (/\s/.test(ch)) {
      advance();
      continue;
    }
    if (ch === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') advance();
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) {
        error(startLine, startCol, 'unterminated comment', "close it with '*/'");
        advance(source.length - i);
      } else {
        advance(end + 2 - i);
      }
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      while (j < source.length && source[j] !== '"' && source[j] !== '\n') j++;
      const text = source.slice(i + 1, j);
      if (source[j] !== '"') {
        error(startLine, startCol, 'unterminated string', "close it with '\"' on the same line");
        advance(j - i);
      } else {
        advance(j + 1 - i);
      }
      push('string', text, startLine, startCol);
      continue;
    }
    if (/[0-9]/.test(ch)) {
      let j = i;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j] ?? '')) j++;
      const text = source.slice(i, j);
      advance(j - i);
      let value: number | undefined;
      if (/^0[xX][0-9A-Fa-f]+$/.test(text)) value = Number.parseInt(text.slice(2), 16);
      else if (/^[0-9]+$/.test(text)) value = Number.parseInt(text, 10);
      if (value === undefined) {
        error(
          startLine,
          startCol,
          `'${text}' is not a number`,
          'write a decimal like 42 or a hex number like 0x2A',
        );
        value = 0;
      } else if (value > MAX_PROPERTY_INT) {
        error(
          startLine,
          startCol,
          `${text} does not fit in a uint32`,
          `node property integers range from 0 to ${MAX_PROPERTY_INT} (0xFFFFFFFF)`,
        );
      }
      push('number', text, startLine, startCol, value);
      continue;
    }
    if (isIdentStart(ch) || ch === '_') {
      let j = i;
      while (j < source.length && isIdentPart(source[j] ?? '')) j++;
      const text = source.slice(i, j);
      advance(j - i);
      const problem = compoundIdentifierProblem(text);
      if (problem !== undefined) error(startLine, startCol, `identifier '${text}' ${problem}`);
      push('ident', text, startLine, startCol);
      continue;
    }
    if ((ch === '=' || ch === '!') && next === '=') {
      advance(2);
      push(ch === '=' ? '==' : '!=', `${ch}=`, startLine, startCol);
      continue;
    }
    if (ch === '=') {
      error(startLine, startCol, "'=' is not an operator", "compare with '==' (or '!=')");
      advance();
      push('==', '=', startLine, startCol);
      continue;
    }
    const punct = PUNCTUATION[ch];
    if (punct !== undefined) {
      advance();
      push(punct, ch, startLine, startCol);
      continue;
    }
    error(
      startLine,
      startCol,
      `unexpected character '${ch}'`,
      'bind rules use identifiers, "strings", numbers, == != ; { } , and comments',
    );
    advance();
  }
  push('eof', '', line, col);
  return tokens;
}
