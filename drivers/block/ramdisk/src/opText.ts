/** How an op is named in error messages and logs. */
import { block } from '@fdf/bindings';

const OPCODE_NAMES: Record<number, string> = {
  [block.BlockOpcode.READ]: 'READ',
  [block.BlockOpcode.WRITE]: 'WRITE',
  [block.BlockOpcode.FLUSH]: 'FLUSH',
  [block.BlockOpcode.TRIM]: 'TRIM',
  [block.BlockOpcode.CLOSE_VMO]: 'CLOSE_VMO',
};

export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `opcode ${opcode}`;
}

/** `READ of 8 blocks at device block 100 (vmo block 0)`, `FLUSH`, `TRIM of 4 blocks at device block 9`. */
export function describeOp(op: block.BlockOp): string {
  switch (op.$tag) {
    case 'rw':
      return `${opcodeName(op.rw.command.opcode)} of ${op.rw.length} blocks at device block ${op.rw.offsetDev} (vmo block ${op.rw.offsetVmo})`;
    case 'trim':
      return `${opcodeName(op.trim.command.opcode)} of ${op.trim.length} blocks at device block ${op.trim.offsetDev}`;
    case 'flush':
      return opcodeName(op.flush.command.opcode);
    default:
      return `an op with the unknown tag ${String((op as { $tag?: unknown }).$tag)}`;
  }
}
