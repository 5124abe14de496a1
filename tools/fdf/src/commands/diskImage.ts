import { open, unlink, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Status, StatusError } from '@fdf/zx';
import type { ReadBlocksAsync } from '@fdf/block-gpt';

/**
 * A disk image file: positioned reads and writes by byte offset, block reads
 * for the GPT reader, and errors from the file system turned into
 * StatusErrors that say what to do.
 */

/**
 * `pnpm fdf` runs from the repository root, so a relative path is taken from
 * the directory the command was typed in (INIT_CWD).
 */
export function userPath(path: string): string {
  return resolve(process.env['INIT_CWD'] ?? process.cwd(), path);
}

const FS_STATUS: Readonly<Record<string, [Status, string]>> = {
  ENOENT: [
    Status.ERR_NOT_FOUND,
    'check the path (relative paths start from the current directory)',
  ],
  EEXIST: [Status.ERR_ALREADY_EXISTS, 'pass --force to overwrite it, or choose another path'],
  EACCES: [Status.ERR_ACCESS_DENIED, 'check the file and directory permissions'],
  EPERM: [Status.ERR_ACCESS_DENIED, 'check the file and directory permissions'],
  EISDIR: [Status.ERR_NOT_FILE, 'give the path of an image file, not a directory'],
  ENOSPC: [Status.ERR_NO_SPACE, 'free some space or make the image smaller'],
  EFBIG: [
    Status.ERR_FILE_BIG,
    'the file system cannot hold a file this big; make the image smaller',
  ],
};

/** A file system error as a StatusError naming the path and what was being done. */
export function fsError(err: unknown, path: string, action: string): StatusError {
  if (err instanceof StatusError) return err;
  const code = (err as { code?: unknown }).code;
  const known = typeof code === 'string' ? FS_STATUS[code] : undefined;
  const detail = err instanceof Error ? err.message : String(err);
  if (known !== undefined)
    return new StatusError(known[0], `cannot ${action} ${path} (${detail}); ${known[1]}`);
  return new StatusError(Status.ERR_IO, `cannot ${action} ${path} (${detail})`);
}

export class ImageFile {
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** Opens an existing image; read-only unless `writable`. */
  static async open(path: string, writable = false): Promise<ImageFile> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, writable ? 'r+' : 'r');
      const stats = await handle.stat();
      if (!stats.isFile() && !stats.isBlockDevice()) {
        throw new StatusError(
          Status.ERR_NOT_FILE,
          `${path} is not a file; give the path of a disk image`,
        );
      }
      return new ImageFile(path, handle, stats.size);
    } catch (err) {
      await handle?.close();
      throw fsError(err, path, 'open');
    }
  }

  /**
   * Creates an image of `size` bytes, all zeros. The file is sparse: only the
   * blocks written later take space. Refuses to replace a file unless `force`.
   */
  static async create(path: string, size: number, force: boolean): Promise<ImageFile> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(path, force ? 'w+' : 'wx+');
      await handle.truncate(size);
      return new ImageFile(path, handle, size);
    } catch (err) {
      await handle?.close();
      throw fsError(err, path, 'create');
    }
  }

  /** Up to `length` bytes at `offset`; fewer only at the end of the file. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    let done = 0;
    try {
      while (done < bytes.length) {
        const { bytesRead } = await this.handle.read(
          bytes,
          done,
          bytes.length - done,
          offset + done,
        );
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (err) {
      throw fsError(err, this.path, `read ${length} bytes at offset ${offset} of`);
    }
    return done === bytes.length ? bytes : bytes.subarray(0, done);
  }

  /** Writes all of `bytes` at `offset`, refusing to grow the image. */
  async write(offset: number, bytes: Uint8Array): Promise<void> {
    if (offset < 0 || offset + bytes.length > this.size) {
      throw new StatusError(
        Status.ERR_OUT_OF_RANGE,
        `writing ${bytes.length} bytes at offset ${offset} would go past the end of the ${this.size}-byte image ${this.path}`,
      );
    }
    let done = 0;
    try {
      while (done < bytes.length) {
        const { bytesWritten } = await this.handle.write(
          bytes,
          done,
          bytes.length - done,
          offset + done,
        );
        done += bytesWritten;
      }
    } catch (err) {
      throw fsError(err, this.path, `write ${bytes.length} bytes at offset ${offset} of`);
    }
  }

  /** Block reads for readGptAsync: whole blocks, ERR_IO when the file ends early. */
  blockReader(blockSize: number): ReadBlocksAsync {
    return async (lba, count) => {
      const offset = Number(lba) * blockSize;
      const bytes = await this.read(offset, count * blockSize);
      if (bytes.length !== count * blockSize) {
        throw new StatusError(
          Status.ERR_IO,
          `${this.path} ends at byte ${this.size}, inside blocks ${lba}..${lba + BigInt(count - 1)}; the image is truncated`,
        );
      }
      return bytes;
    };
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Closes and deletes the file: for an image whose creation failed half way. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }
}
