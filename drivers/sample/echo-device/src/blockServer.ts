/**
 * fdf.block/Block for the fake device: its memory, and the "DMA" that copies
 * between it and the VMO an operation carries. The VMO is the caller's shared
 * memory, wherever the caller runs: a read lands in the client's buffer
 * without a copy through any channel.
 *
 * The same store backs the FIDL server (Driver or Channel transport) and the
 * Banjo function table.
 */
import { block, blockBanjo } from '@fdf/bindings';
import type { DriverCounters } from '@fdf/framework';
import { Status, Vmo } from '@fdf/zx';
import { fillBlock } from './blockPattern.js';
import type { EchoDeviceConfig } from './deviceConfig.js';

export class BlockStore {
  readonly config: EchoDeviceConfig;
  readonly #memory: Uint8Array;
  readonly #counters: DriverCounters;

  constructor(config: EchoDeviceConfig, counters: DriverCounters) {
    this.config = config;
    this.#counters = counters;
    this.#memory = new Uint8Array(config.blockCount * config.blockSize);
    for (let b = 0; b < config.blockCount; b++) {
      fillBlock(this.#memory.subarray(b * config.blockSize, (b + 1) * config.blockSize), b);
    }
  }

  query(): block.BlockQueryResult {
    return {
      info: {
        blockCount: BigInt(this.config.blockCount),
        blockSize: this.config.blockSize,
        maxTransferSize: block.MAX_TRANSFER_UNBOUNDED,
        flags: 0,
      },
      opSize: 0n,
    };
  }

  /** Runs one operation; the status says what was wrong with it (never a throw). */
  run(op: block.BlockOp): Status {
    this.#counters.add('block.ops');
    switch (op.$tag) {
      case 'flush':
        return Status.OK;
      case 'trim':
        return Status.ERR_NOT_SUPPORTED;
      case 'rw':
        return this.#readWrite(op.rw);
    }
  }

  #readWrite(rw: block.BlockReadWrite): Status {
    const { blockCount, blockSize } = this.config;
    const { opcode } = rw.command;
    if (opcode !== block.BlockOpcode.READ && opcode !== block.BlockOpcode.WRITE) {
      return Status.ERR_NOT_SUPPORTED;
    }
    if (!(rw.vmo instanceof Vmo)) return Status.ERR_WRONG_TYPE;
    const dev = Number(rw.offsetDev);
    const at = Number(rw.offsetVmo) * blockSize;
    const bytes = rw.length * blockSize;
    if (rw.length === 0 || dev + rw.length > blockCount) return Status.ERR_OUT_OF_RANGE;
    if (at + bytes > rw.vmo.size) return Status.ERR_OUT_OF_RANGE;
    const memory = this.#memory.subarray(dev * blockSize, dev * blockSize + bytes);
    if (opcode === block.BlockOpcode.READ) rw.vmo.write(memory, at);
    else rw.vmo.read(memory, at);
    this.#counters.add(
      opcode === block.BlockOpcode.READ ? 'block.read_bytes' : 'block.write_bytes',
      bytes,
    );
    return Status.OK;
  }
}

/** The FIDL server: completes each op at once, with the op as it came. */
export function blockServer(store: BlockStore): block.BlockServer {
  return {
    query: (completer) => completer.reply(store.query()),
    queue: ({ op }, completer) => completer.reply({ status: store.run(op), op }),
  };
}

/** The Banjo function table: the same store, called directly. */
export function blockBanjoOps(): blockBanjo.BlockBanjoOps<BlockStore> {
  return {
    query: (store) => store.query(),
    queue: (store, { op }, complete) => complete({ status: store.run(op), op }),
  };
}
