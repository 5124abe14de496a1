/**
 * Compile problems are data, not exceptions: every check reports a
 * Diagnostic and keeps going, so one run shows every error in every file.
 */

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  severity: Severity;
  /** Stable identifier of the check, e.g. 'FIDL-UNDEFINED-NAME'. */
  code: string;
  /** What is wrong, then how to fix it. */
  message: string;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** A source range; every AST node and flat declaration carries one. */
export interface Span {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** Collects diagnostics for one compilation. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  #errors = 0;

  error(code: string, span: Span, message: string): void {
    this.#errors++;
    this.diagnostics.push(toDiagnostic('error', code, span, message));
  }

  warning(code: string, span: Span, message: string): void {
    this.diagnostics.push(toDiagnostic('warning', code, span, message));
  }

  get errorCount(): number {
    return this.#errors;
  }

  /** Diagnostics in file order, then by position, so output reads top to bottom. */
  sorted(fileOrder: readonly string[]): Diagnostic[] {
    const rank = new Map(fileOrder.map((f, i) => [f, i]));
    return [...this.diagnostics].sort(
      (a, b) =>
        (rank.get(a.file) ?? Number.MAX_SAFE_INTEGER) -
          (rank.get(b.file) ?? Number.MAX_SAFE_INTEGER) ||
        a.file.localeCompare(b.file) ||
        a.line - b.line ||
        a.column - b.column,
    );
  }
}

function toDiagnostic(severity: Severity, code: string, span: Span, message: string): Diagnostic {
  return {
    severity,
    code,
    message,
    file: span.file,
    line: span.line,
    column: span.column,
    endLine: span.endLine,
    endColumn: span.endColumn,
  };
}

/**
 * `file:line:col: error: message [CODE]`, then the offending source line and
 * a caret under the range when the source text is at hand.
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string): string {
  const head = `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]`;
  if (sourceText === undefined) return head;
  const lines = sourceText.split(/\r?\n/);
  const text = lines[d.line - 1];
  if (text === undefined) return head;
  const start = Math.max(0, d.column - 1);
  const sameLine = d.endLine === undefined || d.endLine === d.line;
  const end =
    sameLine && d.endColumn !== undefined ? Math.max(d.endColumn - 1, start + 1) : start + 1;
  // Tabs are kept in the indent so the caret lines up under the same glyphs.
  const indent = text.slice(0, start).replace(/[^\t]/g, ' ');
  const marker = '^' + '~'.repeat(Math.max(0, Math.min(end, text.length + 1) - start - 1));
  return `${head}\n${text}\n${indent}${marker}`;
}
