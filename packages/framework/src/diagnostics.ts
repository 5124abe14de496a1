/**
 * Located diagnostics shared by the bind compiler and the manifest loaders.
 *
 * Every input this package reads (bind rules, driver manifests, board
 * manifests) is written by a person, so every complaint points at a place in a
 * file and says how to fix it. A file's problems are collected and reported
 * together: fixing one error per run is a slow way to learn a language.
 */
import { Status, StatusError } from '@fdf/zx';

/** A 1-based position in a named source file. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly col: number;
}

export interface Diagnostic extends SourceLocation {
  /** Where in a structured document the problem is, e.g. `hosts[1].drivers[0]`. */
  readonly path?: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it, when there is something better to say than "don't". */
  readonly fix?: string;
}

/** `file:line:col: path: what is wrong; how to fix`. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = `${d.file}:${d.line}:${d.col}: `;
  const path = d.path === undefined || d.path === '' ? '' : `${d.path}: `;
  const fix = d.fix === undefined ? '' : `; ${d.fix}`;
  return `${where}${path}${d.message}${fix}`;
}

/** Orders diagnostics by file, line and column so reports read top to bottom. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col,
  );
}

/**
 * A StatusError that carries every located problem found in one input. The
 * message repeats them one per line so that a CLI printing `err.message` shows
 * everything without knowing about this class.
 */
export class DiagnosticsError extends StatusError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(status: Status, summary: string, diagnostics: readonly Diagnostic[]) {
    const sorted = sortDiagnostics(diagnostics);
    super(status, [summary, ...sorted.map((d) => `  ${formatDiagnostic(d)}`)].join('\n'));
    this.name = 'DiagnosticsError';
    this.diagnostics = sorted;
  }

  /** The diagnostics rendered one per line, without the status prefix. */
  get lines(): string[] {
    return this.diagnostics.map(formatDiagnostic);
  }
}

/** The ERR_INVALID_ARGS error for `what` (a file, a manifest) carrying `diagnostics`. */
export function invalidInput(what: string, diagnostics: readonly Diagnostic[]): DiagnosticsError {
  const n = diagnostics.length;
  return new DiagnosticsError(
    Status.ERR_INVALID_ARGS,
    `${what} has ${n} error${n === 1 ? '' : 's'}:`,
    diagnostics,
  );
}

/** Throws invalidInput(what, diagnostics) when there is at least one diagnostic. */
export function throwIfAny(what: string, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length > 0) throw invalidInput(what, diagnostics);
}

function editDistance(a: string, b: string): number {
  // Two rows are enough: only the previous row is read.
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate closest to `name` when it is close enough to be a typo
 * (transpositions like `gtp` for `gpt` count as two edits, so short names get
 * a budget of two).
 */
export function closestMatch(name: string, candidates: Iterable<string>): string | undefined {
  const budget = Math.max(2, Math.floor(name.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d <= budget && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** "did you mean 'gpt'? " or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const best = closestMatch(name, candidates);
  return best === undefined ? '' : `did you mean '${best}'? `;
}

/** "a, b, c" or "(none)": for "drivers available: ..." style hints. */
export function listOrNone(items: Iterable<string>): string {
  const all = [...items];
  return all.length === 0 ? '(none)' : all.join(', ');
}
