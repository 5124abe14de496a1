import { Status, StatusError } from '@fdf/zx';

/**
 * Hook for zxcrypt content in FVM volumes. The zxcrypt on-disk format library
 * (drivers/block/zxcrypt/src/format) has not landed yet; when it does,
 * `fdf disk create --zxcrypt <volume>` formats the named FVM volume with it
 * and `fdf disk inspect` shows each volume's zxcrypt header. Until then a
 * request for zxcrypt is refused before the image is touched.
 */
export function checkZxcryptSupported(volumes: readonly string[]): void {
  if (volumes.length === 0) return;
  throw new StatusError(
    Status.ERR_NOT_SUPPORTED,
    `--zxcrypt ${volumes.join(', ')}: zxcrypt formatting needs the zxcrypt format library (drivers/block/zxcrypt/src/format), which has not landed yet; create the image without --zxcrypt for now`,
  );
}
