/**
 * The file access manifest loaders need, behind a small interface so tests
 * (and tools that hold manifests in memory) can supply their own files.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';

export interface ManifestFs {
  /** The file's text; throws when it cannot be read. */
  readFile(path: string): string;
  exists(path: string): boolean;
  isDirectory(path: string): boolean;
}

export const nodeManifestFs: ManifestFs = {
  readFile: (path) => readFileSync(path, 'utf8'),
  exists: (path) => existsSync(path),
  isDirectory: (path) => existsSync(path) && statSync(path).isDirectory(),
};

/** An in-memory file system: keys are absolute paths. Directories are implied by the files below them. */
export function memoryManifestFs(files: Readonly<Record<string, string>>): ManifestFs {
  const isDirectory = (path: string): boolean => {
    const prefix = path.endsWith('/') ? path : `${path}/`;
    return Object.keys(files).some((f) => f.startsWith(prefix));
  };
  return {
    readFile(path) {
      const text = files[path];
      if (text === undefined) {
        // Mirrors the shape of node's ENOENT error, which callers print.
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: 'ENOENT',
        });
      }
      return text;
    },
    exists: (path) => files[path] !== undefined || isDirectory(path),
    isDirectory,
  };
}

/** The short reason of a failed read: "ENOENT", or the message. */
export function readFailure(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return err instanceof Error ? err.message : String(err);
}
