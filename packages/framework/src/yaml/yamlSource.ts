/**
 * A parsed YAML file that remembers where everything is, so that problems
 * found after parsing (by a schema, or by cross-field checks) can be reported
 * at `file:line:col` of the exact key or value.
 */
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import { Status, StatusError } from '@fdf/zx';
import type { Diagnostic } from '../diagnostics.js';

/** A path into a document, as zod reports it: keys and list indexes. */
export type YamlPath = readonly PropertyKey[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `hosts[1].drivers[0]`, `devices[0].properties["fuchsia.BIND_PROTOCOL"]`. */
export function formatYamlPath(path: YamlPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      out += PLAIN_KEY.test(key) ? `${out === '' ? '' : '.'}${key}` : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}

export interface Position {
  readonly line: number;
  readonly col: number;
}

export class YamlSource {
  readonly syntaxErrors: readonly Diagnostic[];

  private constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {
    this.syntaxErrors = doc.errors.map((e) => {
      const { line, col } = lines.linePos(e.pos[0]);
      // The library's first line is the useful one; the rest is a code excerpt.
      const message = e.message.split('\n')[0] ?? e.message;
      return {
        file,
        line,
        col,
        message: `YAML syntax: ${message}`,
        fix: 'fix the YAML syntax first (indentation, quotes, colons)',
      };
    });
  }

  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    return new YamlSource(file, text, doc, lines);
  }

  /**
   * The document as plain data (maps become objects). A document whose
   * aliases expand to an excessive size (the "billion laughs" attack) is
   * refused with ERR_INVALID_ARGS instead of being expanded.
   */
  data(): unknown {
    try {
      return this.doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      if (!(err instanceof ReferenceError)) throw err;
      throw new StatusError(
        Status.ERR_INVALID_ARGS,
        `${this.file}: ${err.message}; manifests need few aliases: write the values out instead`,
      );
    }
  }

  /** The YAML node at `path`, or undefined when the path does not exist. */
  node(path: YamlPath): Node | undefined {
    let node: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair === undefined) return undefined;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        node = node.items[seg];
      } else {
        return undefined;
      }
    }
    return node === null || node === undefined || isPair(node) ? undefined : (node as Node);
  }

  /**
   * Where `path` is. For the key form, the position of the map key itself (for
   * "unknown key" errors); otherwise its value. A path that does not exist
   * (a missing key) resolves to its nearest existing ancestor.
   */
  position(path: YamlPath, form: 'value' | 'key' = 'value'): Position {
    if (form === 'key' && path.length > 0) {
      const parent = this.node(path.slice(0, -1));
      const last = String(path[path.length - 1]);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
        const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
        if (offset !== undefined) return this.lines.linePos(offset);
      }
    }
    for (let n = path.length; n >= 0; n--) {
      const offset = this.node(path.slice(0, n))?.range?.[0];
      if (offset !== undefined) return this.lines.linePos(offset);
    }
    return { line: 1, col: 1 };
  }

  /** A diagnostic at `path`, naming the path. */
  at(path: YamlPath, message: string, fix?: string, form: 'value' | 'key' = 'value'): Diagnostic {
    const { line, col } = this.position(path, form);
    const d: Diagnostic = { file: this.file, line, col, path: formatYamlPath(path), message };
    return fix === undefined ? d : { ...d, fix };
  }

  /**
   * Maps a position inside a block scalar (`bind: |` text) back to the file,
   * so bind rule errors in an inline block point at the manifest's own lines.
   * Returns undefined when the scalar is not a literal block, whose lines map
   * one to one.
   */
  blockScalarOrigin(
    path: YamlPath,
  ): { readonly line: number; readonly indent: number } | undefined {
    const node = this.node(path);
    if (!isScalar(node) || node.type !== 'BLOCK_LITERAL' || node.range == null) return undefined;
    // The content starts on the line after the `|` header; its indentation is
    // that of the first non-empty content line.
    const header = this.lines.linePos(node.range[0]);
    const lines = this.text.split('\n');
    for (let i = header.line; i < lines.length; i++) {
      const content = lines[i] ?? '';
      if (content.trim() === '') continue;
      const indent = content.length - content.trimStart().length;
      return { line: header.line + 1, indent };
    }
    return undefined;
  }
}
