/**
 * Where zxcrypt's root key comes from: properties of the node it binds. A
 * volume node is made by fvm, which knows nothing of keys, so the board
 * declares a composite node of one parent (the volume) whose properties it
 * writes itself, key included:
 *
 *   composites:
 *     - name: data-zxcrypt
 *       parents:
 *         - name: volume
 *           bind: 'using fdf.block; fdf.block.partition_name == "data";'
 *           properties:
 *             fdf.block.zxcrypt: true
 *             fdf.zxcrypt.root_key: "00112233...eeff"   # 32 or 64 hex digits
 *             fdf.zxcrypt.key_slot: 0                    # optional
 *
 * The composite node carries those properties; zxcrypt binds it by the
 * `fdf.block.zxcrypt` marker and reads the key from it. (A board in a real
 * product would name a key source rather than hold key bytes; the bytes here
 * are for simulated devices.)
 */
import type { DriverNode } from '@fdf/framework';
import { Status, StatusError } from '@fdf/zx';

export const ZxcryptProperty = {
  /** The bind marker: true on a node whose device holds a zxcrypt volume. */
  MARKER: 'fdf.block.zxcrypt',
  /** The root key the data key is sealed under, as 32 (16 bytes) or 64 (32 bytes) hex digits. */
  ROOT_KEY: 'fdf.zxcrypt.root_key',
  /** The key slot the root key opens (default 0). */
  KEY_SLOT: 'fdf.zxcrypt.key_slot',
} as const;

export interface ZxcryptKey {
  readonly rootKey: Uint8Array;
  readonly slot: number;
}

/** The root key and slot from the node's properties; a StatusError that says how to give them. */
export function keyFromNode(node: DriverNode): ZxcryptKey {
  const where = `zxcrypt on ${node.path}`;
  const hex = node.property(ZxcryptProperty.ROOT_KEY);
  if (hex === undefined) {
    throw new StatusError(
      Status.ERR_NOT_FOUND,
      `${where}: the node has no ${ZxcryptProperty.ROOT_KEY} property; give the volume's root key (32 or 64 hex digits) in the properties of the board's composite spec for this volume (see the zxcrypt README)`,
    );
  }
  const clean = typeof hex === 'string' ? hex.trim().replace(/^0x/i, '') : '';
  if (!/^([0-9a-fA-F]{32}|[0-9a-fA-F]{64})$/.test(clean)) {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${where}: ${ZxcryptProperty.ROOT_KEY} must be a string of 32 or 64 hex digits (a 16 or 32-byte key); it is a ${typeof hex} of ${typeof hex === 'string' ? `${clean.length} characters` : 'another kind'}`,
    );
  }
  const slot = node.property(ZxcryptProperty.KEY_SLOT) ?? 0;
  if (typeof slot !== 'number') {
    throw new StatusError(
      Status.ERR_INVALID_ARGS,
      `${where}: ${ZxcryptProperty.KEY_SLOT} must be a number (the key slot, usually 0)`,
    );
  }
  const rootKey = Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
  return { rootKey, slot };
}
