import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics.js';
import { tokenize } from './lexer.js';

function lex(source: string): { kinds: string[]; texts: string[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const tokens = tokenize(source, 't.bind', diagnostics);
  return { kinds: tokens.map((t) => t.kind), texts: tokens.map((t) => t.text), diagnostics };
}

describe('tokenize', () => {
  it('reads compound identifiers, operators, strings and numbers with positions', () => {
    const diagnostics: Diagnostic[] = [];
    const tokens = tokenize('fuchsia.BIND_PROTOCOL == 0x1C;\n  k != "a b";', 't.bind', diagnostics);
    expect(diagnostics).toEqual([]);
    expect(tokens.map((t) => [t.kind, t.text, t.line, t.col])).toEqual([
      ['ident', 'fuchsia.BIND_PROTOCOL', 1, 1],
      ['==', '==', 1, 23],
      ['number', '0x1C', 1, 26],
      [';', ';', 1, 30],
      ['ident', 'k', 2, 3],
      ['!=', '!=', 2, 5],
      ['string', 'a b', 2, 8],
      [';', ';', 2, 13],
      ['eof', '', 2, 14],
    ]);
    expect(tokens[2]?.number).toBe(28);
  });

  it('skips line and block comments', () => {
    const { kinds } = lex('// a\n/* b\n c */ true; // d');
    expect(kinds).toEqual(['ident', ';', 'eof']);
  });

  it('reports every lexical problem with its position and keeps going', () => {
    const { diagnostics, kinds } = lex(
      'a = 1;\nb == 0x1_0;\nc == "open\nd == 99999999999;\n@\n/* never closed',
    );
    expect(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`)).toEqual([
      "1:3 '=' is not an operator",
      "2:6 '0x1_0' is not a number",
      '3:6 unterminated string',
      '4:6 99999999999 does not fit in a uint32',
      "5:1 unexpected character '@'",
      '6:1 unterminated comment',
    ]);
    // Recovery still yields the statement structure for the parser.
    expect(kinds.filter((k) => k === ';')).toHaveLength(3);
  });

  it('explains hyphens in identifiers in one diagnostic', () => {
    const { diagnostics, texts } = lex('fdf.block.partition-type');
    expect(texts[0]).toBe('fdf.block.partition-type');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.message).toContain("has '-' in segment 'partition-type'");
  });
});
