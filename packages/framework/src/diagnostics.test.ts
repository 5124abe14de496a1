import { describe, expect, it } from 'vitest';
import { Status, StatusError } from '@fdf/zx';
import {
  closestMatch,
  DiagnosticsError,
  didYouMean,
  formatDiagnostic,
  invalidInput,
  listOrNone,
} from './diagnostics.js';

describe('diagnostics', () => {
  it('formats file:line:col: path: message; fix', () => {
    expect(
      formatDiagnostic({
        file: 'b.yaml',
        line: 3,
        col: 7,
        path: 'hosts[1]',
        message: 'bad',
        fix: 'do this',
      }),
    ).toBe('b.yaml:3:7: hosts[1]: bad; do this');
    expect(formatDiagnostic({ file: 'a.bind', line: 1, col: 1, message: 'bad' })).toBe(
      'a.bind:1:1: bad',
    );
  });

  it('collects diagnostics into one StatusError, sorted, repeated in the message', () => {
    const err = invalidInput('board x', [
      { file: 'b', line: 9, col: 1, message: 'second' },
      { file: 'b', line: 2, col: 5, message: 'first' },
    ]);
    expect(err).toBeInstanceOf(StatusError);
    expect(err).toBeInstanceOf(DiagnosticsError);
    expect(err.status).toBe(Status.ERR_INVALID_ARGS);
    expect(err.lines).toEqual(['b:2:5: first', 'b:9:1: second']);
    expect(err.message).toBe(
      'ZX_ERR_INVALID_ARGS: board x has 2 errors:\n  b:2:5: first\n  b:9:1: second',
    );
  });

  it('suggests close names, transpositions included, and nothing for far ones', () => {
    expect(closestMatch('gtp', ['gpt', 'ramdisk'])).toBe('gpt');
    expect(closestMatch('colocat', ['colocate', 'bind'])).toBe('colocate');
    expect(closestMatch('zzz', ['gpt', 'ramdisk'])).toBeUndefined();
    expect(didYouMean('zzz', ['gpt'])).toBe('');
    expect(listOrNone([])).toBe('(none)');
  });
});
