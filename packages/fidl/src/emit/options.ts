/** Options of `emitTypeScript`. */
export interface EmitOptions {
  /**
   * Which libraries of the IR get a file: `all` (default; every library, each
   * file importing its dependencies from a sibling file) or `last` (only the
   * library that was compiled, its dependencies assumed to exist beside it).
   */
  libraries?: 'all' | 'last';
  /** Module the generated code imports its support from. Default `@fdf/fidl`. */
  fidlModule?: string;
  /** Module of Handle and Status. Default `@fdf/zx`. */
  zxModule?: string;
  /** Module of Arena and Channel. Default `@fdf/runtime`. */
  runtimeModule?: string;
  /** Shown in each file's header as the command that regenerates it. */
  regenerateCommand?: string;
}

export const DEFAULT_EMIT_OPTIONS: Required<EmitOptions> = {
  libraries: 'all',
  fidlModule: '@fdf/fidl',
  zxModule: '@fdf/zx',
  runtimeModule: '@fdf/runtime',
  regenerateCommand: 'pnpm --filter @fdf/bindings generate',
};
