/**
 * The bottom of the test stacks: a block device over a byte array, offered
 * as fdf.block/Block (Driver transport) and as the Banjo Block table, the
 * way block-core's child is. It logs every op it ran, can complete Banjo ops
 * inline or later (a completion may arrive before Queue returns, or not),
 * and can fail writes to chosen blocks.
 */
import { block, blockBanjo } from '@fdf/bindings';
import { OutgoingDirectory } from '@fdf/framework';
import { env, type Dispatcher } from '@fdf/runtime';
import { Status, Vmo } from '@fdf/zx';
import { BLOCK_BIND_PROTOCOL } from '../index.js';
import type { TestStack } from './driverHarness.js';

export interface LoggedOp {
  readonly opcode: number;
  readonly offsetDev: bigint;
  readonly length: number;
}

export class MemoryDisk {
  readonly bytes: Uint8Array;
  readonly blockSize: number;
  readonly ops: LoggedOp[] = [];
  /** Completions (Banjo and Block) run from a task of the disk's dispatcher, not inside queue(). */
  completeLater = false;
  /** Writes touching any of these device blocks fail with ERR_IO. */
  readonly failWrites = new Set<bigint>();
  #dispatcher: Dispatcher | undefined;

  constructor(image: Uint8Array, blockSize: number) {
    this.bytes = image;
    this.blockSize = blockSize;
  }

  get blockCount(): bigint {
    return BigInt(this.bytes.length / this.blockSize);
  }

  query(): block.BlockQueryResult {
    return {
      info: {
        blockCount: this.blockCount,
        blockSize: this.blockSize,
        maxTransferSize: block.MAX_TRANSFER_UNBOUNDED,
        flags: 0,
      },
      opSize: 0n,
    };
  }

  run(op: block.BlockOp): Status {
    if (op.$tag === 'flush') {
      this.ops.push({ opcode: block.BlockOpcode.FLUSH, offsetDev: 0n, length: 0 });
      return Status.OK;
    }
    if (op.$tag === 'trim') {
      const { offsetDev, length } = op.trim;
      this.ops.push({ opcode: block.BlockOpcode.TRIM, offsetDev, length });
      return Status.OK;
    }
    const rw = op.rw;
    const { opcode } = rw.command;
    this.ops.push({ opcode, offsetDev: rw.offsetDev, length: rw.length });
    if (!(rw.vmo instanceof Vmo)) return Status.ERR_WRONG_TYPE;
    if (rw.offsetDev + BigInt(rw.length) > this.blockCount) return Status.ERR_OUT_OF_RANGE;
    const at = Number(rw.offsetDev) * this.blockSize;
    const bytes = rw.length * this.blockSize;
    const vmoAt = Number(rw.offsetVmo) * this.blockSize;
    if (vmoAt + bytes > rw.vmo.size) return Status.ERR_OUT_OF_RANGE;
    if (opcode === block.BlockOpcode.READ) {
      rw.vmo.write(this.bytes.subarray(at, at + bytes), vmoAt);
      return Status.OK;
    }
    if (opcode === block.BlockOpcode.WRITE) {
      for (let b = 0n; b < BigInt(rw.length); b++) {
        if (this.failWrites.has(rw.offsetDev + b)) return Status.ERR_IO;
      }
      rw.vmo.read(this.bytes.subarray(at, at + bytes), vmoAt);
      return Status.OK;
    }
    return Status.ERR_NOT_SUPPORTED;
  }

  /** Offers the disk at `path` of `stack` (both variants), with block-core's properties. */
  serve(stack: TestStack, path: string, host = 'block'): void {
    const owner = { name: 'memory-disk' };
    const dispatcher = env.createDispatcherWithOwner(owner, { name: 'memory-disk' });
    this.#dispatcher = dispatcher;
    const outgoing = new OutgoingDirectory('memory-disk', dispatcher);
    outgoing.addService(block.Block, {
      query: (completer) => completer.reply(this.query()),
      queue: ({ op }, completer) => {
        if (!this.completeLater) {
          completer.reply({ status: this.run(op), op });
          return;
        }
        this.#dispatcher?.post(() => completer.reply({ status: this.run(op), op }));
      },
    });
    outgoing.addBanjo(
      blockBanjo.Block,
      {
        query: () => this.query(),
        queue: (_ctx, { op }, complete) => {
          if (!this.completeLater) {
            complete({ status: this.run(op), op });
            return;
          }
          this.#dispatcher?.post(() => complete({ status: this.run(op), op }));
        },
      } satisfies blockBanjo.BlockBanjoOps,
      this,
    );
    stack.addProvider(path, outgoing, { 'fuchsia.BIND_PROTOCOL': BLOCK_BIND_PROTOCOL }, host);
  }

  /** Every offset where `pattern` occurs in the raw bytes. */
  find(pattern: Uint8Array): number[] {
    const raw = Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    const found: number[] = [];
    for (let i = raw.indexOf(pattern); i >= 0; i = raw.indexOf(pattern, i + 1)) found.push(i);
    return found;
  }
}

/** A pattern no encryption would produce by chance: `tag` repeated with a position counter. */
export function plaintext(bytes: number, tag: string): Uint8Array {
  const out = new Uint8Array(bytes);
  const text = new TextEncoder().encode(tag);
  for (let i = 0; i < bytes; i++)
    out[i] = i % 64 < text.length ? (text[i % 64] ?? 0) : (i >> 6) & 0xff;
  return out;
}

export function rwOp(
  opcode: block.BlockOpcode,
  vmo: Vmo,
  offsetDev: bigint,
  length: number,
  offsetVmo = 0n,
): block.BlockOp {
  return block.BlockOp.rw({
    command: { opcode, flags: 0 },
    extra: 0,
    vmo,
    length,
    offsetDev,
    offsetVmo,
  });
}

/** Queues `op` and resolves with its status and the op that came back; counts completions. */
export function run(
  parent: {
    queue(op: block.BlockOp, arena: undefined, done: (s: Status, op: block.BlockOp) => void): void;
  },
  op: block.BlockOp,
): Promise<{ status: Status; op: block.BlockOp; completions: () => number }> {
  return new Promise((resolve) => {
    let completions = 0;
    parent.queue(op, undefined, (status, returned) => {
      completions++;
      if (completions === 1) resolve({ status, op: returned, completions: () => completions });
    });
  });
}

/** Byte equality that stays fast on large buffers (deep equality walks element by element). */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): string {
  if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
  if (Buffer.compare(actual, expected) === 0) return 'equal';
  const at = actual.findIndex((b, i) => b !== expected[i]);
  return `first difference at byte ${at}`;
}
